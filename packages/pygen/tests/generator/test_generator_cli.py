"""`pygen generate` as a user runs it: real files, a real emulator on a loopback socket."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from pygen._cli import main
from pygen.emulator import AuthConfig, Emulator

FIXTURES = Path(__file__).resolve().parents[5] / "shared" / "fixtures" / "pygen"
OMNI = FIXTURES / "Omni" / "model.yaml"


class Result:
    def __init__(self, returncode: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def pygen(*args: str, cwd: Path, env: dict[str, str] | None = None) -> Result:
    """Run the real command in-process (click's runner), from `cwd`."""
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    finally:
        os.chdir(previous)
    return Result(result.exit_code, result.stdout, result.stderr)


def test_generate_then_up_to_date_then_check_and_dry_run(tmp_path: Path) -> None:
    first = pygen("generate", "--file", str(OMNI), "-o", "out", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "wrote 26 file(s)" in first.stdout
    assert (tmp_path / "out" / "omni_sdk" / "primitive_nullable.py").is_file()
    second = pygen("generate", "--file", str(OMNI), "-o", "out", "--json", cwd=tmp_path)
    assert json.loads(second.stdout)["status"] == "current"
    assert pygen("generate", "--file", str(OMNI), "-o", "out", "--check", cwd=tmp_path).returncode == 0
    edited = tmp_path / "out" / "omni_sdk" / "empty.py"
    edited.write_text(edited.read_text().replace("class Empty(", "class Emptied("))
    check = pygen("generate", "--file", str(OMNI), "-o", "out", "--check", cwd=tmp_path)
    assert check.returncode == 1
    assert "empty.py" in check.stdout
    dry = pygen("generate", "--file", str(OMNI), "-o", "out", "--dry-run", cwd=tmp_path)
    assert dry.returncode == 0
    assert "-class Emptied(" in dry.stdout
    assert "+class Empty(" in dry.stdout
    assert "Emptied" in edited.read_text()  # a dry run writes nothing


def test_include_and_exclude_views(tmp_path: Path) -> None:
    result = pygen(
        "generate",
        "--file",
        str(OMNI),
        "-o",
        ".",
        "--include",
        "Primitive*",
        "--exclude",
        "*Listed",
        "--json",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    files = sorted(p.name for p in (tmp_path / "omni_sdk").glob("*.py"))
    assert files == [
        "__init__.py",
        "_client.py",
        "primitive_nullable.py",
        "primitive_required.py",
        "primitive_with_defaults.py",
    ]


def test_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    missing = pygen("generate", "--file", "absent.yaml", cwd=tmp_path)
    assert missing.returncode == 1
    assert missing.stderr.startswith("error: absent.yaml: cannot read the model file")
    assert "Traceback" not in missing.stderr
    broken = tmp_path / "cycle.yaml"
    broken.write_text(
        "space: s\nexternalId: M\nversion: '1'\nviews:\n- {space: s, externalId: A, version: '1', implements: [{space: s, externalId: A, version: '1'}]}\n"
    )
    cycle = pygen("generate", "--file", str(broken), cwd=tmp_path)
    assert cycle.returncode == 1
    assert "PG104" in cycle.stderr
    nothing = pygen("generate", cwd=tmp_path)
    assert nothing.returncode == 1
    assert "--file" in nothing.stderr


@pytest.fixture
def served_emulator() -> Iterator[str]:
    with Emulator(auth=AuthConfig(required=True, tokens={"secret-token"})) as emulator:
        emulator.load(OMNI)
        with emulator.serve() as url:
            yield url


def test_live_project_from_pyproject_and_secrets_file(served_emulator: str, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.pygen]\n"
        f'base_url = "{served_emulator}"\n'
        'project = "demo"\n'
        'data_models = ["sp_pygen_models:Omni/1"]\n'
        'output = "src"\n'
        'package = "live_sdk"\n'
        'secrets = ".secrets"\n'
    )
    denied = pygen("generate", cwd=tmp_path, env={"PYGEN_TOKEN": ""})
    assert denied.returncode == 1
    (tmp_path / ".secrets").write_text("PYGEN_TOKEN=secret-token\n")
    result = pygen("generate", "--json", cwd=tmp_path, env={"PYGEN_TOKEN": ""})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["status"] == "written"
    assert (tmp_path / "src" / "live_sdk" / "connection_item_a.py").is_file()
    from_file = pygen(
        "generate",
        "--file",
        str(OMNI),
        "--package",
        "live_sdk",
        "-o",
        "src",
        "--check",
        "--config",
        "none.toml",
        cwd=tmp_path,
    )
    assert from_file.returncode == 1  # the config file does not exist
    same = pygen(
        "generate", "--file", str(OMNI), "--package", "live_sdk", "-o", "src", "--check", cwd=tmp_path
    )
    assert same.returncode == 0, same.stdout  # the file and the live project give the same SDK


def test_watch_regenerates_on_change(tmp_path: Path) -> None:
    model = tmp_path / "model.yaml"
    model.write_text(OMNI.read_text())
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from pygen._cli import main; main()",
            "generate",
            "--file",
            str(model),
            "-o",
            "out",
            "--watch",
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    target = tmp_path / "out" / "omni_sdk" / "main_interface.py"
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        while line and not line.startswith("watching"):  # the first generation, then the watcher starts
            line = process.stdout.readline()
        assert line.startswith("watching"), process.stderr.read() if process.stderr else ""
        assert target.is_file()
        deadline = time.monotonic() + 120  # a hang guard, not a timing assertion
        model.write_text(
            OMNI.read_text().replace(
                "externalId: MainInterface\n  name: MainInterface",
                "externalId: MainInterface\n  name: MainInterface\n  description: Watched change",
            )
        )
        while "Watched change" not in target.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "Watched change" in target.read_text()
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=30)

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

import phoenix_hotreload

HANG_GUARD_S = 60
MODEL = """\
from pydantic import BaseModel, Field


class Pool(BaseModel):
    size: int = Field(ge=1, le=100)


class Db(BaseModel):
    pool: Pool


class Config(BaseModel):
    db: Db
"""


def read_line(process: subprocess.Popen[str]) -> dict[str, object]:
    """The next JSON line the process prints, with a hang guard."""
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    stdout = process.stdout
    threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
    result: dict[str, object] = json.loads(lines.get(timeout=HANG_GUARD_S))
    return result


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from phoenix_hotreload._cli import main; main()", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=HANG_GUARD_S,
        check=False,
    )


def test_version_matches_about() -> None:
    assert phoenix_hotreload.__version__ in run("--version").stdout


def test_help_describes_the_tool() -> None:
    out = run("--help").stdout
    assert "Usage:" in out
    for command in ("validate", "diff", "history", "show", "watch"):
        assert command in out


def test_validate_accepts_and_rejects(tmp_path: Path) -> None:
    (tmp_path / "model.py").write_text(MODEL)
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text("db:\n  pool:\n    size: 5\n")
    bad.write_text("db:\n  pool:\n    size: 500\n")
    ok = run("validate", str(good), "--model", "model:Config", cwd=tmp_path)
    assert (ok.returncode, "valid") == (0, ok.stdout.split(":")[0])
    failed = run("validate", str(bad), "--model", "model:Config", cwd=tmp_path)
    assert failed.returncode == 1
    assert f"{bad}:3: db.pool.size: Input should be less than or equal to 100" in failed.stderr
    assert "Traceback" not in failed.stderr
    as_json = json.loads(run("validate", str(bad), "--model", "model:Config", "--json", cwd=tmp_path).stdout)
    assert as_json["status"] == "rejected"
    assert as_json["problems"][0] == {
        "message": "Input should be less than or equal to 100",
        "field": "db.pool.size",
        "path": str(bad),
        "line": 3,
    }


def test_validate_reports_syntax_and_missing_files(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("a: 1\na: 2\n")
    result = run("validate", str(broken))
    assert result.returncode == 1
    assert "duplicate key 'a'" in result.stderr
    assert run("validate", str(broken), "--lax").returncode == 0
    missing = run("validate", str(tmp_path / "nope.yaml"))
    assert missing.returncode == 1
    assert "no such configuration file" in missing.stderr
    bad_model = run("validate", str(broken), "--model", "nowhere:Thing")
    assert bad_model.returncode == 2
    assert "cannot import" in bad_model.stderr


def test_show_layers_and_picks_a_key(tmp_path: Path) -> None:
    (tmp_path / "app.yaml").write_text("db:\n  host: a\n  port: 1\n")
    (tmp_path / "app.prod.yaml").write_text("db:\n  port: 2\n")
    result = run("show", str(tmp_path / "app.yaml"), "--profile", "prod", "--json")
    assert json.loads(result.stdout) == {"db": {"host": "a", "port": 2}}
    assert run("show", str(tmp_path / "app.yaml"), "--key", "db.host").stdout.strip() == "a"
    assert run("show", str(tmp_path / "app.yaml"), "--key", "db.nope").returncode == 1


def test_diff_of_two_files(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("db: {host: a, port: 1}\n")
    (tmp_path / "b.yaml").write_text("db: {host: b, port: 1, user: u}\n")
    text = run("diff", str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml")).stdout
    assert text.splitlines() == ['~ db.host: "a" -> "b"', '+ db.user = "u"']
    data = json.loads(run("diff", str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml"), "--json").stdout)
    assert [c["path"] for c in data["added"]] == ["db.user"]


def test_watch_prints_versions_live_and_history_and_diff_read_them(tmp_path: Path) -> None:
    config = tmp_path / "app.yaml"
    config.write_text("db:\n  pool:\n    size: 5\n")
    history = tmp_path / "history"
    (tmp_path / "model.py").write_text(MODEL)
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from phoenix_hotreload._cli import main; main()",
            "watch",
            str(config),
            "--model",
            "model:Config",
            "--history",
            str(history),
            "--json",
            "--debounce-ms",
            "20",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    try:
        first = read_line(process)
        assert (first["version"], first["status"]) == (1, "applied")
        config.write_text("db:\n  pool:\n    size: 500\n")
        second = read_line(process)
        assert (second["status"], second["problems"][0]["field"]) == ("rejected", "db.pool.size")
        config.write_text("db:\n  pool:\n    size: 6\n")
        third = read_line(process)
        assert (third["version"], third["status"]) == (3, "applied")
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=HANG_GUARD_S)
    assert process.returncode == 0
    listed = run("history", str(history)).stdout.splitlines()
    assert [line.split()[:2] for line in listed if line.startswith("v")] == [
        ["v1", "applied"],
        ["v2", "rejected"],
        ["v3", "applied"],
    ]
    assert json.loads(run("history", str(history), "--json").stdout)[1]["problems"][0]["line"] == 3
    assert run("diff", "--history", str(history), "1").stdout.strip() == "~ db.pool.size: 5 -> 6"
    assert run("diff", "--history", str(history), "1", "2").returncode == 1
    assert os.path.isdir(history)


def test_python_dash_m_runs_the_command_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "phoenix_hotreload", "--help"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert result.stdout.startswith("Usage: python -m phoenix_hotreload [OPTIONS] COMMAND")

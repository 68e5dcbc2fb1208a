"""The fork server, with real processes: started by the first run, reused by the next, replaced
when what it imported changed, shared by concurrent runs, gone after its idle timeout."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

# Each run of this test appends "<worker pid> <its parent> <OLDPWD seen> <cwd>" to a file.
PROBE = """
import os

def test_probe():
    with open({log!r}, "a") as f:
        f.write(f"{{os.getpid()}} {{os.getppid()}} {{os.environ.get('OLDPWD', '-')}} {{os.getcwd()}}\\n")
"""


@pytest.fixture
def probe(write_suite: Callable[[dict[str, str]], Path], tmp_path: Path) -> tuple[Path, Path]:
    log = tmp_path / "probe.log"
    root = write_suite({"project/test_probe.py": PROBE.format(log=str(log))}) / "project"
    return root, log


def _runs(log: Path) -> list[list[str]]:
    return [line.split() for line in log.read_text().splitlines()]


def _passed(result: subprocess.CompletedProcess[str], runner: Any, count: int = 1) -> None:
    assert runner.counts(result.stdout) == {"passed": count}, result.stdout + result.stderr
    assert result.returncode == 0


def _command(process: int) -> bytes:
    try:
        return Path(f"/proc/{process}/cmdline").read_bytes()
    except OSError:
        return b""


def test_the_first_run_starts_a_server_the_next_reuses_it(
    runner: Any, probe: tuple[Path, Path], server_env: dict[str, str]
) -> None:
    root, log = probe
    _passed(runner.dx(root, env={**server_env, "OLDPWD": "/first"}), runner)
    _passed(runner.dx(root, env={**server_env, "OLDPWD": "/second"}), runner)
    (first, second) = _runs(log)
    assert first[1] == second[1], "both workers come from one server"
    assert b"dxpytest._forkserver" in _command(int(first[1]))
    assert first[0] != second[0], "each run has a fresh worker"
    assert (first[2], second[2]) == ("/first", "/second"), "a worker has its own controller's environment"
    assert second[3] == str(root)
    directory = Path(server_env["XDG_RUNTIME_DIR"]) / "dxpytest"
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    (socket_file,) = directory.glob("*.sock")
    assert stat.S_IMODE(socket_file.stat().st_mode) == 0o600


def test_the_opt_out_starts_no_server(
    runner: Any, probe: tuple[Path, Path], server_env: dict[str, str]
) -> None:
    root, log = probe
    _passed(runner.dx(root, "--no-server", env=server_env), runner)
    _passed(runner.dx(root, env={**server_env, "DXPYTEST_NO_SERVER": "1"}), runner)
    assert runner.servers(Path(server_env["XDG_RUNTIME_DIR"])) == []
    assert len(_runs(log)) == 2
    assert not list(Path(server_env["XDG_RUNTIME_DIR"]).glob("dxpytest/*.sock"))


def test_a_changed_third_party_module_gets_a_fresh_server(
    runner: Any, write_suite: Callable[[dict[str, str]], Path], tmp_path: Path, server_env: dict[str, str]
) -> None:
    """The server imports `extlib` (a dependency outside the project) for the second run; once
    the file changes, the third run must see the new value, from a new server."""
    log = tmp_path / "probe.log"
    write_suite(
        {
            "site/extlib.py": "VALUE = 1\n",
            "expected.txt": "1",
            "project/test_dep.py": f"""
import os
import extlib

def test_dep():
    with open({str(log)!r}, "a") as f:
        f.write(f"{{os.getppid()}}\\n")
    assert extlib.VALUE == int(open({str(tmp_path / "expected.txt")!r}).read())
""",
        }
    )
    path = os.pathsep.join(filter(None, [str(tmp_path / "site"), os.environ.get("PYTHONPATH")]))
    env = {**server_env, "PYTHONPATH": path}
    root = tmp_path / "project"
    _passed(runner.dx(root, env=env), runner)  # records extlib among the modules to warm
    _passed(runner.dx(root, env=env), runner)  # the server imported extlib before forking
    (tmp_path / "site" / "extlib.py").write_text("VALUE = 22\n")
    (tmp_path / "expected.txt").write_text("22")
    _passed(runner.dx(root, env=env), runner)
    first, second, third = log.read_text().split()
    assert first == second
    assert third != second


@pytest.mark.parametrize("kind", ["exit", "sigkill"])
def test_a_worker_crash_is_reported_and_the_server_lives_on(
    runner: Any, probe: tuple[Path, Path], server_env: dict[str, str], kind: str
) -> None:
    root, log = probe
    crash = {
        "exit": "import os\n\ndef test_crash():\n    os._exit(7)\n",
        "sigkill": "import os, signal\n\ndef test_crash():\n    os.kill(os.getpid(), signal.SIGKILL)\n",
    }[kind]
    (root / "test_crash.py").write_text(crash)
    result = runner.dx(root, "-n", "2", env=server_env)
    assert runner.counts(result.stdout) == {"failed": 1, "passed": 1}, result.stdout + result.stderr
    assert ("exited with code 7" if kind == "exit" else "SIGKILL") in result.stdout
    (root / "test_crash.py").unlink()
    _passed(runner.dx(root, env=server_env), runner)
    first, second = _runs(log)
    assert first[1] == second[1]


def test_concurrent_runs_share_one_server(
    probe: tuple[Path, Path], server_env: dict[str, str], runner: Any
) -> None:
    root, log = probe
    command = [sys.executable, "-m", "dxpytest", "--ci"]
    env = {**os.environ, **server_env}
    processes = [
        subprocess.Popen(
            command, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(3)
    ]
    for process in processes:
        stdout, stderr = process.communicate(timeout=runner.hang_guard_s)
        assert runner.counts(stdout) == {"passed": 1}, stdout + stderr
    parents = {run[1] for run in _runs(log)}
    assert len(parents) == 1
    assert len(runner.servers(Path(server_env["XDG_RUNTIME_DIR"]))) == 1


def test_an_idle_server_exits_and_removes_its_socket(
    runner: Any, probe: tuple[Path, Path], server_env: dict[str, str]
) -> None:
    root, log = probe
    _passed(runner.dx(root, env={**server_env, "DXPYTEST_SERVER_IDLE_S": "1"}), runner)
    (run,) = _runs(log)
    server = int(run[1])
    deadline = time.monotonic() + runner.hang_guard_s
    while b"dxpytest._forkserver" in _command(server) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert b"dxpytest._forkserver" not in _command(server)
    assert not list(Path(server_env["XDG_RUNTIME_DIR"]).glob("dxpytest/*.sock"))

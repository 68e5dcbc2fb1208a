from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

HANG_GUARD_S = 300


class Runner:
    """Runs dxpytest and pytest as real subprocesses (fixture `runner`)."""

    hang_guard_s = HANG_GUARD_S

    @staticmethod
    def dx(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return run_dxpytest(cwd, *args, env=env)

    @staticmethod
    def pytest(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
        return run_pytest(cwd, *args)

    @staticmethod
    def counts(output: str) -> dict[str, int]:
        return summary_counts(output)

    @staticmethod
    def nodeids(output: str) -> list[str]:
        return output.split("\n\n")[0].split()

    @staticmethod
    def servers(runtime: Path) -> list[int]:
        return servers_under(runtime)


@pytest.fixture(autouse=True)
def _no_fork_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """dxpytest runs started by these tests leave no fork server behind (`server_env` opts in)."""
    monkeypatch.setenv("DXPYTEST_NO_SERVER", "1")


@pytest.fixture
def runner() -> type[Runner]:
    return Runner


def run_dxpytest(
    cwd: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dxpytest", "--ci", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
        env={**os.environ, **(env or {})},
        check=False,
    )


@pytest.fixture
def server_env() -> Iterator[dict[str, str]]:
    """An environment in which dxpytest uses a fork server with its sockets in a private
    runtime directory of this test; every server started there is stopped afterwards."""
    runtime = Path(tempfile.mkdtemp(prefix="dx"))  # short: a socket path has at most 107 bytes
    yield {"XDG_RUNTIME_DIR": str(runtime), "DXPYTEST_NO_SERVER": "", "DXPYTEST_SERVER_IDLE_S": "60"}
    for pid in servers_under(runtime):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    shutil.rmtree(runtime, ignore_errors=True)


def servers_under(runtime: Path) -> list[int]:
    """Pids of the fork servers whose socket is in `runtime`: the processes with the server's
    command line, less its workers, which share it (forked, not started) until the server has
    killed them, a moment after their controller left."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().split(b"\0")
                stat_fields = (entry / "stat").read_bytes().rsplit(b")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if b"dxpytest._forkserver" in command and any(str(runtime).encode() in part for part in command):
                parents[int(entry.name)] = int(stat_fields[1])  # after the state: the parent's pid
    return [pid for pid, parent in parents.items() if parent not in parents]


def run_pytest(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:randomly", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
        check=False,
    )


def last_line(output: str) -> str:
    lines = [line for line in output.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def summary_counts(output: str) -> dict[str, int]:
    """'=== 1 failed, 2 passed in 0.1s ===' → {"failed": 1, "passed": 2}."""
    line = last_line(output).strip("= ")
    body = line.rsplit(" in ", 1)[0]
    counts: dict[str, int] = {}
    for part in body.split(", "):
        number, _, name = part.partition(" ")
        if number.isdigit():
            name = {"errors": "error", "warnings": "warning"}.get(name, name)
            counts[name] = int(number)
    return counts


@pytest.fixture
def write_suite(tmp_path: Path) -> Callable[[dict[str, str]], Path]:
    def write(files: dict[str, str]) -> Path:
        for name, text in files.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text))
        return tmp_path

    return write

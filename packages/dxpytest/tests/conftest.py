from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
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

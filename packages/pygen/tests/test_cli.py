from __future__ import annotations

import subprocess
import sys

import pygen


def test_version_matches_about() -> None:
    out = subprocess.run(
        [sys.executable, "-c", "from pygen._cli import main; main()", "--version"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert pygen.__version__ in out


def test_help_describes_the_tool() -> None:
    out = subprocess.run(
        [sys.executable, "-c", "from pygen._cli import main; main()", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Usage:" in out


def test_python_dash_m_runs_the_command_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pygen", "--help"], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.startswith("Usage: python -m pygen [OPTIONS] COMMAND")

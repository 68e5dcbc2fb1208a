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

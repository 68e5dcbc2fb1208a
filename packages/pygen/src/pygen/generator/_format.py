"""Format generated sources with ruff, run from its wheel as one subprocess for all files."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from pygen._errors import GenerationError

LINE_LENGTH = 88


def ruff_command() -> list[str]:
    """How to run the ruff that is installed with pygen (its wheel's binary)."""
    try:
        from ruff.__main__ import find_ruff_bin  # type: ignore[import-untyped]

        return [str(find_ruff_bin())]
    except (ImportError, FileNotFoundError):
        return [sys.executable, "-m", "ruff"]


def format_sources(files: dict[str, str], *, line_length: int = LINE_LENGTH) -> dict[str, str]:
    """Format every `.py` file with `ruff format` (isolated from any project configuration).

    Args:
        files: Relative path -> source.
        line_length: The formatter's line length.

    Returns:
        The same mapping with formatted sources.

    Raises:
        GenerationError: ruff is missing or rejects a file (names the file).
    """
    python = {path: text for path, text in files.items() if path.endswith(".py")}
    with tempfile.TemporaryDirectory(prefix="pygen-format-") as tmp:
        root = Path(tmp)
        for path, text in python.items():
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        options = ["--isolated", "--line-length", str(line_length), "--target-version", "py311", "--quiet"]
        _run([*ruff_command(), "check", *options, "--select", "I,RUF022", "--fix", "--exit-zero", "."], root)
        _run([*ruff_command(), "format", *options, "."], root)
        return {
            path: (root / path).read_text(encoding="utf-8") if path in python else text
            for path, text in files.items()
        }


def _run(command: list[str], cwd: Path) -> None:
    try:
        result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    except OSError as error:
        raise GenerationError(f"cannot run ruff: {error}") from None
    if result.returncode != 0:
        raise GenerationError(
            f"ruff {command[1] if command[0].endswith('ruff') else command[3]} failed: {(result.stderr or result.stdout).strip()}"
        )

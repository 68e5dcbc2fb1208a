"""Generated SDKs pass ruff and mypy --strict (with the pydantic plugin) with zero findings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pygen.generator import GeneratedSDK
from pygen.generator._format import ruff_command

_RULES = "E,F,W,I,B,UP,SIM,RUF,PT,C4,PIE,RET"


@pytest.mark.parametrize("name", ["Omni", "CogniteCore", "EdgeCases"])
def test_ruff_reports_nothing(generated: dict[str, tuple[GeneratedSDK, Path]], name: str) -> None:
    sdk, root = generated[name]
    result = subprocess.run(
        [
            *ruff_command(),
            "check",
            "--isolated",
            "--select",
            _RULES,
            "--ignore",
            "E501",  # as in this repository's configuration; ruff's default rules leave it out too
            "--no-cache",
            sdk.package,
        ],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    fmt = subprocess.run(
        [*ruff_command(), "format", "--isolated", "--check", sdk.package],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


def test_mypy_strict_with_pydantic_plugin_reports_nothing(
    generated: dict[str, tuple[GeneratedSDK, Path]], tmp_path: Path
) -> None:
    config = tmp_path / "mypy.ini"
    config.write_text("[mypy]\nstrict = True\nplugins = pydantic.mypy\nwarn_unreachable = True\n")
    root = generated["Omni"][1]
    packages = [generated[name][0].package for name in ("Omni", "CogniteCore", "EdgeCases")]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            str(config),
            "--cache-dir",
            str(tmp_path / "cache"),
            *packages,
        ],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout

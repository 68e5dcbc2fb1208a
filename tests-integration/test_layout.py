"""The distributions install side by side and each answers for itself, as a user sees them."""

from __future__ import annotations

import importlib.metadata
import shutil
import subprocess

import pytest

CLIS = {
    "pyautoload": "pyautoload",
    "pygen-cdf": "pygen",
    "xtnsmgr": "xtnsmgr",
    "dxpytest": "dxpytest",
    "phoenix-hotreload": "phoenix-hotreload",
}


@pytest.mark.parametrize(("distribution", "command"), sorted(CLIS.items()))
def test_console_script_reports_the_installed_version(distribution: str, command: str) -> None:
    exe = shutil.which(command)
    assert exe is not None, f"{command} is not on PATH"
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, check=True).stdout
    assert importlib.metadata.version(distribution) in out


def test_every_package_depends_on_devcore_kit_by_range() -> None:
    for distribution in CLIS:
        requires = importlib.metadata.requires(distribution) or []
        core = [r for r in requires if r.startswith("devcore")]
        assert core, f"{distribution} does not depend on devcore-kit"
        assert all(r.startswith("devcore-kit") and "<" in r for r in core), core

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dxpytest._pytest_internals import SUPPORTED_PYTEST, check_pytest, unsupported_pytest


def test_the_installed_pytest_is_supported() -> None:
    check_pytest()
    assert unsupported_pytest(pytest.__version__) is None


@pytest.mark.parametrize("version", ["9.0.3", "8.4.2", "9.3.0", "10.0", "nonsense", "(not installed)"])
def test_versions_outside_the_range_are_refused_with_the_range_and_a_way_out(version: str) -> None:
    problem = unsupported_pytest(version)
    assert problem is not None
    low, high = SUPPORTED_PYTEST
    assert f">={low[0]}.{low[1]},<{high[0]}.{high[1]}" in problem
    assert version in problem
    assert "--pytest" in problem


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 20), st.integers(0, 20), st.text(max_size=8))
def test_the_rule_is_the_half_open_range_whatever_the_patch(major: int, minor: int, patch: str) -> None:
    low, high = SUPPORTED_PYTEST
    supported = low <= (major, minor) < high
    assert (unsupported_pytest(f"{major}.{minor}.{patch}") is None) is supported


def test_an_unsupported_pytest_stops_dxpytest_with_a_clear_error(tmp_path: Path) -> None:
    """A distribution `pytest 9.0.3` found first on the path: no worker starts, no traceback."""
    fake = tmp_path / "site" / "pytest-9.0.3.dist-info"
    fake.mkdir(parents=True)
    (fake / "METADATA").write_text("Metadata-Version: 2.1\nName: pytest\nVersion: 9.0.3\n")
    (tmp_path / "test_one.py").write_text("def test_one():\n    pass\n")
    path = os.pathsep.join(filter(None, [str(tmp_path / "site"), os.environ.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, "-m", "dxpytest", "--ci"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": path, "DXPYTEST_CACHE_DIR": str(tmp_path / "cache")},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 3, result.stdout + result.stderr
    assert "pytest 9.0.3" in result.stderr
    assert "Traceback" not in result.stderr

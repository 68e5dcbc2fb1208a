from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[5] / "shared" / "fixtures" / "pygen"


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    if not FIXTURES.is_dir():
        pytest.fail(f"the public pygen fixtures are missing: expected them at {FIXTURES}")
    return FIXTURES

"""Fixtures shared by the DMS, client, emulator and IR tests: the public models and a loaded emulator."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pygen.client import DMSClient
from pygen.emulator import Emulator

FIXTURES = Path(__file__).resolve().parents[4] / "shared" / "fixtures" / "pygen"
OMNI_SPACE = {"pygen_models_space": "sp_pygen_models"}


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    if not (FIXTURES / "Omni" / "model.yaml").is_file():
        pytest.fail(f"the public DMS fixtures are missing: expected them in {FIXTURES}")
    return FIXTURES


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator() as em:
        yield em


@pytest.fixture
def omni(emulator: Emulator, fixtures_dir: Path) -> Emulator:
    emulator.load(fixtures_dir / "Omni" / "containers", variables=OMNI_SPACE)
    emulator.load(fixtures_dir / "Omni" / "model.yaml")
    emulator.load(fixtures_dir / "Omni" / "nodes.yaml")
    return emulator


@pytest.fixture
def client(omni: Emulator) -> Iterator[DMSClient]:
    with omni.client() as c:
        yield c

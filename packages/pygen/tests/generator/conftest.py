from __future__ import annotations

from pathlib import Path

import pytest

from pygen.generator import GeneratedSDK, generate_sdk, write_sdk
from pygen.ir import Model, edge_case_data_model, load_model_file, parse_data_models

FIXTURES = Path(__file__).resolve().parents[5] / "shared" / "fixtures" / "pygen"


def _model(name: str) -> Model:
    if name == "EdgeCases":
        return parse_data_models(edge_case_data_model())
    if not FIXTURES.is_dir():
        pytest.fail(f"the public pygen fixtures are missing: expected them at {FIXTURES}")
    return load_model_file(FIXTURES / name / "model.yaml")


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[GeneratedSDK, Path]]:
    """The SDKs of Omni, CogniteCore and the edge cases, written under one directory."""
    root = tmp_path_factory.mktemp("sdks")
    out = {}
    for name in ("Omni", "CogniteCore", "EdgeCases"):
        sdk = generate_sdk(_model(name))
        write_sdk(sdk, root)
        out[name] = (sdk, root)
    return out


@pytest.fixture
def model_of() -> object:
    return _model

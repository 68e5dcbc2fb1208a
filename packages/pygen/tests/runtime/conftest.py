from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from pygen.emulator import Emulator
from pygen.generator import generate_sdk, write_sdk
from pygen.ir import edge_case_data_model, load_model_file, parse_data_models

FIXTURES = Path(__file__).resolve().parents[5] / "shared" / "fixtures" / "pygen"
INSTANCE_SPACE = "sp_test_instances"


def fixtures() -> Path:
    if not FIXTURES.is_dir():
        pytest.fail(f"the public pygen fixtures are missing: expected them at {FIXTURES}")
    return FIXTURES


def model_file(name: str, tmp: Path) -> Path:
    if name == "EdgeCases":
        path = tmp / "edge_cases.yaml"
        path.write_text(yaml.safe_dump(edge_case_data_model()))
        return path
    return fixtures() / name / "model.yaml"


def load_emulator(emulator: Emulator, name: str, tmp: Path) -> None:
    emulator.load(model_file(name, tmp))
    if name == "Omni":
        emulator.load(fixtures() / "Omni" / "containers", variables={"pygen_models_space": "sp_pygen_models"})
        emulator.load(fixtures() / "Omni" / "nodes.yaml")
    emulator.client().spaces.apply([{"space": INSTANCE_SPACE}])


def import_sdk(root: Path, package: str) -> ModuleType:
    sys.path.insert(0, str(root))
    try:
        return importlib.import_module(package)
    finally:
        sys.path.remove(str(root))


def forget(package: str) -> None:
    for module in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
        del sys.modules[module]


class Setup:
    """An emulator loaded with a model, and the SDK generated from it, bound to the emulator."""

    def __init__(self, name: str, tmp: Path) -> None:
        self.emulator = Emulator(strict_direct_relations=False)  # the tests write placeholder targets
        load_emulator(self.emulator, name, tmp)
        model = (
            load_model_file(model_file(name, tmp))
            if name != "EdgeCases"
            else parse_data_models(edge_case_data_model())
        )
        sdk = generate_sdk(model, f"rt_{name.lower()}_sdk")
        write_sdk(sdk, tmp)
        self.package = sdk.package
        self.module = import_sdk(tmp, sdk.package)
        client_class: Any = next(getattr(self.module, n) for n in self.module.__all__ if n.endswith("Client"))
        self.client = self.emulator.client()
        self.async_client = self.emulator.async_client()
        self.sdk: Any = client_class(self.client, self.async_client, instance_space=INSTANCE_SPACE)

    def close(self) -> None:
        forget(self.package)
        self.client.close()
        self.emulator.close()


@pytest.fixture(scope="module")
def omni(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    setup = Setup("Omni", tmp_path_factory.mktemp("omni"))
    yield setup
    setup.close()

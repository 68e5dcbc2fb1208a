"""Generation is deterministic, lazy, compact, incremental and handles every name."""

from __future__ import annotations

import importlib
import keyword
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from pygen import ModelValidationError
from pygen.generator import GeneratedSDK, diff_sdk, generate_sdk, is_current, write_sdk
from pygen.ir import Model, parse_data_models, synthetic_data_model


def test_output_is_byte_identical_across_runs(model_of: Callable[[str], Model]) -> None:
    for name in ("Omni", "EdgeCases"):
        first, second = generate_sdk(model_of(name)), generate_sdk(model_of(name))
        assert first.files == second.files
        assert first.key == second.key


def test_package_layout(generated: dict[str, tuple[GeneratedSDK, Path]]) -> None:
    sdk, _ = generated["Omni"]
    assert sdk.package == "omni_sdk"
    assert {"__init__.py", "_client.py", "py.typed", "primitive_nullable.py", "connection_item_a.py"} <= set(
        sdk.files
    )
    assert "class PrimitiveNullableWrite(_rt.DomainModelWrite)" in sdk.files["primitive_nullable.py"]
    assert "class Implementation1NonWriteableWrite" not in sdk.files["implementation1non_writeable.py"]
    assert "class ConnectionEdgeA(_rt.DomainEdge)" in sdk.files["connection_edge_a.py"]


def test_import_is_lazy(generated: dict[str, tuple[GeneratedSDK, Path]]) -> None:
    _, root = generated["CogniteCore"]
    code = (
        "import sys, cognite_core_sdk as sdk\n"
        "assert not [m for m in sys.modules if m.startswith('cognite_core_sdk.')], 'eager'\n"
        "assert 'pydantic' not in sys.modules\n"
        "asset = sdk.CogniteAsset\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('cognite_core_sdk.'))\n"
        "print(loaded)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "cognite_core_sdk.cognite_asset" in out
    assert "cognite_core_sdk.cognite_equipment" not in out


def test_every_reserved_name_round_trips_to_its_dms_alias(
    generated: dict[str, tuple[GeneratedSDK, Path]],
) -> None:
    _, root = generated["EdgeCases"]
    sys.path.insert(0, str(root))
    try:
        module = importlib.import_module("edge_cases_sdk")
        keywords_cls = module.Keywords
        names = keywords_cls.dms_names()
        assert sorted(names.values()) == sorted({*keyword.kwlist, *keyword.softkwlist})
        write = module.FieldWrite(
            space="s", external_id="x", my_prop="a", n_3d=1.5, foo_bar=2, foo_bar_2=True, foo_bar_3="b"
        )
        (node,) = write.dump()
        assert node.sources[0].properties == {
            "my-prop": "a",
            "3d": 1.5,
            "fooBar": "b",
            "foo_bar": 2,
            "FooBar": True,
        }
    finally:
        sys.path.remove(str(root))
        for name in [m for m in sys.modules if m.startswith("edge_cases_sdk")]:
            del sys.modules[name]


def test_write_is_incremental_and_diff_shows_changes(
    model_of: Callable[[str], Model], tmp_path: Path
) -> None:
    sdk = generate_sdk(model_of("Omni"))
    first = write_sdk(sdk, tmp_path)
    assert sorted(first.written) == sorted(sdk.files)
    assert is_current(tmp_path / "omni_sdk", sdk.key)
    assert diff_sdk(sdk, tmp_path) == {}
    again = write_sdk(sdk, tmp_path)
    assert again.written == []
    assert sorted(again.unchanged) == sorted(sdk.files)
    touched = tmp_path / "omni_sdk" / "empty.py"
    touched.write_text(touched.read_text() + "# edited\n")
    assert not is_current(tmp_path / "omni_sdk", sdk.key)
    assert list(diff_sdk(sdk, tmp_path)) == ["empty.py"]
    assert "-# edited" in diff_sdk(sdk, tmp_path)["empty.py"]
    smaller = generate_sdk(parse_data_models(synthetic_data_model(3)), "omni_sdk")
    report = write_sdk(smaller, tmp_path)
    assert "empty.py" in report.removed
    assert not (tmp_path / "omni_sdk" / "empty.py").exists()


def test_invalid_model_is_refused_with_codes() -> None:
    views = [
        {
            "space": "s",
            "externalId": "A",
            "version": "1",
            "implements": [{"space": "s", "externalId": "B", "version": "1"}],
        }
    ]
    with pytest.raises(ModelValidationError) as caught:
        generate_sdk(parse_data_models({"space": "s", "externalId": "M", "version": "1", "views": views}))
    assert [issue.code for issue in caught.value.issues] == ["PG101"]


def test_output_is_compact() -> None:
    sdk = generate_sdk(parse_data_models(synthetic_data_model(50, properties_per_view=14)))
    assert sdk.lines / 50 < 0.4 * 1_660  # the anchor writes about 1,660 lines per view

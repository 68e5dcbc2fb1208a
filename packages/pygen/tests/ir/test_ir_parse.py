from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from pygen import ModelError
from pygen.ir import (
    CDFReference,
    DirectRelation,
    EdgeRelation,
    EnumType,
    ListOf,
    Nullable,
    Primitive,
    ReverseRelation,
    ViewRef,
    load_model_file,
    parse_data_models,
    unwrap,
)


def test_omni_parses_every_property_kind(fixtures_dir: Path) -> None:
    model = load_model_file(fixtures_dir / "Omni" / "model.yaml")
    assert model.name == "Omni"
    assert model.data_models == (ViewRef("sp_pygen_models", "Omni", "1"),)
    assert len(model.classes) == 23
    assert sum(len(c.properties) + len(c.relationships) for c in model.classes) == 103
    by_name = {c.name: c for c in model.classes}
    nullable = {p.dms_name: p.type for p in by_name["PrimitiveNullable"].properties}
    assert nullable["int32"] == Nullable(Primitive("int32"))
    required = {p.dms_name: p.type for p in by_name["PrimitiveRequiredListed"].properties}
    assert required["text"] == ListOf(Primitive("text"))
    refs = {p.dms_name: p.type for p in by_name["CDFExternalReferencesListed"].properties}
    assert refs["files"] == Nullable(ListOf(CDFReference("file")))
    item_e = {r.dms_name: r for r in by_name["ConnectionItemE"].relationships}
    reverse = item_e["directReverseSingle"]
    assert isinstance(reverse, ReverseRelation)
    assert (reverse.multi, reverse.through_property) == (False, "directSingle")
    edge = item_e["inwardsSingleProperty"]
    assert isinstance(edge, EdgeRelation)
    assert (edge.direction, edge.multi, edge.edge_class) == (
        "inwards",
        False,
        ViewRef("sp_pygen_models", "ConnectionEdgeA", "1"),
    )
    assert by_name["ConnectionEdgeA"].used_for == "edge"
    assert not by_name["Implementation1NonWriteable"].writable


def test_cognite_core_enums_and_inheritance(fixtures_dir: Path) -> None:
    model = load_model_file(fixtures_dir / "CogniteCore" / "model.yaml")
    assert len(model.classes) == 33
    assert sum(len(c.properties) + len(c.relationships) for c in model.classes) == 328
    enum_props = [p for c in model.classes for p in c.properties if isinstance(unwrap(p.type)[0], EnumType)]
    assert len(enum_props) == 18
    enums = model.enum_by_name()
    for prop in enum_props:
        scalar = unwrap(prop.type)[0]
        assert isinstance(scalar, EnumType)
        assert scalar.enum in enums
    asset = next(c for c in model.classes if c.name == "CogniteAsset")
    name = next(p for p in asset.properties if p.dms_name == "name")
    assert name.inherited_from == ViewRef("cdf_cdm", "CogniteDescribable", "v1")
    parent = next(p for p in asset.properties if p.dms_name == "parent")
    assert parent.inherited_from is None
    assert parent.type == Nullable(DirectRelation(ViewRef("cdf_cdm", "CogniteAsset", "v1")))


def test_json_file_and_several_models_into_one_sdk(fixtures_dir: Path, tmp_path: Path) -> None:
    omni = yaml.safe_load((fixtures_dir / "Omni" / "model.yaml").read_text())
    core = yaml.safe_load((fixtures_dir / "CogniteCore" / "model.yaml").read_text())
    path = tmp_path / "models.json"
    path.write_text(json.dumps({"items": [omni, core, omni]}))
    model = load_model_file(path, name="Both")
    assert model.name == "Both"
    assert len(model.data_models) == 3
    assert len(model.classes) == 23 + 33


def test_missing_file_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(ModelError) as caught:
        load_model_file(tmp_path / "absent.yaml")
    assert caught.value.path == str(tmp_path / "absent.yaml")


def test_broken_yaml_names_the_path(tmp_path: Path) -> None:
    path = tmp_path / "model.yaml"
    path.write_text("views: [\n")
    with pytest.raises(ModelError, match="not valid"):
        load_model_file(path)


def test_unknown_property_type_says_where() -> None:
    view = {
        "space": "s",
        "externalId": "V",
        "version": "1",
        "properties": {"p": {"type": {"type": "quaternion"}}},
    }
    with pytest.raises(ModelError) as caught:
        parse_data_models({"space": "s", "externalId": "M", "version": "1", "views": [view]})
    assert caught.value.where == "view V.p.type"


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
_model_like = st.fixed_dictionaries(
    {"space": st.text(max_size=4), "externalId": st.text(max_size=4), "version": st.text(max_size=2)},
    optional={
        "views": st.lists(
            _json
            | st.fixed_dictionaries(
                {
                    "space": st.just("s"),
                    "externalId": st.just("V"),
                    "version": st.just("1"),
                    "properties": st.dictionaries(st.text(max_size=4), _json, max_size=3),
                }
            ),
            max_size=3,
        )
    },
)


@given(_json | _model_like)
def test_random_input_parses_or_raises_model_error(data: object) -> None:
    with contextlib.suppress(ModelError):
        parse_data_models(data)

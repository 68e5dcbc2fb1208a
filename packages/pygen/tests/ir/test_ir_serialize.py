from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pygen.ir
from devcore.serial import packb, unpackb
from pygen import IRFormatError
from pygen.ir import (
    CDFReference,
    ClassDef,
    DirectRelation,
    EdgeRelation,
    Enum,
    EnumType,
    EnumValue,
    ListOf,
    Model,
    NodeRef,
    Nullable,
    Primitive,
    Property,
    ReverseRelation,
    ViewRef,
    from_dict,
    load_model_file,
    prepare_python,
    to_dict,
)
from pygen.ir._model import CDF_REFERENCE_KINDS, PRIMITIVE_KINDS

_text = st.text(max_size=6)
_view = st.builds(ViewRef, _text, _text, _text)
_scalar = st.one_of(
    st.builds(Primitive, st.sampled_from(PRIMITIVE_KINDS)),
    st.builds(EnumType, _text),
    st.builds(CDFReference, st.sampled_from(CDF_REFERENCE_KINDS)),
    st.builds(DirectRelation, st.none() | _view),
)
_inner = _scalar | st.builds(ListOf, _scalar, st.none() | st.integers(0, 2000))
_type = _inner | st.builds(Nullable, _inner)
_property = st.builds(
    Property,
    _text,
    _text,
    _type,
    st.none() | _text,
    st.none() | st.integers(-(2**63), 2**63 - 1) | st.booleans() | st.floats(allow_nan=False) | _text,
    st.booleans(),
    st.none() | st.tuples(_text, _text, _text),
    st.none() | _view,
)
_edge = st.builds(
    EdgeRelation,
    _text,
    _text,
    st.builds(NodeRef, _text, _text),
    _view,
    st.sampled_from(["outwards", "inwards"]),
    st.booleans(),
    st.none() | _view,
)
_reverse = st.builds(ReverseRelation, _text, _text, _view, _view, _text, st.booleans())
_class = st.builds(
    ClassDef,
    _view,
    _text,
    st.sampled_from(["node", "edge", "all"]),
    st.booleans(),
    st.lists(_view, max_size=3).map(tuple),
    st.lists(_property, max_size=4).map(tuple),
    st.lists(_edge | _reverse, max_size=3).map(tuple),
)
_enum = st.builds(
    Enum, _text, st.lists(st.builds(EnumValue, _text, _text, st.none() | _text), max_size=3).map(tuple)
)
_models = st.builds(
    Model,
    _text,
    st.lists(_view, max_size=2).map(tuple),
    st.lists(_class, max_size=3).map(tuple),
    st.lists(_enum, max_size=2).map(tuple),
    st.none() | _text,
)


@given(_models)
def test_any_model_round_trips_through_devcore_serial(model: Model) -> None:
    assert from_dict(unpackb(packb(to_dict(model)))) == model


def test_fixture_models_round_trip(fixtures_dir: Path) -> None:
    for name in ("Omni", "CogniteCore"):
        model = prepare_python(load_model_file(fixtures_dir / name / "model.yaml"))
        assert from_dict(unpackb(packb(to_dict(model)))) == model


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"format": 99, "model": {}},
        {"format": 1, "model": {"$node": "Nope"}},
        {"format": 1, "model": {"$node": "ViewRef", "space": "s", "external_id": "x", "version": "1"}},
        {"format": 1, "model": {"$node": "Model", "name": "m", "surprise": 1}},
        {"format": 1, "model": {"$node": "Model"}},
    ],
)
def test_foreign_data_is_an_ir_format_error(data: Any) -> None:
    with pytest.raises(IRFormatError):
        from_dict(data)


def test_ir_surface_is_pinned() -> None:
    assert "Model" in pygen.ir.__all__
    assert sorted(pygen.ir.__all__) == sorted(
        name for name in dir(pygen.ir) if not name.startswith("_") and name in pygen.ir.__all__
    )

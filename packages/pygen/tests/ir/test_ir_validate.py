from __future__ import annotations

from typing import Any

import pytest

from pygen import ModelValidationError
from pygen.ir import check, edge_case_data_model, parse_data_models, validate


def _prop(kind: str = "text", **type_: Any) -> dict[str, Any]:
    return {"type": {"type": kind, "list": False, **type_}, "nullable": True}


def _view(
    name: str, properties: dict[str, Any], implements: tuple[str, ...] = (), used_for: str = "node"
) -> dict[str, Any]:
    return {
        "space": "s",
        "externalId": name,
        "version": "1",
        "usedFor": used_for,
        "implements": [{"space": "s", "externalId": p, "version": "1"} for p in implements],
        "properties": properties,
    }


def _codes(*views: dict[str, Any]) -> list[tuple[str, str | None, str | None]]:
    model = parse_data_models({"space": "s", "externalId": "M", "version": "1", "views": list(views)})
    return [(i.code, i.view, i.property) for i in validate(model)]


def _ref(name: str) -> dict[str, str]:
    return {"space": "s", "externalId": name, "version": "1"}


def test_missing_parent_is_pg101() -> None:
    assert _codes(_view("A", {}, implements=("Ghost",))) == [("PG101", "A", None)]


def test_edge_to_missing_view_is_pg102() -> None:
    edge = {
        "type": {"space": "s", "externalId": "t"},
        "source": _ref("Ghost"),
        "direction": "outwards",
        "connectionType": "multi_edge_connection",
    }
    assert _codes(_view("A", {"e": edge})) == [("PG102", "A", "e")]


def test_direct_relation_outside_the_model_is_only_a_warning() -> None:
    model = parse_data_models(
        {
            "space": "s",
            "externalId": "M",
            "version": "1",
            "views": [_view("A", {"d": _prop("direct", source=_ref("Ghost"))})],
        }
    )
    assert [(i.code, i.severity) for i in check(model)] == [("PG103", "warning")]


@pytest.mark.parametrize("size", [1, 2, 3, 10])
def test_inheritance_cycles_are_pg104(size: int) -> None:
    views = [_view(f"V{i}", {}, implements=(f"V{(i + 1) % size}",)) for i in range(size)]
    codes = _codes(*views)
    assert codes
    assert {code for code, _, _ in codes} == {"PG104"}


def test_reverse_through_a_text_property_is_pg105() -> None:
    reverse = {
        "source": _ref("B"),
        "through": {"source": _ref("B"), "identifier": "name"},
        "connectionType": "multi_reverse_direct_relation",
    }
    assert _codes(_view("A", {"r": reverse}), _view("B", {"name": _prop()})) == [("PG105", "A", "r")]


def test_edge_properties_from_a_node_view_is_pg106() -> None:
    edge = {
        "type": {"space": "s", "externalId": "t"},
        "source": _ref("A"),
        "edgeSource": _ref("B"),
        "direction": "outwards",
        "connectionType": "multi_edge_connection",
    }
    assert _codes(_view("A", {"e": edge}), _view("B", {})) == [("PG106", "A", "e")]


def test_empty_enum_is_pg107() -> None:
    assert [c for c, _, _ in _codes(_view("A", {"kind": _prop("enum", values={})}))] == ["PG107"]


def test_names_get_warnings_with_view_and_property() -> None:
    codes = _codes(
        _view("A", {"class": _prop(), "my-prop": _prop(), "fooBar": _prop(), "foo_bar": _prop()}),
        _view("a", {}),
    )
    assert ("PG201", "A", "class") in codes
    assert ("PG202", "A", "my-prop") in codes
    assert ("PG203", "A", "foo_bar") in codes
    assert ("PG204", "a", None) in codes


def test_edge_case_model_has_only_warnings() -> None:
    issues = check(parse_data_models(edge_case_data_model()))
    assert issues
    assert {i.severity for i in issues} == {"warning"}


def test_check_raises_with_the_issues() -> None:
    model = parse_data_models(
        {"space": "s", "externalId": "M", "version": "1", "views": [_view("A", {}, implements=("A",))]}
    )
    with pytest.raises(ModelValidationError) as caught:
        check(model)
    assert [i.code for i in caught.value.issues] == ["PG104"]
    assert "PG104" in str(caught.value)

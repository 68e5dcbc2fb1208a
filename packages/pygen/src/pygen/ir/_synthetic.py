"""Synthetic DMS data models (read format) for tests, benchmarks and demos.

`synthetic_data_model` builds a large, connected model of a given size; `edge_case_data_model`
packs the names and shapes that break naive generators (keywords, builtins, pydantic attributes,
hyphens, leading digits, snake_case collisions, self edges, relation cycles, deep `implements`).
"""

from __future__ import annotations

import builtins
import keyword
import random
from typing import Any

from pygen.ir._names import _MODEL_ATTRIBUTES

_SPACE = "sp_synthetic"
_PRIMITIVES = ("text", "boolean", "int32", "int64", "float32", "float64", "timestamp", "date", "json")


def _ref(external_id: str, space: str = _SPACE) -> dict[str, str]:
    return {"space": space, "externalId": external_id, "version": "1"}


def _container_property(
    view: str, prop: str, kind: str, *, list_: bool = False, nullable: bool = True, **extra: Any
) -> dict[str, Any]:
    type_: dict[str, Any] = {"type": kind, "list": list_, **extra}
    if kind == "text":
        type_["collation"] = "ucs_basic"
    return {
        "container": {"space": _SPACE, "externalId": view},
        "containerPropertyIdentifier": prop,
        "type": type_,
        "nullable": nullable,
        "immutable": False,
        "autoIncrement": False,
        "defaultValue": None,
        "name": prop,
        "description": None,
    }


def _edge(
    edge_type: str,
    target: str,
    *,
    multi: bool = True,
    direction: str = "outwards",
    edge_source: str | None = None,
) -> dict[str, Any]:
    return {
        "type": {"space": _SPACE, "externalId": edge_type},
        "source": {**_ref(target), "type": "view"},
        "edgeSource": {**_ref(edge_source), "type": "view"} if edge_source else None,
        "direction": direction,
        "connectionType": "multi_edge_connection" if multi else "single_edge_connection",
    }


def _reverse(target: str, through_property: str, *, multi: bool = True) -> dict[str, Any]:
    return {
        "source": {**_ref(target), "type": "view"},
        "through": {"source": {**_ref(target), "type": "view"}, "identifier": through_property},
        "connectionType": "multi_reverse_direct_relation" if multi else "single_reverse_direct_relation",
    }


def _view(
    external_id: str, properties: dict[str, Any], *, implements: tuple[str, ...] = (), used_for: str = "node"
) -> dict[str, Any]:
    return {
        **_ref(external_id),
        "name": external_id,
        "implements": [{**_ref(parent), "type": "view"} for parent in implements],
        "writable": True,
        "usedFor": used_for,
        "properties": properties,
    }


def _model(external_id: str, views: list[dict[str, Any]]) -> dict[str, Any]:
    return {**_ref(external_id), "name": external_id, "views": views}


def synthetic_data_model(views: int, *, properties_per_view: int = 13, seed: int = 0) -> dict[str, Any]:
    """A connected data model of `views` views with every primitive kind, lists and relations.

    Each view has `properties_per_view` properties: primitives (some lists, some required),
    an enum, a direct relation to the previous view, an edge to the next one and a reverse
    relation back; every fifth view implements the view before it (which implements nothing).

    Args:
        views: Number of views (at least 1).
        properties_per_view: Properties per view (at least 4).
        seed: Seed of the random choices, so a size always gives the same model.

    Returns:
        A data model in the DMS read format.
    """
    rng = random.Random(seed)
    out: list[dict[str, Any]] = []
    for index in range(views):
        name = f"Entity{index:04d}"
        previous, following = f"Entity{(index - 1) % views:04d}", f"Entity{(index + 1) % views:04d}"
        props: dict[str, Any] = {
            "parent": _container_property(name, "parent", "direct", source=_ref(previous)),
            "children": _reverse(following, "parent"),
            "following": _edge("link", following),
            "status": _container_property(
                name, "status", "enum", values={"Active": {}, "Retired": {}, "Planned": {}}
            ),
        }
        for number in range(max(properties_per_view - len(props), 0)):
            kind = rng.choice(_PRIMITIVES)
            props[f"{kind}Value{number}"] = _container_property(
                name, f"{kind}Value{number}", kind, list_=rng.random() < 0.2, nullable=rng.random() < 0.8
            )
        parents = (f"Entity{index - 1:04d}",) if index % 5 == 0 and index else ()  # one level deep
        if parents:
            props.update(
                (key, value) for key, value in out[index - 1]["properties"].items() if key not in props
            )
        out.append(_view(name, props, implements=parents))
    return _model(f"Synthetic{views}", out)


def edge_case_data_model() -> dict[str, Any]:
    """A data model of the shapes and names that break naive generators.

    Returns:
        A data model in the DMS read format.
    """
    reserved = sorted(
        {*keyword.kwlist, *keyword.softkwlist, *(n for n in dir(builtins) if not n.startswith("_"))}
    )
    views = [
        _view(
            "Keywords",
            {
                name: _container_property("Keywords", name, "text")
                for name in sorted({*keyword.kwlist, *keyword.softkwlist})
            },
        ),
        _view(
            "Builtins",
            {
                name: _container_property("Builtins", name, "int64")
                for name in reserved
                if name not in keyword.kwlist
            },
        ),
        _view(
            "PydanticAttributes",
            {
                name: _container_property("PydanticAttributes", name, "text")
                for name in sorted({*_MODEL_ATTRIBUTES, "properties", "query", "json"})
            },
        ),
        _view(
            "Field",
            {
                "my-prop": _container_property("Field", "my-prop", "text"),
                "3d": _container_property("Field", "3d", "float64"),
                "fooBar": _container_property("Field", "fooBar", "text"),
                "foo_bar": _container_property("Field", "foo_bar", "int32"),
                "FooBar": _container_property("Field", "FooBar", "boolean"),
                "kind": _container_property(
                    "Field", "kind", "enum", values={"class": {}, "None": {}, "1st": {}, "name": {}}
                ),
            },
        ),
        _view("FieldWrite", {"name": _container_property("FieldWrite", "name", "text")}),
        _view(
            "SelfLinked",
            {
                "name": _container_property("SelfLinked", "name", "text"),
                "parent": _container_property("SelfLinked", "parent", "direct", source=_ref("SelfLinked")),
                "children": _reverse("SelfLinked", "parent"),
                "friends": _edge("friend", "SelfLinked"),
                "rated": _edge("rating", "SelfLinked", edge_source="Rating"),
            },
        ),
        _view(
            "Rating",
            {
                "score": _container_property("Rating", "score", "float64"),
                "note": _container_property("Rating", "note", "text"),
            },
            used_for="edge",
        ),
        *(
            _view(
                name,
                {
                    "name": _container_property(name, "name", "text"),
                    "other": _container_property(name, "other", "direct", source=_ref(target)),
                },
            )
            for name, target in (
                ("CycleA", "CycleB"),
                ("CycleB", "CycleA"),
                ("Tri1", "Tri2"),
                ("Tri2", "Tri3"),
                ("Tri3", "Tri1"),
            )
        ),
    ]
    inherited: dict[str, Any] = {}
    for level in range(10):
        name = f"Level{level}"
        inherited = {
            **inherited,
            f"depth{level}": _container_property(name, f"depth{level}", "int32"),
            "link": _container_property(name, "link", "direct", source=_ref(name)),
        }
        views.append(_view(name, dict(inherited), implements=(f"Level{level - 1}",) if level else ()))
    return _model("EdgeCases", views)

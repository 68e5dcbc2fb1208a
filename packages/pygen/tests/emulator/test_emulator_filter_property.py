"""The emulator's filter evaluator agrees with a simple reference evaluator on random data."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pygen.emulator import Emulator

SPACE = "s"
VIEW = [SPACE, "V/1"]
PROPS = {
    "t": {"type": {"type": "text"}},
    "i": {"type": {"type": "int64"}},
    "f": {"type": {"type": "float64"}},
    "b": {"type": {"type": "boolean"}},
    "l": {"type": {"type": "int64", "list": True}},
    "d": {"type": {"type": "direct"}},
}
TEXTS = st.sampled_from(["", "a", "ab", "abc", "b", "ba", "Zed"])
INTS = st.integers(-3, 3)
FLOATS = st.sampled_from([-1.5, 0.0, 0.25, 2.0])
TARGETS = st.sampled_from([{"space": SPACE, "externalId": x} for x in ("n0", "n1", "n2")])
VALUES: dict[str, st.SearchStrategy[Any]] = {
    "t": TEXTS,
    "i": INTS,
    "f": FLOATS,
    "b": st.booleans(),
    "l": st.lists(INTS, max_size=4),
    "d": TARGETS,
}

instances = st.lists(
    st.fixed_dictionaries({}, optional={name: st.none() | strategy for name, strategy in VALUES.items()}),
    min_size=0,
    max_size=12,
)


def _prop(name: str) -> list[str]:
    return [*VIEW, name]


def _leaf() -> st.SearchStrategy[dict[str, Any]]:
    scalar = st.sampled_from(["t", "i", "f", "b", "d"])
    ordered = st.sampled_from(["t", "i", "f"])
    ext_id = ["node", "externalId"]

    def equals(name: str) -> st.SearchStrategy[dict[str, Any]]:
        return VALUES[name].map(lambda v: {"equals": {"property": _prop(name), "value": v}})

    def in_(name: str) -> st.SearchStrategy[dict[str, Any]]:
        return st.lists(VALUES[name], max_size=3).map(
            lambda vs: {"in": {"property": _prop(name), "values": vs}}
        )

    def range_(name: str) -> st.SearchStrategy[dict[str, Any]]:
        bounds = st.fixed_dictionaries({}, optional=dict.fromkeys(("gt", "gte", "lt", "lte"), VALUES[name]))
        return bounds.map(lambda b: {"range": {"property": _prop(name), **b}})

    return st.one_of(
        scalar.flatmap(equals),
        scalar.flatmap(in_),
        ordered.flatmap(range_),
        TEXTS.map(lambda v: {"prefix": {"property": _prop("t"), "value": v}}),
        st.lists(INTS, max_size=2).map(lambda v: {"prefix": {"property": _prop("l"), "value": v}}),
        st.sampled_from(list(VALUES)).map(lambda n: {"exists": {"property": _prop(n)}}),
        st.lists(INTS, max_size=3).map(lambda v: {"containsAny": {"property": _prop("l"), "values": v}}),
        st.lists(INTS, max_size=3).map(lambda v: {"containsAll": {"property": _prop("l"), "values": v}}),
        st.sampled_from(["n", "n1", "x"]).map(lambda v: {"prefix": {"property": ext_id, "value": v}}),
        st.just({"matchAll": {}}),
        st.just({"hasData": [{"type": "view", "space": SPACE, "externalId": "V", "version": "1"}]}),
        TEXTS.map(
            lambda v: {
                "nested": {"scope": _prop("d"), "filter": {"prefix": {"property": _prop("t"), "value": v}}}
            }
        ),
    )


filters = st.recursive(
    _leaf(),
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3).map(lambda fs: {"and": fs}),
        st.lists(inner, min_size=1, max_size=3).map(lambda fs: {"or": fs}),
        inner.map(lambda f: {"not": f}),
    ),
    max_leaves=6,
)


def _key(value: Any) -> tuple[int, Any]:
    if isinstance(value, bool):
        return (0, value)
    if isinstance(value, int | float):
        return (1, value)
    return (2, value)


def reference(flt: dict[str, Any], node: dict[str, Any], nodes: dict[str, dict[str, Any]]) -> bool:
    """A direct, obviously-correct reading of the filter language over plain dicts."""
    ((kind, body),) = flt.items()
    if kind == "and":
        return all(reference(f, node, nodes) for f in body)
    if kind == "or":
        return any(reference(f, node, nodes) for f in body)
    if kind == "not":
        return not reference(body, node, nodes)
    if kind in ("matchAll", "hasData"):
        return True  # every generated node is written through the view
    if kind == "nested":
        target = node["props"].get("d")
        return (
            target is not None
            and target["externalId"] in nodes
            and reference(body["filter"], nodes[target["externalId"]], nodes)
        )
    prop = body["property"]
    value = node["externalId"] if prop == ["node", "externalId"] else node["props"].get(prop[-1])
    if kind == "exists":
        return value is not None
    if value is None:
        return False
    if kind == "equals":
        return _key(value) == _key(body["value"])
    if kind == "in":
        return any(_key(value) == _key(v) for v in body["values"])
    if kind == "range":
        ops = {
            "gt": lambda a, b: a > b,
            "gte": lambda a, b: a >= b,
            "lt": lambda a, b: a < b,
            "lte": lambda a, b: a <= b,
        }
        return all(
            _key(value)[0] == _key(body[op])[0] and ops[op](_key(value), _key(body[op]))
            for op in ops
            if op in body
        )
    if kind == "prefix":
        if isinstance(value, str):
            return value.startswith(body["value"])
        return value[: len(body["value"])] == body["value"]
    if kind == "containsAny":
        return any(v in value for v in body["values"])
    if kind == "containsAll":
        return bool(value) and all(v in value for v in body["values"])
    raise AssertionError(kind)


def _emulator() -> Emulator:
    emulator = Emulator()
    service = emulator.service
    service.apply_schema("spaces", {"items": [{"space": SPACE}]})
    service.apply_schema("containers", {"items": [{"space": SPACE, "externalId": "C", "properties": PROPS}]})
    view_props = {
        n: {"container": {"space": SPACE, "externalId": "C"}, "containerPropertyIdentifier": n} for n in PROPS
    }
    service.apply_schema(
        "views", {"items": [{"space": SPACE, "externalId": "V", "version": "1", "properties": view_props}]}
    )
    return emulator


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=instances, flt=filters)
def test_filter_evaluator_matches_the_reference(rows: list[dict[str, Any]], flt: dict[str, Any]) -> None:
    nodes = {f"n{i}": {"externalId": f"n{i}", "props": row} for i, row in enumerate(rows)}
    with _emulator() as emulator:
        service = emulator.service
        if nodes:
            items = [
                {
                    "instanceType": "node",
                    "space": SPACE,
                    "externalId": n["externalId"],
                    "sources": [
                        {
                            "source": {"type": "view", "space": SPACE, "externalId": "V", "version": "1"},
                            "properties": n["props"],
                        }
                    ],
                }
                for n in nodes.values()
            ]
            service.apply_instances({"items": items, "autoCreateDirectRelations": True})
        found = service.list_instances({"filter": flt, "limit": 1000})["items"]
    got = {n["externalId"] for n in found}
    expected = {name for name, node in nodes.items() if reference(flt, node, nodes)}
    assert got & set(nodes) == expected

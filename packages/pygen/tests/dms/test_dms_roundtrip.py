"""Every DMS model reads its wire form and writes it back unchanged, unknown fields included."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from pygen.dms import (
    AggregateInstancesRequest,
    Container,
    ContainerApply,
    DataModel,
    DataModelApply,
    Edge,
    EdgeApply,
    ErrorResponse,
    Filter,
    InstanceApplyResult,
    ListInstancesRequest,
    Node,
    NodeApply,
    QueryRequest,
    QueryResponse,
    SearchInstancesRequest,
    Space,
    SpaceApply,
    UnknownFilter,
    UnknownPropertyType,
    View,
    ViewApply,
)
from pygen.dms import Instance as InstanceUnion

FIXTURES = Path(__file__).resolve().parents[5] / "shared" / "fixtures" / "pygen"

names = st.from_regex(r"[a-z][A-Za-z0-9_]{0,12}", fullmatch=True)
texts = st.text(max_size=20)
ints = st.integers(-(2**53), 2**53)
json_values = st.recursive(
    st.none() | st.booleans() | ints | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(names, inner, max_size=3),
    max_leaves=6,
)
extras = st.dictionaries(st.from_regex(r"zz[A-Z][a-z]{1,6}", fullmatch=True), json_values, max_size=2)


def ref(*, version: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    base = {"space": names, "externalId": names}
    if version:
        base["version"] = names
    return st.fixed_dictionaries(base)


primitive = st.sampled_from(["boolean", "float32", "float64", "int32", "int64", "timestamp", "date", "json"])
property_types = st.one_of(
    st.fixed_dictionaries(
        {"type": st.just("text")}, optional={"list": st.booleans(), "collation": names, "maxListSize": ints}
    ),
    st.fixed_dictionaries({"type": primitive}, optional={"list": st.booleans(), "maxListSize": ints}),
    st.fixed_dictionaries(
        {"type": st.sampled_from(["timeseries", "file", "sequence"])}, optional={"list": st.booleans()}
    ),
    st.fixed_dictionaries(
        {"type": st.just("direct")},
        optional={"list": st.booleans(), "container": ref(), "source": ref(version=True)},
    ),
    st.fixed_dictionaries(
        {
            "type": st.just("enum"),
            "values": st.dictionaries(
                names, st.fixed_dictionaries({}, optional={"name": texts, "description": texts}), max_size=3
            ),
        },
        optional={"unknownValue": names},
    ),
    st.fixed_dictionaries(
        {"type": st.from_regex(r"future[a-z]{1,4}", fullmatch=True)}, optional={"zzKnob": ints}
    ),
)
container_property = st.fixed_dictionaries(
    {"type": property_types},
    optional={
        "nullable": st.booleans(),
        "immutable": st.booleans(),
        "autoIncrement": st.booleans(),
        "defaultValue": json_values,
        "name": texts,
        "description": texts,
    },
)
container = st.fixed_dictionaries(
    {
        "space": names,
        "externalId": names,
        "properties": st.dictionaries(names, container_property, min_size=1, max_size=4),
    },
    optional={
        "name": texts,
        "usedFor": st.sampled_from(["node", "edge", "all"]),
        "constraints": st.dictionaries(
            names,
            st.fixed_dictionaries({"constraintType": st.just("requires"), "require": ref()}),
            max_size=2,
        ),
        "indexes": st.dictionaries(
            names,
            st.fixed_dictionaries({"indexType": st.just("btree"), "properties": st.lists(names, max_size=2)}),
            max_size=2,
        ),
    },
)
mapped = st.fixed_dictionaries(
    {"container": ref(), "containerPropertyIdentifier": names},
    optional={"name": texts, "description": texts, "source": ref(version=True)},
)
edge_connection = st.fixed_dictionaries(
    {
        "connectionType": st.sampled_from(["single_edge_connection", "multi_edge_connection"]),
        "type": ref(),
        "source": ref(version=True),
    },
    optional={
        "direction": st.sampled_from(["outwards", "inwards"]),
        "edgeSource": ref(version=True),
        "name": texts,
    },
)
reverse = st.fixed_dictionaries(
    {
        "connectionType": st.sampled_from(
            ["single_reverse_direct_relation", "multi_reverse_direct_relation"]
        ),
        "source": ref(version=True),
        "through": st.fixed_dictionaries({"source": ref(version=True), "identifier": names}),
    },
    optional={"name": texts},
)
view_apply = st.fixed_dictionaries(
    {"space": names, "externalId": names, "version": names},
    optional={
        "implements": st.lists(ref(version=True), max_size=2),
        "properties": st.dictionaries(names, st.one_of(mapped, edge_connection, reverse), max_size=4),
        "filter": st.just({"matchAll": {}}),
    },
)
sources = st.lists(
    st.fixed_dictionaries(
        {"source": ref(version=True), "properties": st.dictionaries(names, json_values, max_size=3)}
    ),
    max_size=2,
)
node_apply = st.fixed_dictionaries(
    {"instanceType": st.just("node"), "space": names, "externalId": names},
    optional={"existingVersion": ints, "type": ref(), "sources": sources},
)
edge_apply = st.fixed_dictionaries(
    {
        "instanceType": st.just("edge"),
        "space": names,
        "externalId": names,
        "type": ref(),
        "startNode": ref(),
        "endNode": ref(),
    },
    optional={"sources": sources},
)
node = st.fixed_dictionaries(
    {
        "instanceType": st.just("node"),
        "space": names,
        "externalId": names,
        "version": ints,
        "createdTime": ints,
        "lastUpdatedTime": ints,
    },
    optional={
        "type": ref(),
        "properties": st.dictionaries(
            names,
            st.dictionaries(names, st.dictionaries(names, json_values, max_size=2), max_size=2),
            max_size=2,
        ),
    },
)

prop_ref = st.lists(names, min_size=2, max_size=3)
leaf_filters = st.one_of(
    st.fixed_dictionaries(
        {
            "equals": st.fixed_dictionaries(
                {"property": prop_ref, "value": json_values.filter(lambda v: v is not None)}
            )
        }
    ),
    st.fixed_dictionaries(
        {"in": st.fixed_dictionaries({"property": prop_ref, "values": st.lists(ints, max_size=3)})}
    ),
    st.fixed_dictionaries(
        {"range": st.fixed_dictionaries({"property": prop_ref}, optional={"gt": ints, "lte": ints})}
    ),
    st.fixed_dictionaries({"prefix": st.fixed_dictionaries({"property": prop_ref, "value": texts})}),
    st.fixed_dictionaries({"exists": st.fixed_dictionaries({"property": prop_ref})}),
    st.fixed_dictionaries(
        {"containsAny": st.fixed_dictionaries({"property": prop_ref, "values": st.lists(texts, max_size=3)})}
    ),
    st.fixed_dictionaries(
        {"containsAll": st.fixed_dictionaries({"property": prop_ref, "values": st.lists(texts, max_size=3)})}
    ),
    st.fixed_dictionaries(
        {
            "overlaps": st.fixed_dictionaries(
                {"startProperty": prop_ref, "endProperty": prop_ref}, optional={"gte": ints}
            )
        }
    ),
    st.just({"matchAll": {}}),
    st.lists(ref(version=True).map(lambda r: {**r, "type": "view"}), max_size=2).map(
        lambda s: {"hasData": s}
    ),
    st.lists(ref().map(lambda r: {**r, "type": "container"}), max_size=2).map(lambda s: {"hasData": s}),
)
filters = st.recursive(
    leaf_filters,
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3).map(lambda f: {"and": f}),
        st.lists(inner, min_size=1, max_size=3).map(lambda f: {"or": f}),
        inner.map(lambda f: {"not": f}),
        st.tuples(prop_ref, inner).map(lambda t: {"nested": {"scope": t[0], "filter": t[1]}}),
    ),
    max_leaves=8,
)


def _roundtrip(model: Any, data: dict[str, Any]) -> None:
    assert model.load(data).dump() == data


@settings(max_examples=60, deadline=None)
@given(data=container, extra=extras)
def test_containers_roundtrip(data: dict[str, Any], extra: dict[str, Any]) -> None:
    _roundtrip(ContainerApply, {**data, **extra})
    _roundtrip(Container, {**data, "isGlobal": False, "createdTime": 1, "lastUpdatedTime": 2})


@settings(max_examples=60, deadline=None)
@given(data=view_apply, extra=extras)
def test_views_roundtrip(data: dict[str, Any], extra: dict[str, Any]) -> None:
    _roundtrip(ViewApply, {**data, **extra})
    _roundtrip(DataModelApply, {"space": "s", "externalId": "m", "version": "1", "views": [data]})


@settings(max_examples=60, deadline=None)
@given(data=st.one_of(node_apply, edge_apply), extra=extras)
def test_instance_writes_roundtrip(data: dict[str, Any], extra: dict[str, Any]) -> None:
    _roundtrip(NodeApply if data["instanceType"] == "node" else EdgeApply, {**data, **extra})


@settings(max_examples=60, deadline=None)
@given(data=node, extra=extras)
def test_nodes_roundtrip(data: dict[str, Any], extra: dict[str, Any]) -> None:
    _roundtrip(Node, {**data, **extra})
    assert TypeAdapter(InstanceUnion).validate_python(data).dump() == data


@settings(max_examples=100, deadline=None)
@given(data=filters)
def test_filters_roundtrip(data: dict[str, Any]) -> None:
    assert Filter.load(data).dump() == data


@settings(deadline=None)
@given(name=st.from_regex(r"zz[a-z]{1,8}", fullmatch=True), body=json_values)
def test_unknown_filters_are_kept(name: str, body: Any) -> None:
    loaded = Filter.load({name: body})
    assert isinstance(loaded, UnknownFilter)
    assert loaded.dump() == {name: body}


@settings(max_examples=40, deadline=None)
@given(flt=filters, limit=st.integers(1, 1000), cursor=st.none() | texts)
def test_requests_roundtrip(flt: dict[str, Any], limit: int, cursor: str | None) -> None:
    view = {"space": "s", "externalId": "v", "version": "1", "type": "view"}
    body: dict[str, Any] = {
        "instanceType": "node",
        "filter": flt,
        "limit": limit,
        "sources": [{"source": view, "properties": ["*"]}],
    }
    if cursor is not None:
        body["cursor"] = cursor
    _roundtrip(ListInstancesRequest, body)
    _roundtrip(
        SearchInstancesRequest, {"view": view, "query": "q", "filter": flt, "limit": limit, "operator": "OR"}
    )
    _roundtrip(
        AggregateInstancesRequest,
        {"view": view, "aggregates": [{"count": {"property": "p"}}], "groupBy": ["p"], "filter": flt},
    )
    query = {
        "with": {
            "a": {"nodes": {"filter": flt}, "limit": limit},
            "b": {"edges": {"from": "a", "maxDistance": 2}},
        },
        "select": {"a": {}},
    }
    _roundtrip(QueryRequest, query)


def test_responses_roundtrip() -> None:
    _roundtrip(Space, {"space": "s", "isGlobal": False, "createdTime": 1, "lastUpdatedTime": 2, "zzNew": [1]})
    _roundtrip(SpaceApply, {"space": "s", "name": "n"})
    _roundtrip(
        ErrorResponse,
        {"error": {"code": 400, "message": "m", "missing": [{"space": "s"}], "duplicated": [{"space": "t"}]}},
    )
    _roundtrip(
        InstanceApplyResult,
        {
            "instanceType": "node",
            "space": "s",
            "externalId": "x",
            "version": 1,
            "wasModified": True,
            "createdTime": 1,
            "lastUpdatedTime": 1,
        },
    )
    edge = {
        "instanceType": "edge",
        "space": "s",
        "externalId": "e",
        "type": {"space": "s", "externalId": "t"},
        "startNode": {"space": "s", "externalId": "a"},
        "endNode": {"space": "s", "externalId": "b"},
        "version": 1,
    }
    _roundtrip(Edge, edge)
    _roundtrip(QueryResponse, {"items": {"a": [edge]}, "nextCursor": {"a": None}})


def test_unknown_property_types_are_kept() -> None:
    loaded = ContainerApply.load(
        {"space": "s", "externalId": "c", "properties": {"p": {"type": {"type": "vector", "dimensions": 3}}}}
    )
    assert isinstance(loaded.properties["p"].type, UnknownPropertyType)
    assert loaded.dump()["properties"]["p"]["type"] == {"type": "vector", "dimensions": 3}


@pytest.mark.parametrize("path", ["Omni/model.yaml", "CogniteCore/model.yaml"])
def test_public_models_roundtrip(path: str) -> None:
    if not (FIXTURES / path).is_file():
        pytest.fail(f"the public DMS fixtures are missing: expected {FIXTURES / path}")
    data = yaml.safe_load((FIXTURES / path).read_text())
    _roundtrip(DataModel, data)
    for view in data["views"]:
        _roundtrip(View, view)


def test_public_nodes_roundtrip() -> None:
    for node_data in yaml.safe_load((FIXTURES / "Omni" / "nodes.yaml").read_text()):
        _roundtrip(Node, node_data)

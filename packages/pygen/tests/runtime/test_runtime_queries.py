"""Pagination, traversal, filters, limits and schema drift against the Omni sample data."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from pygen.dms import And, DirectRelationReference, Equals
from pygen.emulator import Emulator
from pygen.generator import generate_sdk, write_sdk
from pygen.ir import parse_data_models
from pygen.runtime import MAX_DEPTH, resolve_limit

from .conftest import FIXTURES, INSTANCE_SPACE, Setup, forget, import_sdk

# more than one page of the list endpoint (1,000); PYGEN_PAGINATION_SIZE raises it in benchmarks
PAGINATION_SIZE = int(os.environ.get("PYGEN_PAGINATION_SIZE", "1100"))


def test_pagination_past_one_thousand(omni: Setup) -> None:
    api = omni.sdk.primitive_required
    write = omni.module.PrimitiveRequiredWrite
    items = [
        write(
            space=INSTANCE_SPACE,
            external_id=f"page-{i:05d}",
            boolean=True,
            date="2024-01-01",
            float32=1.0,
            float64=2.0,
            int32=i,
            int64=i,
            json_={},
            text=f"t{i}",
            timestamp="2024-01-01T00:00:00Z",
        )
        for i in range(PAGINATION_SIZE)
    ]
    api.upsert(items)
    mine = {"external_id_prefix": "page-"}
    assert len(api.list(limit=None, **mine)) == PAGINATION_SIZE
    assert len(api.list(limit=-1, **mine)) == PAGINATION_SIZE
    assert len(api.list(limit=1050, **mine)) == min(1050, PAGINATION_SIZE)
    chunks = list(api.iterate(chunk_size=400, **mine))
    assert sum(len(chunk) for chunk in chunks) == PAGINATION_SIZE
    assert len({item.external_id for chunk in chunks for item in chunk}) == PAGINATION_SIZE
    assert len(api.select().fetch(limit=None)) >= PAGINATION_SIZE
    ordered = api.list(limit=None, sort_by="int32", descending=True, **mine)
    assert [item.int32 for item in ordered] == sorted(range(PAGINATION_SIZE), reverse=True)
    (count,) = api.aggregate("count", **mine)
    assert count.value == PAGINATION_SIZE
    with pytest.raises(ValueError, match="limit"):
        api.list(limit=-2)


def test_keyword_filters_compose_with_and(omni: Setup) -> None:
    api = omni.sdk.primitive_nullable
    everything = api.list(limit=None)
    some = next(item for item in everything if item.int32 is not None and item.text)
    found = api.list(limit=None, min_int32=some.int32, max_int32=some.int32, text_prefix=some.text[:3])
    assert some.external_id in {item.external_id for item in found}
    assert all(item.int32 == some.int32 for item in found)
    view = omni.module.PrimitiveNullable.view_id()
    prop = [view.space, f"{view.external_id}/{view.version}", "text"]
    extra = And(Equals(prop, some.text))
    assert [item.external_id for item in api.list(limit=None, filter=extra)] == [some.external_id]
    assert api.list(limit=None, space="nowhere") == []
    assert len(api.list(limit=None, space=[INSTANCE_SPACE, "sp_omni_instances"])) == len(everything)
    with pytest.raises(TypeError, match="no keyword filter"):
        api.list(limit=None, nonsense=1)


def test_traversal_of_direct_reverse_and_edge_relations(omni: Setup) -> None:
    sdk = omni.sdk
    roots = sdk.connection_item_a.select().self_direct.fetch(limit=None)
    for root in roots:
        expected = [] if root.self_direct is None else [root.self_direct.external_id]
        assert [item.external_id for item in root.related("self_direct")] == [
            e for e in expected if sdk.connection_item_a.retrieve(root.self_direct)
        ]
    b_items = sdk.connection_item_b.list(limit=2)
    links = omni.module.ConnectionItemAWrite(
        space=INSTANCE_SPACE, external_id="linked-a", name="linked", outwards=[b.as_id() for b in b_items]
    )
    sdk.connection_item_a.upsert(links)
    with_edges = sdk.connection_item_a.select().outwards.fetch(limit=None)
    edges = omni.client.instances.list("edge", limit=None)
    for root in with_edges:
        expected = {
            e.end_node.external_id
            for e in edges
            if e.start_node.external_id == root.external_id and e.type.external_id == "bidirectional"
        }
        assert {item.external_id for item in root.related("outwards")} == expected
    linked = next(root for root in with_edges if root.external_id == "linked-a")
    assert {item.external_id for item in linked.related("outwards")} == {b.external_id for b in b_items}
    reverse = sdk.connection_item_e.select().direct_reverse_multi.fetch(limit=None)
    d_items = sdk.connection_item_d.list(limit=None)
    for root in reverse:
        expected = {
            d.external_id
            for d in d_items
            if any(ref.external_id == root.external_id for ref in d.direct_multi or [])
        }
        assert {item.external_id for item in root.related("direct_reverse_multi")} == expected
    filtered = sdk.connection_item_a.select().name.prefix("").outwards.name.exists().fetch(limit=3)
    assert len(filtered) <= 3


def test_traversal_depth_is_bounded(omni: Setup) -> None:
    select: Any = omni.sdk.connection_item_a.select()
    for _ in range(MAX_DEPTH):
        select = select.self_direct
    with pytest.raises(ValueError, match="deeper"):
        select.self_direct  # noqa: B018 - following one more relationship is the error


@given(st.one_of(st.none(), st.integers(-(10**6), 10**6)))
def test_limit_rules(limit: int | None) -> None:
    if limit is not None and limit < -1:
        with pytest.raises(ValueError, match="limit"):
            resolve_limit(limit)
    else:
        assert resolve_limit(limit) == (None if limit in (None, -1) else limit)


def test_schema_drift_keeps_unknown_properties_and_enum_values(tmp_path: Path) -> None:
    """The server's model has a property and an enum value the (older) SDK does not know."""
    view = {
        "space": "sp_drift",
        "externalId": "Pump",
        "version": "1",
        "usedFor": "node",
        "properties": {
            "name": {
                "container": {"space": "sp_drift", "externalId": "Pump"},
                "containerPropertyIdentifier": "name",
                "type": {"type": "text", "list": False},
                "nullable": True,
            },
            "state": {
                "container": {"space": "sp_drift", "externalId": "Pump"},
                "containerPropertyIdentifier": "state",
                "type": {"type": "enum", "values": {"On": {}, "Off": {}, "Broken": {}}},
                "nullable": True,
            },
            "pressure": {
                "container": {"space": "sp_drift", "externalId": "Pump"},
                "containerPropertyIdentifier": "pressure",
                "type": {"type": "float64", "list": False},
                "nullable": True,
            },
        },
    }
    server_model = {"space": "sp_drift", "externalId": "Drift", "version": "1", "views": [view]}
    (tmp_path / "server.yaml").write_text(yaml.safe_dump(server_model))
    old_view = {
        **view,
        "properties": {
            "name": view["properties"]["name"],
            "state": {
                **view["properties"]["state"],
                "type": {"type": "enum", "values": {"On": {}, "Off": {}}},
            },
        },
    }
    sdk = generate_sdk(parse_data_models({**server_model, "views": [old_view]}), "drift_sdk")
    write_sdk(sdk, tmp_path)
    with Emulator() as emulator:
        emulator.load(tmp_path / "server.yaml")
        client = emulator.client()
        client.spaces.apply([{"space": INSTANCE_SPACE}])
        client.instances.apply(
            [
                {
                    "instanceType": "node",
                    "space": INSTANCE_SPACE,
                    "externalId": "p1",
                    "sources": [
                        {
                            "source": {
                                "type": "view",
                                "space": "sp_drift",
                                "externalId": "Pump",
                                "version": "1",
                            },
                            "properties": {"name": "P1", "state": "Broken", "pressure": 3.5},
                        }
                    ],
                }
            ]
        )
        module = import_sdk(tmp_path, "drift_sdk")
        try:
            api = module.DriftClient(client, instance_space=INSTANCE_SPACE).pump
            pump = api.retrieve("p1")
            assert pump is not None
            assert pump.state == "Broken"
            assert pump.model_extra == {"pressure": 3.5}
            on = api.list(limit=None, state=module.PumpState.On)
            assert on == []
            known = api.upsert(
                module.PumpWrite(space=INSTANCE_SPACE, external_id="p2", state=module.PumpState.On)
            )
            assert known[0].external_id == "p2"
            assert api.retrieve("p2").state is module.PumpState.On
        finally:
            forget("drift_sdk")
            client.close()


@settings(max_examples=25, deadline=None)
@given(st.text(max_size=12))
def test_reference_keys_parse_any_text(text: str) -> None:
    from pygen.runtime._select import _ref_key

    assert _ref_key(DirectRelationReference("s", text or "x")) == ("s", text or "x")
    assert _ref_key({"space": "s", "externalId": text}) == ("s", text)
    assert _ref_key(text) == ("", text)


def test_fixture_models_exist() -> None:
    assert (FIXTURES / "Omni" / "nodes.yaml").is_file()


def test_query_builder_filter_attributes_of_every_kind(omni: Setup) -> None:
    sdk, module = omni.sdk, omni.module
    listed = module.PrimitiveNullableListedWrite
    nullable = module.PrimitiveNullableWrite
    stamp = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
    sdk.primitive_nullable.upsert(
        [
            nullable(
                space=INSTANCE_SPACE,
                external_id="q1",
                text="alpha",
                int32=10,
                float64=1.5,
                boolean=True,
                date=dt.date(2024, 1, 2),
                timestamp=stamp,
                json_={"a": 1},
            ),
            nullable(
                space=INSTANCE_SPACE, external_id="q2", text="beta", int32=20, float64=2.5, boolean=False
            ),
        ]
    )
    sdk.primitive_nullable_listed.upsert(
        listed(space=INSTANCE_SPACE, external_id="l1", text=["x", "y"], int32=[1, 2])
    )

    def ids(select: Any) -> set[str]:
        return {item.external_id for item in select.fetch(limit=None) if item.space == INSTANCE_SPACE}

    api = sdk.primitive_nullable
    assert ids(api.select().text.equals("alpha")) == {"q1"}
    assert ids(api.select().text.in_(["alpha", "beta"])) == {"q1", "q2"}
    assert ids(api.select().text.prefix("be")) == {"q2"}
    assert ids(api.select().int32.range(gt=10, lte=20)) == {"q2"}
    assert ids(api.select().float64.equals(1.5)) == {"q1"}
    assert ids(api.select().boolean.equals(False)) == {"q2"}
    assert ids(api.select().date.range(gte=dt.date(2024, 1, 1))) == {"q1"}
    assert ids(api.select().timestamp.equals(stamp)) == {"q1"}
    assert ids(api.select().json_.exists()) == {"q1"}
    assert ids(api.select().text.prefix("").int32.in_([10, 20]).boolean.equals(True)) == {"q1"}
    lists = sdk.primitive_nullable_listed
    assert ids(lists.select().text.contains_any(["y", "z"])) == {"l1"}
    assert ids(lists.select().int32.contains_all([1, 2])) == {"l1"}
    assert ids(lists.select().int32.contains_all([1, 3])) == set()
    d_api = sdk.connection_item_d
    d_api.upsert(
        module.ConnectionItemDWrite(
            space=INSTANCE_SPACE,
            external_id="d1",
            direct_single=DirectRelationReference(INSTANCE_SPACE, "q1"),
        )
    )
    (d1,) = [
        item
        for item in d_api.select().direct_single.name.exists().fetch(limit=None)
        if item.external_id == "d1"
    ]
    assert (
        d1.related("direct_single") == []
    )  # a filter on a traversed set filters the related nodes (q1 is no E)
    assert {item.external_id for item in d_api.list(limit=None, direct_single=(INSTANCE_SPACE, "q1"))} == {
        "d1"
    }

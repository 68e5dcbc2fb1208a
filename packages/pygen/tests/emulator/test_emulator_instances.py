from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pygen.client import DMSAPIError, DMSClient
from pygen.dms import (
    And,
    EdgeApply,
    Equals,
    HasData,
    In,
    NodeApply,
    NodeId,
    NodeOrEdgeData,
    Not,
    Prefix,
    Range,
    ViewId,
)
from pygen.dms import DirectRelationReference as Ref
from pygen.emulator import Emulator

NULLABLE = ViewId("sp_pygen_models", "PrimitiveNullable", "1")
REQUIRED = ViewId("sp_pygen_models", "PrimitiveRequired", "1")
ITEM_A = ViewId("sp_pygen_models", "ConnectionItemA", "1")
SPACE = "sp_omni_instances"


def _node(external_id: str, view: ViewId, **props: object) -> NodeApply:
    return NodeApply(
        space=SPACE, external_id=external_id, sources=[NodeOrEdgeData(source=view, properties=props)]
    )


def test_all_omni_nodes_are_listed(client: DMSClient, fixtures_dir: Path) -> None:
    sample = yaml.safe_load((fixtures_dir / "Omni" / "nodes.yaml").read_text())
    nodes = client.instances.list(limit=None)
    listed = [n.external_id for n in nodes]
    assert len(set(listed)) == len(listed)
    assert {n["externalId"] for n in sample} <= set(listed)


def test_merge_and_replace(client: DMSClient) -> None:
    (first,) = client.instances.apply(_node("n1", NULLABLE, text="a", int32=1))
    assert first.version == 1
    assert first.was_modified
    (second,) = client.instances.apply(_node("n1", NULLABLE, int64=2))
    assert second.version == 2
    (node,) = client.instances.retrieve(NodeId(SPACE, "n1"), sources=[NULLABLE])
    assert node.properties["sp_pygen_models"]["PrimitiveNullable/1"]["text"] == "a"  # merged
    client.instances.apply(_node("n1", NULLABLE, int64=3), replace=True)
    (node,) = client.instances.retrieve(NodeId(SPACE, "n1"), sources=[NULLABLE])
    props = node.properties["sp_pygen_models"]["PrimitiveNullable/1"]
    assert props.get("text") is None
    assert props["int64"] == 3


def test_unchanged_apply_is_not_modified(client: DMSClient) -> None:
    client.instances.apply(_node("same", NULLABLE, text="x"))
    (again,) = client.instances.apply(_node("same", NULLABLE, text="x"))
    assert again.was_modified is False
    assert again.version == 1


def test_existing_version_conflicts(client: DMSClient) -> None:
    client.instances.apply(_node("v", NULLABLE, text="x"))
    stale = _node("v", NULLABLE, text="y").model_copy(update={"existing_version": 7})
    with pytest.raises(DMSAPIError) as info:
        client.instances.apply(stale)
    assert (info.value.code, info.value.message) == (400, "A version conflict caused the ingest to fail.")
    assert client.instances.apply(stale, skip_on_version_conflict=True) == []


@pytest.mark.parametrize(
    ("props", "message"),
    [
        ({"int32": 2**31}, "int32"),
        ({"int32": "1"}, "int32"),
        ({"boolean": 1}, "boolean"),
        ({"timestamp": "yesterday"}, "timestamp"),
        ({"date": "2024-13-01"}, "date"),
        ({"nope": 1}, "does not exist"),
    ],
)
def test_type_checks(client: DMSClient, props: dict[str, object], message: str) -> None:
    with pytest.raises(DMSAPIError) as info:
        client.instances.apply(_node("bad", NULLABLE, **props))
    assert info.value.code == 400
    assert message in info.value.message


def test_required_properties(client: DMSClient) -> None:
    with pytest.raises(DMSAPIError, match="Missing required property"):
        client.instances.apply(_node("r", REQUIRED, text="only text"))


def test_direct_relation_targets_are_auto_created_unless_disabled(client: DMSClient) -> None:
    node = _node("a1", ITEM_A, selfDirect={"space": SPACE, "externalId": "ghost"})
    with pytest.raises(DMSAPIError) as info:
        client.instances.apply(node, auto_create_direct_relations=False)
    assert info.value.message == (
        "Node with external id 'ghost' was referenced as the target of a direct relation, but it does not exist."
    )
    assert client.instances.retrieve(NodeId(SPACE, "ghost")) == []
    client.instances.apply(node)
    assert [n.external_id for n in client.instances.retrieve(NodeId(SPACE, "ghost"))] == ["ghost"]


def test_edges_need_their_nodes(client: DMSClient) -> None:
    edge = EdgeApply(
        space=SPACE,
        external_id="e1",
        type=Ref("sp_pygen_models", "bidirectional"),
        start_node=Ref(SPACE, "ConnectionItemA:Jason"),
        end_node=Ref(SPACE, "nobody"),
    )
    with pytest.raises(DMSAPIError, match="end node"):
        client.instances.apply(edge)
    (result,) = client.instances.apply(edge, auto_create_end_nodes=True)
    assert result.instance_type == "edge"
    assert [e.external_id for e in client.instances.list("edge")] == ["e1"]


def test_filters_sort_and_pagination(client: DMSClient) -> None:
    name = ["sp_pygen_models", "ConnectionItemA/1", "name"]
    is_a = Equals(["node", "type"], {"space": "sp_pygen_models", "externalId": "ConnectionItemA"})
    everything = client.instances.list(filter=is_a, limit=None)
    assert len(everything) == 5
    with_data = {n.external_id for n in client.instances.list(filter=HasData([ITEM_A]), limit=None)}
    assert {n.external_id for n in everything} < with_data  # B nodes share A's container
    assert any(i.startswith("ConnectionItemB:") for i in with_data)
    pages = list(client.instances.iterate(filter=is_a, chunk_size=2))
    assert [n.external_id for n in pages] == [n.external_id for n in everything]
    ordered = client.instances.list(
        filter=And(is_a, Not(Prefix(["node", "externalId"], "ConnectionItemA:J"))),
        sort=[{"property": ["node", "externalId"], "direction": "descending"}],
        limit=None,
    )
    ids = [n.external_id for n in ordered]
    assert ids == sorted(ids, reverse=True)
    assert not any(i.startswith("ConnectionItemA:J") for i in ids)
    picked = client.instances.list(filter=In(["node", "externalId"], ["ConnectionItemA:Jason", "x"]))
    assert [n.external_id for n in picked] == ["ConnectionItemA:Jason"]
    assert (
        client.instances.list(filter=Equals(name, "Sport something fly."))[0].external_id
        == "ConnectionItemA:Jennifer"
    )
    assert client.instances.list(filter=Range(["node", "version"], gte=1), limit=None)


def test_delete_removes_node_and_its_edges(client: DMSClient, omni: Emulator) -> None:
    client.instances.apply(
        EdgeApply(
            space=SPACE,
            external_id="e2",
            type=Ref("sp_pygen_models", "bidirectional"),
            start_node=Ref(SPACE, "ConnectionItemA:Jason"),
            end_node=Ref(SPACE, "ConnectionItemA:Jennifer"),
        )
    )
    assert client.instances.delete(NodeId(SPACE, "ConnectionItemA:Jason")) == [
        NodeId(SPACE, "ConnectionItemA:Jason")
    ]
    assert client.instances.list("edge") == []
    assert client.instances.retrieve(NodeId(SPACE, "ConnectionItemA:Jason")) == []


def _constrained_schema(emulator: Emulator) -> None:
    service = emulator.service
    service.apply_schema("spaces", {"items": [{"space": "s"}]})
    target = {"space": "s", "externalId": "Target", "properties": {"name": {"type": {"type": "text"}}}}
    to = {"type": {"type": "direct", "container": {"space": "s", "externalId": "Target"}}}
    source = {"space": "s", "externalId": "Source", "properties": {"to": to}}
    service.apply_schema("containers", {"items": [target, source]})


def _pointing_at(external_id: str) -> dict[str, object]:
    return {
        "instanceType": "node",
        "space": "s",
        "externalId": f"from-{external_id}",
        "sources": [
            {
                "source": {"type": "container", "space": "s", "externalId": "Source"},
                "properties": {"to": {"space": "s", "externalId": external_id}},
            }
        ],
    }


GOOD_TARGET = {
    "instanceType": "node",
    "space": "s",
    "externalId": "good",
    "sources": [
        {"source": {"type": "container", "space": "s", "externalId": "Target"}, "properties": {"name": "t"}}
    ],
}


def test_strict_direct_relation_targets_need_data_in_the_required_container() -> None:
    with Emulator() as emulator, emulator.client() as client:
        _constrained_schema(emulator)
        with pytest.raises(DMSAPIError, match="no data in container s:Target"):
            client.instances.apply(_pointing_at("empty"))
        client.instances.apply(GOOD_TARGET)
        assert client.instances.apply(_pointing_at("good"))[0].was_modified


def test_lax_direct_relation_targets_are_placeholders() -> None:
    with Emulator(strict_direct_relations=False) as emulator, emulator.client() as client:
        _constrained_schema(emulator)
        assert client.instances.apply(_pointing_at("empty"))[0].was_modified
        assert [n.external_id for n in client.instances.retrieve(NodeId("s", "empty"))] == ["empty"]

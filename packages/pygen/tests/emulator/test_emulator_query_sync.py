from __future__ import annotations

import itertools

import pytest

from pygen.client import DMSAPIError, DMSClient
from pygen.dms import DirectRelationReference as Ref
from pygen.dms import EdgeApply, NodeApply, NodeId, NodeOrEdgeData, ViewId

SPACE = "sp_omni_instances"
NULLABLE = ViewId("sp_pygen_models", "PrimitiveNullable", "1")


def _type_is(external_id: str) -> dict[str, object]:
    return {
        "equals": {
            "property": ["node", "type"],
            "value": {"space": "sp_pygen_models", "externalId": external_id},
        }
    }


def test_query_cursors_page_each_result_set(client: DMSClient) -> None:
    body = {
        "with": {
            "all": {
                "nodes": {"filter": {"prefix": {"property": ["node", "externalId"], "value": "Connection"}}},
                "limit": 10,
            }
        },
        "select": {"all": {}},
    }
    seen: list[str] = []
    cursors: dict[str, str | None] = {}
    while True:
        result = client.instances.query({**body, "cursors": cursors})
        seen += [n.external_id for n in result.items["all"]]
        if not result.next_cursor.get("all"):
            break
        cursors = {"all": result.next_cursor["all"]}
    everything = client.instances.list(filter=body["with"]["all"]["nodes"]["filter"], limit=None)
    assert seen == [n.external_id for n in everything]
    assert len(seen) > 10


def test_query_follows_edges_up_to_max_distance(client: DMSClient) -> None:
    chain = [f"hop{i}" for i in range(5)]
    edges = [
        EdgeApply(
            space=SPACE,
            external_id=f"e{i}",
            type=Ref(SPACE, "next"),
            start_node=Ref(SPACE, a),
            end_node=Ref(SPACE, b),
        )
        for i, (a, b) in enumerate(itertools.pairwise(chain))
    ]
    client.instances.apply(edges, auto_create_start_nodes=True, auto_create_end_nodes=True)
    for distance, expected in ((1, ["e0"]), (2, ["e0", "e1"]), (None, ["e0", "e1", "e2", "e3"])):
        edge_expression: dict[str, object] = {"from": "start", "direction": "outwards"}
        if distance is not None:
            edge_expression["maxDistance"] = distance
        result = client.instances.query(
            {
                "with": {
                    "start": {
                        "nodes": {"filter": {"equals": {"property": ["node", "externalId"], "value": "hop0"}}}
                    },
                    "path": {"edges": edge_expression},
                    "ends": {"nodes": {"from": "path"}},
                },
                "select": {"path": {}, "ends": {}},
            }
        )
        assert [e.external_id for e in result.items["path"]] == expected
        assert [n.external_id for n in result.items["ends"]] == chain[1 : len(expected) + 1]
    inwards = client.instances.query(
        {
            "with": {
                "end": {
                    "nodes": {"filter": {"equals": {"property": ["node", "externalId"], "value": "hop4"}}}
                },
                "back": {"edges": {"from": "end", "direction": "inwards", "maxDistance": 2}},
            },
            "select": {"back": {}},
        }
    )
    assert [e.external_id for e in inwards.items["back"]] == ["e2", "e3"]


def test_query_with_parameters_and_reverse_direct_relations(client: DMSClient) -> None:
    result = client.instances.query(
        {
            "with": {
                "target": {
                    "nodes": {
                        "filter": {
                            "equals": {"property": ["node", "externalId"], "value": {"parameter": "who"}}
                        }
                    }
                },
                "pointing": {
                    "nodes": {
                        "from": "target",
                        "through": {
                            "source": {
                                "type": "view",
                                "space": "sp_pygen_models",
                                "externalId": "ConnectionItemA",
                                "version": "1",
                            },
                            "identifier": "selfDirect",
                        },
                        "direction": "inwards",
                    }
                },
            },
            "select": {"pointing": {}},
            "parameters": {"who": "ConnectionItemA:Alexander"},
        }
    )
    assert [n.external_id for n in result.items["pointing"]] == ["ConnectionItemA:Jennifer"]


def test_query_errors_are_400(client: DMSClient) -> None:
    with pytest.raises(DMSAPIError, match="does not exist"):
        client.instances.query({"with": {"a": {"nodes": {"from": "nowhere"}}}, "select": {"a": {}}})
    with pytest.raises(DMSAPIError, match="limit"):
        client.instances.query({"with": {"a": {"nodes": {}, "limit": 10_001}}, "select": {"a": {}}})


def test_sync_returns_changes_and_deletes_since_the_cursor(client: DMSClient) -> None:
    body = {
        "with": {
            "pn": {"nodes": {"filter": {"hasData": [{**NULLABLE.dump(), "type": "view"}]}}, "limit": 1000}
        },
        "select": {"pn": {"sources": [{"source": {**NULLABLE.dump(), "type": "view"}, "properties": ["*"]}]}},
    }
    first = client.instances.sync(body)
    assert len(first.items["pn"]) == 5
    cursor = first.next_cursor["pn"]
    assert cursor
    quiet = client.instances.sync({**body, "cursors": {"pn": cursor}})
    assert quiet.items["pn"] == []
    client.instances.apply(
        NodeApply(
            space=SPACE,
            external_id="new",
            sources=[NodeOrEdgeData(source=NULLABLE, properties={"text": "t"})],
        )
    )
    client.instances.delete(NodeId(SPACE, "PrimitiveNullable:Heather"))
    changes = client.instances.sync({**body, "cursors": {"pn": quiet.next_cursor["pn"]}})
    by_id = {n.external_id: n for n in changes.items["pn"]}
    assert set(by_id) == {"new", "PrimitiveNullable:Heather"}
    assert by_id["PrimitiveNullable:Heather"].deleted_time is not None
    assert by_id["new"].deleted_time is None

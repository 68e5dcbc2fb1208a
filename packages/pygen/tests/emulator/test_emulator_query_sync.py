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
    _link(client, {f"e{i}": pair for i, pair in enumerate(itertools.pairwise(chain))})
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


def _link(client: DMSClient, edges: dict[str, tuple[str, str]]) -> None:
    """Apply edges `external id -> (start, end)` in `SPACE`, creating their nodes."""
    client.instances.apply(
        [
            EdgeApply(
                space=SPACE,
                external_id=x,
                type=Ref(SPACE, "link"),
                start_node=Ref(SPACE, a),
                end_node=Ref(SPACE, b),
            )
            for x, (a, b) in edges.items()
        ],
        auto_create_start_nodes=True,
        auto_create_end_nodes=True,
    )


def _graph(client: DMSClient) -> None:
    """`r0 -> a0, a1, a2` and `r1 -> b0, b1` (edges `r0-a0`, ...), and `a0 -> c0 -> c1` further on."""
    pairs = [("r0", "a0"), ("r0", "a1"), ("r0", "a2"), ("r1", "b0"), ("r1", "b1"), ("a0", "c0"), ("c0", "c1")]
    _link(client, {f"{a}-{b}": (a, b) for a, b in pairs})


def _roots(*external_ids: str) -> dict[str, object]:
    return {"nodes": {"filter": {"in": {"property": ["node", "externalId"], "values": list(external_ids)}}}}


def _ids(items: list[object]) -> list[str]:
    return [item.external_id for item in items]  # type: ignore[attr-defined]


DESCENDING = [{"property": ["edge", "externalId"], "direction": "descending"}]


def test_limit_each_caps_the_edges_of_each_start_node(client: DMSClient) -> None:
    _graph(client)
    result = client.instances.query(
        {
            "with": {
                "roots": _roots("r0", "r1"),
                "out": {"edges": {"from": "roots", "maxDistance": 1, "limitEach": 2}, "sort": DESCENDING},
            },
            "select": {"out": {}},
        }
    )
    assert _ids(result.items["out"]) == ["r1-b1", "r1-b0", "r0-a2", "r0-a1"]
    with pytest.raises(DMSAPIError, match=r"\[limitEach must be less than or equal to 2000\]"):
        client.instances.query(
            {
                "with": {
                    "roots": _roots("r0"),
                    "out": {"edges": {"from": "roots", "maxDistance": 1, "limitEach": 2001}},
                },
                "select": {"out": {}},
            }
        )


def test_post_sort_sorts_the_whole_traversal_before_the_limit(client: DMSClient) -> None:
    _graph(client)
    body = {
        "with": {"roots": _roots("r0"), "walk": {"edges": {"from": "roots"}, "limit": 2}},
        "select": {"walk": {}},
    }
    discovered = client.instances.query(body)
    assert _ids(discovered.items["walk"]) == ["r0-a0", "r0-a1"]
    sorted_after = client.instances.query(
        {**body, "with": {**body["with"], "walk": {**body["with"]["walk"], "sort": DESCENDING}}}
    )
    assert _ids(sorted_after.items["walk"]) == ["r0-a1", "r0-a0"]
    post_sorted = client.instances.query(
        {**body, "with": {**body["with"], "walk": {**body["with"]["walk"], "postSort": DESCENDING}}}
    )
    assert _ids(post_sorted.items["walk"]) == ["r0-a2", "r0-a1"]
    everything = client.instances.query(
        {**body, "with": {**body["with"], "walk": {"edges": {"from": "roots"}}}}
    )
    assert _ids(everything.items["walk"]) == ["r0-a0", "r0-a1", "r0-a2", "a0-c0", "c0-c1"]


def test_a_limit_in_with_limits_the_sets_chained_from_it(client: DMSClient) -> None:
    _graph(client)
    result = client.instances.query(
        {
            "with": {
                "roots": {**_roots("r0", "r1"), "limit": 1},
                "out": {"edges": {"from": "roots", "maxDistance": 1}},
                "ends": {"nodes": {"from": "out"}},
            },
            "select": {"roots": {}, "ends": {}},
        }
    )
    assert _ids(result.items["roots"]) == ["r0"]
    assert _ids(result.items["ends"]) == ["a0", "a1", "a2"]


def test_chain_to_source_takes_the_near_end_of_the_edges(client: DMSClient) -> None:
    _graph(client)
    result = client.instances.query(
        {
            "with": {
                "leaves": _roots("a1", "b0"),
                "into": {"edges": {"from": "leaves", "direction": "inwards", "maxDistance": 1}},
                "starts": {"nodes": {"from": "into"}},
                "same": {"nodes": {"from": "into", "chainTo": "source"}},
            },
            "select": {"starts": {}, "same": {}},
        }
    )
    assert _ids(result.items["starts"]) == ["r0", "r1"]
    assert _ids(result.items["same"]) == ["a1", "b0"]


def test_sync_follows_from_chains_and_reports_deletes_in_them(client: DMSClient) -> None:
    _graph(client)
    body = {
        "with": {
            "roots": {**_roots("r0"), "limit": 1000},
            "out": {"edges": {"from": "roots", "maxDistance": 1}, "limit": 1000},
            "ends": {"nodes": {"from": "out"}, "limit": 1000},
        },
        "select": {"roots": {}, "out": {}, "ends": {}},
    }
    first = client.instances.sync(body)
    assert _ids(first.items["out"]) == ["r0-a0", "r0-a1", "r0-a2"]
    assert sorted(_ids(first.items["ends"])) == ["a0", "a1", "a2"]
    client.instances.delete(NodeId(SPACE, "a1"))
    client.instances.delete(NodeId(SPACE, "b0"))
    later = client.instances.sync({**body, "cursors": first.next_cursor})
    assert _ids(later.items["roots"]) == []
    assert _ids(later.items["out"]) == ["r0-a1"]
    assert _ids(later.items["ends"]) == ["a1"]
    assert all(item.deleted_time is not None for item in later.items["ends"])  # type: ignore[attr-defined]

"""Query options on random graphs agree with what they say: `limitEach`, `postSort` and a set's limit."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pygen.emulator import Emulator

SPACE = "g"
NODES = [f"n{i}" for i in range(6)]
edges_strategy = st.sets(st.tuples(st.sampled_from(NODES), st.sampled_from(NODES)), min_size=1, max_size=14)


def _query(emulator: Emulator, roots: list[str], edges: dict[str, Any]) -> list[tuple[str, str, str]]:
    body = {
        "with": {
            "roots": {"nodes": {"filter": {"in": {"property": ["node", "externalId"], "values": roots}}}},
            "out": edges,
        },
        "select": {"out": {}},
    }
    items = emulator.service.query(body)["items"]["out"]
    return [(e["externalId"], e["startNode"]["externalId"], e["endNode"]["externalId"]) for e in items]


def _load(emulator: Emulator, pairs: set[tuple[str, str]]) -> None:
    emulator.service.apply_schema("spaces", {"items": [{"space": SPACE}]})
    ref = {"space": SPACE, "externalId": "link"}
    items = [
        {
            "instanceType": "edge",
            "space": SPACE,
            "externalId": f"{a}-{b}",
            "type": ref,
            "startNode": {"space": SPACE, "externalId": a},
            "endNode": {"space": SPACE, "externalId": b},
        }
        for a, b in sorted(pairs)
    ]
    emulator.service.apply_instances(
        {"items": items, "autoCreateStartNodes": True, "autoCreateEndNodes": True}
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pairs=edges_strategy,
    roots=st.lists(st.sampled_from(NODES), min_size=1, max_size=3, unique=True),
    limit_each=st.integers(1, 3),
)
def test_limit_each_keeps_the_first_edges_of_every_start_node(
    pairs: set[tuple[str, str]], roots: list[str], limit_each: int
) -> None:
    with Emulator() as emulator:
        _load(emulator, pairs)
        found = _query(
            emulator, roots, {"edges": {"from": "roots", "maxDistance": 1, "limitEach": limit_each}}
        )
    for root in roots:
        out = sorted(f"{a}-{b}" for a, b in pairs if a == root)
        assert [x for x, start, _ in found if start == root] == out[:limit_each]
    assert all(start in roots for _, start, _ in found)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pairs=edges_strategy, root=st.sampled_from(NODES), limit=st.integers(1, 5))
def test_post_sort_is_the_top_of_the_whole_traversal_and_sort_the_order_of_the_first_found(
    pairs: set[tuple[str, str]], root: str, limit: int
) -> None:
    descending = [{"property": ["edge", "externalId"], "direction": "descending"}]
    with Emulator() as emulator:
        _load(emulator, pairs)
        everything = [x for x, _, _ in _query(emulator, [root], {"edges": {"from": "roots"}, "limit": 1000})]
        post = [
            x
            for x, _, _ in _query(
                emulator, [root], {"edges": {"from": "roots"}, "limit": limit, "postSort": descending}
            )
        ]
        first = [
            x
            for x, _, _ in _query(
                emulator, [root], {"edges": {"from": "roots"}, "limit": limit, "sort": descending}
            )
        ]
    assert post == sorted(everything, reverse=True)[:limit]
    assert first == sorted(everything[:limit], reverse=True)

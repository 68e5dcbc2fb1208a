"""The request plans without any I/O: pagination state, cursors, chunked calls."""

from __future__ import annotations

import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from pygen.client._build import SPACES
from pygen.client._instance_calls import InstanceCalls
from pygen.client._plan import Pages, Request
from pygen.client._schema_calls import SchemaCalls
from pygen.dms import NodeApply, Space


def _serve(request: Request, total: int) -> dict[str, Any]:
    """A page of a listing of `total` items, as DMS answers: a cursor while more remain."""
    source = request.params if request.method == "GET" else request.json
    assert source is not None
    start = int(source.get("cursor", 0))
    size = int(source["limit"])
    end = min(total, start + size)
    body: dict[str, Any] = {"items": [{"n": i} for i in range(start, end)]}
    if end < total:
        body["nextCursor"] = str(end)
    return body


def _walk(pages: Pages[Any], total: int) -> tuple[list[Any], int]:
    items: list[Any] = []
    requests = 0
    while pages.request is not None:
        requests += 1
        items.extend(pages.receive(_serve(pages.request, total)))
    return items, requests


@settings(deadline=None)
@given(
    total=st.integers(0, 3_000),
    page=st.integers(1, 1_000),
    limit=st.none() | st.integers(0, 3_500),
    method=st.sampled_from(["GET", "POST"]),
)
def test_pages_follow_cursors_and_stop_at_the_limit(
    total: int, page: int, limit: int | None, method: str
) -> None:
    first = (
        Request("GET", "/models/spaces", params={"limit": page})
        if method == "GET"
        else Request("POST", "/models/instances/list", {"limit": page})
    )
    items, requests = _walk(Pages(first, lambda item: item["n"], limit=limit), total)
    wanted = total if limit is None else min(total, limit)
    assert items == list(range(wanted))
    assert requests == (0 if limit == 0 else max(1, math.ceil(wanted / page)))


def test_cursors_go_where_the_api_expects_them() -> None:
    get = Request("GET", "/models/views", params={"limit": 10})
    post = Request("POST", "/models/instances/list", {"limit": 10})
    assert get.with_cursor("c1").params == {"limit": 10, "cursor": "c1"}
    assert post.with_cursor("c1").json == {"limit": 10, "cursor": "c1"}
    assert get.params == {"limit": 10}  # requests are values: the first page's stays as it was
    assert post.json == {"limit": 10}


def test_calls_plan_chunks_without_io() -> None:
    plan = InstanceCalls().apply(
        [NodeApply(space="s", external_id=f"n{i}") for i in range(2_345)], replace=True
    )
    assert [len(r.json["items"]) for r in plan.requests] == [1_000, 1_000, 345]
    assert all(r.json["replace"] is True and r.path == "/models/instances" for r in plan.requests)
    bodies = [
        {
            "items": [
                {"instanceType": "node", "space": "s", "externalId": "n0", "version": 1, "wasModified": True}
            ]
        }
    ] * 3
    assert [r.external_id for r in plan.parse(bodies)] == ["n0"] * 3
    schema = SchemaCalls(SPACES)
    assert [
        len(r.json["items"]) for r in schema.apply([{"space": f"s{i}"} for i in range(201)]).requests
    ] == [
        100,
        100,
        1,
    ]
    assert schema.apply([]).requests == []
    retrieve = schema.retrieve(["a", "b"], include_global=True)
    assert retrieve.requests == [
        Request(
            "POST",
            "/models/spaces/byids",
            {"items": [{"space": "a"}, {"space": "b"}]},
            {"includeGlobal": "true"},
        )
    ]
    assert retrieve.parse([{"items": [{"space": "a"}]}]) == [Space.load({"space": "a"})]

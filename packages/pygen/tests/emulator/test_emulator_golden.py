"""Golden cases for the emulator's errors, query options, sync chains and direct-relation checks.

They extend `tests/client/test_client_fidelity.py`: every case runs through our client and through
cognite-sdk against the same emulator (over a socket), both must see the same, and that must be
what the case expects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from cognite.client import ClientConfig, CogniteClient
from cognite.client import data_modeling as dm
from cognite.client.credentials import Token as SDKToken
from cognite.client.exceptions import CogniteAPIError

from pygen.client import DMSAPIError, DMSClient, Token
from pygen.dms import ViewId
from pygen.emulator import Emulator

from .error_cases import ERROR_CASES, SPACE, ErrorCase, node, schema


@dataclass
class Clients:
    ours: DMSClient
    sdk: CogniteClient


def _sdk(url: str) -> CogniteClient:
    config = ClientConfig(client_name="golden", project="p", credentials=SDKToken("t"), base_url=url)
    return CogniteClient(config)


def _graph(emulator: Emulator) -> None:
    """Edges `r0 -> a0, a1, a2`, `r1 -> b0, b1` and `a0 -> c0 -> c1` (nodes auto-created)."""
    pairs = [("r0", "a0"), ("r0", "a1"), ("r0", "a2"), ("r1", "b0"), ("r1", "b1"), ("a0", "c0"), ("c0", "c1")]

    def ref(external_id: str) -> dict[str, str]:
        return {"space": SPACE, "externalId": external_id}

    edges = [
        {
            "instanceType": "edge",
            "space": SPACE,
            "externalId": f"{a}-{b}",
            "type": ref("link"),
            "startNode": ref(a),
            "endNode": ref(b),
        }
        for a, b in pairs
    ]
    emulator.service.apply_instances(
        {"items": edges, "autoCreateStartNodes": True, "autoCreateEndNodes": True}
    )


@pytest.fixture(scope="module")
def clients() -> Iterator[dict[bool, Clients]]:
    with Emulator(strict_direct_relations=False) as lenient, Emulator() as strict:
        for emulator in (lenient, strict):
            schema(emulator)
            _graph(emulator)
        with lenient.serve() as lenient_url, strict.serve() as strict_url:
            pairs = {
                strict_flag: Clients(DMSClient(url, "p", credentials=Token("t")), _sdk(url))
                for strict_flag, url in ((False, lenient_url), (True, strict_url))
            }
            yield pairs
            for pair in pairs.values():
                pair.ours.close()


def _error(call: Callable[[], Any], errors: tuple[type[Exception], ...]) -> tuple[int, str] | None:
    try:
        call()
    except errors as exc:
        return (exc.code, exc.message)  # type: ignore[attr-defined]
    return None


def _ours_error(call: Callable[[], Any]) -> tuple[int, str] | None:
    return _error(call, (DMSAPIError,))


def _sdk_error(call: Callable[[], Any]) -> tuple[int, str] | None:
    return _error(call, (CogniteAPIError,))


@dataclass(frozen=True)
class Golden:
    name: str
    ours: Callable[[Clients], Any]
    sdk: Callable[[Clients], Any]
    expected: Any
    strict: bool = False


GOLDEN: list[Golden] = []


def _raw_ours(case: ErrorCase) -> Callable[[Clients], Any]:
    return lambda c: _ours_error(
        lambda: c.ours._http.request(
            case.method, f"/models{case.path}", json=case.body, params=case.params or None
        )
    )


def _raw_sdk(case: ErrorCase) -> Callable[[Clients], Any]:
    if case.method == "GET":
        return lambda c: _sdk_error(
            lambda: c.sdk.get(f"/api/v1/projects/p/models{case.path}", params=case.params)
        )
    return lambda c: _sdk_error(
        lambda: c.sdk.post(
            f"/api/v1/projects/p/models{case.path}", json=case.body, params=case.params or None
        )
    )


for _case in ERROR_CASES:
    GOLDEN.append(
        Golden(f"error-{_case.name}", _raw_ours(_case), _raw_sdk(_case), (400, _case.message), _case.strict)
    )

# --- the same errors through the clients' typed APIs ----------------------------------------------

_V = dm.ViewId(SPACE, "V", "1")
_CONFLICT = node("a", existing_version=7, req="y")
_GHOST = node("b", req="x", to={"space": SPACE, "externalId": "ghost"})
GOLDEN += [
    Golden(
        "typed-version-conflict",
        lambda c: _ours_error(lambda: c.ours.instances.apply(_CONFLICT)),
        lambda c: _sdk_error(lambda: c.sdk.data_modeling.instances.apply(nodes=dm.NodeApply.load(_CONFLICT))),
        (400, "A version conflict caused the ingest to fail."),
    ),
    Golden(
        "typed-direct-target-missing",
        lambda c: _ours_error(lambda: c.ours.instances.apply(_GHOST, auto_create_direct_relations=False)),
        lambda c: _sdk_error(
            lambda: c.sdk.data_modeling.instances.apply(
                nodes=dm.NodeApply.load(_GHOST), auto_create_direct_relations=False
            )
        ),
        (400, next(c.message for c in ERROR_CASES if c.name == "direct-target-missing-no-auto-create")),
    ),
    Golden(
        "typed-unknown-view",
        lambda c: _ours_error(lambda: c.ours.instances.list(sources=[ViewId(SPACE, "Nope", "1")], limit=5)),
        lambda c: _sdk_error(
            lambda: c.sdk.data_modeling.instances.list(sources=dm.ViewId(SPACE, "Nope", "1"), limit=5)
        ),
        (400, "One or more views do not exist: 's:Nope/1'"),
    ),
    Golden(
        "typed-search-unknown-property",
        lambda c: _ours_error(
            lambda: c.ours.instances.search(ViewId(SPACE, "V", "1"), "first", properties=["invalidProperty"])
        ),
        lambda c: _sdk_error(
            lambda: c.sdk.data_modeling.instances.search(_V, "first", properties=["invalidProperty"])
        ),
        (400, "Unknown property 'invalidProperty' in view 's:V/1'."),
    ),
    Golden(
        "typed-constrained-target",
        lambda c: _ours_error(
            lambda: c.ours.instances.apply(node("g", req="x", tgt={"space": SPACE, "externalId": "a"}))
        ),
        lambda c: _sdk_error(
            lambda: c.sdk.data_modeling.instances.apply(
                nodes=dm.NodeApply.load(node("g", req="x", tgt={"space": SPACE, "externalId": "a"}))
            )
        ),
        (400, "Property 'tgt': the direct relation target s:a has no data in container s:T."),
        strict=True,
    ),
]

# --- query options and sync chains ---------------------------------------------------------------

DESCENDING = [{"property": ["edge", "externalId"], "direction": "descending"}]


def _roots(*external_ids: str, **extra: Any) -> dict[str, Any]:
    return {
        "nodes": {"filter": {"in": {"property": ["node", "externalId"], "values": list(external_ids)}}},
        **extra,
    }


QUERIES: dict[str, tuple[dict[str, Any], dict[str, list[str]]]] = {
    "limit-each": (
        {
            "roots": _roots("r0", "r1"),
            "out": {"edges": {"from": "roots", "maxDistance": 1, "limitEach": 2}, "sort": DESCENDING},
        },
        {"out": ["r1-b1", "r1-b0", "r0-a2", "r0-a1"]},
    ),
    "recursive-sort-after-limit": (
        {"roots": _roots("r0"), "walk": {"edges": {"from": "roots"}, "limit": 2, "sort": DESCENDING}},
        {"walk": ["r0-a1", "r0-a0"]},
    ),
    "post-sort-before-limit": (
        {"roots": _roots("r0"), "walk": {"edges": {"from": "roots"}, "limit": 2, "postSort": DESCENDING}},
        {"walk": ["r0-a2", "r0-a1"]},
    ),
    "with-limit-limits-dependents": (
        {
            "roots": _roots("r0", "r1", limit=1),
            "out": {"edges": {"from": "roots", "maxDistance": 1}},
            "ends": {"nodes": {"from": "out"}},
        },
        {"roots": ["r0"], "ends": ["a0", "a1", "a2"]},
    ),
    "chain-to-source": (
        {
            "leaves": _roots("a1", "b0"),
            "into": {"edges": {"from": "leaves", "direction": "inwards", "maxDistance": 1}},
            "starts": {"nodes": {"from": "into"}},
            "same": {"nodes": {"from": "into", "chainTo": "source"}},
        },
        {"starts": ["r0", "r1"], "same": ["a1", "b0"]},
    ),
}


def _query_ours(body: dict[str, Any], names: list[str]) -> Callable[[Clients], Any]:
    def run(c: Clients) -> Any:
        items = c.ours.instances.query(body).items
        return {n: [i.external_id for i in items[n]] for n in names}

    return run


def _query_sdk(body: dict[str, Any], names: list[str]) -> Callable[[Clients], Any]:
    def run(c: Clients) -> Any:
        result = c.sdk.data_modeling.instances.query(dm.query.Query.load(body))
        return {n: [i.external_id for i in result[n]] for n in names}

    return run


for _name, (_with, _expected) in QUERIES.items():
    _body = {"with": _with, "select": {n: {} for n in _expected}}
    GOLDEN.append(
        Golden(
            f"query-{_name}",
            _query_ours(_body, list(_expected)),
            _query_sdk(_body, list(_expected)),
            _expected,
        )
    )

SYNC_WITH = {
    "roots": _roots("r0", "r1", limit=1000),
    "out": {"edges": {"from": "roots", "maxDistance": 1}, "limit": 1000},
    "ends": {
        "nodes": {"from": "out", "filter": {"prefix": {"property": ["node", "externalId"], "value": "a"}}},
        "limit": 1000,
    },
}
SYNC_EXPECTED = {"out": ["r0-a0", "r0-a1", "r0-a2", "r1-b0", "r1-b1"], "ends": ["a0", "a1", "a2"]}


def _sync_ours(c: Clients) -> Any:
    items = c.ours.instances.sync({"with": SYNC_WITH, "select": {n: {} for n in SYNC_WITH}}).items
    return {n: sorted(i.external_id for i in items[n]) for n in SYNC_EXPECTED}


def _sync_sdk(c: Clients) -> Any:
    result = c.sdk.data_modeling.instances.sync(
        dm.query.QuerySync.load({"with": SYNC_WITH, "select": {n: {} for n in SYNC_WITH}})
    )
    return {n: sorted(i.external_id for i in result[n]) for n in SYNC_EXPECTED}


GOLDEN.append(Golden("sync-from-chain", _sync_ours, _sync_sdk, SYNC_EXPECTED))


def test_the_golden_extension_covers_errors_queries_and_sync() -> None:
    assert len(GOLDEN) >= 30
    assert len({g.name for g in GOLDEN}) == len(GOLDEN)


@pytest.mark.parametrize("golden", GOLDEN, ids=[g.name for g in GOLDEN])
def test_both_clients_see_what_the_server_would_answer(clients: dict[bool, Clients], golden: Golden) -> None:
    pair = clients[golden.strict]
    ours, sdk = golden.ours(pair), golden.sdk(pair)
    assert ours == sdk
    assert ours == golden.expected

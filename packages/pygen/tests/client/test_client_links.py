"""Every client guarantee, checked against the emulator both in-process and over a real socket."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable, Iterator

import httpx
import pytest

from pygen.client import (
    DMSAPIError,
    DMSAuthError,
    DMSDuplicatedError,
    DMSNotFoundError,
    OAuthClientCredentials,
    RetryPolicy,
    Token,
)
from pygen.dms import NodeApply, NodeId, NodeOrEdgeData, SpaceApply, ViewId
from pygen.emulator import AuthConfig, Emulator, FaultConfig

from .conftest import AsyncRecording, Link, Recording

TRIALS = int(os.environ.get("PYGEN_RESILIENCE_CALLS", "120"))
LinkTo = Callable[[Emulator], Link]


def _nodes(count: int, space: str = "bulk") -> list[NodeApply]:
    return [NodeApply(space=space, external_id=f"n{i:05d}") for i in range(count)]


@pytest.fixture
def bulk() -> Iterator[Emulator]:
    """An emulator holding 2,500 nodes in space `bulk` and 5 spaces `s0`..`s4`."""
    with Emulator() as emulator, emulator.client() as client:
        client.spaces.apply([SpaceApply(space="bulk"), *(SpaceApply(space=f"s{i}") for i in range(5))])
        client.instances.apply(_nodes(2_500))
        yield emulator


def _list_calls(emulator: Emulator) -> int:
    return emulator.request_counts["POST /instances/list"]


def test_iteration_is_lazy_one_request_per_chunk(bulk: Emulator, link_to: LinkTo) -> None:
    with link_to(bulk).client() as client:
        before = _list_calls(bulk)
        nodes = client.instances.iterate(space="bulk", chunk_size=1_000)
        assert _list_calls(bulk) == before  # nothing is fetched before the first item is asked for
        first = next(nodes)  # list order is storage order: the bulk apply's chunks ran concurrently
        assert _list_calls(bulk) == before + 1
        seen = sorted([first.external_id, *(node.external_id for node in nodes)])
        assert seen == [node.external_id for node in _nodes(2_500)]
        assert _list_calls(bulk) == before + 3
        assert len(client.instances.list(space="bulk", limit=1_500)) == 1_500
        assert _list_calls(bulk) == before + 5  # 1,000 + 500 of a second page; never a third
        spaces = bulk.request_counts["GET /spaces"]
        assert len(list(client.spaces.iterate(chunk_size=2))) == 6
        assert bulk.request_counts["GET /spaces"] - spaces == 3


def test_async_iteration_is_lazy_one_request_per_chunk(bulk: Emulator, link_to: LinkTo) -> None:
    link = link_to(bulk)

    async def scenario() -> list[int]:
        async with link.async_client() as client:
            calls = [_list_calls(bulk)]
            nodes = client.instances.iterate(space="bulk", chunk_size=1_000)
            calls.append(_list_calls(bulk))
            await anext(nodes)
            calls.append(_list_calls(bulk))
            assert len([node async for node in nodes]) == 2_499
            calls.append(_list_calls(bulk))
            assert len(await client.instances.list(space="bulk", limit=1_500)) == 1_500
            calls.append(_list_calls(bulk))
        return [c - calls[0] for c in calls]

    assert asyncio.run(scenario()) == [0, 0, 1, 3, 5]


def test_chunks_respect_the_limits_and_run_with_bounded_concurrency(bulk: Emulator, link_to: LinkTo) -> None:
    recorders: list[Recording] = []

    def record(inner: httpx.BaseTransport) -> httpx.BaseTransport:
        recorders.append(Recording(inner, hold=3))
        return recorders[-1]

    with link_to(bulk).client(wrap=record, max_workers=3) as client:
        results = client.instances.apply(_nodes(4_500, "bulk"))
        assert [r.external_id for r in results] == [f"n{i:05d}" for i in range(4_500)]  # input order
        seen = recorders[0].seen
        assert sorted(len(body["items"]) for body in seen.bodies()) == [500, 1_000, 1_000, 1_000, 1_000]
        assert seen.most_in_flight == 3  # three held at once, never a fourth
        ids = [NodeId("bulk", f"n{i:05d}") for i in range(2_100)]
        assert [n.external_id for n in client.instances.retrieve(ids)] == [i.external_id for i in ids]
        spaces = [SpaceApply(space=f"x{i}") for i in range(250)]
        assert len(client.spaces.apply(spaces)) == 250
        sizes = [len(body["items"]) for body in seen.bodies()[-3:]]
        assert sorted(sizes) == [50, 100, 100]
        assert seen.most_in_flight == 3


def test_async_chunks_run_with_bounded_concurrency(bulk: Emulator, link_to: LinkTo) -> None:
    link = link_to(bulk)
    recorders: list[AsyncRecording] = []

    def record(inner: httpx.AsyncBaseTransport) -> httpx.AsyncBaseTransport:
        recorders.append(AsyncRecording(inner, hold=3))
        return recorders[-1]

    async def scenario() -> list[str]:
        async with link.async_client(wrap=record, max_workers=3) as client:
            results = await client.instances.apply(_nodes(4_500, "bulk"))
            return [r.external_id for r in results]

    assert asyncio.run(scenario()) == [f"n{i:05d}" for i in range(4_500)]
    seen = recorders[0].seen
    assert sorted(len(body["items"]) for body in seen.bodies()) == [500, 1_000, 1_000, 1_000, 1_000]
    assert seen.most_in_flight == 3


@pytest.fixture
def secured() -> Iterator[Emulator]:
    auth = AuthConfig(required=True, tokens={"static"}, clients={"app": "s3cret"}, token_ttl_s=120)
    with Emulator(auth=auth) as emulator:
        yield emulator


def test_tokens_static_and_callable(secured: Emulator, link_to: LinkTo) -> None:
    link = link_to(secured)
    calls: list[int] = []

    def token() -> str:
        calls.append(1)
        return "static"

    with link.client(credentials=Token("static")) as client:
        assert client.spaces.list() == []
    with link.client(credentials=Token(token)) as client:
        client.spaces.list()
        client.spaces.list()
    assert len(calls) == 2  # asked before every request
    for credentials in (None, Token("wrong")):
        with link.client(credentials=credentials) as client, pytest.raises(DMSAuthError) as info:
            client.spaces.list()
        assert (info.value.code, isinstance(info.value, PermissionError)) == (401, True)
        assert info.value.request_id


def test_oauth_token_is_cached_and_refreshed_before_expiry(secured: Emulator, link_to: LinkTo) -> None:
    link = link_to(secured)
    now = [0.0]
    credentials = OAuthClientCredentials(
        link.url + secured.token_url, "app", "s3cret", refresh_margin_s=30, clock=lambda: now[0]
    )
    with link.client(credentials=credentials) as client:
        for _ in range(5):
            client.spaces.list()
        assert credentials.fetch_count == 1
        now[0] = 89.0  # the 120 s token is kept until 30 s before it expires ...
        client.spaces.list()
        assert credentials.fetch_count == 1
        now[0] = 91.0  # ... and replaced after that
        client.spaces.list()
        assert credentials.fetch_count == 2
    assert secured.request_counts["GET /spaces"] == 7


def test_async_oauth_fetches_one_token_for_concurrent_calls(secured: Emulator, link_to: LinkTo) -> None:
    link = link_to(secured)
    credentials = OAuthClientCredentials(link.url + secured.token_url, "app", "s3cret")

    async def scenario() -> None:
        async with link.async_client(credentials=credentials) as client:
            await asyncio.gather(*(client.spaces.list() for _ in range(5)))

    asyncio.run(scenario())
    assert credentials.fetch_count == 1


def test_oauth_with_a_wrong_secret_is_an_auth_error(secured: Emulator, link_to: LinkTo) -> None:
    link = link_to(secured)
    credentials = OAuthClientCredentials(link.url + secured.token_url, "app", "wrong")
    with (
        link.client(credentials=credentials) as client,
        pytest.raises(DMSAuthError, match="invalid_client"),
    ):
        client.spaces.list()
    assert secured.request_counts["GET /spaces"] == 0


def test_every_call_succeeds_through_injected_faults_waiting_retry_after(
    link_to: LinkTo, caplog: pytest.LogCaptureFixture
) -> None:
    faults = FaultConfig(rate=0.3, retry_after_s=0.002, seed=11)
    with (
        Emulator(faults=faults) as emulator,
        link_to(emulator).client(retry=RetryPolicy(max_retries=30)) as client,
    ):
        caplog.set_level(logging.INFO, logger="pygen.client")
        for i in range(TRIALS):
            client.spaces.apply(SpaceApply(space=f"s{i}"))
        assert len(client.spaces.list(limit=None)) == TRIALS
        served = sum(emulator.request_counts.values())
    retries = [r for r in caplog.records if hasattr(r, "wait_s")]
    assert served == TRIALS + 1 + len(retries)  # every fault was retried, nothing else was
    assert all(r.status in (429, 503) for r in retries)
    assert all(r.retry_after == "0.002" and r.wait_s == pytest.approx(0.002) for r in retries)


def test_async_calls_succeed_through_injected_faults(link_to: LinkTo) -> None:
    faults = FaultConfig(rate=0.3, retry_after_s=0.001, seed=5)
    with Emulator(faults=faults) as emulator:
        link = link_to(emulator)

        async def scenario() -> int:
            async with link.async_client(retry=RetryPolicy(max_retries=30), max_workers=4) as client:
                await client.spaces.apply([SpaceApply(space=f"s{i}") for i in range(max(TRIALS, 2) * 3)])
                return len(await client.spaces.list(limit=None))

        assert asyncio.run(scenario()) == max(TRIALS, 2) * 3


def test_each_request_is_logged_with_its_request_id(
    bulk: Emulator, link_to: LinkTo, caplog: pytest.LogCaptureFixture
) -> None:
    recorders: list[Recording] = []

    def record(inner: httpx.BaseTransport) -> httpx.BaseTransport:
        recorders.append(Recording(inner))
        return recorders[-1]

    caplog.set_level(logging.DEBUG, logger="pygen.client")
    with link_to(bulk).client(wrap=record) as client:
        client.instances.list(space="bulk", limit=2_500)
        with pytest.raises(DMSAPIError) as info:
            client.instances.search(ViewId("bulk", "Nope", "1"))
    sent = [r.headers["x-request-id"] for r in recorders[0].seen.requests]
    logged = [r.request_id for r in caplog.records if hasattr(r, "request_id")]
    assert logged == sent
    assert len(set(sent)) == len(sent) == 4
    assert info.value.request_id == sent[-1]
    assert [r.status for r in caplog.records if hasattr(r, "status")][-1] == info.value.code


def test_errors_are_typed_with_their_context(link_to: LinkTo) -> None:
    with Emulator() as emulator, link_to(emulator).client() as client:
        client.spaces.apply(SpaceApply(space="s1"))
        ghost_view = {"space": "s1", "externalId": "Ghost", "version": "1", "type": "view"}
        view = {"space": "s1", "externalId": "V", "version": "1", "implements": [ghost_view]}
        with pytest.raises(DMSNotFoundError) as missing:
            client.views.apply(view)
        assert isinstance(missing.value, LookupError)
        assert missing.value.missing == [{"space": "s1", "externalId": "Ghost", "version": "1"}]
        assert (missing.value.code, missing.value.method) == (400, "POST")
        assert missing.value.path.endswith("/models/views")
        assert missing.value.request_id

        source = NodeOrEdgeData(source=ViewId("s1", "Ghost", "1"), properties={"x": 1})
        with pytest.raises(DMSNotFoundError) as ghost:
            client.instances.apply(NodeApply(space="s1", external_id="n", sources=[source]))
        assert ghost.value.missing == [{"space": "s1", "externalId": "Ghost", "version": "1"}]

        with pytest.raises(DMSDuplicatedError) as duplicated:
            client.instances.apply([NodeApply(space="s1", external_id="twice")] * 2)
        assert duplicated.value.duplicated == [{"space": "s1", "externalId": "twice"}]
        assert duplicated.value.request_id

        with pytest.raises(DMSAPIError) as limit:
            client.instances.search(ViewId("s1", "V", "1"), limit=5_000)
        assert type(limit.value) is DMSAPIError
        assert limit.value.code == 400
        assert "limit" in limit.value.message
        assert limit.value.request_id
        assert limit.value.request_id in str(limit.value)


def test_async_errors_are_typed_too(link_to: LinkTo) -> None:
    with Emulator() as emulator:
        link = link_to(emulator)

        async def scenario() -> tuple[DMSDuplicatedError, DMSNotFoundError]:
            async with link.async_client() as client:
                await client.spaces.apply(SpaceApply(space="s1"))
                with pytest.raises(DMSDuplicatedError) as duplicated:
                    await client.spaces.apply([SpaceApply(space="a"), SpaceApply(space="a")])
                source = NodeOrEdgeData(source=ViewId("s1", "Ghost", "1"), properties={"x": 1})
                with pytest.raises(DMSNotFoundError) as missing:
                    await client.instances.apply(NodeApply(space="s1", external_id="n", sources=[source]))
                return duplicated.value, missing.value

        duplicated, missing = asyncio.run(scenario())
    assert duplicated.duplicated == [{"space": "a"}]
    assert missing.missing == [{"space": "s1", "externalId": "Ghost", "version": "1"}]
    assert duplicated.request_id
    assert missing.request_id

from __future__ import annotations

import asyncio
import logging
import os
import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pygen.client import (
    AsyncDMSClient,
    DMSAPIError,
    DMSClient,
    DMSConnectionError,
    RetryPolicy,
    parse_retry_after,
)
from pygen.dms import SpaceApply
from pygen.emulator import Emulator, FaultConfig

TRIALS = int(os.environ.get("PYGEN_RESILIENCE_CALLS", "120"))


@settings(deadline=None)
@given(attempt=st.integers(0, 40), base=st.floats(0.001, 5), cap=st.floats(0.001, 60), seed=st.integers())
def test_full_jitter_stays_within_the_exponential_ceiling(
    attempt: int, base: float, cap: float, seed: int
) -> None:
    policy = RetryPolicy(backoff_base_s=base, backoff_max_s=cap)
    wait = policy.wait_s(attempt, rng=random.Random(seed))
    assert 0 <= wait <= min(cap, base * 2**attempt)


@settings(deadline=None)
@given(seconds=st.floats(0, 1e6, allow_nan=False))
def test_retry_after_seconds_win_over_jitter(seconds: float) -> None:
    policy = RetryPolicy(max_retry_after_s=1e7)
    assert policy.wait_s(3, f"{seconds!r}") == pytest.approx(seconds)


@settings(deadline=None)
@given(text=st.text(max_size=40))
def test_retry_after_parser_never_raises(text: str) -> None:
    value = parse_retry_after(text)
    assert value is None or value >= 0


def test_retry_after_http_date() -> None:
    now = datetime(2024, 1, 1, tzinfo=UTC)
    header = format_datetime(now + timedelta(seconds=30), usegmt=True)
    assert parse_retry_after(header, now=now) == 30


def test_only_transient_statuses_are_retried() -> None:
    policy = RetryPolicy(max_retries=2)
    assert policy.should_retry(0, 429)
    assert policy.should_retry(1, None)
    assert not policy.should_retry(0, 400)
    assert not policy.should_retry(2, 503)


def test_retry_after_is_honoured_exactly(caplog: pytest.LogCaptureFixture) -> None:
    answers = iter([429, 503, 200])

    def handler(request: httpx.Request) -> httpx.Response:
        status = next(answers)
        if status == 200:
            return httpx.Response(200, json={"items": [{"space": "s"}]})
        return httpx.Response(
            status, headers={"Retry-After": "0.02"}, json={"error": {"code": status, "message": "busy"}}
        )

    caplog.set_level(logging.INFO, logger="pygen.client")
    with DMSClient("http://dms.test", "p", transport=httpx.MockTransport(handler)) as client:
        client.spaces.apply(SpaceApply(space="s"))
    waits = [r.wait_s for r in caplog.records if hasattr(r, "wait_s")]
    assert waits == [pytest.approx(0.02), pytest.approx(0.02)]


def test_connection_errors_are_retried_then_raised() -> None:
    attempts = []

    def handler(request: httpx.Request) -> httpx.Response:
        attempts.append(request)
        raise httpx.ConnectError("refused", request=request)

    policy = RetryPolicy(max_retries=3, backoff_base_s=0.001, backoff_max_s=0.002)
    with (
        DMSClient("http://dms.test", "p", transport=httpx.MockTransport(handler), retry=policy) as client,
        pytest.raises(DMSConnectionError) as info,
    ):
        client.spaces.list()
    assert len(attempts) == 4
    assert info.value.method == "GET"


def test_a_closed_port_is_a_connection_error() -> None:
    with Emulator() as emulator, emulator.serve() as url:
        pass  # the port is free again once the server stopped
    policy = RetryPolicy(max_retries=1, backoff_base_s=0.001)
    with DMSClient(url, "p", retry=policy, timeout_s=5) as client, pytest.raises(DMSConnectionError):
        client.spaces.list()


def test_timeouts_apply_over_a_real_socket() -> None:
    with Emulator(faults=FaultConfig(latency_ms=2_000)) as emulator, emulator.serve() as url:
        policy = RetryPolicy(max_retries=0)
        with DMSClient(url, "p", retry=policy, timeout_s=0.05) as client, pytest.raises(DMSConnectionError):
            client.spaces.list()


def test_async_timeouts_and_closed_ports_are_connection_errors() -> None:
    policy = RetryPolicy(max_retries=1, backoff_base_s=0.001)

    async def list_spaces(url: str, timeout_s: float) -> None:
        async with AsyncDMSClient(url, "p", retry=policy, timeout_s=timeout_s) as client:
            await client.spaces.list()

    with (
        Emulator(faults=FaultConfig(latency_ms=2_000)) as emulator,
        emulator.serve() as url,
        pytest.raises(DMSConnectionError) as slow,
    ):
        asyncio.run(list_spaces(url, 0.05))
    assert slow.value.method == "GET"
    assert "Timeout" in str(slow.value)
    with pytest.raises(DMSConnectionError):
        asyncio.run(list_spaces(url, 5))  # the port is free again once the server stopped


def test_the_sent_request_id_stands_in_when_the_server_echoes_none(caplog: pytest.LogCaptureFixture) -> None:
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers["x-request-id"])
        return httpx.Response(400, json={"error": {"code": 400, "message": "bad"}})

    caplog.set_level(logging.DEBUG, logger="pygen.client")
    with (
        DMSClient("http://dms.test", "p", transport=httpx.MockTransport(handler)) as client,
        pytest.raises(DMSAPIError) as info,
    ):
        client.spaces.list()
    assert info.value.request_id == sent[0]
    assert [r.request_id for r in caplog.records if hasattr(r, "request_id")] == sent

"""Client fixtures: the same test against the emulator in-process and over a real loopback socket."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from pygen.client import AsyncDMSClient, DMSClient
from pygen.emulator import Emulator
from pygen.emulator._emulator import IN_PROCESS_URL

HANG_GUARD_S = 120.0


@dataclass
class Link:
    """How a client reaches an emulator: its in-process transports, or `url` over a socket."""

    emulator: Emulator
    url: str
    in_process: bool

    def transport(self) -> httpx.BaseTransport:
        return self.emulator.transport() if self.in_process else httpx.HTTPTransport()

    def async_transport(self) -> httpx.AsyncBaseTransport:
        return self.emulator.async_transport() if self.in_process else httpx.AsyncHTTPTransport()

    def client(
        self, *, wrap: Callable[[httpx.BaseTransport], httpx.BaseTransport] | None = None, **options: Any
    ) -> DMSClient:
        transport = self.transport()
        return DMSClient(self.url, "emulator", transport=wrap(transport) if wrap else transport, **options)

    def async_client(
        self,
        *,
        wrap: Callable[[httpx.AsyncBaseTransport], httpx.AsyncBaseTransport] | None = None,
        **options: Any,
    ) -> AsyncDMSClient:
        transport = self.async_transport()
        return AsyncDMSClient(
            self.url, "emulator", transport=wrap(transport) if wrap else transport, **options
        )


@pytest.fixture(params=["in-process", "socket"])
def link_to(request: pytest.FixtureRequest) -> Iterator[Callable[[Emulator], Link]]:
    """`link_to(emulator)`: a `Link` to that emulator, in-process or over a socket served for the test."""
    with ExitStack() as stack:

        def link(emulator: Emulator) -> Link:
            if request.param == "in-process":
                return Link(emulator, IN_PROCESS_URL, in_process=True)
            return Link(emulator, stack.enter_context(emulator.serve()), in_process=False)

        yield link


@dataclass
class Seen:
    """What a recording transport saw: each request's headers and JSON body, and the most in flight."""

    requests: list[httpx.Request] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0

    def bodies(self) -> list[Any]:
        return [json.loads(r.content) if r.content else None for r in self.requests]


class Recording(httpx.BaseTransport):
    """Passes requests to `inner`, recording them; the first `hold` requests wait for each other.

    Holding the first `hold` requests at a barrier proves that many run at once (the barrier
    breaks after `HANG_GUARD_S` otherwise); `seen.most_in_flight` shows no more ever did.
    """

    def __init__(self, inner: httpx.BaseTransport, *, hold: int = 0) -> None:
        self.inner = inner
        self.seen = Seen()
        self._lock = threading.Lock()
        self._barrier = threading.Barrier(hold, timeout=HANG_GUARD_S) if hold > 1 else None
        self._hold = hold

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.seen.requests.append(request)
            held = len(self.seen.requests) <= self._hold
            self.seen.in_flight += 1
            self.seen.most_in_flight = max(self.seen.most_in_flight, self.seen.in_flight)
        try:
            if held and self._barrier is not None:
                self._barrier.wait()
            return self.inner.handle_request(request)
        finally:
            with self._lock:
                self.seen.in_flight -= 1

    def close(self) -> None:
        self.inner.close()


class AsyncRecording(httpx.AsyncBaseTransport):
    """The async twin of `Recording`."""

    def __init__(self, inner: httpx.AsyncBaseTransport, *, hold: int = 0) -> None:
        self.inner = inner
        self.seen = Seen()
        self._hold = hold
        self._all_held = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.requests.append(request)
        self.seen.in_flight += 1
        self.seen.most_in_flight = max(self.seen.most_in_flight, self.seen.in_flight)
        try:
            if len(self.seen.requests) <= self._hold:
                if len(self.seen.requests) == self._hold:
                    self._all_held.set()
                await asyncio.wait_for(self._all_held.wait(), HANG_GUARD_S)
            return await self.inner.handle_async_request(request)
        finally:
            self.seen.in_flight -= 1

    async def aclose(self) -> None:
        await self.inner.aclose()

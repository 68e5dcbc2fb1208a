"""The two thin executors of request plans: blocking (threads) and async (a semaphore).

They are the only code that differs between `DMSClient` and `AsyncDMSClient` above the HTTP
layer: each runs a `Batch` (its chunks at most `max_workers` at a time, results in request
order) and walks `Pages` lazily, one request per page.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from typing import TYPE_CHECKING, TypeVar

from pygen.client._http import AsyncHTTP, SyncHTTP
from pygen.client._plan import Batch, Body, Pages, Request

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor

R = TypeVar("R")
T = TypeVar("T")


class Runner:
    """Runs chunk requests on a thread pool of `max_workers` (started on first need), keeping their order."""

    def __init__(self, max_workers: int) -> None:
        self._max_workers = max_workers
        self._pool: ThreadPoolExecutor | None = None

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        if len(items) <= 1 or self._max_workers <= 1:
            return [fn(item) for item in items]
        if self._pool is None:
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(self._max_workers, thread_name_prefix="pygen-client")
        return list(self._pool.map(fn, items))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None


class Executor:
    """Runs request plans, blocking."""

    def __init__(self, http: SyncHTTP, runner: Runner) -> None:
        self._http = http
        self._runner = runner

    def send(self, request: Request) -> Body:
        return self._http.request(request.method, request.path, json=request.json, params=request.params)

    def run(self, plan: Batch[T]) -> T:
        return plan.parse(self._runner.map(self.send, plan.requests))

    def iterate(self, pages: Pages[T]) -> Iterator[T]:
        while pages.request is not None:
            yield from pages.receive(self.send(pages.request))

    def collect(self, pages: Pages[T]) -> list[T]:
        return list(self.iterate(pages))


class AsyncExecutor:
    """Runs request plans, awaited."""

    def __init__(self, http: AsyncHTTP, max_workers: int) -> None:
        self._http = http
        self._max_workers = max(1, max_workers)

    async def send(self, request: Request) -> Body:
        return await self._http.request(
            request.method, request.path, json=request.json, params=request.params
        )

    async def run(self, plan: Batch[T]) -> T:
        if len(plan.requests) == 1:
            return plan.parse([await self.send(plan.requests[0])])
        import asyncio

        semaphore = asyncio.Semaphore(self._max_workers)

        async def bounded(request: Request) -> Body:
            async with semaphore:
                return await self.send(request)

        return plan.parse(list(await asyncio.gather(*map(bounded, plan.requests))))

    async def iterate(self, pages: Pages[T]) -> AsyncIterator[T]:
        while pages.request is not None:
            for item in pages.receive(await self.send(pages.request)):
                yield item

    async def collect(self, pages: Pages[T]) -> list[T]:
        return [item async for item in self.iterate(pages)]

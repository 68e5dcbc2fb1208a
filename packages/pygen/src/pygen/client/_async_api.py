"""The resource APIs of `AsyncDMSClient`: the same calls as the sync client, awaited."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar

from pygen.client import _build as b
from pygen.client._http import AsyncHTTP
from pygen.dms import (
    AggregateItem,
    EdgeApply,
    EdgeId,
    Filter,
    Instance,
    InstanceApplyResult,
    InstanceSort,
    NodeApply,
    NodeId,
    QueryRequest,
    QueryResponse,
    ViewId,
)

R = TypeVar("R")
T = TypeVar("T")


class AsyncRunner:
    """Runs chunk requests with at most `max_workers` in flight, keeping their order."""

    def __init__(self, max_workers: int) -> None:
        self._max_workers = max(1, max_workers)

    async def map(self, fn: Callable[[T], Awaitable[R]], items: Sequence[T]) -> list[R]:
        semaphore = asyncio.Semaphore(self._max_workers)

        async def run(item: T) -> R:
            async with semaphore:
                return await fn(item)

        return list(await asyncio.gather(*(run(item) for item in items)))


async def _take(pages: AsyncIterator[R], limit: int | None) -> list[R]:
    result: list[R] = []
    if limit is not None and limit <= 0:
        return result
    async for item in pages:
        result.append(item)
        if limit is not None and len(result) >= limit:
            break
    return result


class AsyncSchemaAPI(Generic[R]):
    """Apply, retrieve, delete and list one kind of schema item (async)."""

    def __init__(self, http: AsyncHTTP, runner: AsyncRunner, resource: b.SchemaResource) -> None:
        self._http = http
        self._runner = runner
        self._resource = resource

    async def _post_chunks(self, suffix: str, items: list[Any], **params: Any) -> list[dict[str, Any]]:
        bodies = [{"items": chunk} for chunk in b.chunked(items, b.SCHEMA_CHUNK)]
        path = self._resource.path + suffix

        async def post(body: dict[str, Any]) -> dict[str, Any]:
            return await self._http.request("POST", path, json=body, params=params or None)

        pages = await self._runner.map(post, bodies)
        return [item for page in pages for item in page.get("items", [])]

    async def apply(self, items: Any) -> list[R]:
        """Create or update items, 100 per request; see `DMSClient`."""
        written = await self._post_chunks("", [b.dump(item) for item in b.as_list(items)])
        return [self._resource.read.load(item) for item in written]  # type: ignore[misc]

    async def retrieve(self, ids: Any, **options: Any) -> list[R]:
        """The items with these identifiers that exist."""
        params = b.query_params(limit=b.LIST_LIMIT, cursor=None, space=None, options=options)
        params.pop("limit")
        found = await self._post_chunks("/byids", [b.dump_identifier(i) for i in b.as_list(ids)], **params)
        return [self._resource.read.load(item) for item in found]  # type: ignore[misc]

    async def delete(self, ids: Any) -> list[Any]:
        """Delete items by identifier; returns the identifiers the server deleted."""
        deleted = await self._post_chunks("/delete", [b.dump_identifier(i) for i in b.as_list(ids)])
        return [self._resource.identifier.load(item) for item in deleted]

    async def iterate(
        self,
        *,
        space: str | None = None,
        include_global: bool = False,
        chunk_size: int = 1000,
        **options: Any,
    ) -> AsyncIterator[R]:
        """Every item, fetched lazily one page at a time."""
        cursor: str | None = None
        while True:
            params = b.query_params(
                limit=b.list_limit(chunk_size),
                cursor=cursor,
                space=space,
                options={"include_global": include_global, **options},
            )
            page = await self._http.request("GET", self._resource.path, params=params)
            for item in page.get("items", []):
                yield self._resource.read.load(item)  # type: ignore[misc]
            cursor = page.get("nextCursor")
            if not cursor:
                return

    async def list(
        self,
        *,
        space: str | None = None,
        include_global: bool = False,
        limit: int | None = 25,
        **options: Any,
    ) -> list[R]:
        """Up to `limit` items (None: all)."""
        pages = self.iterate(
            space=space, include_global=include_global, chunk_size=b.list_limit(limit), **options
        )
        return await _take(pages, limit)


class AsyncInstancesAPI:
    """Nodes and edges (async); see `pygen.client.DMSClient.instances` for the arguments."""

    def __init__(self, http: AsyncHTTP, runner: AsyncRunner) -> None:
        self._http = http
        self._runner = runner

    async def _post_pages(self, path: str, bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
        async def post(body: dict[str, Any]) -> dict[str, Any]:
            return await self._http.request("POST", path, json=body)

        pages = await self._runner.map(post, bodies)
        return [item for page in pages for item in page.get("items", [])]

    async def apply(
        self,
        items: NodeApply | EdgeApply | Sequence[NodeApply | EdgeApply | dict[str, Any]] | dict[str, Any],
        *,
        replace: bool = False,
        auto_create_direct_relations: bool = True,
        auto_create_start_nodes: bool = False,
        auto_create_end_nodes: bool = False,
        skip_on_version_conflict: bool = False,
    ) -> list[InstanceApplyResult]:
        """Create or update nodes and edges, 1,000 per request."""
        flags = {
            "replace": replace,
            "autoCreateDirectRelations": auto_create_direct_relations,
            "autoCreateStartNodes": auto_create_start_nodes,
            "autoCreateEndNodes": auto_create_end_nodes,
            "skipOnVersionConflict": skip_on_version_conflict,
        }
        bodies = [
            {"items": chunk, **flags}
            for chunk in b.chunked([b.dump(i) for i in b.as_list(items)], b.INSTANCE_CHUNK)
        ]
        return [
            InstanceApplyResult.load(item) for item in await self._post_pages("/models/instances", bodies)
        ]

    async def retrieve(
        self, ids: NodeId | EdgeId | Sequence[NodeId | EdgeId], *, sources: Sequence[ViewId] | None = None
    ) -> list[Instance]:
        """The nodes and edges with these identifiers that exist."""
        selectors = b.source_selectors(sources)
        bodies = [
            b.drop_none({"items": chunk, "sources": selectors})
            for chunk in b.chunked([b.dump(i) for i in b.as_list(ids)], b.INSTANCE_CHUNK)
        ]
        return [b.load_instance(item) for item in await self._post_pages("/models/instances/byids", bodies)]

    async def delete(self, ids: NodeId | EdgeId | Sequence[NodeId | EdgeId]) -> list[NodeId | EdgeId]:
        """Delete nodes and edges; returns the identifiers the server deleted."""
        bodies = [
            {"items": chunk} for chunk in b.chunked([b.dump(i) for i in b.as_list(ids)], b.INSTANCE_CHUNK)
        ]
        return [
            b.load_instance_id(item) for item in await self._post_pages("/models/instances/delete", bodies)
        ]

    async def iterate(
        self,
        instance_type: str = "node",
        *,
        filter: Filter | dict[str, Any] | None = None,
        sources: Sequence[ViewId] | None = None,
        sort: Sequence[InstanceSort | dict[str, Any]] | None = None,
        chunk_size: int = 1000,
        space: str | None = None,
    ) -> AsyncIterator[Instance]:
        """Every matching instance, fetched lazily one page at a time."""
        body = b.list_body(instance_type, filter, sources, sort, chunk_size, space)
        while True:
            page = await self._http.request("POST", "/models/instances/list", json=body)
            for item in page.get("items", []):
                yield b.load_instance(item)
            cursor = page.get("nextCursor")
            if not cursor:
                return
            body = {**body, "cursor": cursor}

    async def search(
        self,
        view: ViewId,
        query: str | None = None,
        *,
        properties: Sequence[str] | None = None,
        instance_type: str | None = None,
        filter: Filter | dict[str, Any] | None = None,
        operator: str | None = None,
        sort: Sequence[InstanceSort | dict[str, Any]] | None = None,
        limit: int = 25,
    ) -> list[Instance]:
        """Full-text search in the text properties of a view."""
        body = b.search_body(view, query, properties, instance_type, filter, operator, sort, limit)
        page = await self._http.request("POST", "/models/instances/search", json=body)
        return [b.load_instance(item) for item in page.get("items", [])]

    async def aggregate(
        self,
        view: ViewId,
        aggregates: Sequence[dict[str, Any]],
        *,
        group_by: Sequence[str] | None = None,
        instance_type: str | None = None,
        query: str | None = None,
        properties: Sequence[str] | None = None,
        filter: Filter | dict[str, Any] | None = None,
        limit: int | None = None,
    ) -> list[AggregateItem]:
        """Aggregates over a view, optionally per group."""
        body = b.aggregate_body(view, aggregates, group_by, instance_type, query, properties, filter, limit)
        page = await self._http.request("POST", "/models/instances/aggregate", json=body)
        return [AggregateItem.load(item) for item in page.get("items", [])]

    async def query(self, request: QueryRequest | dict[str, Any]) -> QueryResponse:
        """Run a graph query."""
        return QueryResponse.load(
            await self._http.request("POST", "/models/instances/query", json=b.dump(request))
        )

    async def sync(self, request: QueryRequest | dict[str, Any]) -> QueryResponse:
        """Changes since the `cursors` of `request`."""
        return QueryResponse.load(
            await self._http.request("POST", "/models/instances/sync", json=b.dump(request))
        )

    async def list(
        self,
        instance_type: str = "node",
        *,
        filter: Filter | dict[str, Any] | None = None,
        sources: Sequence[ViewId] | None = None,
        sort: Sequence[InstanceSort | dict[str, Any]] | None = None,
        limit: int | None = 25,
        space: str | None = None,
    ) -> list[Instance]:
        """Up to `limit` matching instances (None: all), optionally only those in `space`."""
        pages = self.iterate(
            instance_type,
            filter=filter,
            sources=sources,
            sort=sort,
            chunk_size=b.list_limit(limit),
            space=space,
        )
        return await _take(pages, limit)

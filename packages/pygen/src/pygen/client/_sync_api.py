"""The resource APIs of the blocking `DMSClient`."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from itertools import islice
from typing import Any, Generic, TypeVar

from pygen.client import _build as b
from pygen.client._http import SyncHTTP
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


class Runner:
    """Runs chunk requests with bounded concurrency, keeping their order."""

    def __init__(self, max_workers: int) -> None:
        self._max_workers = max_workers
        self._pool: ThreadPoolExecutor | None = None

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        if len(items) <= 1 or self._max_workers <= 1:
            return [fn(item) for item in items]
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self._max_workers, thread_name_prefix="pygen-client")
        return list(self._pool.map(fn, items))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None


class SchemaAPI(Generic[R]):
    """Apply, retrieve, delete and list one kind of schema item (spaces, containers, views, models)."""

    def __init__(self, http: SyncHTTP, runner: Runner, resource: b.SchemaResource) -> None:
        self._http = http
        self._runner = runner
        self._resource = resource

    def _post_chunks(self, suffix: str, items: list[Any], **params: Any) -> list[dict[str, Any]]:
        bodies = [{"items": chunk} for chunk in b.chunked(items, b.SCHEMA_CHUNK)]
        path = self._resource.path + suffix
        pages = self._runner.map(
            lambda body: self._http.request("POST", path, json=body, params=params or None), bodies
        )
        return [item for page in pages for item in page.get("items", [])]

    def apply(self, items: Any) -> list[R]:
        """Create or update items (write models or dicts), 100 per request.

        Returns:
            The items as the server stored them.
        """
        written = self._post_chunks("", [b.dump(item) for item in b.as_list(items)])
        return [self._resource.read.load(item) for item in written]  # type: ignore[misc]

    def retrieve(self, ids: Any, **options: Any) -> list[R]:
        """The items with these identifiers that exist (missing ones are left out).

        Args:
            ids: one identifier or a list (a space may be given by name).
            **options: flags such as `include_inherited_properties=True` or `inline_views=True`.
        """
        params = b.query_params(limit=b.LIST_LIMIT, cursor=None, space=None, options=options)
        params.pop("limit")
        found = self._post_chunks("/byids", [b.dump_identifier(i) for i in b.as_list(ids)], **params)
        return [self._resource.read.load(item) for item in found]  # type: ignore[misc]

    def delete(self, ids: Any) -> list[Any]:
        """Delete items by identifier; returns the identifiers the server deleted."""
        deleted = self._post_chunks("/delete", [b.dump_identifier(i) for i in b.as_list(ids)])
        return [self._resource.identifier.load(item) for item in deleted]

    def iterate(
        self,
        *,
        space: str | None = None,
        include_global: bool = False,
        chunk_size: int = 1000,
        **options: Any,
    ) -> Iterator[R]:
        """Every item, fetched lazily one page (`chunk_size`) at a time with the server's cursor.

        Args:
            space: only items in this space.
            include_global: include Cognite's global (system) items.
            chunk_size: items per request (at most 1,000).
            **options: flags such as `all_versions=True` or `inline_views=True`.
        """
        cursor: str | None = None
        while True:
            params = b.query_params(
                limit=b.list_limit(chunk_size),
                cursor=cursor,
                space=space,
                options={"include_global": include_global, **options},
            )
            page = self._http.request("GET", self._resource.path, params=params)
            for item in page.get("items", []):
                yield self._resource.read.load(item)  # type: ignore[misc]
            cursor = page.get("nextCursor")
            if not cursor:
                return

    def list(
        self,
        *,
        space: str | None = None,
        include_global: bool = False,
        limit: int | None = 25,
        **options: Any,
    ) -> list[R]:
        """Up to `limit` items (None: all); see `iterate` for the arguments."""
        pages = self.iterate(
            space=space, include_global=include_global, chunk_size=b.list_limit(limit), **options
        )
        return list(islice(pages, limit))


class InstancesAPI:
    """Apply, retrieve, delete, list, search, aggregate, query and sync nodes and edges."""

    def __init__(self, http: SyncHTTP, runner: Runner) -> None:
        self._http = http
        self._runner = runner

    def apply(
        self,
        items: NodeApply | EdgeApply | Sequence[NodeApply | EdgeApply | dict[str, Any]] | dict[str, Any],
        *,
        replace: bool = False,
        auto_create_direct_relations: bool = True,
        auto_create_start_nodes: bool = False,
        auto_create_end_nodes: bool = False,
        skip_on_version_conflict: bool = False,
    ) -> list[InstanceApplyResult]:
        """Create or update nodes and edges, 1,000 per request.

        Args:
            items: the nodes and edges.
            replace: replace the given sources' properties instead of merging them.
            auto_create_direct_relations: create missing direct-relation targets as empty nodes.
            auto_create_start_nodes: create missing edge start nodes.
            auto_create_end_nodes: create missing edge end nodes.
            skip_on_version_conflict: skip items whose `existing_version` is stale instead of failing.
        """
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
        pages = self._runner.map(
            lambda body: self._http.request("POST", "/models/instances", json=body), bodies
        )
        return [InstanceApplyResult.load(item) for page in pages for item in page.get("items", [])]

    def retrieve(
        self, ids: NodeId | EdgeId | Sequence[NodeId | EdgeId], *, sources: Sequence[ViewId] | None = None
    ) -> list[Instance]:
        """The nodes and edges with these identifiers that exist, with properties of `sources`."""
        selectors = b.source_selectors(sources)
        bodies = [
            b.drop_none({"items": chunk, "sources": selectors})
            for chunk in b.chunked([b.dump(i) for i in b.as_list(ids)], b.INSTANCE_CHUNK)
        ]
        pages = self._runner.map(
            lambda body: self._http.request("POST", "/models/instances/byids", json=body), bodies
        )
        return [b.load_instance(item) for page in pages for item in page.get("items", [])]

    def delete(self, ids: NodeId | EdgeId | Sequence[NodeId | EdgeId]) -> list[NodeId | EdgeId]:
        """Delete nodes and edges; returns the identifiers the server deleted."""
        bodies = [
            {"items": chunk} for chunk in b.chunked([b.dump(i) for i in b.as_list(ids)], b.INSTANCE_CHUNK)
        ]
        pages = self._runner.map(
            lambda body: self._http.request("POST", "/models/instances/delete", json=body), bodies
        )
        return [b.load_instance_id(item) for page in pages for item in page.get("items", [])]

    def iterate(
        self,
        instance_type: str = "node",
        *,
        filter: Filter | dict[str, Any] | None = None,
        sources: Sequence[ViewId] | None = None,
        sort: Sequence[InstanceSort | dict[str, Any]] | None = None,
        chunk_size: int = 1000,
        space: str | None = None,
    ) -> Iterator[Instance]:
        """Every matching instance, fetched lazily one page (`chunk_size`, at most 1,000) at a time."""
        body = b.list_body(instance_type, filter, sources, sort, chunk_size, space)
        while True:
            page = self._http.request("POST", "/models/instances/list", json=body)
            for item in page.get("items", []):
                yield b.load_instance(item)
            cursor = page.get("nextCursor")
            if not cursor:
                return
            body = {**body, "cursor": cursor}

    def search(
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
        """Full-text search in the text properties of a view (`operator` "AND" or "OR" joins the terms)."""
        body = b.search_body(view, query, properties, instance_type, filter, operator, sort, limit)
        page = self._http.request("POST", "/models/instances/search", json=body)
        return [b.load_instance(item) for item in page.get("items", [])]

    def aggregate(
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
        """Aggregates (count, sum, avg, min, max, histogram) over a view, optionally per group."""
        body = b.aggregate_body(view, aggregates, group_by, instance_type, query, properties, filter, limit)
        page = self._http.request("POST", "/models/instances/aggregate", json=body)
        return [AggregateItem.load(item) for item in page.get("items", [])]

    def query(self, request: QueryRequest | dict[str, Any]) -> QueryResponse:
        """Run a graph query: result sets of nodes and edges linked by `from`, `through` and edges."""
        return QueryResponse.load(self._http.request("POST", "/models/instances/query", json=b.dump(request)))

    def sync(self, request: QueryRequest | dict[str, Any]) -> QueryResponse:
        """Changes since the `cursors` of `request` (all instances when it has none)."""
        return QueryResponse.load(self._http.request("POST", "/models/instances/sync", json=b.dump(request)))

    def list(
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
        return list(islice(pages, limit))

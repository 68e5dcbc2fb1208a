"""The calls of `client.instances` (nodes and edges) as request plans.

The signatures and docstrings here are those of `client.instances.apply(...)` and its siblings,
sync and async: the API classes are built from these methods (see `_sync_api.py`, `_async_api.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from pygen.client import _build as b
from pygen.client._plan import Batch, Pages, Request, chunk_items, single

if TYPE_CHECKING:
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

T = TypeVar("T")

_PATH = "/models/instances"


def _chunked(
    suffix: str, items: Any, load: Callable[[Any], T], fields: dict[str, Any] | None = None
) -> Batch[list[T]]:
    """Requests of at most 1,000 items each (with `fields` beside `items`), read back in order."""
    wire = [b.dump(item) for item in b.as_list(items)]
    requests = [
        Request("POST", _PATH + suffix, {"items": chunk, **(fields or {})})
        for chunk in b.chunked(wire, b.INSTANCE_CHUNK)
    ]
    return Batch(requests, lambda bodies: [load(item) for item in chunk_items(bodies)])


def _items(load: Callable[[Any], T]) -> Callable[[dict[str, Any]], list[T]]:
    return lambda body: [load(item) for item in body.get("items", [])]


class InstanceCalls:
    """Apply, retrieve, delete, list, search, aggregate, query and sync nodes and edges."""

    def apply(
        self,
        items: NodeApply | EdgeApply | Sequence[NodeApply | EdgeApply | dict[str, Any]] | dict[str, Any],
        *,
        replace: bool = False,
        auto_create_direct_relations: bool = True,
        auto_create_start_nodes: bool = False,
        auto_create_end_nodes: bool = False,
        skip_on_version_conflict: bool = False,
    ) -> Batch[list[InstanceApplyResult]]:
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
        from pygen.dms import InstanceApplyResult

        return _chunked("", items, InstanceApplyResult.load, flags)

    def retrieve(
        self, ids: NodeId | EdgeId | Sequence[NodeId | EdgeId], *, sources: Sequence[ViewId] | None = None
    ) -> Batch[list[Instance]]:
        """The nodes and edges with these identifiers that exist, with properties of `sources`."""
        return _chunked(
            "/byids", ids, b.instance_loader(), b.drop_none({"sources": b.source_selectors(sources)})
        )

    def delete(self, ids: NodeId | EdgeId | Sequence[NodeId | EdgeId]) -> Batch[list[NodeId | EdgeId]]:
        """Delete nodes and edges; returns the identifiers the server deleted."""
        return _chunked("/delete", ids, b.load_instance_id)

    def iterate(
        self,
        instance_type: str = "node",
        *,
        filter: Filter | dict[str, Any] | None = None,
        sources: Sequence[ViewId] | None = None,
        sort: Sequence[InstanceSort | dict[str, Any]] | None = None,
        chunk_size: int = 1000,
        space: str | None = None,
    ) -> Pages[Instance]:
        """Every matching instance, fetched lazily one page (`chunk_size`, at most 1,000) at a time."""
        body = b.list_body(instance_type, filter, sources, sort, chunk_size, space)
        return Pages(Request("POST", _PATH + "/list", body), b.instance_loader())

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
    ) -> Batch[list[Instance]]:
        """Full-text search in the text properties of a view (`operator` "AND" or "OR" joins the terms)."""
        body = b.search_body(view, query, properties, instance_type, filter, operator, sort, limit)
        return single(Request("POST", _PATH + "/search", body), _items(b.instance_loader()))

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
    ) -> Batch[list[AggregateItem]]:
        """Aggregates (count, sum, avg, min, max, histogram) over a view, optionally per group."""
        body = b.aggregate_body(view, aggregates, group_by, instance_type, query, properties, filter, limit)
        from pygen.dms import AggregateItem

        return single(Request("POST", _PATH + "/aggregate", body), _items(AggregateItem.load))

    def query(self, request: QueryRequest | dict[str, Any]) -> Batch[QueryResponse]:
        """Run a graph query: result sets of nodes and edges linked by `from`, `through` and edges."""
        from pygen.dms import QueryResponse

        return single(Request("POST", _PATH + "/query", b.dump(request)), QueryResponse.load)

    def sync(self, request: QueryRequest | dict[str, Any]) -> Batch[QueryResponse]:
        """Changes since the `cursors` of `request` (all instances when it has none)."""
        from pygen.dms import QueryResponse

        return single(Request("POST", _PATH + "/sync", b.dump(request)), QueryResponse.load)

    def list(
        self,
        instance_type: str = "node",
        *,
        filter: Filter | dict[str, Any] | None = None,
        sources: Sequence[ViewId] | None = None,
        sort: Sequence[InstanceSort | dict[str, Any]] | None = None,
        limit: int | None = 25,
        space: str | None = None,
    ) -> Pages[Instance]:
        """Up to `limit` matching instances (None: all), optionally only those in `space`."""
        body = b.list_body(instance_type, filter, sources, sort, b.list_limit(limit), space)
        return Pages(Request("POST", _PATH + "/list", body), b.instance_loader(), limit=limit)

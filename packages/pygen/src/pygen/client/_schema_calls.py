"""The calls of a schema resource (spaces, containers, views, data models) as request plans.

The signatures and docstrings here are those of `client.spaces.apply(...)` and its siblings, sync
and async: the API classes are built from these methods (see `_sync_api.py`, `_async_api.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from pygen.client import _build as b
from pygen.client._plan import Batch, Pages, Request, chunk_items

R = TypeVar("R")
T = TypeVar("T")


class SchemaCalls(Generic[R]):
    """Apply, retrieve, delete and list one kind of schema item (spaces, containers, views, models).

    `self` is positional-only where `**options` follow, so an option can never clash with it.
    """

    def __init__(self, resource: b.SchemaResource[R]) -> None:
        self._resource = resource

    def _chunked(
        self, suffix: str, items: list[Any], load: Callable[[Any], T], params: dict[str, Any] | None = None
    ) -> Batch[list[T]]:
        path = self._resource.path + suffix
        requests = [
            Request("POST", path, {"items": chunk}, params) for chunk in b.chunked(items, b.SCHEMA_CHUNK)
        ]
        return Batch(requests, lambda bodies: [load(item) for item in chunk_items(bodies)])

    def apply(self, items: Any) -> Batch[list[R]]:
        """Create or update items (write models or dicts), 100 per request.

        Returns:
            The items as the server stored them.
        """
        return self._chunked("", [b.dump(item) for item in b.as_list(items)], self._resource.load)

    def retrieve(self, /, ids: Any, **options: Any) -> Batch[list[R]]:
        """The items with these identifiers that exist (missing ones are left out).

        Args:
            ids: one identifier or a list (a space may be given by name).
            **options: flags such as `include_inherited_properties=True` or `inline_views=True`.
        """
        wire_ids = [b.dump_identifier(i) for i in b.as_list(ids)]
        return self._chunked("/byids", wire_ids, self._resource.load, b.query_params(options) or None)

    def delete(self, ids: Any) -> Batch[list[Any]]:
        """Delete items by identifier; returns the identifiers the server deleted."""
        wire_ids = [b.dump_identifier(i) for i in b.as_list(ids)]
        return self._chunked("/delete", wire_ids, self._resource.load_id)

    def _pages(
        self, page_size: int, limit: int | None, space: str | None, options: dict[str, Any]
    ) -> Pages[R]:
        params = b.query_params(options, limit=page_size, space=space)
        return Pages(Request("GET", self._resource.path, params=params), self._resource.load, limit=limit)

    def iterate(
        self,
        /,
        *,
        space: str | None = None,
        include_global: bool = False,
        chunk_size: int = 1000,
        **options: Any,
    ) -> Pages[R]:
        """Every item, fetched lazily one page (`chunk_size`) at a time with the server's cursor.

        Args:
            space: only items in this space.
            include_global: include Cognite's global (system) items.
            chunk_size: items per request (at most 1,000).
            **options: flags such as `all_versions=True` or `inline_views=True`.
        """
        flags = {"include_global": include_global, **options}
        return self._pages(b.list_limit(chunk_size), None, space, flags)

    def list(
        self,
        /,
        *,
        space: str | None = None,
        include_global: bool = False,
        limit: int | None = 25,
        **options: Any,
    ) -> Pages[R]:
        """Up to `limit` items (None: all); see `iterate` for the arguments."""
        flags = {"include_global": include_global, **options}
        return self._pages(b.list_limit(limit), limit, space, flags)

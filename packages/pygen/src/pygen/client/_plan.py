"""Request plans: what a client call sends and how it reads the answers, with no I/O.

Every API method builds a plan once; a thin executor runs it, blocking (`_sync_api.py`) or
awaited (`_async_api.py`). So the request building and response parsing of each call exist
once, and the sync and async clients cannot drift apart.

- `Batch`: requests that may run concurrently (the chunks of one call), and a parser of their
  bodies, in request order, into the call's result.
- `Pages`: cursor pagination as a small state machine; `request` is the next page to fetch
  (None when done), `receive(body)` gives that page's items and moves on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

T = TypeVar("T")

Body = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Request:
    """One API request: method, path below `/api/v1/projects/<project>`, JSON body, query parameters."""

    method: str
    path: str
    json: Any = None
    params: dict[str, Any] | None = None

    def with_cursor(self, cursor: str) -> Request:
        """The same request for the page after `cursor` (a query parameter of GET, a body field of POST)."""
        if self.method == "GET":
            return replace(self, params={**(self.params or {}), "cursor": cursor})
        return replace(self, json={**self.json, "cursor": cursor})


@dataclass(frozen=True, slots=True)
class Batch(Generic[T]):
    """Requests that may run at once, and how their bodies (in request order) become the result."""

    requests: list[Request]
    parse: Callable[[list[Body]], T]


def single(request: Request, parse: Callable[[Body], T]) -> Batch[T]:
    """A plan of one request."""
    return Batch([request], lambda bodies: parse(bodies[0]))


def chunk_items(bodies: list[Body]) -> list[Any]:
    """The `items` of every chunk's body, in order."""
    return [item for body in bodies for item in body.get("items", [])]


class Pages(Generic[T]):
    """Cursor pagination: fetch `request`, hand its body to `receive`, until `request` is None.

    Args:
        first: the request of the first page.
        load: builds one item from its wire form.
        limit: stop after this many items (None: follow the cursor to the end).
    """

    def __init__(self, first: Request, load: Callable[[Any], T], *, limit: int | None = None) -> None:
        self.request: Request | None = first if limit is None or limit > 0 else None
        self._load = load
        self._left = limit

    def receive(self, body: Body) -> Iterator[T]:
        """The items of the page fetched with `request`, loaded as they are taken (so one item at a
        time is alive while iterating); `request` becomes the next page's, or None."""
        raw = body.get("items", [])
        if self._left is not None:
            raw = raw[: self._left]
            self._left -= len(raw)
        cursor = body.get("nextCursor")
        fetched, self.request = self.request, None
        if cursor and self._left != 0 and fetched is not None:
            self.request = fetched.with_cursor(cursor)
        return map(self._load, raw)

"""The API classes behind every generated `<View>API`: reads, writes, search, aggregates.

A generated API class sets `_read_class` (and `_write_class`) and adds typed keyword filters;
the requests are built and run here, sync through `DMSClient` and async through
`AsyncDMSClient` (methods with an `a` prefix).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, TypedDict, overload

from pygen._errors import PygenError
from pygen.dms import (
    AggregateItem,
    DirectRelationReference,
    EdgeExpression,
    EdgeId,
    Filter,
    InstanceApplyResult,
    InstanceSort,
    NodeExpression,
    NodeId,
    QueryRequest,
    QueryResponse,
    ResultSetExpression,
    SelectExpression,
    SourceSelector,
)
from pygen.runtime._filters import build_filter
from pygen.runtime._model import DomainEdge, DomainModel, DomainModelWrite, ReadT, WriteT

if TYPE_CHECKING:
    from pygen.client import AsyncDMSClient, DMSClient  # httpx is imported only by whoever builds a client

Aggregation = Literal["count", "sum", "avg", "min", "max"]
IdLike = str | DirectRelationReference | NodeId | EdgeId
MAX_PAGE = 1000


class CommonFilters(TypedDict, total=False):
    """The keyword filters of every view: space, external id prefix and a free DMS filter."""

    space: str | Sequence[str] | None
    external_id_prefix: str | None
    filter: Filter | None


class Chunk(list[ReadT]):
    """One chunk of `iterate()`: a list with the `cursor` that resumes after it (None at the end)."""

    cursor: str | None = None


@dataclass(frozen=True)
class AggregateGroup:
    """One aggregate value, for one group when grouped (`group` maps property to value)."""

    value: float | None
    group: Mapping[str, Any]


@dataclass(frozen=True)
class Bucket:
    """One histogram bucket: values from `start` (to the next bucket's start) and their `count`."""

    start: float
    count: int


def resolve_limit(limit: int | None) -> int | None:
    """`None` and `-1` mean every instance; other negative limits are an error."""
    if limit is None or limit == -1:
        return None
    if limit < 0:
        raise ValueError(f"limit must be >= 0, None or -1 (all), not {limit}")
    return limit


class ReadAPI(Generic[ReadT]):
    """Read access to the instances of one view."""

    _read_class: ClassVar[type[DomainModel]]

    def __init__(
        self,
        client: DMSClient | None = None,
        async_client: AsyncDMSClient | None = None,
        *,
        instance_space: str | None = None,
    ) -> None:
        self._client = client
        self._async_client = async_client
        self._instance_space = instance_space

    # -- plumbing -------------------------------------------------------------------------
    @property
    def _sync(self) -> DMSClient:
        if self._client is None:
            raise PygenError("this SDK was created without a DMSClient; use the async methods")
        return self._client

    @property
    def _async(self) -> AsyncDMSClient:
        if self._async_client is None:
            raise PygenError("this SDK was created without an AsyncDMSClient; use the sync methods")
        return self._async_client

    @property
    def _instance_type(self) -> Literal["node", "edge"]:
        return "edge" if issubclass(self._read_class, DomainEdge) else "node"

    def _load(self, instances: Sequence[Any]) -> list[ReadT]:
        cls = self._read_class
        return [cls.load(item) for item in instances]  # type: ignore[misc]

    def _sources(self) -> list[SourceSelector]:
        return [SourceSelector(source=self._read_class.view_id())]

    def _filter(self, filters: Mapping[str, object]) -> Filter:
        keywords: dict[str, Any] = dict(filters)
        space = keywords.pop("space", None)
        prefix = keywords.pop("external_id_prefix", None)
        extra = keywords.pop("filter", None)
        return build_filter(
            self._read_class,
            keywords,
            space=space,
            external_id_prefix=prefix,
            extra=extra,
            instance_type=self._instance_type,
        )

    def _sort(self, sort_by: str | None, descending: bool) -> list[InstanceSort] | None:
        if sort_by is None:
            return None
        view = self._read_class.view_id()
        props = self._read_class._props
        if sort_by in props:
            path = [view.space, f"{view.external_id}/{view.version}", props[sort_by].dms_name]
        elif sort_by in ("external_id", "space", "created_time", "last_updated_time"):
            camel = {
                "external_id": "externalId",
                "created_time": "createdTime",
                "last_updated_time": "lastUpdatedTime",
            }
            path = [self._instance_type, camel.get(sort_by, sort_by)]
        else:
            raise ValueError(f"{self._read_class.__name__} cannot sort by {sort_by!r}")
        return [InstanceSort(property=path, direction="descending" if descending else "ascending")]

    def _ids(self, ids: IdLike | Sequence[IdLike], space: str | None) -> list[NodeId | EdgeId]:
        items = [ids] if isinstance(ids, str | DirectRelationReference | NodeId | EdgeId) else list(ids)
        out: list[NodeId | EdgeId] = []
        id_class = EdgeId if self._instance_type == "edge" else NodeId
        for item in items:
            if isinstance(item, NodeId | EdgeId):
                out.append(item)
            elif isinstance(item, DirectRelationReference):
                out.append(id_class(item.space, item.external_id))
            else:
                chosen = space or self._instance_space
                if chosen is None:
                    raise ValueError(f"{item!r}: give space= (or instance_space= to the SDK client)")
                out.append(id_class(chosen, item))
        return out

    def _query(
        self, filter: Filter, chunk_size: int, cursor: str | None, sort: list[InstanceSort] | None
    ) -> QueryRequest:
        expression = (
            ResultSetExpression(edges=EdgeExpression(filter=filter.dump()), limit=chunk_size)
            if self._instance_type == "edge"
            else ResultSetExpression(nodes=NodeExpression(filter=filter.dump()), limit=chunk_size)
        )
        if sort:
            expression.sort = [item.dump() for item in sort]
        return QueryRequest(
            with_={"items": expression},
            select={"items": SelectExpression(sources=self._sources())},
            cursors={"items": cursor} if cursor else None,
        )

    def _chunk(self, response: QueryResponse) -> Chunk[ReadT]:
        chunk: Chunk[ReadT] = Chunk(self._load(response.items.get("items", [])))
        chunk.cursor = response.next_cursor.get("items")
        return chunk

    # -- sync -------------------------------------------------------------------------------
    @overload
    def retrieve(self, external_id: IdLike, *, space: str | None = None) -> ReadT | None: ...  # type: ignore[overload-overlap]

    @overload
    def retrieve(self, external_id: Sequence[IdLike], *, space: str | None = None) -> list[ReadT]: ...

    def retrieve(
        self, external_id: IdLike | Sequence[IdLike], *, space: str | None = None
    ) -> ReadT | list[ReadT] | None:
        """The instances with these ids (a single id gives one instance or None).

        Args:
            external_id: An external id (in `space`), a node/edge id or reference, or a list of them.
            space: The space of bare external ids; defaults to the SDK's `instance_space`.
        """
        ids = self._ids(external_id, space)
        found = self._load(self._sync.instances.retrieve(ids, sources=[self._read_class.view_id()]))
        return self._pick(external_id, found)

    @staticmethod
    def _pick(requested: IdLike | Sequence[IdLike], found: list[ReadT]) -> ReadT | list[ReadT] | None:
        if isinstance(requested, str | DirectRelationReference | NodeId | EdgeId):
            return found[0] if found else None
        return found

    def delete(
        self, external_id: IdLike | Sequence[IdLike], *, space: str | None = None
    ) -> list[NodeId | EdgeId]:
        """Delete instances by id; returns the ids the server deleted."""
        return self._sync.instances.delete(self._ids(external_id, space))

    def _list(self, filter: Filter, sort: list[InstanceSort] | None, limit: int | None) -> list[ReadT]:
        limit = resolve_limit(limit)
        if limit == 0:
            return []
        found = self._sync.instances.list(
            self._instance_type, filter=filter, sources=[self._read_class.view_id()], sort=sort, limit=limit
        )
        return self._load(found)

    def _iterate(
        self, filter: Filter, chunk_size: int, cursor: str | None, sort: list[InstanceSort] | None
    ) -> Iterator[Chunk[ReadT]]:
        if not 1 <= chunk_size <= 10_000:
            raise ValueError(f"chunk_size must be in 1..10000, not {chunk_size}")
        while True:
            chunk = self._chunk(self._sync.instances.query(self._query(filter, chunk_size, cursor, sort)))
            if chunk:
                yield chunk
            cursor = chunk.cursor
            if not cursor or not chunk:
                return

    def _search(
        self, query: str | None, properties: Sequence[str] | None, filter: Filter, limit: int | None
    ) -> list[ReadT]:
        view = self._read_class.view_id()
        dms = [self._read_class._props[name].dms_name for name in properties] if properties else None
        limit = resolve_limit(limit)
        found = self._sync.instances.search(
            view,
            query,
            properties=dms,
            instance_type=self._instance_type,
            filter=filter,
            limit=MAX_PAGE if limit is None else limit,
        )
        return self._load(found)

    def _aggregate_body(self, aggregation: str, prop: str | None, interval: float | None) -> dict[str, Any]:
        if prop is None:
            if aggregation != "count":
                raise ValueError(f"{aggregation} needs a property")
            return {"count": {"property": "externalId"}}
        spec = self._read_class._props.get(prop)
        if spec is None:
            raise ValueError(f"{self._read_class.__name__} has no property {prop!r}")
        body: dict[str, Any] = {"property": spec.dms_name}
        if interval is not None:
            body["interval"] = interval
        return {aggregation: body}

    def _group_by(self, group_by: Sequence[str] | None) -> list[str] | None:
        return [self._read_class._props[name].dms_name for name in group_by] if group_by else None

    def _aggregate(
        self,
        aggregation: Aggregation,
        prop: str | None,
        group_by: Sequence[str] | None,
        filter: Filter,
        query: str | None,
    ) -> list[AggregateGroup]:
        items: list[AggregateItem] = self._sync.instances.aggregate(
            self._read_class.view_id(),
            [self._aggregate_body(aggregation, prop, None)],
            group_by=self._group_by(group_by),
            instance_type=self._instance_type,
            query=query,
            filter=filter,
        )
        return [AggregateGroup(_value(item.aggregates), item.group or {}) for item in items]

    def _histogram(self, prop: str, interval: float, filter: Filter) -> list[Bucket]:
        items: list[AggregateItem] = self._sync.instances.aggregate(
            self._read_class.view_id(),
            [self._aggregate_body("histogram", prop, interval)],
            instance_type=self._instance_type,
            filter=filter,
        )
        return _buckets(items[0].aggregates if items else [])

    # -- async --------------------------------------------------------------------------------
    @overload
    async def aretrieve(self, external_id: IdLike, *, space: str | None = None) -> ReadT | None: ...  # type: ignore[overload-overlap]

    @overload
    async def aretrieve(self, external_id: Sequence[IdLike], *, space: str | None = None) -> list[ReadT]: ...

    async def aretrieve(
        self, external_id: IdLike | Sequence[IdLike], *, space: str | None = None
    ) -> ReadT | list[ReadT] | None:
        """The async twin of `retrieve`."""
        ids = self._ids(external_id, space)
        found = self._load(await self._async.instances.retrieve(ids, sources=[self._read_class.view_id()]))
        return self._pick(external_id, found)

    async def adelete(
        self, external_id: IdLike | Sequence[IdLike], *, space: str | None = None
    ) -> list[NodeId | EdgeId]:
        """The async twin of `delete`."""
        return await self._async.instances.delete(self._ids(external_id, space))

    async def _alist(self, filter: Filter, sort: list[InstanceSort] | None, limit: int | None) -> list[ReadT]:
        limit = resolve_limit(limit)
        if limit == 0:
            return []
        found = await self._async.instances.list(
            self._instance_type, filter=filter, sources=[self._read_class.view_id()], sort=sort, limit=limit
        )
        return self._load(found)

    async def _aiterate(
        self, filter: Filter, chunk_size: int, cursor: str | None, sort: list[InstanceSort] | None
    ) -> AsyncIterator[Chunk[ReadT]]:
        if not 1 <= chunk_size <= 10_000:
            raise ValueError(f"chunk_size must be in 1..10000, not {chunk_size}")
        while True:
            chunk = self._chunk(
                await self._async.instances.query(self._query(filter, chunk_size, cursor, sort))
            )
            if chunk:
                yield chunk
            cursor = chunk.cursor
            if not cursor or not chunk:
                return

    async def _asearch(
        self, query: str | None, properties: Sequence[str] | None, filter: Filter, limit: int | None
    ) -> list[ReadT]:
        dms = [self._read_class._props[name].dms_name for name in properties] if properties else None
        limit = resolve_limit(limit)
        found = await self._async.instances.search(
            self._read_class.view_id(),
            query,
            properties=dms,
            instance_type=self._instance_type,
            filter=filter,
            limit=MAX_PAGE if limit is None else limit,
        )
        return self._load(found)

    async def _aaggregate(
        self,
        aggregation: Aggregation,
        prop: str | None,
        group_by: Sequence[str] | None,
        filter: Filter,
        query: str | None,
    ) -> list[AggregateGroup]:
        items: list[AggregateItem] = await self._async.instances.aggregate(
            self._read_class.view_id(),
            [self._aggregate_body(aggregation, prop, None)],
            group_by=self._group_by(group_by),
            instance_type=self._instance_type,
            query=query,
            filter=filter,
        )
        return [AggregateGroup(_value(item.aggregates), item.group or {}) for item in items]

    async def _ahistogram(self, prop: str, interval: float, filter: Filter) -> list[Bucket]:
        items: list[AggregateItem] = await self._async.instances.aggregate(
            self._read_class.view_id(),
            [self._aggregate_body("histogram", prop, interval)],
            instance_type=self._instance_type,
            filter=filter,
        )
        return _buckets(items[0].aggregates if items else [])


def _value(aggregates: Sequence[Mapping[str, Any]]) -> float | None:
    value = aggregates[0].get("value") if aggregates else None
    return value if isinstance(value, int | float) else None


def _buckets(aggregates: Sequence[Mapping[str, Any]]) -> list[Bucket]:
    raw = aggregates[0].get("buckets", []) if aggregates else []
    return [Bucket(float(bucket["start"]), int(bucket["count"])) for bucket in raw]


class WriteAPI(ReadAPI[ReadT], Generic[ReadT, WriteT]):
    """Read and write access to the instances of one writable view."""

    _write_class: ClassVar[type[DomainModelWrite]]

    def upsert(self, items: WriteT | Sequence[WriteT], *, replace: bool = False) -> list[InstanceApplyResult]:
        """Create or update instances (and the edges of their edge relations).

        Args:
            items: One write object or several.
            replace: Replace the view's properties instead of merging only the fields you set.
        """
        batch = [items] if isinstance(items, DomainModelWrite) else list(items)
        return self._sync.instances.apply([apply for item in batch for apply in item.dump()], replace=replace)

    async def aupsert(
        self, items: WriteT | Sequence[WriteT], *, replace: bool = False
    ) -> list[InstanceApplyResult]:
        """The async twin of `upsert`."""
        batch = [items] if isinstance(items, DomainModelWrite) else list(items)
        return await self._async.instances.apply(
            [apply for item in batch for apply in item.dump()], replace=replace
        )

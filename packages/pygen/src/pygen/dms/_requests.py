"""Requests and responses of list, search, aggregate, query and sync, and the error body."""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

from pydantic import Field

from pygen.dms._base import DMSModel
from pygen.dms._ids import ViewId
from pygen.dms._instances import Instance

T = TypeVar("T")

InstanceType = Literal["node", "edge"]


class ErrorDetails(DMSModel):
    """The `error` object of a failed request."""

    code: int
    message: str
    missing: list[dict[str, Any]] | None = None
    duplicated: list[dict[str, Any]] | None = None


class ErrorResponse(DMSModel):
    """`{"error": {"code": ..., "message": ..., "missing": [...], "duplicated": [...]}}`."""

    error: ErrorDetails


class ItemsResponse(DMSModel, Generic[T]):
    """`{"items": [...], "nextCursor": ...}`: one page of a list."""

    items: list[T]
    next_cursor: str | None = None


class SourceSelector(DMSModel):
    """Which properties of a view to return (`["*"]` for all)."""

    source: ViewId
    properties: list[str] = Field(default_factory=lambda: ["*"])


class InstanceSort(DMSModel):
    """Sort by `property`, `ascending` or `descending`, nulls first or last."""

    property: list[str]
    direction: Literal["ascending", "descending"] | None = None
    nulls_first: bool | None = None


class ListInstancesRequest(DMSModel):
    """The body of `POST /models/instances/list`."""

    instance_type: InstanceType | None = None
    sources: list[SourceSelector] | None = None
    filter: dict[str, Any] | None = None
    sort: list[InstanceSort] | None = None
    limit: int | None = None
    cursor: str | None = None
    include_typing: bool | None = None


class SearchInstancesRequest(DMSModel):
    """The body of `POST /models/instances/search`."""

    view: ViewId
    query: str | None = None
    instance_type: InstanceType | None = None
    properties: list[str] | None = None
    operator: Literal["AND", "OR"] | None = None
    filter: dict[str, Any] | None = None
    sort: list[InstanceSort] | None = None
    limit: int | None = None


class AggregateInstancesRequest(DMSModel):
    """The body of `POST /models/instances/aggregate`.

    `aggregates` items are `{"count": {"property": p}}`, `{"sum"|"avg"|"min"|"max": {"property": p}}`
    or `{"histogram": {"property": p, "interval": n}}`.
    """

    view: ViewId
    aggregates: list[dict[str, Any]] | None = None
    group_by: list[str] | None = None
    instance_type: InstanceType | None = None
    query: str | None = None
    properties: list[str] | None = None
    filter: dict[str, Any] | None = None
    limit: int | None = None


class AggregateItem(DMSModel):
    """One group of an aggregate response: `group` (with `groupBy`) and its `aggregates`."""

    instance_type: InstanceType | None = None
    group: dict[str, Any] | None = None
    aggregates: list[dict[str, Any]] = Field(default_factory=list)


class NodeExpression(DMSModel):
    """`nodes`: start from a filter, or follow `through` / edges of the result set `from`."""

    from_: str | None = Field(default=None, alias="from")
    through: dict[str, Any] | None = None
    direction: Literal["outwards", "inwards"] | None = None
    chain_to: Literal["source", "destination"] | None = None
    filter: dict[str, Any] | None = None


class EdgeExpression(DMSModel):
    """`edges`: edges from the nodes of `from`, up to `max_distance` hops."""

    from_: str | None = Field(default=None, alias="from")
    direction: Literal["outwards", "inwards"] | None = None
    chain_to: Literal["source", "destination"] | None = None
    filter: dict[str, Any] | None = None
    node_filter: dict[str, Any] | None = None
    termination_filter: dict[str, Any] | None = None
    max_distance: int | None = None
    limit_each: int | None = None


class ResultSetExpression(DMSModel):
    """One named result set of a query: `nodes` or `edges`, with `limit` and `sort`."""

    nodes: NodeExpression | None = None
    edges: EdgeExpression | None = None
    limit: int | None = None
    sort: list[dict[str, Any]] | None = None
    post_sort: list[dict[str, Any]] | None = None


class SelectExpression(DMSModel):
    """What to return for a result set: `sources` (views and properties), `sort`, `limit`."""

    sources: list[SourceSelector] | None = None
    sort: list[dict[str, Any]] | None = None
    limit: int | None = None


class QueryRequest(DMSModel):
    """The body of `POST /models/instances/query` and `/sync`."""

    with_: dict[str, ResultSetExpression] = Field(alias="with")
    select: dict[str, SelectExpression] = Field(default_factory=dict)
    cursors: dict[str, str | None] | None = None
    parameters: dict[str, Any] | None = None
    include_typing: bool | None = None


class QueryResponse(DMSModel):
    """The result sets of a query or sync, each with its own `nextCursor`."""

    items: dict[str, list[Instance]]
    next_cursor: dict[str, str | None] = Field(default_factory=dict)
    typing: dict[str, Any] | None = None

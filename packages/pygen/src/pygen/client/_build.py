"""Request bodies and response parsing shared by the sync and async clients (no I/O here)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

if TYPE_CHECKING:
    from pygen.dms import (
        Container,
        DataModel,
        DMSModel,
        Edge,
        EdgeId,
        Filter,
        Instance,
        InstanceSort,
        Node,
        NodeId,
        Space,
        View,
        ViewId,
    )

R = TypeVar("R")
T = TypeVar("T")

SCHEMA_CHUNK = 100
INSTANCE_CHUNK = 1000
LIST_LIMIT = 1000


def _dms_attribute(name: str) -> Any:
    """`pygen.dms.<name>`, imported on first use: importing the client imports no pydantic."""
    import pygen.dms

    return getattr(pygen.dms, name)


@functools.cache
def _dumped_types() -> tuple[type[DMSModel], type[Filter]]:
    return (_dms_attribute("DMSModel"), _dms_attribute("Filter"))


@functools.cache
def _instance_models() -> tuple[type[Node], type[Edge]]:
    return _dms_attribute("Node"), _dms_attribute("Edge")


@dataclass(frozen=True)
class SchemaResource(Generic[R]):
    """A schema endpoint: its path, and the `pygen.dms` models of its items and their identifiers."""

    path: str
    model: str
    identifier: str

    def load(self, data: dict[str, Any]) -> R:
        """An item from its wire form."""
        return cast("R", _dms_attribute(self.model).load(data))

    def load_id(self, data: dict[str, Any]) -> Any:
        """An identifier from its wire form."""
        return _dms_attribute(self.identifier).load(data)


SPACES: SchemaResource[Space] = SchemaResource("/models/spaces", "Space", "SpaceId")
CONTAINERS: SchemaResource[Container] = SchemaResource("/models/containers", "Container", "ContainerId")
VIEWS: SchemaResource[View] = SchemaResource("/models/views", "View", "ViewId")
DATA_MODELS: SchemaResource[DataModel] = SchemaResource("/models/datamodels", "DataModel", "DataModelId")


def as_list(items: T | Sequence[T]) -> list[T]:
    """One item or many, as a list."""
    if isinstance(items, list | tuple):
        return list(items)
    return [items]  # type: ignore[list-item]


def chunked(items: Sequence[T], size: int) -> list[list[T]]:
    """`items` cut into lists of at most `size`."""
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def dump(item: Any) -> Any:
    """The wire form of a model (dicts pass through)."""
    return item.dump() if isinstance(item, _dumped_types()) else item


def dump_identifier(item: Any) -> Any:
    """The wire form of an identifier in a `byids` or `delete` body (`"space"` strings become objects)."""
    if isinstance(item, str):
        return {"space": item}
    data = dump(item)
    if isinstance(data, dict) and data.get("type") in ("view", "container"):
        data = {k: v for k, v in data.items() if k != "type"}
    return data


def query_params(
    options: dict[str, Any], *, limit: int | None = None, space: str | None = None
) -> dict[str, Any]:
    """Query parameters of a schema call; `options` are snake_case flags (`all_versions=True`)."""
    from pydantic.alias_generators import to_camel

    params: dict[str, Any] = {} if limit is None else {"limit": limit}
    if space is not None:
        params["space"] = space
    for key, value in options.items():
        if value is not None:
            params[to_camel(key)] = str(value).lower() if isinstance(value, bool) else value
    return params


def source_selectors(sources: Iterable[ViewId | dict[str, Any]] | None) -> list[dict[str, Any]] | None:
    """`[{"source": {"type": "view", ...}}]` for views given by id."""
    if sources is None:
        return None
    return [
        source if isinstance(source, dict) else {"source": {**source.dump(), "type": "view"}}
        for source in sources
    ]


def sort_specs(sort: Iterable[InstanceSort | dict[str, Any]] | None) -> list[Any] | None:
    """The wire form of sort specifications."""
    return None if sort is None else [dump(s) for s in sort]


def filter_body(filter: Filter | dict[str, Any] | None) -> dict[str, Any] | None:
    """The wire form of a filter."""
    return None if filter is None else dump(filter)


def drop_none(body: dict[str, Any]) -> dict[str, Any]:
    """`body` without its None values."""
    return {k: v for k, v in body.items() if v is not None}


def instance_loader() -> Callable[[dict[str, Any]], Instance]:
    """A function that loads a node or an edge from its wire form (by its `instanceType`)."""
    node, edge = _instance_models()
    load_node, load_edge = node.model_validate, edge.model_validate

    def load(data: dict[str, Any]) -> Instance:
        return load_edge(data) if data.get("instanceType") == "edge" else load_node(data)

    return load


def load_instance_id(data: dict[str, Any]) -> NodeId | EdgeId:
    """A node or edge identifier from its wire form."""
    model = _dms_attribute("EdgeId" if data.get("instanceType") == "edge" else "NodeId")
    return cast("NodeId | EdgeId", model.model_validate(data))


def list_limit(limit: int | None) -> int:
    """The page size for a list call that should return at most `limit` items."""
    return LIST_LIMIT if limit is None else max(1, min(limit, LIST_LIMIT))


def search_body(
    view: ViewId,
    query: str | None,
    properties: Sequence[str] | None,
    instance_type: str | None,
    filter: Filter | dict[str, Any] | None,
    operator: str | None,
    sort: Iterable[InstanceSort | dict[str, Any]] | None,
    limit: int,
) -> dict[str, Any]:
    """The body of a search request."""
    return drop_none(
        {
            "view": {**view.dump(), "type": "view"},
            "query": query,
            "properties": None if properties is None else list(properties),
            "instanceType": instance_type,
            "filter": filter_body(filter),
            "operator": operator,
            "sort": sort_specs(sort),
            "limit": limit,
        }
    )


def aggregate_body(
    view: ViewId,
    aggregates: Sequence[dict[str, Any]],
    group_by: Sequence[str] | None,
    instance_type: str | None,
    query: str | None,
    properties: Sequence[str] | None,
    filter: Filter | dict[str, Any] | None,
    limit: int | None,
) -> dict[str, Any]:
    """The body of an aggregate request."""
    return drop_none(
        {
            "view": {**view.dump(), "type": "view"},
            "aggregates": list(aggregates),
            "groupBy": None if group_by is None else list(group_by),
            "instanceType": instance_type,
            "query": query,
            "properties": None if properties is None else list(properties),
            "filter": filter_body(filter),
            "limit": limit,
        }
    )


def list_body(
    instance_type: str,
    filter: Filter | dict[str, Any] | None,
    sources: Iterable[ViewId | dict[str, Any]] | None,
    sort: Iterable[InstanceSort | dict[str, Any]] | None,
    chunk_size: int,
    space: str | None,
) -> dict[str, Any]:
    """The body of an instances list request; `space` narrows the filter to one space."""
    flt = filter_body(filter)
    if space is not None:
        in_space = {"equals": {"property": [instance_type, "space"], "value": space}}
        flt = in_space if flt is None else {"and": [in_space, flt]}
    return drop_none(
        {
            "instanceType": instance_type,
            "filter": flt,
            "sources": source_selectors(sources),
            "sort": sort_specs(sort),
            "limit": list_limit(chunk_size),
        }
    )

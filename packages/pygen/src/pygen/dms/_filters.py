"""The DMS filter language: `{"equals": {"property": [...], "value": ...}}`, `{"and": [...]}`, ...

Build filters in Python (`And(Equals(["node", "space"], "s"), Prefix(prop, "a"))`), send them with
`.dump()`, read them back with `Filter.load(...)`. A filter kind this version does not know is kept
as `UnknownFilter` and written back unchanged.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from pygen.dms._base import positional
from pygen.dms._ids import ContainerId, ViewId

PropertyReference = list[str]
"""`["node", "externalId"]`, `["space", "View/1", "prop"]` or `["space", "Container", "prop"]`."""


class Filter(BaseModel):
    """Base of every filter; `Filter.load(data)` parses any filter from its wire form."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True, defer_build=True)
    name: ClassVar[str] = ""

    @staticmethod
    def load(data: dict[str, Any]) -> Filter:
        """Parse a filter from its wire form (`{"<kind>": <body>}`)."""
        if not isinstance(data, dict) or len(data) != 1:
            return UnknownFilter(raw=data)
        ((kind, body),) = data.items()
        cls = _FILTERS.get(kind)
        if cls is None:
            return UnknownFilter(raw=data)
        return cls._load_body(body)

    @classmethod
    def _load_body(cls, body: Any) -> Filter:
        return cls.model_validate(body)

    def dump(self) -> dict[str, Any]:
        """The wire form of this filter."""
        return {self.name: self._dump_body()}

    def _dump_body(self) -> Any:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)

    def __and__(self, other: Filter) -> And:
        return And(filters=(self, other))

    def __or__(self, other: Filter) -> Or:
        return Or(filters=(self, other))

    def __invert__(self) -> Not:
        return Not(self)


class _PropertyFilter(Filter):
    """A filter on one property: `Kind(property, **bounds)`."""

    property: PropertyReference

    def __init__(self, property: PropertyReference | None = None, /, **data: Any) -> None:
        positional(data, property=property)
        super().__init__(**data)


class _ValueFilter(_PropertyFilter):
    """A filter comparing one property with one value: `Kind(property, value)`."""

    value: Any

    def __init__(self, property: PropertyReference | None = None, value: Any = None, /, **data: Any) -> None:
        positional(data, property=property, value=value)
        super().__init__(**data)


class _ValuesFilter(_PropertyFilter):
    """A filter comparing one property with a list of values: `Kind(property, values)`."""

    values: list[Any]

    def __init__(
        self, property: PropertyReference | None = None, values: list[Any] | None = None, /, **data: Any
    ) -> None:
        positional(data, property=property, values=values)
        super().__init__(**data)


class Equals(_ValueFilter):
    """`property == value`."""

    name: ClassVar[str] = "equals"

    def __init__(self, property: PropertyReference | None = None, value: Any = None, /, **data: Any) -> None:
        super().__init__(property, value, **data)


class In(_ValuesFilter):
    """`property` is one of `values`."""

    name: ClassVar[str] = "in"

    def __init__(
        self, property: PropertyReference | None = None, values: list[Any] | None = None, /, **data: Any
    ) -> None:
        super().__init__(property, values, **data)


class Range(_PropertyFilter):
    """`property` within the bounds given (`gt`, `gte`, `lt`, `lte`)."""

    name: ClassVar[str] = "range"
    gt: Any = None
    gte: Any = None
    lt: Any = None
    lte: Any = None

    def __init__(self, property: PropertyReference | None = None, /, **data: Any) -> None:
        super().__init__(property, **data)


class Prefix(_ValueFilter):
    """`property` (text or list) starts with `value`."""

    name: ClassVar[str] = "prefix"

    def __init__(self, property: PropertyReference | None = None, value: Any = None, /, **data: Any) -> None:
        super().__init__(property, value, **data)


class Exists(_PropertyFilter):
    """`property` has a value."""

    name: ClassVar[str] = "exists"

    def __init__(self, property: PropertyReference | None = None, /, **data: Any) -> None:
        super().__init__(property, **data)


class ContainsAny(_ValuesFilter):
    """The list `property` contains at least one of `values`."""

    name: ClassVar[str] = "containsAny"

    def __init__(
        self, property: PropertyReference | None = None, values: list[Any] | None = None, /, **data: Any
    ) -> None:
        super().__init__(property, values, **data)


class ContainsAll(_ValuesFilter):
    """The list `property` contains every one of `values`."""

    name: ClassVar[str] = "containsAll"

    def __init__(
        self, property: PropertyReference | None = None, values: list[Any] | None = None, /, **data: Any
    ) -> None:
        super().__init__(property, values, **data)


class Overlaps(Filter):
    """The interval `[start_property, end_property]` overlaps the bounds given."""

    name: ClassVar[str] = "overlaps"
    start_property: PropertyReference
    end_property: PropertyReference
    gt: Any = None
    gte: Any = None
    lt: Any = None
    lte: Any = None


class MatchAll(Filter):
    """Every instance."""

    name: ClassVar[str] = "matchAll"

    def _dump_body(self) -> Any:
        return {}


class HasData(Filter):
    """Instances with data in all the given views or containers."""

    name: ClassVar[str] = "hasData"
    sources: list[ViewId | ContainerId] = Field(default_factory=list)

    def __init__(self, sources: list[ViewId | ContainerId] | None = None, /, **data: Any) -> None:
        positional(data, sources=sources)
        super().__init__(**data)

    @classmethod
    def _load_body(cls, body: Any) -> Filter:
        if isinstance(body, dict):  # the legacy form {"views": [...], "containers": [...]}
            views = [ViewId.model_validate({**v, "type": "view"}) for v in body.get("views", [])]
            containers = [
                ContainerId.model_validate({**c, "type": "container"}) for c in body.get("containers", [])
            ]
            return cls(sources=[*views, *containers])
        return cls(sources=[_load_source(item) for item in body])

    def _dump_body(self) -> Any:
        return [
            {**s.model_dump(mode="json", by_alias=True, exclude_none=True), "type": s.type}
            for s in self.sources
        ]


class Nested(Filter):
    """`filter` applied to the node that the direct relation `scope` points at."""

    name: ClassVar[str] = "nested"
    scope: PropertyReference
    filter: Filter

    @classmethod
    def _load_body(cls, body: Any) -> Filter:
        return cls(scope=body["scope"], filter=Filter.load(body["filter"]))

    def _dump_body(self) -> Any:
        return {"scope": self.scope, "filter": self.filter.dump()}


class _Compound(Filter):
    filters: tuple[Filter, ...]

    def __init__(self, *filters: Filter, **data: Any) -> None:
        if filters:
            data["filters"] = filters
        super().__init__(**data)

    @classmethod
    def _load_body(cls, body: Any) -> Filter:
        return cls(*(Filter.load(item) for item in body))

    def _dump_body(self) -> Any:
        return [f.dump() for f in self.filters]


class And(_Compound):
    """Every one of `filters`."""

    name: ClassVar[str] = "and"


class Or(_Compound):
    """At least one of `filters`."""

    name: ClassVar[str] = "or"


class Not(Filter):
    """Not `filter`."""

    name: ClassVar[str] = "not"
    filter: Filter

    def __init__(self, filter: Filter | None = None, /, **data: Any) -> None:
        positional(data, filter=filter)
        super().__init__(**data)

    @classmethod
    def _load_body(cls, body: Any) -> Filter:
        return cls(Filter.load(body))

    def _dump_body(self) -> Any:
        return self.filter.dump()


class UnknownFilter(Filter):
    """A filter kind this version does not know; written back as it was read."""

    raw: Any

    def dump(self) -> dict[str, Any]:
        return dict(self.raw) if isinstance(self.raw, dict) else {"unknown": self.raw}


def _load_source(item: dict[str, Any]) -> ViewId | ContainerId:
    if item.get("type") == "container" or "version" not in item:
        return ContainerId.model_validate(item)
    return ViewId.model_validate(item)


_FILTERS: dict[str, type[Filter]] = {
    cls.name: cls
    for cls in (
        Equals,
        In,
        Range,
        Prefix,
        Exists,
        ContainsAny,
        ContainsAll,
        Overlaps,
        MatchAll,
        HasData,
        Nested,
        And,
        Or,
        Not,
    )
}

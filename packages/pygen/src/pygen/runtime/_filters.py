"""Keyword filters: `list(name_prefix="A", min_age=3)` -> a DMS filter, from the field kinds.

The generator and the runtime derive the keyword names with the same function
(`filter_arguments`), so the generated signatures and the runtime always agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from enum import Enum
from functools import cache
from typing import Any, Literal

from pygen.dms import (
    And,
    ContainsAny,
    DirectRelationReference,
    Equals,
    Filter,
    HasData,
    In,
    Prefix,
    Range,
    ViewId,
)
from pygen.ir._names import API_PARAMETERS
from pygen.runtime._model import DomainModel, PropertySpec

Operator = Literal["equals", "prefix", "min", "max"]
_ORDERED = frozenset({"int", "float", "timestamp", "date"})


def filter_arguments(props: Mapping[str, PropertySpec]) -> dict[str, tuple[str, Operator]]:
    """The keyword filters of a class: keyword -> (field name, operator).

    Every field but json gets `name` (equals, or contains-any for lists); text gets
    `name_prefix`; numbers, timestamps and dates get `min_name` and `max_name`. A derived name
    that collides with a field or a method parameter is left out (use `filter=` instead).
    """
    taken = {*props, *API_PARAMETERS}
    out: dict[str, tuple[str, Operator]] = {}
    for name, spec in props.items():
        if spec.kind == "json":
            continue
        out[name] = (name, "equals")
        if spec.is_list:
            continue
        derived: list[tuple[str, Operator]] = []
        if spec.kind == "text":
            derived.append((f"{name}_prefix", "prefix"))
        if spec.kind in _ORDERED:
            derived += [(f"min_{name}", "min"), (f"max_{name}", "max")]
        for keyword, operator in derived:
            if keyword not in taken and keyword not in out:
                out[keyword] = (name, operator)
    return out


@cache
def _arguments(cls: type[DomainModel]) -> dict[str, tuple[str, Operator]]:
    return filter_arguments(cls._props)


def wire_value(value: Any) -> Any:
    """A Python filter value as DMS expects it (references as objects, times as ISO text)."""
    if isinstance(value, DirectRelationReference):
        return {"space": value.space, "externalId": value.external_id}
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(part, str) for part in value):
        return {"space": value[0], "externalId": value[1]}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat(timespec="milliseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _many(value: Any) -> list[Any] | None:
    if isinstance(value, list | set | frozenset) or (
        isinstance(value, tuple) and not _is_reference_tuple(value)
    ):
        return [wire_value(item) for item in value]
    return None


def _is_reference_tuple(value: tuple[Any, ...]) -> bool:
    return len(value) == 2 and all(isinstance(part, str) for part in value)


def property_filter(view: ViewId, spec: PropertySpec, operator: Operator, value: Any) -> Filter:
    """One filter on one property: equals / in / contains-any, prefix, or a range bound."""
    prop = [view.space, f"{view.external_id}/{view.version}", spec.dms_name]
    if operator == "prefix":
        return Prefix(prop, value)
    if operator in ("min", "max"):
        return Range(prop, **{"gte" if operator == "min" else "lte": wire_value(value)})
    many = _many(value)
    if spec.is_list:
        return ContainsAny(prop, many if many is not None else [wire_value(value)])
    return In(prop, many) if many is not None else Equals(prop, wire_value(value))


def build_filter(
    cls: type[DomainModel],
    keywords: Mapping[str, Any],
    *,
    space: str | Sequence[str] | None = None,
    external_id_prefix: str | None = None,
    extra: Filter | None = None,
    instance_type: Literal["node", "edge"] = "node",
) -> Filter:
    """The DMS filter of a class's keyword filters, always restricted to the class's view.

    Args:
        cls: A generated read class.
        keywords: Keyword filters (None values are ignored).
        space: Only instances in this space (or these spaces).
        external_id_prefix: Only instances whose external id starts with this.
        extra: A filter to add (and) to the keyword filters.
        instance_type: "node" or "edge", for the space and external id filters.

    Raises:
        TypeError: A keyword is not a filter of this class.
    """
    view = cls.view_id()
    arguments = _arguments(cls)
    parts: list[Filter] = [HasData([view])]
    for keyword, value in keywords.items():
        if value is None:
            continue
        if keyword not in arguments:
            raise TypeError(f"{cls.__name__} has no keyword filter {keyword!r}")
        name, operator = arguments[keyword]
        parts.append(property_filter(view, cls._props[name], operator, value))
    if space is not None:
        where = [instance_type, "space"]
        parts.append(Equals(where, space) if isinstance(space, str) else In(where, list(space)))
    if external_id_prefix is not None:
        parts.append(Prefix([instance_type, "externalId"], external_id_prefix))
    if extra is not None:
        parts.append(extra)
    return parts[0] if len(parts) == 1 else And(*parts)

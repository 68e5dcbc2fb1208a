"""Evaluating DMS filters on stored instances."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pygen.emulator._errors import bad_request
from pygen.emulator._schema import Schema, container_key
from pygen.emulator._store import Record
from pygen.emulator._values import normalize_timestamp

Getter = Callable[[Record], Any]
_MISSING = object()

_NODE_FIELDS: dict[str, Getter] = {
    "space": lambda r: r.space,
    "externalId": lambda r: r.external_id,
    "version": lambda r: r.version,
    "createdTime": lambda r: r.created_time,
    "lastUpdatedTime": lambda r: r.last_updated_time,
    "deletedTime": lambda r: r.deleted_time,
    "type": lambda r: r.type,
    "instanceType": lambda r: r.instance_type,
}
_EDGE_FIELDS: dict[str, Getter] = {
    **_NODE_FIELDS,
    "startNode": lambda r: r.start_node,
    "endNode": lambda r: r.end_node,
}


class PropertyAccess:
    """How to read one property reference from a record, and the property's type (if known)."""

    def __init__(self, getter: Getter, ptype: dict[str, Any] | None) -> None:
        self.get = getter
        self.ptype = ptype

    def coerce(self, value: Any) -> Any:
        """A filter value in the stored form of this property (timestamps normalised)."""
        if self.ptype is not None and self.ptype.get("type") == "timestamp" and isinstance(value, str):
            return normalize_timestamp(value) or value
        return value


def _data_getter(key: str, prop: str) -> Getter:
    def get(record: Record) -> Any:
        return record.data.get(key, {}).get(prop)

    return get


def _kind_getter(kind: str, field: Getter) -> Getter:
    def get(record: Record) -> Any:
        return field(record) if record.instance_type == kind else None

    return get


class Resolver:
    """Turns property references (`["node", "externalId"]`, `[space, "View/1", prop]`) into accessors."""

    def __init__(self, schema: Schema, lookup: Callable[[str, str], Record | None]) -> None:
        self.schema = schema
        self.lookup = lookup
        self._cache: dict[tuple[str, ...], PropertyAccess] = {}

    def access(self, reference: list[str]) -> PropertyAccess:
        """The accessor of a property reference, or a 400 if it does not resolve."""
        key = tuple(reference)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._resolve(reference)
        return found

    def _resolve(self, reference: list[str]) -> PropertyAccess:
        if not isinstance(reference, list) or not all(isinstance(p, str) for p in reference):
            raise bad_request(f"Invalid property reference: {reference!r}.")
        if len(reference) == 2 and reference[0] in ("node", "edge"):
            fields = _NODE_FIELDS if reference[0] == "node" else _EDGE_FIELDS
            if reference[1] not in fields:
                raise bad_request(f"Unknown property {reference[0]}.{reference[1]}.")
            return PropertyAccess(_kind_getter(reference[0], fields[reference[1]]), None)
        if len(reference) != 3:
            raise bad_request(
                f"Invalid property reference: {reference!r}; expected [space, source, property]."
            )
        space, source, prop = reference
        if "/" in source:
            external_id, version = source.split("/", 1)
            view = self.schema.view_for({"space": space, "externalId": external_id, "version": version})
            vprop = view["properties"].get(prop)
            if vprop is None or "container" not in vprop:
                raise bad_request(
                    f"Property '{prop}' does not exist in view {space}:{source} or is not mapped."
                )
            cspace, cxid = container_key(vprop["container"])
            return PropertyAccess(
                _data_getter(f"{cspace}:{cxid}", vprop["containerPropertyIdentifier"]), vprop["type"]
            )
        container = self.schema.containers.get((space, source))
        if container is None or prop not in container["properties"]:
            raise bad_request(f"Property '{prop}' does not exist in container {space}:{source}.")
        return PropertyAccess(_data_getter(f"{space}:{source}", prop), container["properties"][prop]["type"])


def _order(value: Any) -> tuple[int, Any]:
    if isinstance(value, bool):
        return (0, int(value))
    if isinstance(value, int | float):
        return (1, value)
    if isinstance(value, str):
        return (2, value)
    return (3, repr(value))


def _in_range(value: Any, body: dict[str, Any], access: PropertyAccess) -> bool:
    if value is None or isinstance(value, list | dict):
        return False
    key = _order(value)
    for op in ("gt", "gte", "lt", "lte"):
        if op not in body or body[op] is None:
            continue
        bound = _order(access.coerce(body[op]))
        if bound[0] != key[0]:
            return False
        if (
            (op == "gt" and not key > bound)
            or (op == "gte" and not key >= bound)
            or (op == "lt" and not key < bound)
            or (op == "lte" and not key <= bound)
        ):
            return False
    return True


def _has_data(record: Record, sources: Any, resolver: Resolver) -> bool:
    if isinstance(sources, dict):  # legacy {"views": [...], "containers": [...]}
        sources = [{**v, "type": "view"} for v in sources.get("views", [])] + [
            {**c, "type": "container"} for c in sources.get("containers", [])
        ]
    for source in sources:
        if source.get("type") == "container" or "version" not in source:
            if f"{source['space']}:{source['externalId']}" not in record.data:
                return False
            continue
        view = resolver.schema.view_for(source)
        containers = {container_key(p["container"]) for p in view["properties"].values() if "container" in p}
        if not containers or not all(f"{s}:{x}" in record.data for s, x in containers):
            return False
    return True


def evaluate(flt: dict[str, Any] | None, record: Record, resolver: Resolver) -> bool:
    """Whether `record` matches filter `flt` (None matches everything)."""
    if flt is None:
        return True
    if not isinstance(flt, dict) or len(flt) != 1:
        raise bad_request(f"Invalid filter: {flt!r}.")
    ((kind, body),) = flt.items()
    if kind == "and":
        return all(evaluate(f, record, resolver) for f in body)
    if kind == "or":
        return any(evaluate(f, record, resolver) for f in body)
    if kind == "not":
        return not evaluate(body, record, resolver)
    if kind == "matchAll":
        return True
    if kind == "hasData":
        return _has_data(record, body, resolver)
    if kind == "nested":
        target = resolver.access(body["scope"]).get(record)
        if not isinstance(target, dict) or "externalId" not in target:
            return False
        node = resolver.lookup(target["space"], target["externalId"])
        return node is not None and evaluate(body["filter"], node, resolver)
    if kind == "overlaps":
        return _overlaps(body, record, resolver)
    if kind not in _LEAVES:
        raise bad_request(f"Unknown filter type: {kind}.")
    access = resolver.access(body.get("property"))
    return _LEAVES[kind](access.get(record), body, access)


def _overlaps(body: dict[str, Any], record: Record, resolver: Resolver) -> bool:
    start_access = resolver.access(body["startProperty"])
    end_access = resolver.access(body["endProperty"])
    start, end = start_access.get(record), end_access.get(record)
    if start is None and end is None:
        return False
    lower = next(((op, body[op]) for op in ("gt", "gte") if body.get(op) is not None), None)
    upper = next(((op, body[op]) for op in ("lt", "lte") if body.get(op) is not None), None)
    if lower is not None and end is not None:
        bound = _order(end_access.coerce(lower[1]))
        if _order(end)[0] != bound[0] or not (
            _order(end) > bound if lower[0] == "gt" else _order(end) >= bound
        ):
            return False
    if upper is not None and start is not None:
        bound = _order(start_access.coerce(upper[1]))
        if _order(start)[0] != bound[0] or not (
            _order(start) < bound if upper[0] == "lt" else _order(start) <= bound
        ):
            return False
    return True


def _same(a: Any, b: Any) -> bool:
    """Equality without Python's `True == 1`."""
    return isinstance(a, bool) == isinstance(b, bool) and a == b


def _equals(value: Any, body: dict[str, Any], access: PropertyAccess) -> bool:
    return value is not None and _same(value, access.coerce(body.get("value")))


def _in(value: Any, body: dict[str, Any], access: PropertyAccess) -> bool:
    return value is not None and any(_same(value, access.coerce(v)) for v in body.get("values", []))


def _prefix(value: Any, body: dict[str, Any], access: PropertyAccess) -> bool:
    prefix = body.get("value")
    if isinstance(value, str) and isinstance(prefix, str):
        return value.startswith(prefix)
    if isinstance(value, list) and isinstance(prefix, list):
        return value[: len(prefix)] == prefix
    return False


def _contains_any(value: Any, body: dict[str, Any], access: PropertyAccess) -> bool:
    items = value if isinstance(value, list) else [] if value is None else [value]
    return any(access.coerce(v) in items for v in body.get("values", []))


def _contains_all(value: Any, body: dict[str, Any], access: PropertyAccess) -> bool:
    items = value if isinstance(value, list) else [] if value is None else [value]
    wanted = body.get("values", [])
    return bool(items) and all(access.coerce(v) in items for v in wanted)


_LEAVES: dict[str, Callable[[Any, dict[str, Any], PropertyAccess], bool]] = {
    "equals": _equals,
    "in": _in,
    "range": lambda value, body, access: _in_range(value, body, access),
    "prefix": _prefix,
    "exists": lambda value, body, access: value is not None,
    "containsAny": _contains_any,
    "containsAll": _contains_all,
}


def sort_key(access: PropertyAccess, record: Record) -> tuple[int, Any]:
    """The sort key of a record for one property (nulls get their own rank)."""
    value = access.get(record)
    if value is None:
        return (9, 0)
    if isinstance(value, dict):
        return (4, (value.get("space", ""), value.get("externalId", "")))
    return _order(value)

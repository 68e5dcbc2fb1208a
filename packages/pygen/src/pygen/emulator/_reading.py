"""Reading instances: projection into `properties.<space>.<view/version>`, list, search, aggregate."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from pygen.emulator._cursors import decode_cursor, encode_cursor
from pygen.emulator._errors import bad_request, constraint_violation, quoted_ids
from pygen.emulator._filters import Resolver, evaluate, sort_key
from pygen.emulator._schema import Schema, container_key
from pygen.emulator._store import Record, Store

LIST_LIMIT = 1000
SEARCH_LIMIT = 1000
AGGREGATE_LIMIT = 1000
SOURCES_LIMIT = 10
_TYPING_FIELDS = ("type", "nullable", "autoIncrement", "immutable", "defaultValue", "name", "description")


def instance_type_of(body: dict[str, Any], *, default: str | None = "node") -> str | None:
    """The `instanceType` of a request, or the 400 the API answers."""
    value = body.get("instanceType", default)
    if value is not None and value not in ("node", "edge"):
        raise bad_request(f"instanceType must be 'node' or 'edge', got {value!r}.")
    return value


def check_limit(limit: Any, maximum: int, *, default: int, name: str = "limit") -> int:
    """A valid `limit` (or another bounded count called `name`), or the 400 the API answers."""
    if limit is None:
        return default
    if not isinstance(limit, int) or isinstance(limit, bool):
        raise bad_request(f"{name} must be an integer, got {limit!r}.")
    if limit < 1:
        raise constraint_violation(f"{name} must be greater than or equal to 1")
    if limit > maximum:
        raise constraint_violation(f"{name} must be less than or equal to {maximum}")
    return limit


class Projector:
    """Builds the wire form of records with the properties of the requested views."""

    def __init__(self, schema: Schema, selectors: list[dict[str, Any]] | None) -> None:
        self._views = []
        self._typing: dict[str, dict[str, Any]] = {}
        if selectors and len(selectors) > SOURCES_LIMIT:
            raise constraint_violation(f"sources size must be between 0 and {SOURCES_LIMIT}")
        for selector in selectors or []:
            view = schema.view_for(selector.get("source") or {})
            wanted = selector.get("properties") or ["*"]
            props = {
                name: (
                    f"{p['container']['space']}:{p['container']['externalId']}",
                    p["containerPropertyIdentifier"],
                )
                for name, p in view["properties"].items()
                if "container" in p and ("*" in wanted or name in wanted)
            }
            containers = {
                container_key(p["container"]) for p in view["properties"].values() if "container" in p
            }
            ckeys = {f"{s}:{x}" for s, x in containers}
            self._views.append((view["space"], f"{view['externalId']}/{view['version']}", props, ckeys))
            self._typing.setdefault(view["space"], {})[f"{view['externalId']}/{view['version']}"] = {
                name: {k: p[k] for k in _TYPING_FIELDS if k in p}
                for name, p in view["properties"].items()
                if "container" in p and name in props
            }

    def typing(self) -> dict[str, Any]:
        """The `typing` block of a response: the type of every returned property, by space and view."""
        return self._typing

    def dump(self, record: Record) -> dict[str, Any]:
        """The wire form of a record."""
        body: dict[str, Any] = {
            "instanceType": record.instance_type,
            "space": record.space,
            "externalId": record.external_id,
            "version": record.version,
            "lastUpdatedTime": record.last_updated_time,
            "createdTime": record.created_time,
        }
        if record.deleted_time is not None:
            body["deletedTime"] = record.deleted_time
        if record.instance_type == "edge":
            body["type"] = record.type
            body["startNode"] = record.start_node
            body["endNode"] = record.end_node
        elif record.type is not None:
            body["type"] = record.type
        properties: dict[str, dict[str, Any]] = {}
        for space, source, props, ckeys in self._views:
            if ckeys and not any(c in record.data for c in ckeys):
                continue
            values = {
                name: record.data[ckey][cprop]
                for name, (ckey, cprop) in props.items()
                if ckey in record.data and cprop in record.data[ckey]
            }
            properties.setdefault(space, {})[source] = values
        body["properties"] = properties
        return body


def sorter(resolver: Resolver, sort: list[dict[str, Any]] | None) -> Callable[[list[Record]], list[Record]]:
    specs = [
        (resolver.access(s["property"]), s.get("direction", "ascending"), s.get("nullsFirst"))
        for s in sort or []
    ]

    def apply(records: list[Record]) -> list[Record]:
        ordered = sorted(records, key=lambda r: r.seq)
        for access, direction, nulls_first in reversed(specs):
            descending = direction == "descending"
            nulls_first = descending if nulls_first is None else nulls_first
            present = [r for r in ordered if access.get(r) is not None]
            absent = [r for r in ordered if access.get(r) is None]
            present.sort(key=lambda r: sort_key(access, r), reverse=descending)
            ordered = absent + present if nulls_first else present + absent
        return ordered

    return apply


def matching(
    store: Store,
    resolver: Resolver,
    flt: dict[str, Any] | None,
    instance_type: str | None,
    after_seq: int = 0,
    *,
    first_batch: int = 1000,
    include_deleted: bool = False,
) -> Iterable[Record]:
    """Live records of a type that match a filter, in creation order (read `first_batch` rows first)."""
    records = store.scan(
        after_seq=after_seq, instance_type=instance_type, batch=first_batch, include_deleted=include_deleted
    )
    return (r for r in records if evaluate(flt, r, resolver))


def list_instances(store: Store, schema: Schema, resolver: Resolver, body: dict[str, Any]) -> dict[str, Any]:
    """`POST /models/instances/list`."""
    limit = check_limit(body.get("limit"), LIST_LIMIT, default=LIST_LIMIT)
    instance_type = instance_type_of(body)
    projector = Projector(schema, body.get("sources"))
    flt = body.get("filter")
    if body.get("sort"):
        offset = decode_cursor(body.get("cursor"), "o")
        ordered = sorter(resolver, body["sort"])(list(matching(store, resolver, flt, instance_type)))
        page = ordered[offset : offset + limit]
        more = len(ordered) > offset + limit
        cursor = encode_cursor({"o": offset + limit}) if more else None
    else:
        after = decode_cursor(body.get("cursor"), "s")
        page = []
        more = False
        first_batch = min(limit + 1, 1000)
        for record in matching(store, resolver, flt, instance_type, after_seq=after, first_batch=first_batch):
            if len(page) == limit:
                more = True
                break
            page.append(record)
        cursor = encode_cursor({"s": page[-1].seq}) if more else None
    response: dict[str, Any] = {"items": [projector.dump(r) for r in page], "nextCursor": cursor}
    if body.get("includeTyping"):
        response["typing"] = projector.typing()
    return response


_TOKEN = re.compile(r"\w+", re.UNICODE)


def _text_values(record: Record, view: dict[str, Any], properties: list[str] | None) -> list[str]:
    texts = []
    for name, prop in view["properties"].items():
        if "container" not in prop or (properties and name not in properties):
            continue
        if prop["type"].get("type") != "text":
            continue
        value = record.data.get(f"{prop['container']['space']}:{prop['container']['externalId']}", {}).get(
            prop["containerPropertyIdentifier"]
        )
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, list):
            texts.extend(v for v in value if isinstance(v, str))
    return texts


def search_score(
    record: Record, view: dict[str, Any], query: str | None, properties: list[str] | None, operator: str
) -> int:
    """How many query terms the record's text matches (prefix of a word, case-insensitive); 0 = no match."""
    terms = [t.lower() for t in _TOKEN.findall(query or "")]
    if not terms:
        return 1
    words = {w.lower() for text in _text_values(record, view, properties) for w in _TOKEN.findall(text)}
    hits = sum(1 for term in terms if any(w.startswith(term) for w in words))
    if operator == "AND" and hits < len(terms):
        return 0
    return hits


def _view_candidates(
    store: Store, schema: Schema, resolver: Resolver, body: dict[str, Any]
) -> tuple[dict[str, Any], list[Record]]:
    view = schema.view_for(body.get("view") or {})
    has_view = {"hasData": [{**{k: view[k] for k in ("space", "externalId", "version")}, "type": "view"}]}
    flt = {"and": [has_view, body["filter"]]} if body.get("filter") else has_view
    return view, list(matching(store, resolver, flt, instance_type_of(body)))


def _check_search_properties(view: dict[str, Any], properties: Any) -> None:
    """The 400 for a searched property the view does not have."""
    for name in properties or []:
        if name not in view["properties"]:
            raise bad_request(
                f"Unknown property '{name}' in view {quoted_ids([view])}.",
            )


def search_instances(
    store: Store, schema: Schema, resolver: Resolver, body: dict[str, Any]
) -> dict[str, Any]:
    """`POST /models/instances/search`."""
    limit = check_limit(body.get("limit"), SEARCH_LIMIT, default=1000)
    operator = body.get("operator", "AND")
    if operator not in ("AND", "OR"):
        raise bad_request(f"operator must be 'AND' or 'OR', got {operator!r}.")
    view, candidates = _view_candidates(store, schema, resolver, body)
    _check_search_properties(view, body.get("properties"))
    scored = [
        (search_score(r, view, body.get("query"), body.get("properties"), operator), r) for r in candidates
    ]
    hits = [r for score, r in sorted(scored, key=lambda pair: (-pair[0], pair[1].seq)) if score > 0]
    if body.get("sort"):
        hits = sorter(resolver, body["sort"])(hits)
    projector = Projector(schema, [{"source": body["view"]}])
    return {"items": [projector.dump(r) for r in hits[:limit]]}


def _numbers(values: list[Any]) -> list[float]:
    return [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]


def _aggregate(
    spec: dict[str, Any], records: list[Record], view: dict[str, Any], resolver: Resolver
) -> dict[str, Any]:
    if not isinstance(spec, dict) or len(spec) != 1:
        raise bad_request(f"Invalid aggregate: {spec!r}.")
    ((kind, args),) = spec.items()
    prop = args.get("property")
    reference = [view["space"], f"{view['externalId']}/{view['version']}", prop]
    if prop in ("externalId", "space"):
        values: list[Any] = [getattr(r, "external_id" if prop == "externalId" else "space") for r in records]
    else:
        access = resolver.access(reference)
        values = [v for r in records if (v := access.get(r)) is not None]
    result: dict[str, Any] = {"aggregate": kind, "property": prop}
    numbers = _numbers(values)
    if kind == "count":
        result["value"] = len(values)
    elif kind in ("sum", "avg", "min", "max"):
        if len(numbers) != len(values):
            raise bad_request(f"Cannot compute {kind} of non-numeric property '{prop}'.")
        result["value"] = _numeric(kind, numbers)
    elif kind == "histogram":
        interval = args.get("interval")
        if not isinstance(interval, int | float) or interval <= 0:
            raise bad_request("histogram interval must be a positive number.")
        result["interval"] = interval
        result["buckets"] = _buckets(numbers, interval)
    else:
        raise bad_request(f"Unknown aggregate: {kind}.")
    return result


def _numeric(kind: str, numbers: list[float]) -> float | None:
    if kind == "sum":
        return float(sum(numbers))
    if not numbers:
        return None
    if kind == "avg":
        return sum(numbers) / len(numbers)
    return float(min(numbers) if kind == "min" else max(numbers))


def _buckets(numbers: list[float], interval: float) -> list[dict[str, Any]]:
    counts: dict[float, int] = {}
    for n in numbers:
        start = (n // interval) * interval
        counts[start] = counts.get(start, 0) + 1
    return [{"start": float(start), "count": counts[start]} for start in sorted(counts)]


def aggregate_instances(
    store: Store, schema: Schema, resolver: Resolver, body: dict[str, Any]
) -> dict[str, Any]:
    """`POST /models/instances/aggregate`: count, sum, avg, min, max, histogram, per `groupBy` group."""
    limit = check_limit(body.get("limit"), AGGREGATE_LIMIT, default=100)
    aggregates = body.get("aggregates") or []
    if len(aggregates) > 5:
        raise constraint_violation("aggregates size must be between 0 and 5")
    view, records = _view_candidates(store, schema, resolver, body)
    if body.get("query"):
        operator = body.get("operator", "AND")
        records = [
            r for r in records if search_score(r, view, body["query"], body.get("properties"), operator) > 0
        ]
    instance_type = instance_type_of(body)
    group_by = body.get("groupBy") or []
    if not group_by:
        return {
            "items": [
                {
                    "instanceType": instance_type,
                    "aggregates": [_aggregate(a, records, view, resolver) for a in aggregates],
                }
            ]
        }
    accessors = [
        resolver.access([view["space"], f"{view['externalId']}/{view['version']}", g]) for g in group_by
    ]
    groups: dict[str, tuple[dict[str, Any], list[Record]]] = {}
    for record in records:
        values = [a.get(record) for a in accessors]
        if any(v is None or isinstance(v, list | dict) for v in values):
            continue
        key = repr(values)
        groups.setdefault(key, (dict(zip(group_by, values, strict=True)), []))[1].append(record)
    items = [
        {
            "instanceType": instance_type,
            "group": group,
            "aggregates": [_aggregate(a, members, view, resolver) for a in aggregates],
        }
        for group, members in groups.values()
    ]
    return {"items": items[:limit]}

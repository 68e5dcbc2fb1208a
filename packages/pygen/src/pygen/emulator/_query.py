"""`query` and `sync`: named result sets of nodes and edges chained by `from`, `through` and edges."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pygen.emulator._cursors import decode_cursor, encode_cursor
from pygen.emulator._errors import bad_request
from pygen.emulator._filters import Resolver, evaluate
from pygen.emulator._reading import Projector, check_limit, matching, sorter
from pygen.emulator._schema import Schema
from pygen.emulator._store import Record, Store

QUERY_LIMIT = 10_000
SYNC_LIMIT = 1000
DEFAULT_LIMIT = 100


def substitute_parameters(value: Any, parameters: dict[str, Any]) -> Any:
    """`value` with every `{"parameter": name}` replaced by its value."""
    if isinstance(value, dict):
        if set(value) == {"parameter"}:
            name = value["parameter"]
            if name not in parameters:
                raise bad_request(f"Missing parameter: {name}.")
            return parameters[name]
        return {k: substitute_parameters(v, parameters) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute_parameters(v, parameters) for v in value]
    return value


def _order(with_: dict[str, Any]) -> list[str]:
    ordered: list[str] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in ordered:
            return
        if name in visiting:
            raise bad_request(f"Result set expression '{name}' depends on itself.")
        if name not in with_:
            raise bad_request(f"Result set expression '{name}' does not exist.")
        visiting.add(name)
        expression = with_[name].get("nodes") or with_[name].get("edges") or {}
        if expression.get("from"):
            visit(expression["from"])
        ordered.append(name)

    for name in with_:
        visit(name)
    return ordered


def _ref(record: Record) -> dict[str, str]:
    return {"space": record.space, "externalId": record.external_id}


class QueryEngine:
    """Evaluates the `with` expressions of one query against the store."""

    def __init__(self, store: Store, schema: Schema, resolver: Resolver) -> None:
        self.store = store
        self.schema = schema
        self.resolver = resolver
        self.results: dict[str, list[Record]] = {}
        self.kinds: dict[str, str] = {}
        self.edge_ends: dict[str, Callable[[Record], dict[str, str] | None]] = {}

    def _nodes(self, expression: dict[str, Any]) -> list[Record]:
        flt = expression.get("filter")
        source = expression.get("from")
        if not source:
            return list(matching(self.store, self.resolver, flt, "node"))
        parents = self.results[source]
        if self.kinds[source] == "edge":
            end = self.edge_ends[source]
            refs = [r for e in parents if (r := end(e)) is not None]
            return self._lookup_filtered(refs, flt)
        through = expression.get("through")
        if not through:
            return [r for r in parents if evaluate(flt, r, self.resolver)]
        src = through.get("source") or through.get("view") or {}
        reference = [src.get("space"), _source_name(src), through.get("identifier")]
        access = self.resolver.access(reference)
        if expression.get("direction", "outwards") == "outwards":
            refs = []
            for parent in parents:
                value = access.get(parent)
                refs.extend(value if isinstance(value, list) else [value] if value else [])
            return self._lookup_filtered(refs, flt)
        wanted = [_ref(p) for p in parents]
        return [
            r for r in matching(self.store, self.resolver, flt, "node") if _points_at(access.get(r), wanted)
        ]

    def _lookup_filtered(self, refs: list[dict[str, str]], flt: dict[str, Any] | None) -> list[Record]:
        seen: dict[tuple[str, str], None] = {}
        for ref in refs:
            seen.setdefault((ref["space"], ref["externalId"]), None)
        found = self.store.get_many(list(seen))
        return [r for key in seen if (r := found.get(key)) is not None and evaluate(flt, r, self.resolver)]

    def _edges(self, name: str, expression: dict[str, Any]) -> list[Record]:
        direction = expression.get("direction", "outwards")
        near, far = ("start_node", "end_node") if direction == "outwards" else ("end_node", "start_node")
        self.edge_ends[name] = lambda e: getattr(e, far)
        flt = expression.get("filter")
        source = expression.get("from")
        all_edges = list(matching(self.store, self.resolver, flt, "edge"))
        if not source:
            return all_edges
        frontier = [_ref(r) for r in self.results[source]]
        if self.kinds[source] == "edge":
            frontier = [r for e in self.results[source] if (r := self.edge_ends[source](e)) is not None]
        max_distance = expression.get("maxDistance")
        node_filter, termination = expression.get("nodeFilter"), expression.get("terminationFilter")
        found: dict[tuple[str, str], Record] = {}
        visited = {(r["space"], r["externalId"]) for r in frontier}
        distance = 0
        while frontier and (max_distance is None or distance < max_distance):
            distance += 1
            keys = {(r["space"], r["externalId"]) for r in frontier}
            step = [
                e for e in all_edges if (getattr(e, near)["space"], getattr(e, near)["externalId"]) in keys
            ]
            next_frontier = []
            targets = self.store.get_many(
                [(getattr(e, far)["space"], getattr(e, far)["externalId"]) for e in step]
            )
            for edge in step:
                end = getattr(edge, far)
                node = targets.get((end["space"], end["externalId"]))
                if node_filter and (node is None or not evaluate(node_filter, node, self.resolver)):
                    continue
                found.setdefault(edge.key, edge)
                key = (end["space"], end["externalId"])
                stop = termination and node is not None and evaluate(termination, node, self.resolver)
                if key not in visited and not stop:
                    visited.add(key)
                    next_frontier.append(end)
            frontier = next_frontier
        return sorted(found.values(), key=lambda e: e.seq)

    def run(self, with_: dict[str, Any]) -> None:
        """Evaluate every result set, parents first."""
        for name in _order(with_):
            expression = with_[name]
            if "nodes" in expression:
                self.kinds[name] = "node"
                records = self._nodes(expression["nodes"] or {})
            elif "edges" in expression:
                self.kinds[name] = "edge"
                records = self._edges(name, expression["edges"] or {})
            else:
                raise bad_request(f"Result set expression '{name}' must have 'nodes' or 'edges'.")
            if expression.get("sort"):
                records = sorter(self.resolver, expression["sort"])(records)
            self.results[name] = records


def _source_name(source: dict[str, Any]) -> str:
    if source.get("type") == "container" or "version" not in source:
        return str(source.get("externalId"))
    return f"{source.get('externalId')}/{source.get('version')}"


def _points_at(value: Any, wanted: list[dict[str, str]]) -> bool:
    values = value if isinstance(value, list) else [value]
    return any(v in wanted for v in values if isinstance(v, dict))


def run_query(store: Store, schema: Schema, resolver: Resolver, body: dict[str, Any]) -> dict[str, Any]:
    """`POST /models/instances/query`."""
    body = substitute_parameters(body, body.get("parameters") or {})
    with_ = body.get("with") or {}
    if not with_:
        raise bad_request("A query needs at least one result set expression in 'with'.")
    limits = {
        name: check_limit(e.get("limit"), QUERY_LIMIT, default=DEFAULT_LIMIT) for name, e in with_.items()
    }
    engine = QueryEngine(store, schema, resolver)
    engine.run(with_)
    cursors = body.get("cursors") or {}
    items: dict[str, list[dict[str, Any]]] = {}
    next_cursor: dict[str, str | None] = {}
    for name, select in (body.get("select") or {}).items():
        if name not in engine.results:
            raise bad_request(f"Selected result set '{name}' is not defined in 'with'.")
        offset = decode_cursor(cursors.get(name), "o")
        records = engine.results[name]
        if select.get("sort"):
            records = sorter(resolver, select["sort"])(records)
        page = records[offset : offset + limits[name]]
        projector = Projector(schema, select.get("sources"))
        items[name] = [projector.dump(r) for r in page]
        more = len(records) > offset + limits[name]
        next_cursor[name] = encode_cursor({"o": offset + limits[name]}) if more else None
    return {"items": items, "nextCursor": next_cursor}


def run_sync(store: Store, schema: Schema, resolver: Resolver, body: dict[str, Any]) -> dict[str, Any]:
    """`POST /models/instances/sync`: changed (and deleted) instances since each result set's cursor."""
    body = substitute_parameters(body, body.get("parameters") or {})
    with_ = body.get("with") or {}
    if not with_:
        raise bad_request("A sync needs at least one result set expression in 'with'.")
    cursors = body.get("cursors") or {}
    items: dict[str, list[dict[str, Any]]] = {}
    next_cursor: dict[str, str | None] = {}
    for name, expression in with_.items():
        limit = check_limit(expression.get("limit"), SYNC_LIMIT, default=DEFAULT_LIMIT)
        kind = "node" if "nodes" in expression else "edge"
        spec = expression.get("nodes") or expression.get("edges") or {}
        if spec.get("from"):
            raise bad_request("The emulator's sync supports root result sets only (no 'from').")
        after = decode_cursor(cursors.get(name), "c")
        page: list[Record] = []
        last = after
        for record in store.changes(after_change=after):
            last = record.change
            if record.instance_type == kind and evaluate(spec.get("filter"), record, resolver):
                page.append(record)
                if len(page) == limit:
                    break
        select = (body.get("select") or {}).get(name, {})
        projector = Projector(schema, select.get("sources"))
        items[name] = [projector.dump(r) for r in page]
        next_cursor[name] = encode_cursor({"c": last})
    return {"items": items, "nextCursor": next_cursor}

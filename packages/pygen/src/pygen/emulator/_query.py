"""`query` and `sync`: named result sets of nodes and edges chained by `from`, `through` and edges."""

from __future__ import annotations

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
LIMIT_EACH_MAX = 2000


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


def expression_of(with_: dict[str, Any], name: str) -> tuple[str, dict[str, Any]]:
    """The kind (`node` or `edge`) and the `nodes`/`edges` body of result set expression `name`."""
    expression = with_[name]
    if isinstance(expression, dict):
        for kind in ("node", "edge"):
            if f"{kind}s" in expression:
                return kind, expression[f"{kind}s"] or {}
    raise bad_request(f"Result set expression '{name}' must have 'nodes' or 'edges'.")


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
        parent = expression_of(with_, name)[1].get("from")
        if parent:
            visit(parent)
        ordered.append(name)

    for name in with_:
        visit(name)
    return ordered


def _ref(record: Record) -> dict[str, str]:
    return {"space": record.space, "externalId": record.external_id}


def _key(ref: dict[str, str]) -> tuple[str, str]:
    return (ref["space"], ref["externalId"])


def _ends(direction: str) -> tuple[str, str]:
    """The edge attributes of the near (traversed from) and far (reached) node for a direction."""
    return ("start_node", "end_node") if direction == "outwards" else ("end_node", "start_node")


def _cap_each(records: list[Record], near: str, limit_each: int) -> list[Record]:
    """At most `limit_each` edges per node they were reached from, in the order given."""
    counts: dict[tuple[str, str], int] = {}
    kept = []
    for edge in records:
        key = _key(getattr(edge, near))
        counts[key] = counts.get(key, 0) + 1
        if counts[key] <= limit_each:
            kept.append(edge)
    return kept


class QueryEngine:
    """Evaluates the `with` expressions of one query (or sync) against the store.

    Args:
        include_deleted: let deleted instances into every set (sync uses it to place deletes in chains).
    """

    def __init__(self, store: Store, resolver: Resolver, *, include_deleted: bool = False) -> None:
        self.store = store
        self.resolver = resolver
        self.include_deleted = include_deleted
        self.results: dict[str, list[Record]] = {}
        self.kinds: dict[str, str] = {}
        self.directions: dict[str, str] = {}
        self.offsets: dict[str, int] = {}
        self.more: dict[str, bool] = {}

    def _matching(self, flt: dict[str, Any] | None, kind: str) -> list[Record]:
        return list(matching(self.store, self.resolver, flt, kind, include_deleted=self.include_deleted))

    def _chained(self, source: str, chain_to: str) -> list[dict[str, str]]:
        """The nodes a set chained from `source` starts at (`chainTo` picks the side of its edges)."""
        parents = self.results[source]
        if self.kinds[source] == "node":
            return [_ref(r) for r in parents]
        near, far = _ends(self.directions[source])
        side = near if chain_to == "source" else far
        return [ref for e in parents if (ref := getattr(e, side)) is not None]

    def _nodes(self, spec: dict[str, Any]) -> list[Record]:
        flt = spec.get("filter")
        source = spec.get("from")
        if not source:
            return self._matching(flt, "node")
        if self.kinds[source] == "edge":
            return self._lookup_filtered(self._chained(source, spec.get("chainTo") or "destination"), flt)
        through = spec.get("through")
        if not through:
            return [r for r in self.results[source] if evaluate(flt, r, self.resolver)]
        src = through.get("source") or through.get("view") or {}
        reference: list[Any] = [src.get("space"), _source_name(src), through.get("identifier")]
        access = self.resolver.access(reference)
        parents = self.results[source]
        if spec.get("direction", "outwards") == "outwards":
            refs = []
            for parent in parents:
                value = access.get(parent)
                refs.extend(value if isinstance(value, list) else [value] if value else [])
            return self._lookup_filtered(refs, flt)
        wanted = [_ref(p) for p in parents]
        return [r for r in self._matching(flt, "node") if _points_at(access.get(r), wanted)]

    def _lookup_filtered(self, refs: list[dict[str, str]], flt: dict[str, Any] | None) -> list[Record]:
        keys = list(dict.fromkeys(_key(ref) for ref in refs))
        found = self.store.get_many(keys, include_deleted=self.include_deleted)
        return [r for key in keys if (r := found.get(key)) is not None and evaluate(flt, r, self.resolver)]

    def _edges(self, name: str, spec: dict[str, Any]) -> list[Record]:
        direction = spec.get("direction", "outwards")
        self.directions[name] = direction
        near, far = _ends(direction)
        all_edges = self._matching(spec.get("filter"), "edge")
        source = spec.get("from")
        if not source:
            return all_edges
        frontier = self._chained(source, spec.get("chainTo") or "destination")
        max_distance = spec.get("maxDistance")
        node_filter, termination = spec.get("nodeFilter"), spec.get("terminationFilter")
        found: dict[tuple[str, str], Record] = {}
        visited = {_key(r) for r in frontier}
        distance = 0
        while frontier and (max_distance is None or distance < max_distance):
            distance += 1
            keys = {_key(r) for r in frontier}
            step = [e for e in all_edges if _key(getattr(e, near)) in keys]
            targets = self.store.get_many(
                [_key(getattr(e, far)) for e in step], include_deleted=self.include_deleted
            )
            next_frontier = []
            for edge in step:
                end = getattr(edge, far)
                node = targets.get(_key(end))
                if node_filter and (node is None or not evaluate(node_filter, node, self.resolver)):
                    continue
                found.setdefault(edge.key, edge)
                stop = termination and node is not None and evaluate(termination, node, self.resolver)
                if _key(end) not in visited and not stop:
                    visited.add(_key(end))
                    next_frontier.append(end)
            frontier = next_frontier
        return sorted(found.values(), key=lambda e: e.seq)

    def _page(
        self, name: str, expression: dict[str, Any], records: list[Record], offset: int, limit: int
    ) -> list[Record]:
        """The part of a set its `limit` (and cursor) keeps, sorted as `sort`, `postSort` and `limitEach` say.

        Nodes, and edges one hop from their start, are sorted and then limited; a recursive traversal
        keeps the first `limit` edges it discovers and sorts those, unless `postSort` sorts them all first.
        """
        kind, spec = expression_of({name: expression}, name)
        recursive = kind == "edge" and bool(spec.get("from")) and spec.get("maxDistance") != 1
        sort, post_sort = expression.get("sort"), expression.get("postSort") if kind == "edge" else None
        if sort and not recursive:
            records = sorter(self.resolver, sort)(records)
        if post_sort:
            records = sorter(self.resolver, post_sort)(records)
        limit_each = spec.get("limitEach") if kind == "edge" else None
        if limit_each is not None:
            limit_each = check_limit(limit_each, LIMIT_EACH_MAX, default=0, name="limitEach")
            if spec.get("from") and spec.get("maxDistance") == 1:
                records = _cap_each(records, _ends(self.directions[name])[0], limit_each)
        page = records[offset : offset + limit]
        self.offsets[name], self.more[name] = offset, len(records) > offset + limit
        return sorter(self.resolver, sort)(page) if sort and recursive else page

    def run(
        self,
        with_: dict[str, Any],
        *,
        limits: dict[str, int] | None = None,
        cursors: dict[str, Any] | None = None,
    ) -> None:
        """Evaluate every result set, parents first.

        With `limits`, each set keeps its page (from its cursor) and sets chained from it see only that
        page, as on the server; without, every set is evaluated whole and unsorted.
        """
        for name in _order(with_):
            kind, spec = expression_of(with_, name)
            self.kinds[name] = kind
            records = self._nodes(spec) if kind == "node" else self._edges(name, spec)
            if limits is not None:
                offset = decode_cursor((cursors or {}).get(name), "o")
                records = self._page(name, with_[name], records, offset, limits[name])
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
    engine = QueryEngine(store, resolver)
    engine.run(with_, limits=limits, cursors=body.get("cursors") or {})
    items: dict[str, list[dict[str, Any]]] = {}
    next_cursor: dict[str, str | None] = {}
    for name, select in (body.get("select") or {}).items():
        if name not in engine.results:
            raise bad_request(f"Selected result set '{name}' is not defined in 'with'.")
        records = engine.results[name]
        if select.get("sort"):
            records = sorter(resolver, select["sort"])(records)
        projector = Projector(schema, select.get("sources"))
        items[name] = [projector.dump(r) for r in records]
        end = engine.offsets[name] + limits[name]
        next_cursor[name] = encode_cursor({"o": end}) if engine.more[name] else None
    return {"items": items, "nextCursor": next_cursor}


def _members(store: Store, resolver: Resolver, with_: dict[str, Any]) -> dict[str, set[tuple[str, str]]]:
    """Every instance (deleted ones included) of each set of a sync, chains followed in full."""
    engine = QueryEngine(store, resolver, include_deleted=True)
    engine.run(with_)
    return {name: {r.key for r in records} for name, records in engine.results.items()}


def run_sync(store: Store, schema: Schema, resolver: Resolver, body: dict[str, Any]) -> dict[str, Any]:
    """`POST /models/instances/sync`: changed (and deleted) instances since each result set's cursor.

    A root set takes the changes that match its filter; a set chained with `from` takes the changes of
    the instances it holds when its chain is followed in full (a deleted instance counts where it was).
    """
    body = substitute_parameters(body, body.get("parameters") or {})
    with_ = body.get("with") or {}
    if not with_:
        raise bad_request("A sync needs at least one result set expression in 'with'.")
    chained = any(expression_of(with_, name)[1].get("from") for name in with_)
    members = _members(store, resolver, with_) if chained else {}
    cursors = body.get("cursors") or {}
    items: dict[str, list[dict[str, Any]]] = {}
    next_cursor: dict[str, str | None] = {}
    for name, expression in with_.items():
        limit = check_limit(expression.get("limit"), SYNC_LIMIT, default=DEFAULT_LIMIT)
        if expression.get("backfillSort") and expression.get("mode", "twoPhase") != "twoPhase":
            raise bad_request("Backfill sort can only be used with two-phase sync.")
        kind, spec = expression_of(with_, name)
        after = decode_cursor(cursors.get(name), "c")
        page: list[Record] = []
        last = after
        for record in store.changes(after_change=after):
            last = record.change
            if record.instance_type != kind:
                continue
            chained_in = record.key in members[name] if spec.get("from") else None
            if chained_in or (chained_in is None and evaluate(spec.get("filter"), record, resolver)):
                page.append(record)
                if len(page) == limit:
                    break
        select = (body.get("select") or {}).get(name, {})
        projector = Projector(schema, select.get("sources"))
        items[name] = [projector.dump(r) for r in page]
        next_cursor[name] = encode_cursor({"c": last})
    return {"items": items, "nextCursor": next_cursor}

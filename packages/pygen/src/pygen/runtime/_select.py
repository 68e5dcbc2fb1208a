"""The fluent query builder: `api.select().name.prefix("A").parent.kind.equals("x").fetch(100)`.

Each `Select` is one result set of a DMS graph query; following a relationship adds a result
set for its targets (direct, reverse direct or edge). `fetch` runs one query per page of root
instances, attaches the related instances to their parents (`obj.related("parent")`), and
returns the root instances. Traversal depth is bounded (`MAX_DEPTH`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from pygen.dms import (
    And,
    ContainsAll,
    ContainsAny,
    DirectRelationReference,
    EdgeExpression,
    Equals,
    Exists,
    Filter,
    HasData,
    In,
    Instance,
    NodeExpression,
    Prefix,
    QueryRequest,
    QueryResponse,
    Range,
    ResultSetExpression,
    SelectExpression,
    SourceSelector,
    ViewId,
)
from pygen.runtime._filters import wire_value
from pygen.runtime._model import DomainEdge, DomainModel, RelationSpec

if TYPE_CHECKING:
    from pygen.runtime._api import ReadAPI

MAX_DEPTH = 5
_PAGE = 1000
RootT = TypeVar("RootT", bound=DomainModel)
S = TypeVar("S", bound="Select[Any]")
V = TypeVar("V")


class Select(Generic[RootT]):
    """One result set of a query; generated subclasses add typed filter and relation attributes."""

    _read_class: ClassVar[type[DomainModel]]

    def __init__(
        self,
        api: ReadAPI[Any],
        *,
        parent: Select[Any] | None = None,
        relation: RelationSpec | None = None,
        name: str = "",
    ) -> None:
        self._api = api
        self._parent = parent
        self._relation = relation
        self._name = name
        self._filters: list[Filter] = []
        self._children: list[Select[Any]] = []
        self._depth: int = 0 if parent is None else parent._depth + 1
        if self._depth > MAX_DEPTH:
            raise ValueError(f"query builder traversal deeper than {MAX_DEPTH} relationships")

    def _property(self, name: str) -> list[str]:
        view = self._read_class.view_id()
        return [view.space, f"{view.external_id}/{view.version}", self._read_class._props[name].dms_name]

    def _add(self, filter: Filter) -> None:
        self._filters.append(filter)

    def _follow(self, name: str, cls: type[S]) -> S:
        child = cls(self._api, parent=self, relation=self._read_class._relations[name], name=name)
        self._children.append(child)
        return child

    def _root(self) -> Select[Any]:
        return self if self._parent is None else self._parent._root()

    def _all(self) -> list[Select[Any]]:
        return [self, *(node for child in self._children for node in child._all())]

    # -- running ------------------------------------------------------------------------------
    def fetch(self, limit: int | None = 25) -> list[RootT]:
        """Run the query from its root; returns root instances with related ones attached.

        Args:
            limit: Root instances to return (None or -1: all; fetched 1,000 per page).
        """
        from pygen.runtime._api import resolve_limit

        root = self._root()
        remaining = resolve_limit(limit)
        cursor: str | None = None
        out: list[Any] = []
        while remaining is None or remaining > 0:
            page = min(_PAGE, remaining) if remaining is not None else _PAGE
            response = root._api._sync.instances.query(root._request(page, cursor))
            items, cursor = root._assemble(response)
            out += items
            remaining = None if remaining is None else remaining - len(items)
            if not cursor or not items:
                break
        return out

    async def afetch(self, limit: int | None = 25) -> list[RootT]:
        """The async twin of `fetch`."""
        from pygen.runtime._api import resolve_limit

        root = self._root()
        remaining = resolve_limit(limit)
        cursor: str | None = None
        out: list[Any] = []
        while remaining is None or remaining > 0:
            page = min(_PAGE, remaining) if remaining is not None else _PAGE
            response = await root._api._async.instances.query(root._request(page, cursor))
            items, cursor = root._assemble(response)
            out += items
            remaining = None if remaining is None else remaining - len(items)
            if not cursor or not items:
                break
        return out

    def _key(self) -> str:
        return "0" if self._parent is None else f"{self._parent._key()}.{self._name}"

    def _node_filter(self) -> dict[str, Any]:
        parts = [HasData([self._read_class.view_id()]), *self._filters]
        return (parts[0] if len(parts) == 1 else And(*parts)).dump()

    def _request(self, limit: int, cursor: str | None) -> QueryRequest:
        with_: dict[str, ResultSetExpression] = {}
        select: dict[str, SelectExpression] = {}
        for node in self._all():
            key = node._key()
            with_.update(node._expressions(limit))
            select[key] = SelectExpression(sources=[SourceSelector(source=node._read_class.view_id())])
            if node._relation is not None and node._relation.kind == "edge":
                select[f"{key}:edges"] = SelectExpression()  # the edges themselves link parents to children
        return QueryRequest(with_=with_, select=select, cursors={"0": cursor} if cursor else None)

    def _expressions(self, limit: int) -> dict[str, ResultSetExpression]:
        key, rel, parent = self._key(), self._relation, self._parent
        if rel is None or parent is None:
            if issubclass(self._read_class, DomainEdge):
                return {
                    key: ResultSetExpression(edges=EdgeExpression(filter=self._node_filter()), limit=limit)
                }
            return {key: ResultSetExpression(nodes=NodeExpression(filter=self._node_filter()), limit=limit)}
        if rel.kind == "edge":
            assert rel.edge_type is not None
            edge_filter = Equals(
                ["edge", "type"], {"space": rel.edge_type[0], "externalId": rel.edge_type[1]}
            ).dump()
            edges = EdgeExpression.model_validate(
                {
                    "from": parent._key(),
                    "direction": rel.direction,
                    "filter": edge_filter,
                    "nodeFilter": self._node_filter(),
                    "maxDistance": 1,
                }
            )
            nodes = NodeExpression.model_validate({"from": f"{key}:edges", "filter": self._node_filter()})
            return {
                f"{key}:edges": ResultSetExpression(edges=edges, limit=10_000),
                key: ResultSetExpression(nodes=nodes, limit=10_000),
            }
        if rel.kind == "direct":
            through = {"source": _view_body(parent._read_class.view_id()), "identifier": rel.dms_name}
            direction = "outwards"
        else:
            assert rel.through is not None
            through = {"source": _view_body(rel.through[0]), "identifier": rel.through[1]}
            direction = "inwards"
        nodes = NodeExpression.model_validate(
            {"from": parent._key(), "through": through, "direction": direction, "filter": self._node_filter()}
        )
        return {key: ResultSetExpression(nodes=nodes, limit=10_000)}

    def _assemble(self, response: QueryResponse) -> tuple[list[Any], str | None]:
        loaded: dict[str, list[DomainModel]] = {}
        for node in self._all():
            loaded[node._key()] = [
                node._read_class.load(item) for item in response.items.get(node._key(), [])
            ]
        for node in self._all()[1:]:
            node._link(loaded, response.items.get(f"{node._key()}:edges", []))
        return loaded["0"], response.next_cursor.get("0")

    def _link(self, loaded: dict[str, list[DomainModel]], edges: Sequence[Instance]) -> None:
        rel, parent = self._relation, self._parent
        assert rel is not None
        assert parent is not None
        children = {(item.space, item.external_id): item for item in loaded[self._key()]}
        for owner in loaded[parent._key()]:
            owner._related[self._name] = [
                children[key] for key in self._targets(owner, rel, edges, children) if key in children
            ]

    def _targets(
        self,
        owner: DomainModel,
        rel: RelationSpec,
        edges: Sequence[Instance],
        children: dict[tuple[str, str], DomainModel],
    ) -> list[tuple[str, str]]:
        me = (owner.space, owner.external_id)
        if rel.kind == "edge":
            pairs = [
                ((e.start_node.space, e.start_node.external_id), (e.end_node.space, e.end_node.external_id))
                for e in edges
                if e.instance_type == "edge"
            ]
            return (
                [end for start, end in pairs if start == me]
                if rel.direction == "outwards"
                else [start for start, end in pairs if end == me]
            )
        if rel.kind == "direct":
            name = next(n for n, spec in owner._props.items() if spec.dms_name == rel.dms_name)
            return [_ref_key(value) for value in _as_list(getattr(owner, name, None))]
        assert rel.through is not None
        out: list[tuple[str, str]] = []
        for key, child in children.items():
            through = next((n for n, spec in child._props.items() if spec.dms_name == rel.through[1]), None)
            if through is not None and me in {
                _ref_key(value) for value in _as_list(getattr(child, through, None))
            }:
                out.append(key)
        return out


def _view_body(view: ViewId) -> dict[str, Any]:
    return {"type": "view", "space": view.space, "externalId": view.external_id, "version": view.version}


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _ref_key(value: Any) -> tuple[str, str]:
    if isinstance(value, DirectRelationReference):
        return (value.space, value.external_id)
    if isinstance(value, dict):
        return (str(value.get("space")), str(value.get("externalId", value.get("external_id"))))
    return ("", str(value))


class _Attribute(Generic[S]):
    def __init__(self, select: S, name: str) -> None:
        self._select = select
        self._name = name

    def _done(self, filter: Filter) -> S:
        self._select._add(filter)
        return self._select

    def exists(self) -> S:
        """Keep instances where the property has a value."""
        return self._done(Exists(self._select._property(self._name)))


class TextFilter(_Attribute[S]):
    """Filters of a text (or enum, or CDF reference) property."""

    def equals(self, value: str) -> S:
        """Keep instances whose value is `value`."""
        return self._done(Equals(self._select._property(self._name), wire_value(value)))

    def in_(self, values: Sequence[str]) -> S:
        """Keep instances whose value is one of `values`."""
        return self._done(In(self._select._property(self._name), [wire_value(v) for v in values]))

    def prefix(self, value: str) -> S:
        """Keep instances whose value starts with `value`."""
        return self._done(Prefix(self._select._property(self._name), value))


class RangeFilter(_Attribute[S], Generic[S, V]):
    """Filters of a number, timestamp or date property."""

    def equals(self, value: V) -> S:
        """Keep instances whose value is `value`."""
        return self._done(Equals(self._select._property(self._name), wire_value(value)))

    def in_(self, values: Sequence[V]) -> S:
        """Keep instances whose value is one of `values`."""
        return self._done(In(self._select._property(self._name), [wire_value(v) for v in values]))

    def range(
        self, *, gt: V | None = None, gte: V | None = None, lt: V | None = None, lte: V | None = None
    ) -> S:
        """Keep instances whose value is within the given bounds."""
        bounds = {
            key: wire_value(value)
            for key, value in {"gt": gt, "gte": gte, "lt": lt, "lte": lte}.items()
            if value is not None
        }
        return self._done(Range(self._select._property(self._name), **bounds))


class BooleanFilter(_Attribute[S]):
    """Filters of a boolean property."""

    def equals(self, value: bool) -> S:
        """Keep instances whose value is `value`."""
        return self._done(Equals(self._select._property(self._name), value))


class DirectFilter(_Attribute[S]):
    """Filters of a direct relation: by the referenced node."""

    def equals(self, value: DirectRelationReference | tuple[str, str]) -> S:
        """Keep instances that point at this node."""
        return self._done(Equals(self._select._property(self._name), wire_value(value)))

    def in_(self, values: Sequence[DirectRelationReference | tuple[str, str]]) -> S:
        """Keep instances that point at one of these nodes."""
        return self._done(In(self._select._property(self._name), [wire_value(v) for v in values]))


class ListFilter(_Attribute[S], Generic[S, V]):
    """Filters of a list property."""

    def contains_any(self, values: Sequence[V]) -> S:
        """Keep instances whose list holds at least one of `values`."""
        return self._done(ContainsAny(self._select._property(self._name), [wire_value(v) for v in values]))

    def contains_all(self, values: Sequence[V]) -> S:
        """Keep instances whose list holds all of `values`."""
        return self._done(ContainsAll(self._select._property(self._name), [wire_value(v) for v in values]))


class ExistsFilter(_Attribute[S]):
    """The filter of a json property: only `exists()`."""

"""What the Python templates need, computed from a prepared (flattened, renamed) IR model."""

from __future__ import annotations

from dataclasses import dataclass, field

from pygen.ir import (
    CDFReference,
    ClassDef,
    DirectRelation,
    EdgeRelation,
    EnumType,
    Model,
    Primitive,
    Property,
    ReverseRelation,
    ViewRef,
    unwrap,
)
from pygen.ir._model import ScalarType
from pygen.ir._names import to_snake, unique
from pygen.runtime._filters import filter_arguments
from pygen.runtime._model import PropertyKind, PropertySpec

_KINDS: dict[str, PropertyKind] = {
    "text": "text",
    "boolean": "boolean",
    "int32": "int",
    "int64": "int",
    "float32": "float",
    "float64": "float",
    "timestamp": "timestamp",
    "date": "date",
    "json": "json",
}
_PYTHON = {
    "text": "str",
    "boolean": "bool",
    "int": "int",
    "float": "float",
    "timestamp": "_dt.datetime",
    "date": "_dt.date",
    "json": "_t.Any",
    "cdf": "str",
    "direct": "_dms.DirectRelationReference",
}
_SELECT = {
    "text": "_rt.TextFilter[_t.Self]",
    "enum": "_rt.TextFilter[_t.Self]",
    "cdf": "_rt.TextFilter[_t.Self]",
    "boolean": "_rt.BooleanFilter[_t.Self]",
    "int": "_rt.RangeFilter[_t.Self, int]",
    "float": "_rt.RangeFilter[_t.Self, float]",
    "timestamp": "_rt.RangeFilter[_t.Self, _dt.datetime]",
    "date": "_rt.RangeFilter[_t.Self, _dt.date]",
    "json": "_rt.ExistsFilter[_t.Self]",
    "direct": "_rt.DirectFilter[_t.Self]",
}
_SELECT_CLASS = {
    "text": "_rt.TextFilter",
    "enum": "_rt.TextFilter",
    "cdf": "_rt.TextFilter",
    "boolean": "_rt.BooleanFilter",
    "int": "_rt.RangeFilter",
    "float": "_rt.RangeFilter",
    "timestamp": "_rt.RangeFilter",
    "date": "_rt.RangeFilter",
    "json": "_rt.ExistsFilter",
    "direct": "_rt.DirectFilter",
}


@dataclass
class FieldContext:
    """One property of a view as Python sees it."""

    name: str
    dms_name: str
    kind: PropertyKind
    is_list: bool
    required: bool
    read_type: str
    write_type: str
    description: str | None


@dataclass
class RelationContext:
    """One relationship the query builder can follow (and, for edges, the write class sets)."""

    name: str
    dms_name: str
    kind: str
    multi: bool
    target_module: str
    target_select: str
    spec: str
    description: str | None


@dataclass
class ViewContext:
    """Everything the view template renders."""

    cls: ClassDef
    module: str
    name: str
    accessor: str
    is_edge: bool
    writable: bool
    fields: list[FieldContext] = field(default_factory=list)
    relations: list[RelationContext] = field(default_factory=list)
    edge_fields: list[RelationContext] = field(default_factory=list)
    filters: list[tuple[str, str]] = field(default_factory=list)
    selects: list[tuple[str, str, str]] = field(default_factory=list)
    enums: list[str] = field(default_factory=list)
    type_imports: list[tuple[str, str]] = field(default_factory=list)
    uses_datetime: bool = False
    sortable: list[str] = field(default_factory=list)
    searchable: list[str] = field(default_factory=list)
    numeric: list[str] = field(default_factory=list)


def _kind(scalar: ScalarType) -> PropertyKind:
    if isinstance(scalar, Primitive):
        return _KINDS[scalar.kind]
    if isinstance(scalar, EnumType):
        return "enum"
    if isinstance(scalar, CDFReference):
        return "cdf"
    return "direct"


def _field(prop: Property) -> FieldContext:
    scalar, nullable, is_list = unwrap(prop.type)
    kind = _kind(scalar)
    if isinstance(scalar, EnumType):
        read_item, write_item = f"_rt.OpenEnum[{scalar.enum}]", scalar.enum
    else:
        read_item = write_item = _PYTHON[kind]
    if is_list:
        read_item, write_item = f"list[{read_item}]", f"list[{write_item}]"
    return FieldContext(
        name=prop.name,
        dms_name=prop.dms_name,
        kind=kind,
        is_list=is_list,
        required=not nullable and prop.default is None,
        read_type=read_item,
        write_type=write_item,
        description=prop.description,
    )


def _filter_type(field: FieldContext) -> str:
    if field.kind == "enum":
        item = "str"
    elif field.kind == "direct":
        item = "_dms.DirectRelationReference | tuple[str, str]"
    else:
        item = _PYTHON[field.kind]
    return f"{item} | _abc.Sequence[{item}]" if field.kind != "boolean" or field.is_list else item


def _filters(fields: list[FieldContext]) -> list[tuple[str, str]]:
    by_name = {f.name: f for f in fields}
    specs = {f.name: PropertySpec(f.dms_name, f.kind, f.is_list) for f in fields}
    out = []
    for keyword, (name, operator) in filter_arguments(specs).items():
        field = by_name[name]
        if operator == "equals":
            out.append((keyword, _filter_type(field)))
        elif operator == "prefix":
            out.append((keyword, "str"))
        else:
            out.append((keyword, _PYTHON[field.kind]))
    return out


def _selects(fields: list[FieldContext], direct_traversals: set[str]) -> list[tuple[str, str, str]]:
    out = []
    for f in fields:
        if f.name in direct_traversals:
            continue
        if f.is_list:
            item = "str" if f.kind in ("enum", "cdf") else _PYTHON[f.kind]
            out.append((f.name, f"_rt.ListFilter[_t.Self, {item}]", "_rt.ListFilter"))
        else:
            out.append((f.name, _SELECT[f.kind], _SELECT_CLASS[f.kind]))
    return out


def _spec(rel: EdgeRelation | ReverseRelation | Property, target: ViewRef) -> str:
    view = f"_dms.ViewId({target.space!r}, {target.external_id!r}, {target.version!r})"
    if isinstance(rel, EdgeRelation):
        edge_type = (rel.edge_type.space, rel.edge_type.external_id)
        return f'_rt.RelationSpec("edge", {rel.dms_name!r}, {view}, multi={rel.multi}, edge_type={edge_type!r}, direction={rel.direction!r})'
    if isinstance(rel, ReverseRelation):
        through = f"(_dms.ViewId({rel.through_view.space!r}, {rel.through_view.external_id!r}, {rel.through_view.version!r}), {rel.through_property!r})"
        return f'_rt.RelationSpec("reverse", {rel.dms_name!r}, {view}, multi={rel.multi}, through={through})'
    return f'_rt.RelationSpec("direct", {rel.dms_name!r}, {view}, multi={unwrap(rel.type)[2]})'


def build_contexts(model: Model, package: str) -> list[ViewContext]:
    """One context per class, with unique module and accessor names."""
    modules: set[str] = set()
    accessors: set[str] = {"close"}
    contexts = [
        ViewContext(
            cls=cls,
            module=unique(to_snake(cls.name) or "view", modules),
            name=cls.name,
            accessor=unique(to_snake(cls.name) or "view", accessors),
            is_edge=cls.used_for == "edge",
            writable=cls.writable,
        )
        for cls in model.classes
    ]
    by_view = {ctx.cls.view: ctx for ctx in contexts}
    for ctx in contexts:
        _fill(ctx, by_view, package)
    return contexts


def _fill(ctx: ViewContext, by_view: dict[ViewRef, ViewContext], package: str) -> None:
    ctx.fields = [_field(prop) for prop in ctx.cls.properties]
    traversals: set[str] = set()
    members: list[tuple[Property | EdgeRelation | ReverseRelation, ViewRef | None]] = []
    for prop in ctx.cls.properties:
        scalar = unwrap(prop.type)[0]
        if isinstance(scalar, DirectRelation) and scalar.target in by_view:
            members.append((prop, scalar.target))
            traversals.add(prop.name)
    members += [(rel, rel.target) for rel in ctx.cls.relationships]
    for member, target in members:
        if target is None or target not in by_view:
            continue
        target_ctx = by_view[target]
        kind = (
            "edge"
            if isinstance(member, EdgeRelation)
            else "reverse"
            if isinstance(member, ReverseRelation)
            else "direct"
        )
        multi = member.multi if isinstance(member, EdgeRelation | ReverseRelation) else unwrap(member.type)[2]
        relation = RelationContext(
            name=member.name,
            dms_name=member.dms_name,
            kind=kind,
            multi=multi,
            target_module=target_ctx.module,
            target_select=f"{target_ctx.name}Select",
            spec=_spec(member, target),
            description=member.description,
        )
        ctx.relations.append(relation)
        if kind == "edge":
            ctx.edge_fields.append(relation)
    ctx.filters = _filters(ctx.fields)
    ctx.selects = _selects(ctx.fields, traversals)
    ctx.enums = sorted(
        {
            scalar.enum
            for scalar in (unwrap(p.type)[0] for p in ctx.cls.properties)
            if isinstance(scalar, EnumType)
        }
    )
    ctx.type_imports = sorted(
        {(r.target_module, r.target_select) for r in ctx.relations if r.target_select != f"{ctx.name}Select"}
    )
    ctx.uses_datetime = any(f.kind in ("timestamp", "date") for f in ctx.fields)
    ctx.sortable = [f.name for f in ctx.fields if not f.is_list and f.kind != "json"]
    ctx.searchable = [f.name for f in ctx.fields if f.kind == "text"]
    ctx.numeric = [f.name for f in ctx.fields if not f.is_list and f.kind in ("int", "float")]

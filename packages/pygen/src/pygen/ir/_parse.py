"""Build the IR from DMS data models in the API's read format (views inlined).

Accepts one data model, a list of them, or an API listing (`{"items": [...]}`); several data
models become one SDK, each view once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

from pygen._errors import ModelError
from pygen.ir._model import (
    CDF_REFERENCE_KINDS,
    PRIMITIVE_KINDS,
    CDFReference,
    CDFReferenceKind,
    ClassDef,
    DirectRelation,
    EdgeRelation,
    Enum,
    EnumType,
    EnumValue,
    ListOf,
    Model,
    NodeRef,
    Nullable,
    Primitive,
    PrimitiveKind,
    Property,
    Relationship,
    ReverseRelation,
    ScalarType,
    TypeRef,
    ViewRef,
)

_EDGE_CONNECTIONS = {"single_edge_connection": False, "multi_edge_connection": True}
_REVERSE_CONNECTIONS = {"single_reverse_direct_relation": False, "multi_reverse_direct_relation": True}


def load_model_file(path: str | Path, *, name: str | None = None) -> Model:
    """Read data models from a YAML or JSON file into the IR.

    Args:
        path: A `.yaml`, `.yml` or `.json` file with one data model, a list, or `{"items": [...]}`.
        name: The SDK name; defaults to the external id of the first data model.

    Returns:
        The parsed model (not yet validated or transformed).

    Raises:
        ModelError: The file is missing, not YAML/JSON, or not a data model; `.path` names it.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ModelError(f"cannot read the model file: {error.strerror}", path=str(path)) from None
    try:
        data = json.loads(text) if path.suffix == ".json" else _load_yaml(text)
    except ValueError as error:
        raise ModelError(f"not valid {path.suffix.lstrip('.') or 'YAML'}: {error}", path=str(path)) from None
    try:
        return parse_data_models(data, name=name)
    except ModelError as error:
        raise ModelError(str(error), path=str(path)) from None


def _load_yaml(text: str) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader when libyaml is there
    try:
        return yaml.load(text, Loader=loader)  # a safe loader: plain data only
    except yaml.YAMLError as error:
        raise ValueError(str(error)) from None


def parse_data_models(data: Any, *, name: str | None = None) -> Model:
    """Turn data models in the DMS read format into one IR model.

    Args:
        data: One data model dict, a list of them, or `{"items": [...]}`.
        name: The SDK name; defaults to the external id of the first data model.

    Returns:
        The model; a view shared by several data models appears once.

    Raises:
        ModelError: The data is not a data model; `.where` says which part.
    """
    models = _as_model_list(data)
    if not models:
        raise ModelError("no data model found", where="root")
    refs: list[ViewRef] = []
    views: dict[ViewRef, ClassDef] = {}
    enums: dict[str, Enum] = {}
    for index, raw in enumerate(models):
        where = f"data model {index}"
        refs.append(_view_ref(raw, where))
        for view_index, raw_view in enumerate(_list(raw.get("views") or [], f"{where}.views")):
            cls = _parse_view(raw_view, f"{where}.views[{view_index}]", enums)
            views.setdefault(cls.view, cls)
    classes = _mark_inherited(tuple(views.values()))
    first = models[0]
    return Model(
        name=name or str(first["externalId"]),
        data_models=tuple(refs),
        classes=classes,
        enums=tuple(sorted(enums.values(), key=lambda enum: enum.name)),
        description=first.get("description"),
    )


def _as_model_list(data: Any) -> list[Mapping[str, Any]]:
    if isinstance(data, Mapping) and "items" in data and "externalId" not in data:
        data = data["items"]
    items = [data] if isinstance(data, Mapping) else data
    if not isinstance(items, list):
        raise ModelError(f"expected a data model or a list, got {type(data).__name__}", where="root")
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            raise ModelError(f"expected a mapping, got {type(item).__name__}", where=f"data model {index}")
    return cast("list[Mapping[str, Any]]", items)


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise ModelError(f"expected a list, got {type(value).__name__}", where=where)
    return value


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ModelError(f"expected a mapping, got {type(value).__name__}", where=where)
    return value


def _text(raw: Mapping[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value:
        raise ModelError(f"missing or empty {key!r}", where=where)
    return value


def _view_ref(raw: Any, where: str) -> ViewRef:
    raw = _mapping(raw, where)
    return ViewRef(_text(raw, "space", where), _text(raw, "externalId", where), _text(raw, "version", where))


def _node_ref(raw: Any, where: str) -> NodeRef:
    raw = _mapping(raw, where)
    return NodeRef(_text(raw, "space", where), _text(raw, "externalId", where))


def _optional_text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _parse_view(raw: Any, where: str, enums: dict[str, Enum]) -> ClassDef:
    raw = _mapping(raw, where)
    view = _view_ref(raw, where)
    where = f"view {view.external_id}"
    used_for = raw.get("usedFor", "node")
    if used_for not in ("node", "edge", "all"):
        raise ModelError(f"unknown usedFor {used_for!r}", where=where)
    parents = tuple(
        _view_ref(parent, f"{where}.implements[{index}]")
        for index, parent in enumerate(_list(raw.get("implements") or [], f"{where}.implements"))
    )
    properties: list[Property] = []
    relationships: list[Relationship] = []
    for prop_id, raw_prop in _mapping(raw.get("properties") or {}, f"{where}.properties").items():
        item = _parse_property(str(prop_id), raw_prop, f"{where}.{prop_id}", view, enums)
        if isinstance(item, Property):
            properties.append(item)
        else:
            relationships.append(item)
    return ClassDef(
        view=view,
        name=view.external_id,
        used_for=used_for,
        writable=bool(raw.get("writable", True)),
        parents=parents,
        properties=tuple(properties),
        relationships=tuple(relationships),
        description=_optional_text(raw.get("description")),
    )


def _parse_property(
    prop_id: str, raw: Any, where: str, view: ViewRef, enums: dict[str, Enum]
) -> Property | Relationship:
    raw = _mapping(raw, where)
    connection = raw.get("connectionType")
    if connection in _EDGE_CONNECTIONS or (connection is None and "direction" in raw):
        return _parse_edge(prop_id, raw, where, multi=_EDGE_CONNECTIONS.get(connection, True))
    if connection in _REVERSE_CONNECTIONS or (connection is None and "through" in raw):
        return _parse_reverse(prop_id, raw, where, multi=_REVERSE_CONNECTIONS.get(connection, True))
    if connection is not None:
        raise ModelError(f"unknown connectionType {connection!r}", where=where)
    raw_type = _mapping(raw.get("type"), f"{where}.type")
    container = raw.get("container")
    container_id = None
    if isinstance(container, Mapping):
        container_id = (
            _text(container, "space", where),
            _text(container, "externalId", where),
            str(raw.get("containerPropertyIdentifier") or prop_id),
        )
    scalar = _parse_scalar(raw_type, where, enums, container_id or (view.space, view.external_id, prop_id))
    inner: ScalarType | ListOf = scalar
    if raw_type.get("list"):
        max_count = raw_type.get("maxListSize")
        inner = ListOf(scalar, max_count if isinstance(max_count, int) else None)
    type_: TypeRef = Nullable(inner) if raw.get("nullable", True) else inner
    default = raw.get("defaultValue")
    return Property(
        name=prop_id,
        dms_name=prop_id,
        type=type_,
        description=_optional_text(raw.get("description")),
        default=default if isinstance(default, str | int | float | bool) else None,
        immutable=bool(raw.get("immutable", False)),
        container=container_id,
    )


def _parse_scalar(
    raw_type: Mapping[str, Any], where: str, enums: dict[str, Enum], owner: tuple[str, str, str]
) -> ScalarType:
    kind = raw_type.get("type")
    if kind in PRIMITIVE_KINDS:
        return Primitive(cast("PrimitiveKind", kind))
    if kind in CDF_REFERENCE_KINDS:
        return CDFReference(cast("CDFReferenceKind", kind))
    if kind == "direct":
        source = raw_type.get("source")
        return DirectRelation(_view_ref(source, f"{where}.type.source") if source else None)
    if kind == "enum":
        return EnumType(_parse_enum(raw_type, where, enums, owner))
    raise ModelError(f"unknown property type {kind!r}", where=f"{where}.type")


def _parse_enum(
    raw_type: Mapping[str, Any], where: str, enums: dict[str, Enum], owner: tuple[str, str, str]
) -> str:
    raw_values = _mapping(raw_type.get("values"), f"{where}.type.values")
    values = tuple(
        EnumValue(
            str(key),
            str(key),
            _optional_text(value.get("description")) if isinstance(value, Mapping) else None,
        )
        for key, value in raw_values.items()
    )
    name = owner[1] + owner[2][:1].upper() + owner[2][1:]
    existing = enums.get(name)
    if existing is not None and existing.values != values:
        name = f"{name}{len(enums)}"
    enums.setdefault(name, Enum(name, values))
    return name


def _parse_edge(prop_id: str, raw: Mapping[str, Any], where: str, *, multi: bool) -> EdgeRelation:
    direction = raw.get("direction", "outwards")
    if direction not in ("outwards", "inwards"):
        raise ModelError(f"unknown edge direction {direction!r}", where=where)
    edge_source = raw.get("edgeSource")
    return EdgeRelation(
        name=prop_id,
        dms_name=prop_id,
        edge_type=_node_ref(raw.get("type"), f"{where}.type"),
        target=_view_ref(raw.get("source"), f"{where}.source"),
        direction=direction,
        multi=multi,
        edge_class=_view_ref(edge_source, f"{where}.edgeSource") if edge_source else None,
        description=_optional_text(raw.get("description")),
    )


def _parse_reverse(prop_id: str, raw: Mapping[str, Any], where: str, *, multi: bool) -> ReverseRelation:
    through = _mapping(raw.get("through"), f"{where}.through")
    return ReverseRelation(
        name=prop_id,
        dms_name=prop_id,
        target=_view_ref(raw.get("source"), f"{where}.source"),
        through_view=_view_ref(through.get("source"), f"{where}.through.source"),
        through_property=_text(through, "identifier", f"{where}.through"),
        multi=multi,
        description=_optional_text(raw.get("description")),
    )


def _mark_inherited(classes: Sequence[ClassDef]) -> tuple[ClassDef, ...]:
    """Mark each member defined exactly as in a parent view with the parent it comes from.

    A member a child redefines (a direct relation narrowed to a subclass) stays the child's own.
    """
    members = {cls.view: {m.dms_name: m for m in (*cls.properties, *cls.relationships)} for cls in classes}

    def origin(cls: ClassDef, member: Property | Relationship) -> ViewRef | None:
        return next(
            (parent for parent in cls.parents if members.get(parent, {}).get(member.dms_name) == member), None
        )

    return tuple(
        replace(
            cls,
            properties=tuple(replace(p, inherited_from=origin(cls, p)) for p in cls.properties),
            relationships=tuple(replace(r, inherited_from=origin(cls, r)) for r in cls.relationships),
        )
        for cls in classes
    )

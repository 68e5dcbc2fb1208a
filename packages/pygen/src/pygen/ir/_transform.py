"""Transformers: IR in, IR out. Inheritance flattening and Python naming."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from pygen._errors import ModelError
from pygen.ir._model import (
    ClassDef,
    Enum,
    EnumType,
    ListOf,
    Model,
    Nullable,
    Property,
    Relationship,
    ScalarType,
    TypeRef,
    ViewRef,
)
from pygen.ir._names import class_name, enum_member_name, member_name, unique


def flatten_inheritance(model: Model) -> Model:
    """Give every class the members of all its ancestors (its own definitions win).

    Inherited members keep `inherited_from`; parents' members come first, in `implements` order.

    Args:
        model: A model whose parent references all resolve.

    Returns:
        The model with self-contained classes.

    Raises:
        ModelError: The inheritance graph has a cycle or a missing parent.
    """
    views = model.class_by_view()
    flat: dict[ViewRef, ClassDef] = {}
    for view in _parents_first(model, views):
        cls = views[view]
        own = {m.dms_name for m in (*cls.properties, *cls.relationships)}
        properties: dict[str, Property] = {}
        relationships: dict[str, Relationship] = {}
        for parent in cls.parents:
            for prop in flat[parent].properties:
                if prop.dms_name not in own:
                    properties.setdefault(
                        prop.dms_name, replace(prop, inherited_from=prop.inherited_from or parent)
                    )
            for rel in flat[parent].relationships:
                if rel.dms_name not in own:
                    relationships.setdefault(
                        rel.dms_name, replace(rel, inherited_from=rel.inherited_from or parent)
                    )
        flat[view] = replace(
            cls,
            properties=(*properties.values(), *cls.properties),
            relationships=(*relationships.values(), *cls.relationships),
        )
    return replace(model, classes=tuple(flat[cls.view] for cls in model.classes))


def _parents_first(model: Model, views: dict[ViewRef, ClassDef]) -> list[ViewRef]:
    """Topological order of the views (Kahn's algorithm, no recursion)."""
    waiting = {cls.view: len(set(cls.parents)) for cls in model.classes}
    children: dict[ViewRef, list[ViewRef]] = {}
    for cls in model.classes:
        for parent in set(cls.parents):
            if parent not in views:
                raise ModelError(f"implements missing view {parent}", where=f"view {cls.view.external_id}")
            children.setdefault(parent, []).append(cls.view)
    ready = [cls.view for cls in model.classes if waiting[cls.view] == 0]
    order: list[ViewRef] = []
    while ready:
        view = ready.pop()
        order.append(view)
        for child in children.get(view, ()):
            waiting[child] -= 1
            if waiting[child] == 0:
                ready.append(child)
    if len(order) != len(waiting):
        stuck = sorted(view.external_id for view, count in waiting.items() if count)
        raise ModelError(f"inheritance cycle among {', '.join(stuck)}", where="implements")
    return order


def apply_python_naming(model: Model) -> Model:
    """Give classes, members, enums and enum values safe, unique Python names.

    Views and enums become PascalCase classes; properties and relationships snake_case
    attributes. Keywords, builtins and pydantic attributes get a trailing `_`; hyphens and
    leading digits are replaced; collisions get `_2`, `_3`, ... The `dms_name` of every member
    keeps the server name (the alias).

    Args:
        model: A model (usually flattened).

    Returns:
        The renamed model; references between classes are by view id and stay valid.
    """
    taken: set[str] = set()
    classes = [
        replace(cls, name=_claim_class(class_name(cls.view.external_id), taken)) for cls in model.classes
    ]
    renamed_enums: dict[str, str] = {}
    enums: list[Enum] = []
    for enum in model.enums:
        renamed_enums[enum.name] = _claim_class(class_name(enum.name), taken, suffixes=("",))
        values: set[str] = set()
        enums.append(
            replace(
                enum,
                name=renamed_enums[enum.name],
                values=tuple(
                    replace(v, name=unique(enum_member_name(v.dms_name), values)) for v in enum.values
                ),
            )
        )
    return replace(
        model,
        classes=tuple(_name_members(cls, lambda name: renamed_enums.get(name, name)) for cls in classes),
        enums=tuple(enums),
    )


_DERIVED_SUFFIXES = ("", "Write", "API", "Select", "Fields")


def _claim_class(name: str, taken: set[str], suffixes: tuple[str, ...] = _DERIVED_SUFFIXES) -> str:
    """A class name whose derived names (`NameWrite`, `NameAPI`, ...) are all still free."""
    candidate, counter = name, 2
    while any(candidate + suffix in taken for suffix in _DERIVED_SUFFIXES + suffixes):
        candidate = f"{name}{counter}"
        counter += 1
    taken.update(candidate + suffix for suffix in suffixes)
    return candidate


def _name_members(cls: ClassDef, enum_name: Callable[[str], str]) -> ClassDef:
    taken: set[str] = set()
    return replace(
        cls,
        properties=tuple(
            replace(p, name=unique(member_name(p.dms_name), taken), type=_rename_enum(p.type, enum_name))
            for p in cls.properties
        ),
        relationships=tuple(
            replace(r, name=unique(member_name(r.dms_name), taken)) for r in cls.relationships
        ),
    )


def _rename_enum(type_: TypeRef, enum_name: Callable[[str], str]) -> TypeRef:
    if isinstance(type_, Nullable):
        return Nullable(_rename_inner(type_.inner, enum_name))
    return _rename_inner(type_, enum_name)


def _rename_inner(type_: ScalarType | ListOf, enum_name: Callable[[str], str]) -> ScalarType | ListOf:
    if isinstance(type_, ListOf):
        return replace(type_, item=_rename_scalar(type_.item, enum_name))
    return _rename_scalar(type_, enum_name)


def _rename_scalar(type_: ScalarType, enum_name: Callable[[str], str]) -> ScalarType:
    return EnumType(enum_name(type_.enum)) if isinstance(type_, EnumType) else type_


def prepare_python(model: Model) -> Model:
    """The pipeline the Python generator runs: flatten inheritance, then Python naming."""
    return apply_python_naming(flatten_inheritance(model))

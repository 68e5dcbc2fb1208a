"""Transformers: IR in, IR out. Inheritance flattening and Python naming."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from fnmatch import fnmatchcase

from pygen._errors import ModelError
from pygen.ir._model import (
    ClassDef,
    DirectRelation,
    EdgeRelation,
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
    unwrap,
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
    """Snake_case names, unique in the class; a DMS name that is already one keeps it first."""
    members = [*cls.properties, *cls.relationships]
    exact_first = sorted(
        range(len(members)), key=lambda i: member_name(members[i].dms_name) != members[i].dms_name
    )
    taken: set[str] = set()
    names: dict[int, str] = {}
    for index in exact_first:
        names[index] = unique(member_name(members[index].dms_name), taken)
    count = len(cls.properties)
    return replace(
        cls,
        properties=tuple(
            replace(p, name=names[i], type=_rename_enum(p.type, enum_name))
            for i, p in enumerate(cls.properties)
        ),
        relationships=tuple(replace(r, name=names[count + i]) for i, r in enumerate(cls.relationships)),
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


def sort_members(model: Model) -> Model:
    """Order classes by view id and members by DMS name, so the server's order never matters."""
    return replace(
        model,
        classes=tuple(
            replace(
                cls,
                properties=tuple(sorted(cls.properties, key=lambda p: p.dms_name)),
                relationships=tuple(sorted(cls.relationships, key=lambda r: r.dms_name)),
            )
            for cls in sorted(model.classes, key=lambda c: (c.view.external_id, c.view.space, c.view.version))
        ),
    )


def prepare_python(model: Model) -> Model:
    """The pipeline the Python generator runs: flatten inheritance, sort, then Python naming."""
    return apply_python_naming(sort_members(flatten_inheritance(model)))


def select_views(
    model: Model,
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    include_spaces: Sequence[str] = (),
    exclude_spaces: Sequence[str] = (),
) -> Model:
    """Keep the views whose external id and space match (shell patterns such as `Cognite*`).

    Relationships to a view left out are dropped; a direct relation to one becomes an untyped
    reference; a parent left out is forgotten (its inherited members stay in the child).

    Args:
        model: The model.
        include: View external id patterns to keep (default: all).
        exclude: View external id patterns to drop.
        include_spaces: Space patterns to keep (default: all).
        exclude_spaces: Space patterns to drop.

    Returns:
        The model with the selected classes.
    """

    def keep(view: ViewRef) -> bool:
        return (
            (not include or any(fnmatchcase(view.external_id, p) for p in include))
            and not any(fnmatchcase(view.external_id, p) for p in exclude)
            and (not include_spaces or any(fnmatchcase(view.space, p) for p in include_spaces))
            and not any(fnmatchcase(view.space, p) for p in exclude_spaces)
        )

    kept = {cls.view for cls in model.classes if keep(cls.view)}

    def related(rel: Relationship) -> bool:
        if rel.target not in kept:
            return False
        if isinstance(rel, EdgeRelation):
            return rel.edge_class is None or rel.edge_class in kept
        return rel.through_view in kept

    def untarget(prop: Property) -> Property:
        scalar = unwrap(prop.type)[0]
        if isinstance(scalar, DirectRelation) and scalar.target is not None and scalar.target not in kept:
            return replace(prop, type=_retype(prop.type, DirectRelation(None)))
        return prop

    classes = tuple(
        replace(
            cls,
            parents=tuple(p for p in cls.parents if p in kept),
            properties=tuple(untarget(p) for p in cls.properties),
            relationships=tuple(r for r in cls.relationships if related(r)),
        )
        for cls in model.classes
        if cls.view in kept
    )
    used = {unwrap(p.type)[0] for cls in classes for p in cls.properties}
    enums = tuple(e for e in model.enums if EnumType(e.name) in used)
    return replace(model, classes=classes, enums=enums)


def _retype(type_: TypeRef, scalar: ScalarType) -> TypeRef:
    if isinstance(type_, Nullable):
        inner = type_.inner
        return Nullable(replace(inner, item=scalar) if isinstance(inner, ListOf) else scalar)
    return replace(type_, item=scalar) if isinstance(type_, ListOf) else scalar

"""Checks of a parsed model; every problem is an `Issue` with a stable code.

Codes (errors stop generation; warnings are fixed by the naming transformer):

| code | severity | problem |
| --- | --- | --- |
| PG101 | error | `implements` names a view that is not in the model |
| PG102 | error | an edge, its edge properties or a reverse relation points at a missing view |
| PG103 | warning | a direct relation's target view is not in the model (typed as a plain reference) |
| PG104 | error | inheritance cycle |
| PG105 | error | a reverse relation goes through a property that is not a direct relation |
| PG106 | error | edge properties come from a view that is not usable for edges |
| PG107 | error | an enum without values, or with a value twice |
| PG201 | warning | a name is a Python keyword, builtin or reserved attribute (it gets mangled) |
| PG202 | warning | a name is not a Python identifier (hyphen, leading digit; it gets mangled) |
| PG203 | warning | two names of one view collide in snake_case (one gets a suffix) |
| PG204 | warning | two views or enums get the same class name (one gets a suffix) |
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from pygen._errors import ModelValidationError
from pygen.ir._model import ClassDef, DirectRelation, EdgeRelation, Model, ReverseRelation, ViewRef, unwrap
from pygen.ir._names import RESERVED_MEMBER_NAMES, class_name, member_name, to_snake

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Issue:
    """One problem in a model: a stable `code`, the `view` and `property` it concerns."""

    code: str
    severity: Severity
    message: str
    view: str | None = None
    property: str | None = None

    def __str__(self) -> str:
        place = ".".join(part for part in (self.view, self.property) if part)
        return f"{self.code} {self.severity}: {place + ': ' if place else ''}{self.message}"


def validate(model: Model) -> list[Issue]:
    """List every problem of a model, errors and warnings, in a stable order.

    Args:
        model: A parsed (not yet transformed) model.

    Returns:
        The issues sorted by code, view and property.
    """
    views = model.class_by_view()
    issues = [
        *_references(model, views),
        *_cycles(model, views),
        *_enums(model),
        *_names(model),
    ]
    return sorted(set(issues))


def check(model: Model) -> list[Issue]:
    """Validate a model and raise on errors.

    Args:
        model: A parsed model.

    Returns:
        The warnings.

    Raises:
        ModelValidationError: The model has at least one error; `.issues` lists them.
    """
    issues = validate(model)
    errors = [issue for issue in issues if issue.severity == "error"]
    if errors:
        raise ModelValidationError(errors)
    return issues


def _references(model: Model, views: dict[ViewRef, ClassDef]) -> Iterator[Issue]:
    for cls in model.classes:
        view = cls.view.external_id
        for parent in cls.parents:
            if parent not in views:
                yield Issue("PG101", "error", f"implements missing view {parent}", view)
        for prop in cls.properties:
            scalar, _, _ = unwrap(prop.type)
            if isinstance(scalar, DirectRelation) and scalar.target and scalar.target not in views:
                yield Issue(
                    "PG103",
                    "warning",
                    f"direct relation to view {scalar.target} outside the model",
                    view,
                    prop.dms_name,
                )
        for rel in cls.relationships:
            yield from _relationship(rel, views, view)


def _relationship(
    rel: EdgeRelation | ReverseRelation, views: dict[ViewRef, ClassDef], view: str
) -> Iterator[Issue]:
    if rel.target not in views:
        yield Issue("PG102", "error", f"points at missing view {rel.target}", view, rel.dms_name)
    if isinstance(rel, EdgeRelation) and rel.edge_class is not None:
        edge_cls = views.get(rel.edge_class)
        if edge_cls is None:
            yield Issue(
                "PG102", "error", f"edge properties from missing view {rel.edge_class}", view, rel.dms_name
            )
        elif edge_cls.used_for == "node":
            yield Issue(
                "PG106", "error", f"edge properties from node-only view {rel.edge_class}", view, rel.dms_name
            )
    if isinstance(rel, ReverseRelation):
        through = views.get(rel.through_view)
        if through is None:
            yield Issue(
                "PG102",
                "error",
                f"reverse relation through missing view {rel.through_view}",
                view,
                rel.dms_name,
            )
            return
        prop = next((p for p in through.properties if p.dms_name == rel.through_property), None)
        if prop is None or not isinstance(unwrap(prop.type)[0], DirectRelation):
            message = (
                f"reverse relation through {rel.through_view}.{rel.through_property}, not a direct relation"
            )
            yield Issue("PG105", "error", message, view, rel.dms_name)


def _cycles(model: Model, views: dict[ViewRef, ClassDef]) -> Iterator[Issue]:
    state: dict[ViewRef, int] = {}  # 1: on the current path, 2: done
    for start in model.classes:
        stack: list[tuple[ViewRef, Iterator[ViewRef]]] = [(start.view, iter(start.parents))]
        if state.get(start.view):
            continue
        state[start.view] = 1
        while stack:
            node, parents = stack[-1]
            parent = next(parents, None)
            if parent is None:
                state[node] = 2
                stack.pop()
            elif state.get(parent) == 1:
                path = [ref.external_id for ref, _ in stack]
                cycle = " -> ".join([*path[path.index(parent.external_id) :], parent.external_id])
                yield Issue("PG104", "error", f"inheritance cycle {cycle}", node.external_id)
            elif parent in views and not state.get(parent):
                state[parent] = 1
                stack.append((parent, iter(views[parent].parents)))


def _enums(model: Model) -> Iterator[Issue]:
    for enum in model.enums:
        names = [value.dms_name for value in enum.values]
        if not names:
            yield Issue("PG107", "error", f"enum {enum.name} has no values")
        elif len(set(names)) != len(names):
            yield Issue("PG107", "error", f"enum {enum.name} repeats a value")


def _names(model: Model) -> Iterator[Issue]:
    seen_classes: dict[str, str] = {}
    for name, kind in [
        *((c.view.external_id, "view") for c in model.classes),
        *((e.name, "enum") for e in model.enums),
    ]:
        python = class_name(name)
        if python in seen_classes:
            yield Issue(
                "PG204", "warning", f"{kind} {name} and {seen_classes[python]} are both class {python}", name
            )
        seen_classes[python] = name
    for cls in model.classes:
        seen: dict[str, str] = {}
        for dms_name in [*(p.dms_name for p in cls.properties), *(r.dms_name for r in cls.relationships)]:
            yield from _member_name(cls.view.external_id, dms_name)
            python = member_name(dms_name)
            if python in seen:
                yield Issue(
                    "PG203",
                    "warning",
                    f"{dms_name} and {seen[python]} are both {python}",
                    cls.view.external_id,
                    dms_name,
                )
            seen[python] = dms_name


def _member_name(view: str, dms_name: str) -> Iterator[Issue]:
    snake = to_snake(dms_name)
    if not dms_name.isidentifier() or (snake[:1].isdigit()):
        yield Issue("PG202", "warning", f"{dms_name!r} is not a Python identifier", view, dms_name)
    elif snake in RESERVED_MEMBER_NAMES:
        yield Issue("PG201", "warning", f"{snake!r} is reserved in Python", view, dms_name)

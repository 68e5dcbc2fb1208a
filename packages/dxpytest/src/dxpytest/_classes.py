"""Class hierarchies of a module: the method resolution order and class attributes.

pytest collects a class's inherited tests and reads ``__test__``, ``pytestmark`` and fixtures
along the MRO, so the MRO is computed as Python does (C3) over the module's own classes; a base
that is not one of them, nor ``object`` or a ``unittest`` test case, is resolved by the caller or
raises `Undecidable`.
"""

from __future__ import annotations

from collections.abc import Callable

from dxpytest._ids import Undecidable
from dxpytest._names import bound_names
from dxpytest._syntax import Assign, Class, Expr, Opaque, Statement

Resolver = Callable[[Expr], Class | str]
"""A base class expression → a Class of the module, ``"unittest"`` or ``"object"`` (or raise)."""


def class_mro(cls: Class, resolve: Resolver, depth: int = 0) -> list[Class | str]:
    """The MRO of `cls`, its bases resolved by `resolve`."""
    if depth > 50:
        raise Undecidable("class hierarchy too deep")
    if not cls.bases:
        return [cls, "object"]
    bases = [resolve(b) for b in cls.bases]
    sequences: list[list[Class | str]] = [
        class_mro(base, resolve, depth + 1) if isinstance(base, Class) else [base, "object"] for base in bases
    ]
    return [cls, *_c3_merge([*sequences, bases])]


def _c3_merge(sequences: list[list[Class | str]]) -> list[Class | str]:
    result: list[Class | str] = []
    pending = [list(sequence) for sequence in sequences if sequence]
    while pending:
        for sequence in pending:
            head = sequence[0]
            if not any(head in other[1:] for other in pending):
                break
        else:
            raise Undecidable("inconsistent class hierarchy")
        result.append(head)
        pending = [[item for item in sequence if item is not head] for sequence in pending]
        pending = [sequence for sequence in pending if sequence]
    return result


def class_namespace(cls: Class) -> dict[str, Statement]:
    """The names a class body binds, each to the last statement that binds it."""
    namespace: dict[str, Statement] = {}
    for statement in cls.body:
        for name in bound_names(statement):
            namespace[name] = statement
    return namespace


def class_attribute_in_body(cls: Class, name: str) -> Expr | None:
    """The value a class body gives `name` (opaque when not a plain assignment), or None."""
    found: Expr | None = None
    for statement in cls.body:
        if isinstance(statement, Assign) and name in statement.targets:
            found = statement.value
        elif name in bound_names(statement):
            found = Opaque(name, "statement")
    return found


def class_attribute(mro: list[Class | str], name: str) -> Expr | None:
    """The value of class attribute `name` along `mro`, or None."""
    for cls in mro:
        if isinstance(cls, Class):
            found = class_attribute_in_body(cls, name)
            if found is not None:
                return found
    return None

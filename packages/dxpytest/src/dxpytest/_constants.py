"""Names in ``parametrize`` arguments whose values are known without running the module.

pytest evaluates ``@pytest.mark.parametrize("x", VALUES)`` when the decorator runs and makes
ids from the values when it collects. Two kinds of bare names are decided here, each only when
no other code can have changed what the name means:

* a module constant: bound by exactly one plain assignment, before the first ``def`` or
  ``class`` of the module, to a literal (scalars, and lists/tuples/sets of them), and never
  mentioned anywhere else (not in a function body, a comment, a string) except inside
  ``parametrize`` calls, so nothing rebinds or mutates it;
* a builtin (``ValueError``, ``int``...): never bound in the module or a class body, and no
  ``global`` statement anywhere (the only way a function could rebind it); pytest's id is then
  its ``__name__``.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Iterable

from dxpytest._names import bound_names
from dxpytest._syntax import Assign, Call, Class, Expr, Function, Literal, Name, Outline, Sequence, Statement

_GLOBAL = re.compile(rb"\bglobal\b")
_TAMPERING = re.compile(rb"\bbuiltins\b|__builtins__|sys\.modules|__dict__|\bsetattr\b|\bvars\b|\bglobals\b")


class Constants:
    """The module constants and builtins of one module, for `dxpytest._parametrize`.

    Args:
        outline: The parsed module.
        source: Its bytes (to count every mention of a name, function bodies included).
        parametrize_names: Every bare name used inside the module's ``parametrize`` calls.
    """

    def __init__(self, outline: Outline, source: bytes, parametrize_names: Iterable[str]) -> None:
        self.outline = outline
        self.source = source
        self.tampering = _TAMPERING.search(source) is not None
        self.uses: dict[str, int] = {}
        for name in parametrize_names:
            self.uses[name] = self.uses.get(name, 0) + 1
        self.bindings: dict[str, list[Statement]] = {}
        for statement in outline.statements:
            for name in bound_names(statement):
                self.bindings.setdefault(name, []).append(statement)
        self.class_bound = _class_bound(outline.statements)
        self.first_definition = min(
            (s.line for s in outline.statements if isinstance(s, Function | Class)), default=1 << 30
        )

    def _mentions(self, name: str) -> int:
        return len(re.findall(rb"\b" + re.escape(name.encode()) + rb"\b", self.source))

    def _only_read_by_parametrize(self, name: str, assignments: int) -> bool:
        expected = assignments + self.uses.get(name, 0)
        return self.outline.identifiers.get(name, 0) == expected == self._mentions(name)

    def value(self, name: str) -> Expr | None:
        """The literal a module constant is bound to, or None when it is not one."""
        if self.tampering or name in self.class_bound:
            return None
        statements = self.bindings.get(name, [])
        if len(statements) != 1:
            return None
        (statement,) = statements
        if not isinstance(statement, Assign) or statement.targets != [name] or statement.attribute_targets:
            return None
        if statement.line >= self.first_definition or not _literal(statement.value):
            return None
        return statement.value if self._only_read_by_parametrize(name, 1) else None

    def builtin_name(self, name: str) -> str | None:
        """pytest's id of a builtin class or function named `name`, or None."""
        if self.tampering or name in self.class_bound or name in self.bindings:
            return None
        value = getattr(builtins, name, None)
        if value is None or getattr(value, "__name__", None) != name:
            return None
        if not callable(value) or _GLOBAL.search(self.source):
            return None
        return name


def _literal(expr: Expr) -> bool:
    if isinstance(expr, Literal):
        return True
    if isinstance(expr, Sequence) and expr.kind in ("list", "tuple", "set"):
        return all(_literal(element) for element in expr.elements)
    return False


def _class_bound(statements: list[Statement]) -> set[str]:
    names: set[str] = set()
    for statement in statements:
        if isinstance(statement, Class):
            for inner in statement.body:
                names.update(bound_names(inner))
            names |= _class_bound(statement.body)
    return names


def parametrize_names(exprs: Iterable[Expr], is_parametrize: object) -> list[str]:
    """Every bare name inside the ``parametrize`` calls among `exprs` (decorators, marks).

    Args:
        exprs: Decorator and ``pytestmark`` expressions.
        is_parametrize: A predicate on a `Call`: is it ``pytest.mark.parametrize``?
    """
    assert callable(is_parametrize)
    found: list[str] = []
    for expr in exprs:
        for call in _calls(expr):
            if is_parametrize(call):
                found.extend(_names(call))
    return found


def _calls(expr: Expr) -> list[Call]:
    if isinstance(expr, Call):
        return [expr]
    if isinstance(expr, Sequence):
        return [call for element in expr.elements for call in _calls(element)]
    return []


def _names(expr: Expr) -> list[str]:
    if isinstance(expr, Name):
        return [expr.dotted] if "." not in expr.dotted else []
    if isinstance(expr, Sequence):
        return [name for element in expr.elements for name in _names(element)]
    if isinstance(expr, Call):
        inner = [name for arg in expr.args for name in _names(arg)]
        return inner + [name for _, value in expr.kwargs for name in _names(value)]
    return []

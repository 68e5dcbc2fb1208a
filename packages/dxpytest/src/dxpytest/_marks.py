"""Marks in scope of a test: ``@pytest.mark.*`` decorators and ``pytestmark``, in pytest's order.

Only marks spelled ``pytest.mark.NAME`` (through any import alias) are read; a computed mark
raises `Undecidable`. The ``parametrize`` and ``usefixtures`` marks are kept as calls and names
for the parametrize and fixture rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dxpytest._classes import class_attribute_in_body
from dxpytest._ids import Undecidable
from dxpytest._names import Aliases, describe, literal_strings
from dxpytest._syntax import Assign, Call, Class, Expr, Function, Sequence, Statement


@dataclass
class Marks:
    """Marks in scope of a test, in pytest's order (function first, then class, module)."""

    names: list[str] = field(default_factory=list)
    parametrize: list[Call] = field(default_factory=list)
    usefixtures: list[str] = field(default_factory=list)

    def extend(self, names: list[str], calls: list[Call]) -> None:
        self.names.extend(names)
        for call in calls:
            name = call.function.rsplit(".", 1)[-1] if call.function else ""
            if name == "parametrize":
                self.parametrize.append(call)
            elif name == "usefixtures":
                self.usefixtures.extend(literal_strings(call.args, "usefixtures"))

    def merged(self, other: Marks) -> Marks:
        return Marks(
            self.names + other.names,
            self.parametrize + other.parametrize,
            self.usefixtures + other.usefixtures,
        )


def mark_names(expr: Expr, aliases: Aliases) -> tuple[list[str], list[Call]]:
    """Mark names (and the parametrize/usefixtures calls) of a mark expression."""
    items = expr.elements if isinstance(expr, Sequence) else (expr,)
    names: list[str] = []
    calls: list[Call] = []
    for item in items:
        qualified = aliases.callee(item)
        if not qualified.startswith("pytest.mark.") or qualified.count(".") != 2:
            raise Undecidable(f"computed mark {describe(item)}")
        names.append(qualified.rsplit(".", 1)[1])
        if isinstance(item, Call):
            calls.append(item)
        elif names[-1] in ("parametrize", "usefixtures"):
            raise Undecidable("bare parametrize/usefixtures mark")
    return names, calls


def is_mark(expr: Expr, aliases: Aliases) -> bool:
    """Whether a decorator is a ``pytest.mark`` (otherwise it may change the test)."""
    return aliases.callee(expr).startswith("pytest.mark.")


def function_marks(function: Function, aliases: Aliases) -> Marks:
    """The marks a function's own decorators give it."""
    marks = Marks()
    for decorator in reversed(function.decorators):
        if is_mark(decorator, aliases):
            marks.extend(*mark_names(decorator, aliases))
    return marks


def class_marks(mro: list[Class | str], aliases: Aliases) -> Marks:
    """The marks of a class: ``pytestmark`` and decorators along its MRO, the farthest base first."""
    marks = Marks()
    for cls in reversed(mro):
        if not isinstance(cls, Class):
            continue
        body_marks = class_attribute_in_body(cls, "pytestmark")
        if body_marks is not None:
            marks.extend(*mark_names(body_marks, aliases))
        for decorator in reversed(cls.decorators):
            marks.extend(*mark_names(decorator, aliases))
    return marks


def mark_expressions(statements: list[Statement]) -> list[Expr]:
    """Every decorator and ``pytestmark`` value of a module, its classes included."""
    found: list[Expr] = []
    for statement in statements:
        if isinstance(statement, Function | Class):
            found.extend(statement.decorators)
        if isinstance(statement, Class):
            found.extend(mark_expressions(statement.body))
        if isinstance(statement, Assign) and "pytestmark" in statement.targets:
            found.append(statement.value)
    return found

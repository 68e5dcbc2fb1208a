"""Names on a module's outline: import aliases, the names a statement binds, literal strings.

Every rule of static collection asks these questions of the outline; they are answered here
once, and a name that cannot be read without running the module raises `Undecidable`.
"""

from __future__ import annotations

from dxpytest._ids import Undecidable
from dxpytest._syntax import Assign, Call, Class, Expr, Function, Import, Literal, Name, Opaque, Statement

# Kinds of opaque expressions that build a container (pytest ids them like a list or a dict).
CONTAINER_KINDS = frozenset(
    {"dictionary", "dictionary_comprehension", "list_comprehension", "set_comprehension"}
)


class Aliases:
    """Import aliases of a module: local name → qualified dotted name."""

    def __init__(self, statements: list[Statement]) -> None:
        self.names: dict[str, str] = {}
        for statement in statements:
            if isinstance(statement, Import):
                for name, bound in statement.names:
                    self.names[bound] = f"{statement.module}.{name}" if statement.module else name

    def qualify(self, dotted: str) -> str:
        head, _, rest = dotted.partition(".")
        base = self.names.get(head, head)
        return f"{base}.{rest}" if rest else base

    def callee(self, expr: Expr) -> str:
        """The qualified name of a name or of a call's function (a decorator, a mark), else ""."""
        dotted = expr.dotted if isinstance(expr, Name) else expr.function if isinstance(expr, Call) else None
        return self.qualify(dotted) if dotted else ""


def describe(expr: Expr) -> str:
    """A short text of an expression, for the reason a file is dynamic."""
    if isinstance(expr, Name):
        return expr.dotted
    if isinstance(expr, Call):
        return f"{expr.function}(...)"
    if isinstance(expr, Opaque):
        return expr.text[:60]
    return type(expr).__name__


def literal_strings(exprs: tuple[Expr, ...], what: str) -> list[str]:
    """The string literals `exprs`; anything else raises `Undecidable` naming `what`."""
    result: list[str] = []
    for expr in exprs:
        if isinstance(expr, Literal) and isinstance(expr.value, str):
            result.append(expr.value)
        else:
            raise Undecidable(f"non-literal {what}")
    return result


def bound_names(statement: Statement) -> list[str]:
    """The names a statement binds in its namespace."""
    if isinstance(statement, Function | Class):
        return [statement.name]
    if isinstance(statement, Assign):
        return list(statement.targets)
    if isinstance(statement, Import):
        return [bound for _, bound in statement.names]
    return list(statement.binds)

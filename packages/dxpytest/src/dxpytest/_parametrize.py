"""Literal ``parametrize``: the rows and ids of a test's stacked parametrize marks.

Values are read from literals, from module constants and builtins that provably keep their
value (`dxpytest._constants`), and ids are made by pytest's rules (`dxpytest._ids`). Indirect or
scoped parametrization, computed argnames, ids or values raise `Undecidable`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dxpytest._constants import Constants, parametrize_names
from dxpytest._ids import FALLBACK, IdOptions, IdValue, ParameterSet, Undecidable, make_ids
from dxpytest._marks import mark_expressions, mark_names
from dxpytest._names import CONTAINER_KINDS, Aliases, describe, literal_strings
from dxpytest._syntax import Call, Expr, Literal, Name, Opaque, Outline, Sequence

_CONTAINER_CALLS = frozenset({"dict", "list", "set", "tuple", "frozenset", "object"})


@dataclass
class Parametrized:
    """The parametrized arguments of a test and, per item, its id suffix and the marks of its row."""

    argnames: set[str] = field(default_factory=set)
    rows: list[tuple[str, list[str]]] = field(default_factory=lambda: [("", [])])


class Parametrizer:
    """Reads the parametrize marks of one module's tests.

    Args:
        outline: The parsed module.
        source: Its bytes (module constants are checked against every mention in it).
        aliases: The module's import aliases.
        ids: pytest's id options.
    """

    def __init__(self, outline: Outline, source: bytes, aliases: Aliases, ids: IdOptions) -> None:
        self.aliases = aliases
        self.ids = ids
        names = parametrize_names(mark_expressions(outline.statements), self._is_parametrize)
        self.constants = Constants(outline, source, names)

    def _is_parametrize(self, call: Call) -> bool:
        return bool(call.function) and self.aliases.qualify(call.function or "") == "pytest.mark.parametrize"

    def parametrize(self, calls: list[Call], argnames: set[str]) -> Parametrized:
        """The rows of stacked parametrize `calls` over a test with arguments `argnames`."""
        result = Parametrized()
        for call in calls:
            names, rows, ids, row_marks = self._parametrize_call(call)
            for name in names:
                if name not in argnames:
                    raise Undecidable(f"parametrize of {name}, which is not a direct argument")
                if name in result.argnames:
                    raise Undecidable(f"{name} parametrized twice")
            result.argnames.update(names)
            made = make_ids(names, rows, ids, self.ids)
            result.rows = [
                (f"{prefix}-{suffix}" if prefix else suffix, [*extra, *marks])
                for prefix, extra in result.rows
                for suffix, marks in zip(made, row_marks, strict=True)
            ]
        return result

    def _parametrize_call(
        self, call: Call
    ) -> tuple[tuple[str, ...], list[ParameterSet], tuple[IdValue, ...] | None, list[list[str]]]:
        if call.has_star or len(call.args) != 2:
            raise Undecidable("parametrize with other than two positional arguments")
        names = _parametrize_names(call.args[0])
        ids: tuple[IdValue, ...] | None = None
        for key, value in call.kwargs:
            if key == "ids":
                ids = _ids_option(value)
            elif key == "indirect":
                if not (isinstance(value, Literal) and value.value is False):
                    raise Undecidable("indirect parametrization")
            elif key == "scope":
                if not (isinstance(value, Literal) and value.value == "function"):
                    raise Undecidable("scoped parametrization")
            else:
                raise Undecidable(f"parametrize keyword {key}")
        values = call.args[1]
        if isinstance(values, Name) and "." not in values.dotted:
            values = self.constants.value(values.dotted) or values
        if not isinstance(values, Sequence) or values.kind not in ("list", "tuple") or not values.elements:
            raise Undecidable("non-literal or empty parametrize values")
        rows: list[ParameterSet] = []
        row_marks: list[list[str]] = []
        for element in values.elements:
            row, marks = self._parameter_set(element, len(names))
            rows.append(row)
            row_marks.append(marks)
        return names, rows, ids, row_marks

    def _parameter_set(self, element: Expr, width: int) -> tuple[ParameterSet, list[str]]:
        if (
            isinstance(element, Call)
            and element.function
            and self.aliases.qualify(element.function) == "pytest.param"
        ):
            if element.has_star or len(element.args) != width:
                raise Undecidable("pytest.param with a computed or mismatched width")
            explicit: str | None = None
            marks: list[str] = []
            for key, value in element.kwargs:
                if key == "id":
                    if not (
                        isinstance(value, Literal) and (value.value is None or isinstance(value.value, str))
                    ):
                        raise Undecidable("computed pytest.param id")
                    explicit = value.value
                elif key == "marks":
                    marks = mark_names(value, self.aliases)[0]
                else:
                    raise Undecidable(f"pytest.param keyword {key}")
            return ParameterSet(tuple(self._param_value(arg) for arg in element.args), explicit), marks
        if width == 1:
            return ParameterSet((self._param_value(element),)), []
        if (
            isinstance(element, Sequence)
            and element.kind in ("list", "tuple")
            and len(element.elements) == width
        ):
            return ParameterSet(tuple(self._param_value(arg) for arg in element.elements)), []
        raise Undecidable("parameter set is not a literal tuple of the right width")

    def _param_value(self, expr: Expr) -> IdValue:
        """A parameter value's id source: literals, module constants, builtins by name."""
        if isinstance(expr, Name) and "." not in expr.dotted:
            constant = self.constants.value(expr.dotted)
            if constant is not None:
                return _id_value(constant)
            builtin = self.constants.builtin_name(expr.dotted)
            if builtin is not None:
                return builtin
        return _id_value(expr)


def _parametrize_names(expr: Expr) -> tuple[str, ...]:
    if isinstance(expr, Literal) and isinstance(expr.value, str):
        names = tuple(part.strip() for part in expr.value.split(",") if part.strip())
    elif isinstance(expr, Sequence) and expr.kind in ("list", "tuple"):
        names = tuple(literal_strings(expr.elements, "parametrize argnames"))
    else:
        raise Undecidable("computed parametrize argnames")
    if not names:
        raise Undecidable("empty parametrize argnames")
    return names


def _ids_option(expr: Expr) -> tuple[IdValue, ...] | None:
    if isinstance(expr, Literal) and expr.value is None:
        return None
    if isinstance(expr, Sequence) and expr.kind in ("list", "tuple"):
        values: list[IdValue] = []
        for element in expr.elements:
            if not isinstance(element, Literal) or not isinstance(
                element.value, str | bytes | int | float | complex | bool | type(None)
            ):
                raise Undecidable("computed ids entry")
            values.append(element.value)
        return tuple(values)
    raise Undecidable("ids= is a callable or computed")


def _id_value(expr: Expr) -> IdValue:
    if isinstance(expr, Literal):
        value = expr.value
        if isinstance(value, str | bytes | int | float | complex | bool | type(None)):
            return value
        return FALLBACK
    if isinstance(expr, Sequence):
        return FALLBACK
    if isinstance(expr, Opaque):
        if expr.kind in CONTAINER_KINDS:
            return FALLBACK
        if expr.kind == "lambda":
            return "<lambda>"
    if isinstance(expr, Call) and expr.function in _CONTAINER_CALLS:
        return FALLBACK
    raise Undecidable(f"parameter value {describe(expr)} needs run time")

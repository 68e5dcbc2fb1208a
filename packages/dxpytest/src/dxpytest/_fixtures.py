"""Fixtures as collection sees them: definitions, a test's arguments, and the closure it needs.

A test is decided statically only when every fixture it reaches (arguments, ``usefixtures``,
autouse fixtures, and theirs in turn) is found, not parametrized and not overriding itself:
each of those changes which items pytest collects.
"""

from __future__ import annotations

from collections.abc import Mapping

from dxpytest._ids import Undecidable
from dxpytest._names import Aliases
from dxpytest._records import Fixture
from dxpytest._syntax import Call, Expr, Function, Literal, Name

BUILTIN_FIXTURES = frozenset(
    {
        "cache",
        "capfd",
        "capfdbinary",
        "caplog",
        "capsys",
        "capsysbinary",
        "capteesys",
        "doctest_namespace",
        "monkeypatch",
        "pytestconfig",
        "record_property",
        "record_testsuite_property",
        "record_xml_attribute",
        "recwarn",
        "request",
        "subtests",
        "tmp_path",
        "tmp_path_factory",
        "tmpdir",
        "tmpdir_factory",
    }
)


def _fixture_call(expr: Expr, aliases: Aliases) -> Call | Name | None:
    if aliases.callee(expr) in ("pytest.fixture", "pytest.yield_fixture", "_pytest.fixtures.fixture"):
        return expr if isinstance(expr, Call | Name) else None
    return None


def fixture_from(function: Function, aliases: Aliases, *, is_method: bool) -> Fixture | None:
    """The fixture a function defines, or None when it is not decorated as one."""
    for decorator in function.decorators:
        found = _fixture_call(decorator, aliases)
        if found is None:
            continue
        name = function.name
        autouse = False
        parametrized = False
        if isinstance(found, Call):
            if found.args or found.has_star:
                raise Undecidable("fixture with positional arguments")
            for key, value in found.kwargs:
                if key == "name":
                    if not (isinstance(value, Literal) and isinstance(value.value, str)):
                        raise Undecidable("computed fixture name")
                    name = value.value
                elif key == "autouse":
                    if not isinstance(value, Literal):
                        raise Undecidable("computed autouse")
                    autouse = bool(value.value)
                elif key == "params":
                    parametrized = not (isinstance(value, Literal) and value.value is None)
        return Fixture(name, argnames(function, is_method=is_method), parametrized, autouse)
    return None


def argnames(function: Function, *, is_method: bool, static: bool = False) -> tuple[str, ...]:
    """The arguments pytest fills for a function: no defaults, no ``self`` of a method."""
    names = [
        p.name for p in function.parameters if p.kind in ("positional", "keyword_only") and not p.has_default
    ]
    has_positional_only = any(p.kind == "positional_only" for p in function.parameters)
    if is_method and not static and not has_positional_only and names:
        names = names[1:]
    return tuple(names)


def hypothesis_given(call: Call, names: list[str], parameters: list[str]) -> list[str]:
    """The arguments left to fixtures once ``@given`` has filled its own."""
    if call.has_star:
        raise Undecidable("given(*...)")
    given_names = {key for key, _ in call.kwargs}
    remaining = [name for name in names if name not in given_names]
    if call.args:
        positional = [name for name in parameters if name in remaining]
        remaining = [name for name in remaining if name not in positional[-len(call.args) :]]
    return remaining


def check_fixtures(
    requested: list[str],
    parametrized: set[str],
    layers: list[Mapping[str, Fixture]],
    plugin_fixtures: frozenset[str],
) -> None:
    """Raise `Undecidable` unless every fixture a test reaches is found and changes no item.

    Args:
        requested: The test's fixture arguments and ``usefixtures`` names.
        parametrized: Arguments its parametrize marks fill (no fixture behind them).
        layers: Visible fixture definitions, nearest first (class, module, conftests).
        plugin_fixtures: Fixtures the installed plugins provide.
    """
    pending = [name for name in requested if name not in parametrized]
    for layer in layers:
        pending.extend(fixture.name for fixture in layer.values() if fixture.autouse)
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        if name in seen or name in parametrized:
            continue
        seen.add(name)
        fixture = next((layer[name] for layer in layers if name in layer), None)
        if fixture is None:
            if name in BUILTIN_FIXTURES or name in plugin_fixtures:
                continue
            raise Undecidable(f"fixture {name!r} not found statically")
        if fixture.parametrized:
            raise Undecidable(f"parametrized fixture {name!r}")
        if name in fixture.argnames:
            raise Undecidable(f"fixture {name!r} overrides itself")
        pending.extend(fixture.argnames)

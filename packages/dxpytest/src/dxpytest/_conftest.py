"""Conftest analysis: the fixtures a ``conftest.py`` defines and whether it changes collection.

A conftest that defines collection hooks, imports or assigns ``pytest_*`` names, or loads
plugins other than pytester makes the files below it dynamic. One that only decides what is
ignored (``pytest_ignore_collect``, computed ``collect_ignore``) leaves them static and the
ignoring to a worker.
"""

from __future__ import annotations

from dxpytest._fixtures import fixture_from
from dxpytest._ids import Undecidable
from dxpytest._names import Aliases, literal_strings
from dxpytest._plugins import PYTESTER_FIXTURES
from dxpytest._records import ConftestInfo, Fixture
from dxpytest._syntax import (
    Assign,
    Class,
    Expr,
    Function,
    Import,
    Literal,
    Other,
    Sequence,
    Statement,
    parse_module,
)

IGNORE_LISTS = ("collect_ignore", "collect_ignore_glob")
COLLECTION_HOOKS = frozenset(
    {
        "pytest_generate_tests",
        "pytest_collection_modifyitems",
        "pytest_pycollect_makeitem",
        "pytest_pycollect_makemodule",
        "pytest_collect_file",
        "pytest_collect_directory",
        "pytest_ignore_collect",
        "pytest_collection",
        "pytest_make_parametrize_id",
        "pytest_itemcollected",
        "pytest_make_collect_report",
        "pytest_addhooks",
    }
)


def analyze_conftest(source: bytes) -> ConftestInfo:
    """Read a ``conftest.py``: its fixtures, collection hooks and ``collect_ignore``.

    Args:
        source: The conftest's bytes.

    Returns:
        The fixtures it defines; `dynamic` names the reason when collection below it needs pytest.
        `runtime_ignore` names the reason when only what is ignored below it needs pytest (a
        ``pytest_ignore_collect`` hook, `ignore_hook`, or ``collect_ignore`` lists computed at
        import): the files are still found statically and a worker decides which are ignored.
    """
    outline = parse_module(source)
    info = ConftestInfo()
    if outline.has_errors:
        info.dynamic = "conftest has a syntax error"
        return info
    aliases = Aliases(outline.statements)
    for name in IGNORE_LISTS:
        if outline.identifiers.get(name, 0) > 1:
            info.runtime_ignore = f"non-literal {name} (changed after its assignment)"
    try:
        for statement in outline.statements:
            _conftest_statement(statement, aliases, info)
    except Undecidable as undecidable:
        info.dynamic = f"conftest: {undecidable.reason}"
    if info.runtime_ignore:
        info.collect_ignore = info.collect_ignore_glob = ()
    return info


def _conftest_statement(statement: Statement, aliases: Aliases, info: ConftestInfo) -> None:
    if isinstance(statement, Function):
        if statement.name == "pytest_ignore_collect":
            info.runtime_ignore = "defines pytest_ignore_collect"
            info.ignore_hook = True
        elif statement.name in COLLECTION_HOOKS:
            raise Undecidable(f"defines {statement.name}")
        fixture = fixture_from(statement, aliases, is_method=False)
        if fixture is not None:
            info.fixtures[fixture.name] = fixture
    elif isinstance(statement, Import):
        if statement.star:
            raise Undecidable("star import")
        for _, bound in statement.names:
            if bound.startswith("pytest_"):
                raise Undecidable(f"imports {bound}")
            # An imported name may be a fixture whose parameters we cannot see.
            info.fixtures[bound] = Fixture(bound, (), parametrized=True, autouse=False)
    elif isinstance(statement, Assign):
        for target in statement.targets:
            if target == "pytest_plugins":
                _conftest_plugins(statement.value, info)
            if target in IGNORE_LISTS:
                _conftest_ignore_list(target, statement.value, info)
            if target.startswith("pytest_"):
                raise Undecidable(f"assigns {target}")
    elif isinstance(statement, Other):
        for name in statement.binds:
            if name in IGNORE_LISTS or name == "pytest_ignore_collect":
                info.runtime_ignore = f"conditionally defines {name}"
                info.ignore_hook = info.ignore_hook or name == "pytest_ignore_collect"
            elif name.startswith("pytest_"):
                raise Undecidable(f"conditionally defines {name}")
    elif isinstance(statement, Class):
        return


def _conftest_ignore_list(target: str, value: Expr, info: ConftestInfo) -> None:
    try:
        values = _literal_list(value, target)
    except Undecidable as undecidable:
        info.runtime_ignore = undecidable.reason
        return
    if target == "collect_ignore":
        info.collect_ignore = values
    else:
        info.collect_ignore_glob = values


def _conftest_plugins(expr: Expr, info: ConftestInfo) -> None:
    names = [expr.value] if isinstance(expr, Literal) and isinstance(expr.value, str) else None
    if names is None and isinstance(expr, Sequence):
        names = list(literal_strings(expr.elements, "pytest_plugins"))
    if names is None or any(name not in ("pytester", "_pytest.pytester") for name in names):
        raise Undecidable("pytest_plugins")
    for name in PYTESTER_FIXTURES:
        info.fixtures[name] = Fixture(name, (), parametrized=False, autouse=False)


def _literal_list(expr: Expr, what: str) -> tuple[str, ...]:
    if isinstance(expr, Sequence):
        return tuple(literal_strings(expr.elements, what))
    raise Undecidable(f"non-literal {what}")

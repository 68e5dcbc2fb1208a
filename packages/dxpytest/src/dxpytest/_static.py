"""Static collection: what pytest would collect from a module, decided from its outline alone.

Every rule mirrors pytest's collector (``PyCollector.collect``, ``Class``, ``UnitTestCase``,
``Metafunc.parametrize``). Whenever the answer depends on run-time values the analysis raises
`Undecidable` and the file is collected by pytest itself; a static result is never a guess.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass, field

from dxpytest._constants import Constants, parametrize_names
from dxpytest._ids import FALLBACK, IdOptions, IdValue, ParameterSet, Undecidable, make_ids
from dxpytest._syntax import (
    Assign,
    Call,
    Class,
    Expr,
    Function,
    Import,
    Literal,
    Name,
    Opaque,
    Other,
    Outline,
    Sequence,
    Statement,
    parse_module,
)

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
_UNITTEST_BASES = frozenset(
    {"unittest.TestCase", "unittest.IsolatedAsyncioTestCase", "unittest.case.TestCase"}
)
_PLAIN_BASES = frozenset({"object"})
# Decorators of TestCase methods that return a callable (unittest names tests by attribute).
_UNITTEST_DECORATORS = frozenset(
    {
        "unittest.skip",
        "unittest.skipIf",
        "unittest.skipUnless",
        "unittest.expectedFailure",
        "unittest.mock.patch",
        "unittest.mock.patch.object",
        "unittest.mock.patch.dict",
        "unittest.mock.patch.multiple",
    }
)
# Standard-library names with "Test" or "Case" in them that are not unittest.TestCase classes
# (unittest.FunctionTestCase is one: pytest collects its runTest).
_NOT_TEST_CASES = frozenset(
    {
        "doctest.DocTestSuite",
        "doctest.DocFileSuite",
        "doctest.DocTestFinder",
        "doctest.DocTestRunner",
        "doctest.DocTestParser",
        "doctest.DocTest",
    }
)
_MODULE_DUNDERS = frozenset(
    {"__name__", "__doc__", "__package__", "__loader__", "__spec__", "__file__", "__cached__", "__builtins__"}
)
_CLASS_DUNDERS = frozenset(
    {"__module__", "__qualname__", "__doc__", "__dict__", "__weakref__", "__annotations__"}
)
_HYPOTHESIS_DECORATORS = frozenset(
    {"hypothesis.settings", "hypothesis.example", "hypothesis.seed", "hypothesis.reproduce_failure"}
)
_IMPORT_TIME_OUTCOMES = frozenset(
    {"pytest.importorskip", "pytest.skip", "pytest.xfail", "pytest.exit", "pytest.fail"}
)
_NAMESPACE_CHANGERS = frozenset({"globals", "vars", "locals", "exec", "eval", "setattr", "delattr"})
_CONTAINER_CALLS = frozenset({"dict", "list", "set", "tuple", "frozenset", "object"})
_CONTAINER_KINDS = frozenset(
    {"dictionary", "dictionary_comprehension", "list_comprehension", "set_comprehension"}
)


@dataclass(frozen=True)
class Fixture:
    """A fixture definition as far as collection cares: its dependencies and params."""

    name: str
    argnames: tuple[str, ...]
    parametrized: bool
    autouse: bool


@dataclass
class ConftestInfo:
    """What a ``conftest.py`` contributes to collection of the files below it."""

    fixtures: dict[str, Fixture] = field(default_factory=dict)
    dynamic: str | None = None
    collect_ignore: tuple[str, ...] = ()
    collect_ignore_glob: tuple[str, ...] = ()
    runtime_ignore: str = ""
    ignore_hook: bool = False


@dataclass(frozen=True)
class StaticItem:
    """One collected test: its node id and the names of its marks."""

    nodeid: str
    marks: tuple[str, ...]


@dataclass(frozen=True)
class ModuleContext:
    """Everything outside the module that decides its collection."""

    python_classes: tuple[str, ...] = ("Test",)
    python_functions: tuple[str, ...] = ("test",)
    collect_imported_tests: bool = True
    ids: IdOptions = field(default_factory=IdOptions)
    fixtures: Mapping[str, Fixture] = field(default_factory=dict)
    plugin_fixtures: frozenset[str] = frozenset()
    async_plugin: bool = False
    hypothesis_plugin: bool = False


def matches(name: str, patterns: tuple[str, ...]) -> bool:
    """pytest's ``python_classes``/``python_functions`` test: a prefix or a glob."""
    for pattern in patterns:
        if name.startswith(pattern):
            return True
        if any(char in pattern for char in "*?[") and fnmatch.fnmatch(name, pattern):
            return True
    return False


class _Aliases:
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


def _mark_names(expr: Expr, aliases: _Aliases) -> tuple[list[str], list[Call]]:
    """Mark names (and the parametrize/usefixtures calls) of a mark expression."""
    items = expr.elements if isinstance(expr, Sequence) else (expr,)
    names: list[str] = []
    calls: list[Call] = []
    for item in items:
        dotted = item.dotted if isinstance(item, Name) else item.function if isinstance(item, Call) else None
        qualified = aliases.qualify(dotted) if dotted else ""
        if not qualified.startswith("pytest.mark.") or qualified.count(".") != 2:
            raise Undecidable(f"computed mark {_describe(item)}")
        names.append(qualified.rsplit(".", 1)[1])
        if isinstance(item, Call):
            calls.append(item)
        elif names[-1] in ("parametrize", "usefixtures"):
            raise Undecidable("bare parametrize/usefixtures mark")
    return names, calls


def _describe(expr: Expr) -> str:
    if isinstance(expr, Name):
        return expr.dotted
    if isinstance(expr, Call):
        return f"{expr.function}(...)"
    if isinstance(expr, Opaque):
        return expr.text[:60]
    return type(expr).__name__


@dataclass
class _Marks:
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
                self.usefixtures.extend(_literal_strings(call.args, "usefixtures"))

    def merged(self, other: _Marks) -> _Marks:
        return _Marks(
            self.names + other.names,
            self.parametrize + other.parametrize,
            self.usefixtures + other.usefixtures,
        )


def _literal_strings(exprs: tuple[Expr, ...], what: str) -> list[str]:
    result: list[str] = []
    for expr in exprs:
        if isinstance(expr, Literal) and isinstance(expr.value, str):
            result.append(expr.value)
        else:
            raise Undecidable(f"non-literal {what}")
    return result


# ---------------------------------------------------------------- fixtures and decorators


def _fixture_call(expr: Expr, aliases: _Aliases) -> Call | Name | None:
    dotted = expr.dotted if isinstance(expr, Name) else expr.function if isinstance(expr, Call) else None
    if dotted and aliases.qualify(dotted) in (
        "pytest.fixture",
        "pytest.yield_fixture",
        "_pytest.fixtures.fixture",
    ):
        return expr if isinstance(expr, Call | Name) else None
    return None


def _fixture_from(function: Function, aliases: _Aliases, *, is_method: bool) -> Fixture | None:
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
        return Fixture(name, _argnames(function, is_method=is_method), parametrized, autouse)
    return None


def _argnames(function: Function, *, is_method: bool, static: bool = False) -> tuple[str, ...]:
    names = [
        p.name for p in function.parameters if p.kind in ("positional", "keyword_only") and not p.has_default
    ]
    has_positional_only = any(p.kind == "positional_only" for p in function.parameters)
    if is_method and not static and not has_positional_only and names:
        names = names[1:]
    return tuple(names)


def _hypothesis_given(call: Call, names: list[str], parameters: list[str]) -> list[str]:
    if call.has_star:
        raise Undecidable("given(*...)")
    given_names = {key for key, _ in call.kwargs}
    remaining = [name for name in names if name not in given_names]
    if call.args:
        positional = [name for name in parameters if name in remaining]
        remaining = [name for name in remaining if name not in positional[-len(call.args) :]]
    return remaining


# ---------------------------------------------------------------- conftest analysis


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
    aliases = _Aliases(outline.statements)
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


def _conftest_statement(statement: Statement, aliases: _Aliases, info: ConftestInfo) -> None:
    if isinstance(statement, Function):
        if statement.name == "pytest_ignore_collect":
            info.runtime_ignore = "defines pytest_ignore_collect"
            info.ignore_hook = True
        elif statement.name in COLLECTION_HOOKS:
            raise Undecidable(f"defines {statement.name}")
        fixture = _fixture_from(statement, aliases, is_method=False)
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


PYTESTER_FIXTURES = ("pytester", "testdir", "linecomp", "LineMatcher")


def _conftest_plugins(expr: Expr, info: ConftestInfo) -> None:
    names = [expr.value] if isinstance(expr, Literal) and isinstance(expr.value, str) else None
    if names is None and isinstance(expr, Sequence):
        names = list(_literal_strings(expr.elements, "pytest_plugins"))
    if names is None or any(name not in ("pytester", "_pytest.pytester") for name in names):
        raise Undecidable("pytest_plugins")
    for name in PYTESTER_FIXTURES:
        info.fixtures[name] = Fixture(name, (), parametrized=False, autouse=False)


def _literal_list(expr: Expr, what: str) -> tuple[str, ...]:
    if isinstance(expr, Sequence):
        return tuple(_literal_strings(expr.elements, what))
    raise Undecidable(f"non-literal {what}")


# ---------------------------------------------------------------- module collection


@dataclass
class _Binding:
    statement: Statement
    source: str = ""  # for imports: the qualified name


class _Module:
    def __init__(self, outline: Outline, source: bytes, nodeid: str, context: ModuleContext) -> None:
        statements = outline.statements
        self.context = context
        self.nodeid = nodeid
        self.aliases = _Aliases(statements)
        self.namespace: dict[str, _Binding] = {}
        self.dunder_test: Expr | None = None
        self.marks = _Marks()
        self.fixtures: dict[str, Fixture] = {}
        names = parametrize_names(_mark_expressions(statements), self._is_parametrize)
        self.constants = Constants(outline, source, names)
        for statement in statements:
            self._bind(statement)

    def _is_parametrize(self, call: Call) -> bool:
        return bool(call.function) and self.aliases.qualify(call.function or "") == "pytest.mark.parametrize"

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

    def _bind(self, statement: Statement) -> None:
        if isinstance(statement, Function | Class):
            self.namespace[statement.name] = _Binding(statement)
            if isinstance(statement, Function):
                fixture = _fixture_from(statement, self.aliases, is_method=False)
                if fixture is not None:
                    self.fixtures[fixture.name] = fixture
        elif isinstance(statement, Import):
            if statement.star:
                raise Undecidable("star import")
            for _, bound in statement.names:
                self.namespace[bound] = _Binding(statement, self.aliases.names.get(bound, bound))
        elif isinstance(statement, Assign):
            for target in statement.targets:
                self.namespace[target] = _Binding(statement)
                if target == "pytestmark":
                    self.marks = _Marks()
                    self.marks.extend(*_mark_names(statement.value, self.aliases))
                elif target == "__test__":
                    self.dunder_test = statement.value
            if statement.attribute_targets:
                self._attribute_assignment(statement.attribute_targets)
        elif isinstance(statement, Other):
            for name in statement.binds:
                if self._is_test_name(name) or name in ("pytestmark", "__test__"):
                    raise Undecidable(f"{name} defined inside a {statement.kind}")
                self.namespace.setdefault(name, _Binding(statement))

    def _attribute_assignment(self, targets: list[str]) -> None:
        for target in targets:
            head, _, attribute = target.partition(".")
            if head in self.namespace and (
                attribute in ("__test__", "pytestmark") or self._is_test_name(head)
            ):
                raise Undecidable(f"assigns {target}")

    def _is_test_name(self, name: str) -> bool:
        return matches(name, self.context.python_functions) or matches(name, self.context.python_classes)

    # ------------------------------------------------------------ module level

    def collect(self) -> list[StaticItem]:
        if self.dunder_test is not None:
            if not isinstance(self.dunder_test, Literal):
                raise Undecidable("computed module __test__")
            if not self.dunder_test.value:
                return []
        items: list[StaticItem] = []
        for name, binding in self.namespace.items():
            if name in _MODULE_DUNDERS:
                continue
            items.extend(self._collect_binding(name, binding))
        return items

    def _collect_binding(self, name: str, binding: _Binding) -> list[StaticItem]:
        statement = binding.statement
        context = self.context
        if isinstance(statement, Function):
            if not matches(name, context.python_functions):
                return self._function_with_dunder_test(statement)
            return self._function_items(statement, f"{self.nodeid}::{name}", self.marks, None)
        if isinstance(statement, Class):
            return self._class_items(statement, name, f"{self.nodeid}::{name}", self.marks)
        if isinstance(statement, Import):
            return self._imported(name, binding.source, statement)
        if isinstance(statement, Assign):
            self._check_assigned(name, statement.value)
        return []

    def _function_with_dunder_test(self, function: Function) -> list[StaticItem]:
        for decorator in function.decorators:
            dotted = decorator.dotted if isinstance(decorator, Name) else None
            if dotted and "istest" in dotted:
                raise Undecidable(f"{function.name} marked as a test by a decorator")
        return []

    def _imported(self, name: str, source: str, statement: Import) -> list[StaticItem]:
        if not self.context.collect_imported_tests:
            return []
        if source in _UNITTEST_BASES or source in _NOT_TEST_CASES:
            return []  # the bases have no test methods and no runTest
        if self._is_test_name(name):
            raise Undecidable(f"imports {name}")
        if _looks_like_testcase(Name(name)):
            raise Undecidable(f"imports {name}, maybe a unittest.TestCase")
        return []

    def _check_assigned(self, name: str, value: Expr) -> None:
        if not self._is_test_name(name):
            return
        if isinstance(value, Literal | Sequence):
            return
        if isinstance(value, Opaque) and value.kind in _CONTAINER_KINDS:
            return
        raise Undecidable(f"{name} is assigned a computed value")

    # ------------------------------------------------------------ classes

    def _resolve_class(self, expr: Expr) -> Class | str:
        """A base class: a Class of this module, "unittest", "object", or raise."""
        if isinstance(expr, Name):
            qualified = self.aliases.qualify(expr.dotted)
            if qualified in _UNITTEST_BASES:
                return "unittest"
            if qualified in _PLAIN_BASES:
                return "object"
            binding = self.namespace.get(expr.dotted)
            if binding is not None and isinstance(binding.statement, Class):
                return binding.statement
        raise Undecidable(f"unresolvable base class {_describe(expr)}")

    def _mro(self, cls: Class, depth: int = 0) -> list[Class | str]:
        if depth > 50:
            raise Undecidable("class hierarchy too deep")
        if not cls.bases:
            return [cls, "object"]
        bases = [self._resolve_class(b) for b in cls.bases]
        sequences: list[list[Class | str]] = [
            self._mro(base, depth + 1) if isinstance(base, Class) else [base, "object"] for base in bases
        ]
        return [cls, *_c3_merge([*sequences, bases])]

    def _is_unittest(self, cls: Class) -> bool:
        try:
            return "unittest" in self._mro(cls)
        except Undecidable:
            if matches(cls.name, self.context.python_classes):
                raise
            if any(_looks_like_testcase(base) for base in cls.bases):
                raise
            return False

    def _class_items(self, cls: Class, name: str, nodeid: str, outer: _Marks) -> list[StaticItem]:
        is_unittest = self._is_unittest(cls)
        dunder_test = (
            _class_attribute(self._mro(cls), "__test__")
            if is_unittest or matches(name, self.context.python_classes)
            else None
        )
        if not (is_unittest or matches(name, self.context.python_classes)):
            if _class_attribute_in_body(cls, "__test__") is not None:
                raise Undecidable(f"class {name} sets __test__")
            return []
        if dunder_test is not None:
            if not isinstance(dunder_test, Literal):
                raise Undecidable(f"computed __test__ on {name}")
            if not dunder_test.value:
                return []
        if cls.keywords:
            raise Undecidable(f"class {name} has a metaclass or class keywords")
        mro = self._mro(cls)
        marks = self._class_marks(mro).merged(outer)
        if is_unittest:
            return self._unittest_items(mro, nodeid, marks)
        return self._test_class_items(cls, mro, nodeid, marks)

    def _class_marks(self, mro: list[Class | str]) -> _Marks:
        marks = _Marks()
        for cls in reversed(mro):
            if not isinstance(cls, Class):
                continue
            body_marks = _class_attribute_in_body(cls, "pytestmark")
            if body_marks is not None:
                marks.extend(*_mark_names(body_marks, self.aliases))
            for decorator in reversed(cls.decorators):
                marks.extend(*_mark_names(decorator, self.aliases))
        return marks

    def _unittest_items(self, mro: list[Class | str], nodeid: str, marks: _Marks) -> list[StaticItem]:
        if marks.parametrize:
            raise Undecidable("parametrize on a unittest.TestCase")
        methods: dict[str, Statement] = {}
        for cls in mro:
            if not isinstance(cls, Class):
                continue
            if _class_attribute_in_body(cls, "testMethodPrefix") is not None:
                raise Undecidable("custom testMethodPrefix")
            for statement in cls.body:
                for bound in bound_names(statement):
                    methods.setdefault(bound, statement)
        names = sorted(
            name
            for name, statement in methods.items()
            if name.startswith("test") and self._callable_member(statement)
        )
        if not names and "runTest" in methods:
            names = ["runTest"]
        items = []
        for name in names:
            statement = methods[name]
            own = self._own_marks(statement) if isinstance(statement, Function) else _Marks()
            if own.parametrize:
                raise Undecidable("parametrize on a unittest method")
            items.append(StaticItem(f"{nodeid}::{name}", tuple(own.merged(marks).names)))
        return items

    def _callable_member(self, statement: Statement) -> bool:
        if isinstance(statement, Function):
            return not self._is_property(statement)
        if isinstance(statement, Class):
            return True
        if isinstance(statement, Assign) and isinstance(statement.value, Literal | Sequence):
            return False
        raise Undecidable("computed test attribute on a TestCase")

    def _is_property(self, function: Function) -> bool:
        for decorator in function.decorators:
            if isinstance(decorator, Name) and decorator.dotted in (
                "property",
                "functools.cached_property",
                "cached_property",
            ):
                return True
            if self._qualified_callee(decorator) in _UNITTEST_DECORATORS:
                continue  # returns a callable: the TestCase attribute stays a test method
            if isinstance(decorator, Name | Call) and not _is_mark(decorator, self.aliases):
                raise Undecidable(f"decorator {_describe(decorator)} on {function.name}")
        return False

    def _test_class_items(
        self, cls: Class, mro: list[Class | str], nodeid: str, marks: _Marks
    ) -> list[StaticItem]:
        for base in mro:
            if isinstance(base, Class):
                for statement in base.body:
                    if isinstance(statement, Function) and statement.name in ("__init__", "__new__"):
                        raise Undecidable(f"test class {cls.name} has {statement.name}")
                for decorator in base.decorators:
                    if not _is_mark(decorator, self.aliases):
                        raise Undecidable(f"class decorator {_describe(decorator)}")
        class_fixtures: dict[str, Fixture] = {}
        for base in reversed(mro):
            if isinstance(base, Class):
                for statement in base.body:
                    if isinstance(statement, Function):
                        fixture = _fixture_from(statement, self.aliases, is_method=True)
                        if fixture is not None:
                            class_fixtures[fixture.name] = fixture
        seen: set[str] = set()
        groups: list[list[StaticItem]] = []
        for base in mro:
            group: list[StaticItem] = []
            if isinstance(base, Class):
                for name, statement in _class_namespace(base).items():
                    if name in seen or name in _CLASS_DUNDERS:
                        continue
                    seen.add(name)
                    group.extend(self._member_items(name, statement, nodeid, marks, class_fixtures))
            groups.append(group)
        return [item for group in reversed(groups) for item in group]

    def _member_items(
        self, name: str, statement: Statement, nodeid: str, marks: _Marks, class_fixtures: dict[str, Fixture]
    ) -> list[StaticItem]:
        if isinstance(statement, Function):
            if not matches(name, self.context.python_functions):
                return self._function_with_dunder_test(statement)
            return self._function_items(statement, f"{nodeid}::{name}", marks, class_fixtures)
        if isinstance(statement, Class):
            if matches(name, self.context.python_classes) or self._is_unittest(statement):
                return self._class_items(statement, name, f"{nodeid}::{name}", marks)
            return []
        if isinstance(statement, Assign):
            self._check_assigned(name, statement.value)
            return []
        if isinstance(statement, Import | Other) and self._is_test_name(name):
            raise Undecidable(f"{name} bound by a {type(statement).__name__.lower()} in a class")
        return []

    # ------------------------------------------------------------ functions

    def _own_marks(self, function: Function) -> _Marks:
        marks = _Marks()
        for decorator in reversed(function.decorators):
            if _is_mark(decorator, self.aliases):
                marks.extend(*_mark_names(decorator, self.aliases))
        return marks

    def _function_items(
        self, function: Function, nodeid: str, outer: _Marks, class_fixtures: dict[str, Fixture] | None
    ) -> list[StaticItem]:
        is_method = class_fixtures is not None
        if _fixture_from(function, self.aliases, is_method=is_method) is not None:
            return []
        static = False
        given: Call | None = None
        for decorator in function.decorators:
            if _is_mark(decorator, self.aliases):
                continue
            qualified = self._qualified_callee(decorator)
            if qualified in ("staticmethod", "classmethod"):
                static = qualified == "staticmethod"
            elif qualified == "hypothesis.given" and isinstance(decorator, Call):
                given = decorator
            elif qualified not in _HYPOTHESIS_DECORATORS:
                raise Undecidable(f"decorator {_describe(decorator)} on {function.name}")
        if function.is_generator:
            raise Undecidable("generator test (a collection error in pytest)")
        if function.is_async and self.context.async_plugin:
            raise Undecidable("async test with an async plugin installed")
        marks = self._own_marks(function).merged(outer)
        if given is not None and self.context.hypothesis_plugin:
            marks.names.append("hypothesis")
        argnames = list(_argnames(function, is_method=is_method, static=static))
        if given is not None:
            argnames = _hypothesis_given(given, argnames, [p.name for p in function.parameters])
        parametrized = self._parametrize(marks.parametrize, set(argnames))
        self._check_fixtures(argnames, marks, parametrized.argnames, class_fixtures or {})
        return [
            StaticItem(f"{nodeid}[{suffix}]" if parametrized.argnames else nodeid, (*marks.names, *extra))
            for suffix, extra in parametrized.rows
        ]

    def _qualified_callee(self, decorator: Expr) -> str:
        dotted = (
            decorator.dotted
            if isinstance(decorator, Name)
            else decorator.function
            if isinstance(decorator, Call)
            else None
        )
        return self.aliases.qualify(dotted) if dotted else ""

    def _parametrize(self, calls: list[Call], argnames: set[str]) -> _Parametrized:
        result = _Parametrized()
        for call in calls:
            names, rows, ids, row_marks = self._parametrize_call(call)
            for name in names:
                if name not in argnames:
                    raise Undecidable(f"parametrize of {name}, which is not a direct argument")
                if name in result.argnames:
                    raise Undecidable(f"{name} parametrized twice")
            result.argnames.update(names)
            made = make_ids(names, rows, ids, self.context.ids)
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
                    marks = _mark_names(value, self.aliases)[0]
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

    def _check_fixtures(
        self, argnames: list[str], marks: _Marks, parametrized: set[str], class_fixtures: dict[str, Fixture]
    ) -> None:
        context = self.context
        layers: list[Mapping[str, Fixture]] = [class_fixtures, self.fixtures, context.fixtures]
        pending = [name for name in [*argnames, *marks.usefixtures] if name not in parametrized]
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
                if name in BUILTIN_FIXTURES or name in context.plugin_fixtures:
                    continue
                raise Undecidable(f"fixture {name!r} not found statically")
            if fixture.parametrized:
                raise Undecidable(f"parametrized fixture {name!r}")
            if name in fixture.argnames:
                raise Undecidable(f"fixture {name!r} overrides itself")
            pending.extend(fixture.argnames)


@dataclass
class _Parametrized:
    argnames: set[str] = field(default_factory=set)
    rows: list[tuple[str, list[str]]] = field(default_factory=lambda: [("", [])])


def _parametrize_names(expr: Expr) -> tuple[str, ...]:
    if isinstance(expr, Literal) and isinstance(expr.value, str):
        names = tuple(part.strip() for part in expr.value.split(",") if part.strip())
    elif isinstance(expr, Sequence) and expr.kind in ("list", "tuple"):
        names = tuple(_literal_strings(expr.elements, "parametrize argnames"))
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
        if expr.kind in _CONTAINER_KINDS:
            return FALLBACK
        if expr.kind == "lambda":
            return "<lambda>"
    if isinstance(expr, Call) and expr.function in _CONTAINER_CALLS:
        return FALLBACK
    raise Undecidable(f"parameter value {_describe(expr)} needs run time")


def _is_mark(expr: Expr, aliases: _Aliases) -> bool:
    dotted = expr.dotted if isinstance(expr, Name) else expr.function if isinstance(expr, Call) else None
    return bool(dotted) and aliases.qualify(dotted or "").startswith("pytest.mark.")


def _looks_like_testcase(expr: Expr) -> bool:
    text = expr.dotted if isinstance(expr, Name) else _describe(expr)
    return "Test" in text or "Case" in text


def bound_names(statement: Statement) -> list[str]:
    """The names a statement binds in its namespace."""
    if isinstance(statement, Function | Class):
        return [statement.name]
    if isinstance(statement, Assign):
        return list(statement.targets)
    if isinstance(statement, Import):
        return [bound for _, bound in statement.names]
    return list(statement.binds)


def _class_namespace(cls: Class) -> dict[str, Statement]:
    namespace: dict[str, Statement] = {}
    for statement in cls.body:
        for name in bound_names(statement):
            namespace[name] = statement
    return namespace


def _class_attribute_in_body(cls: Class, name: str) -> Expr | None:
    found: Expr | None = None
    for statement in cls.body:
        if isinstance(statement, Assign) and name in statement.targets:
            found = statement.value
        elif name in bound_names(statement):
            found = Opaque(name, "statement")
    return found


def _class_attribute(mro: list[Class | str], name: str) -> Expr | None:
    for cls in mro:
        if isinstance(cls, Class):
            found = _class_attribute_in_body(cls, name)
            if found is not None:
                return found
    return None


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


def _mark_expressions(statements: list[Statement]) -> list[Expr]:
    """Every decorator and ``pytestmark`` value of a module, its classes included."""
    found: list[Expr] = []
    for statement in statements:
        if isinstance(statement, Function | Class):
            found.extend(statement.decorators)
        if isinstance(statement, Class):
            found.extend(_mark_expressions(statement.body))
        if isinstance(statement, Assign) and "pytestmark" in statement.targets:
            found.append(statement.value)
    return found


def collect_module(source: bytes, nodeid: str, context: ModuleContext) -> list[StaticItem]:
    """Collect a test module statically.

    Args:
        source: The module's bytes.
        nodeid: The module's node id (its path relative to the rootdir, ``/``-separated).
        context: Configuration, visible conftest fixtures and plugin facts.

    Returns:
        The items pytest would collect, in pytest's order.

    Raises:
        Undecidable: The result depends on run time; collect the file with pytest.
    """
    outline = parse_module(source)
    if outline.has_errors:
        raise Undecidable("syntax error (pytest reports a collection error)")
    module = _Module(outline, source, nodeid, context)
    for call in outline.calls:
        if module.aliases.qualify(call) in _IMPORT_TIME_OUTCOMES or call in _NAMESPACE_CHANGERS:
            raise Undecidable(f"{call}() runs at import")
    return module.collect()

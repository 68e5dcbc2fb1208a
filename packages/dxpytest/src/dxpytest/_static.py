"""Static collection: what pytest would collect from a module, decided from its outline alone.

This module walks the outline as pytest's collector walks the module (``PyCollector.collect``,
``Class``, ``UnitTestCase``): names in definition order, classes along their MRO, functions with
their marks, parametrize rows and fixtures, each rule in a module of its own. Whenever the answer
depends on run-time values the analysis raises `Undecidable` and the file is collected by pytest
itself; a static result is never a guess.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass

from dxpytest._classes import class_attribute, class_attribute_in_body, class_mro, class_namespace
from dxpytest._fixtures import argnames, check_fixtures, fixture_from, hypothesis_given
from dxpytest._ids import Undecidable
from dxpytest._marks import Marks, class_marks, function_marks, is_mark, mark_names
from dxpytest._names import CONTAINER_KINDS, Aliases, describe
from dxpytest._parametrize import Parametrizer
from dxpytest._records import Fixture, ModuleContext, StaticItem
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
from dxpytest._unittest import NOT_TEST_CASES, UNITTEST_BASES, looks_like_testcase, unittest_items

_PLAIN_BASES = frozenset({"object"})
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


def matches(name: str, patterns: tuple[str, ...]) -> bool:
    """pytest's ``python_classes``/``python_functions`` test: a prefix or a glob."""
    for pattern in patterns:
        if name.startswith(pattern):
            return True
        if any(char in pattern for char in "*?[") and fnmatch.fnmatch(name, pattern):
            return True
    return False


@dataclass
class _Binding:
    statement: Statement
    source: str = ""  # for imports: the qualified name


class _Module:
    def __init__(self, outline: Outline, source: bytes, nodeid: str, context: ModuleContext) -> None:
        statements = outline.statements
        self.context = context
        self.nodeid = nodeid
        self.aliases = Aliases(statements)
        self.namespace: dict[str, _Binding] = {}
        self.dunder_test: Expr | None = None
        self.marks = Marks()
        self.fixtures: dict[str, Fixture] = {}
        self.parametrizer = Parametrizer(outline, source, self.aliases, context.ids)
        for statement in statements:
            self._bind(statement)

    def _bind(self, statement: Statement) -> None:
        if isinstance(statement, Function | Class):
            self.namespace[statement.name] = _Binding(statement)
            if isinstance(statement, Function):
                fixture = fixture_from(statement, self.aliases, is_method=False)
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
                    self.marks = Marks()
                    self.marks.extend(*mark_names(statement.value, self.aliases))
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
        if source in UNITTEST_BASES or source in NOT_TEST_CASES:
            return []  # the bases have no test methods and no runTest
        if self._is_test_name(name):
            raise Undecidable(f"imports {name}")
        if looks_like_testcase(Name(name)):
            raise Undecidable(f"imports {name}, maybe a unittest.TestCase")
        return []

    def _check_assigned(self, name: str, value: Expr) -> None:
        if not self._is_test_name(name):
            return
        if isinstance(value, Literal | Sequence):
            return
        if isinstance(value, Opaque) and value.kind in CONTAINER_KINDS:
            return
        raise Undecidable(f"{name} is assigned a computed value")

    # ------------------------------------------------------------ classes

    def _resolve_class(self, expr: Expr) -> Class | str:
        """A base class: a Class of this module, "unittest", "object", or raise."""
        if isinstance(expr, Name):
            qualified = self.aliases.qualify(expr.dotted)
            if qualified in UNITTEST_BASES:
                return "unittest"
            if qualified in _PLAIN_BASES:
                return "object"
            binding = self.namespace.get(expr.dotted)
            if binding is not None and isinstance(binding.statement, Class):
                return binding.statement
        raise Undecidable(f"unresolvable base class {describe(expr)}")

    def _mro(self, cls: Class) -> list[Class | str]:
        return class_mro(cls, self._resolve_class)

    def _is_unittest(self, cls: Class) -> bool:
        try:
            return "unittest" in self._mro(cls)
        except Undecidable:
            if matches(cls.name, self.context.python_classes):
                raise
            if any(looks_like_testcase(base) for base in cls.bases):
                raise
            return False

    def _class_items(self, cls: Class, name: str, nodeid: str, outer: Marks) -> list[StaticItem]:
        is_unittest = self._is_unittest(cls)
        dunder_test = (
            class_attribute(self._mro(cls), "__test__")
            if is_unittest or matches(name, self.context.python_classes)
            else None
        )
        if not (is_unittest or matches(name, self.context.python_classes)):
            if class_attribute_in_body(cls, "__test__") is not None:
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
        marks = class_marks(mro, self.aliases).merged(outer)
        if is_unittest:
            return unittest_items(mro, nodeid, marks, self.aliases)
        return self._test_class_items(cls, mro, nodeid, marks)

    def _test_class_items(
        self, cls: Class, mro: list[Class | str], nodeid: str, marks: Marks
    ) -> list[StaticItem]:
        for base in mro:
            if isinstance(base, Class):
                for statement in base.body:
                    if isinstance(statement, Function) and statement.name in ("__init__", "__new__"):
                        raise Undecidable(f"test class {cls.name} has {statement.name}")
                for decorator in base.decorators:
                    if not is_mark(decorator, self.aliases):
                        raise Undecidable(f"class decorator {describe(decorator)}")
        class_fixtures: dict[str, Fixture] = {}
        for base in reversed(mro):
            if isinstance(base, Class):
                for statement in base.body:
                    if isinstance(statement, Function):
                        fixture = fixture_from(statement, self.aliases, is_method=True)
                        if fixture is not None:
                            class_fixtures[fixture.name] = fixture
        seen: set[str] = set()
        groups: list[list[StaticItem]] = []
        for base in mro:
            group: list[StaticItem] = []
            if isinstance(base, Class):
                for name, statement in class_namespace(base).items():
                    if name in seen or name in _CLASS_DUNDERS:
                        continue
                    seen.add(name)
                    group.extend(self._member_items(name, statement, nodeid, marks, class_fixtures))
            groups.append(group)
        return [item for group in reversed(groups) for item in group]

    def _member_items(
        self, name: str, statement: Statement, nodeid: str, marks: Marks, class_fixtures: dict[str, Fixture]
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

    def _function_items(
        self, function: Function, nodeid: str, outer: Marks, class_fixtures: dict[str, Fixture] | None
    ) -> list[StaticItem]:
        is_method = class_fixtures is not None
        if fixture_from(function, self.aliases, is_method=is_method) is not None:
            return []
        static = False
        given: Call | None = None
        for decorator in function.decorators:
            if is_mark(decorator, self.aliases):
                continue
            qualified = self.aliases.callee(decorator)
            if qualified in ("staticmethod", "classmethod"):
                static = qualified == "staticmethod"
            elif qualified == "hypothesis.given" and isinstance(decorator, Call):
                given = decorator
            elif qualified not in _HYPOTHESIS_DECORATORS:
                raise Undecidable(f"decorator {describe(decorator)} on {function.name}")
        if function.is_generator:
            raise Undecidable("generator test (a collection error in pytest)")
        if function.is_async and self.context.async_plugin:
            raise Undecidable("async test with an async plugin installed")
        marks = function_marks(function, self.aliases).merged(outer)
        if given is not None and self.context.hypothesis_plugin:
            marks.names.append("hypothesis")
        names = list(argnames(function, is_method=is_method, static=static))
        if given is not None:
            names = hypothesis_given(given, names, [p.name for p in function.parameters])
        parametrized = self.parametrizer.parametrize(marks.parametrize, set(names))
        check_fixtures(
            [*names, *marks.usefixtures],
            parametrized.argnames,
            [class_fixtures or {}, self.fixtures, self.context.fixtures],
            self.context.plugin_fixtures,
        )
        return [
            StaticItem(f"{nodeid}[{suffix}]" if parametrized.argnames else nodeid, (*marks.names, *extra))
            for suffix, extra in parametrized.rows
        ]


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

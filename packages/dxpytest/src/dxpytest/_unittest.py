"""``unittest.TestCase`` classes as pytest collects them: every ``test*`` attribute, sorted.

pytest asks unittest's loader for the names, so methods are found over the whole MRO by
attribute, whatever their decorators return, and ``runTest`` stands in when there is none.
"""

from __future__ import annotations

from dxpytest._classes import class_attribute_in_body
from dxpytest._ids import Undecidable
from dxpytest._marks import Marks, function_marks, is_mark
from dxpytest._names import Aliases, bound_names, describe
from dxpytest._records import StaticItem
from dxpytest._syntax import Assign, Call, Class, Expr, Function, Literal, Name, Sequence, Statement

UNITTEST_BASES = frozenset(
    {"unittest.TestCase", "unittest.IsolatedAsyncioTestCase", "unittest.case.TestCase"}
)
# Standard-library names with "Test" or "Case" in them that are not unittest.TestCase classes
# (unittest.FunctionTestCase is one: pytest collects its runTest).
NOT_TEST_CASES = frozenset(
    {
        "doctest.DocTestSuite",
        "doctest.DocFileSuite",
        "doctest.DocTestFinder",
        "doctest.DocTestRunner",
        "doctest.DocTestParser",
        "doctest.DocTest",
    }
)
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


def looks_like_testcase(expr: Expr) -> bool:
    """Whether a name we cannot resolve may be a ``unittest.TestCase`` (it says Test or Case)."""
    text = expr.dotted if isinstance(expr, Name) else describe(expr)
    return "Test" in text or "Case" in text


def unittest_items(mro: list[Class | str], nodeid: str, marks: Marks, aliases: Aliases) -> list[StaticItem]:
    """The items of a ``unittest.TestCase`` class with MRO `mro`, in the loader's order."""
    if marks.parametrize:
        raise Undecidable("parametrize on a unittest.TestCase")
    methods: dict[str, Statement] = {}
    for cls in mro:
        if not isinstance(cls, Class):
            continue
        if class_attribute_in_body(cls, "testMethodPrefix") is not None:
            raise Undecidable("custom testMethodPrefix")
        for statement in cls.body:
            for bound in bound_names(statement):
                methods.setdefault(bound, statement)
    names = sorted(
        name
        for name, statement in methods.items()
        if name.startswith("test") and _callable_member(statement, aliases)
    )
    if not names and "runTest" in methods:
        names = ["runTest"]
    items = []
    for name in names:
        statement = methods[name]
        own = function_marks(statement, aliases) if isinstance(statement, Function) else Marks()
        if own.parametrize:
            raise Undecidable("parametrize on a unittest method")
        items.append(StaticItem(f"{nodeid}::{name}", tuple(own.merged(marks).names)))
    return items


def _callable_member(statement: Statement, aliases: Aliases) -> bool:
    if isinstance(statement, Function):
        return not _is_property(statement, aliases)
    if isinstance(statement, Class):
        return True
    if isinstance(statement, Assign) and isinstance(statement.value, Literal | Sequence):
        return False
    raise Undecidable("computed test attribute on a TestCase")


def _is_property(function: Function, aliases: Aliases) -> bool:
    for decorator in function.decorators:
        if isinstance(decorator, Name) and decorator.dotted in (
            "property",
            "functools.cached_property",
            "cached_property",
        ):
            return True
        if aliases.callee(decorator) in _UNITTEST_DECORATORS:
            continue  # returns a callable: the TestCase attribute stays a test method
        if isinstance(decorator, Name | Call) and not is_mark(decorator, aliases):
            raise Undecidable(f"decorator {describe(decorator)} on {function.name}")
    return False

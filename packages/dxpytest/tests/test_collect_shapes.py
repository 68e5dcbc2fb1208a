"""Static shapes added for cold collection speed, each checked against real ``pytest --collect-only``."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dxpytest._ids import Undecidable
from dxpytest._records import ModuleContext
from dxpytest._static import collect_module

EXACT = {
    "test_constants.py": """
        import pytest

        LIMIT = 3
        NAMES = ("a", "b\\u00e9")
        CASES = [(1, 2), (3, None)]
        NOTHING = None

        @pytest.mark.parametrize("x", [LIMIT, NOTHING, pytest.param(LIMIT, id="lim")])
        def test_scalars(x):
            pass

        @pytest.mark.parametrize("name", NAMES)
        def test_tuple_constant(name):
            pass

        @pytest.mark.parametrize("a, b", CASES)
        def test_list_constant(a, b):
            pass

        @pytest.mark.parametrize("error", [ValueError, KeyError, int, len])
        def test_builtins(error):
            assert issubclass(ValueError, Exception)

        class TestInClass:
            @pytest.mark.parametrize("x", [LIMIT])
            def test_method(self, x):
                pass
    """,
    "test_unittest_shapes.py": """
        import unittest
        from unittest import TestCase, IsolatedAsyncioTestCase, skipUnless
        from unittest.mock import patch
        from doctest import DocTestSuite

        class Cases(TestCase):
            @skipUnless(False, "never")
            def test_skipped(self):
                pass

            @patch("os.getcwd")
            def test_patched(self, getcwd):
                pass

            @unittest.expectedFailure
            def test_expected(self):
                raise AssertionError

        def load_tests(loader, tests, ignore):
            tests.addTests(DocTestSuite("os"))
            return tests
    """,
}

# Each must be left to pytest: the static answer would be a guess.
DYNAMIC = {
    "mutated in a function": """
        import pytest
        VALUES = [1, 2]
        def grow():
            VALUES.append(3)
        grow()
        @pytest.mark.parametrize("x", VALUES)
        def test_x(x):
            pass
    """,
    "rebound later": """
        import pytest
        X = 1
        @pytest.mark.parametrize("x", [X])
        def test_x(x):
            pass
        X = 2
    """,
    "shadowed in a class": """
        import pytest
        X = 1
        class TestC:
            X = 2
            @pytest.mark.parametrize("x", [X])
            def test_x(self, x):
                pass
    """,
    "builtin rebound": """
        import pytest
        def setup():
            global ValueError
            ValueError = KeyError
        setup()
        @pytest.mark.parametrize("e", [ValueError])
        def test_x(e):
            pass
    """,
    "builtin shadowed": """
        import pytest
        from collections import OrderedDict as dict
        @pytest.mark.parametrize("e", [dict])
        def test_x(e):
            pass
    """,
    "computed constant": """
        import pytest
        X = len("abc")
        @pytest.mark.parametrize("x", [X])
        def test_x(x):
            pass
    """,
    "FunctionTestCase import": """
        from unittest import FunctionTestCase
        def test_x():
            pass
    """,
}


def _static(source: str, name: str = "test_m.py") -> list[str]:
    context = ModuleContext()
    return [item.nodeid for item in collect_module(textwrap.dedent(source).encode(), name, context)]


def test_new_shapes_match_pytest(write_suite: Callable[[dict[str, str]], Path], runner: Any) -> None:
    root = write_suite(EXACT)
    theirs = runner.nodeids(runner.pytest(root, "--collect-only", "-q").stdout)
    ours = [nodeid for name, source in EXACT.items() for nodeid in _static(source, name)]
    assert sorted(ours) == sorted(theirs)
    assert len(ours) == 15


@pytest.mark.parametrize("case", sorted(DYNAMIC))
def test_unknowable_shapes_stay_dynamic(case: str) -> None:
    with pytest.raises(Undecidable):
        _static(DYNAMIC[case])


def test_dynamic_shapes_still_give_pytest_results(
    write_suite: Callable[[dict[str, str]], Path], runner: Any
) -> None:
    files = {f"test_case_{n}.py": source for n, source in enumerate(DYNAMIC.values())}
    root = write_suite(files)
    result = runner.dx(root, "--verify-collection", "-p", "no:randomly")
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 missing, 0 extra" in result.stdout


literals = st.one_of(
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
    st.text(max_size=12),
    st.binary(max_size=6),
)


# Few examples (each runs pytest), many values in each.
@settings(deadline=None, max_examples=3, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(literals, min_size=1, max_size=6), min_size=1, max_size=8))
def test_random_constant_ids_equal_pytest(
    tmp_path_factory: Any, runner: Any, groups: list[list[object]]
) -> None:
    lines = ["import pytest", ""]
    for number, values in enumerate(groups):
        lines.append(f"V{number} = {values!r}")
        lines += [f"S{number}_{k} = {value!r}" for k, value in enumerate(values)]
    lines.append("")
    for number, values in enumerate(groups):
        scalars = ", ".join(f"S{number}_{k}" for k in range(len(values)))
        lines += [
            f"@pytest.mark.parametrize('v', V{number})",
            f"def test_list_{number}(v):\n    pass\n",
            f"@pytest.mark.parametrize('v', [{scalars}])",
            f"def test_names_{number}(v):\n    pass\n",
        ]
    source = "\n".join(lines) + "\n"
    root = tmp_path_factory.mktemp("constants")
    (root / "test_random.py").write_text(source, encoding="utf-8")
    theirs = runner.pytest(root, "--collect-only", "-q").stdout.split("\n\n")[0].split("\n")
    assert _static(source, "test_random.py") == [line for line in theirs if line]

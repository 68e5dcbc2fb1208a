from __future__ import annotations

import contextlib
import random
import textwrap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dxpytest._conftest import analyze_conftest
from dxpytest._ids import Undecidable
from dxpytest._records import ModuleContext
from dxpytest._static import collect_module
from dxpytest._syntax import parse_module

CORPUS = {
    "test_functions.py": """
        import pytest

        def helper():
            pass

        def test_one():
            pass

        async def test_async():
            pass

        test_data = [1, 2, 3]
        TestConstant = "not a class"

        @pytest.fixture
        def test_env():
            return 1

        def test_uses_fixture(test_env, tmp_path):
            pass

        def test_one():  # redefined: keeps the first position
            pass
    """,
    "test_params.py": """
        import pytest
        from pytest import param

        @pytest.mark.parametrize("x", [1, -2, 3.5, None, True, "s", b"b", "é\\n", "", 1e300, 100000000000000000000])
        def test_scalars(x):
            pass

        @pytest.mark.parametrize("a, b", [(1, 2), [3, 4], param(5, 6, id="five"), ({"k": 1}, [1])])
        def test_pairs(a, b):
            pass

        @pytest.mark.parametrize(("u", "v"), [(1, 1), (1, 1), ("1", 2)], ids=["x", None, "x"])
        def test_ids(u, v):
            pass

        @pytest.mark.parametrize("x", [0, 1])
        @pytest.mark.parametrize("y", ["a", "b"])
        def test_stacked(x, y):
            pass

        @pytest.mark.parametrize("v", ["a", "a", "a0", "1", 1])
        def test_duplicates(v):
            pass

        @pytest.mark.parametrize("v", [lambda: 1, dict(a=1), param(2, marks=pytest.mark.xfail)])
        def test_objects(v):
            pass

        @pytest.mark.parametrize("s", ["xxx", "LONG"])
        def test_long(s):
            pass
    """,
    "test_classes.py": """
        import unittest
        import pytest

        class TestBase:
            def test_inherited(self):
                pass

            def test_overridden(self):
                pass

        class TestChild(TestBase):
            def test_overridden(self):
                pass

            def test_own(self):
                pass

            @staticmethod
            def test_static():
                pass

            @classmethod
            def test_cls(cls):
                pass

            class TestNested:
                def test_deep(self):
                    pass

        class TestOff:
            __test__ = False

            def test_never(self):
                pass

        class TestOffChild(TestOff):
            def test_still_never(self):
                pass

        @pytest.mark.parametrize("p", [1, 2])
        class TestParamClass:
            def test_m(self, p):
                pass

        class Helper:
            def test_not_collected(self):
                pass

        class MyCase(unittest.TestCase):
            def test_z(self):
                pass

            def test_a(self):
                pass

        class MoreCase(MyCase):
            def test_b(self):
                pass

        class RunOnly(unittest.TestCase):
            def runTest(self):
                pass
    """,
    "test_marks.py": """
        import pytest

        pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore")]

        @pytest.mark.skip
        def test_skipped():
            pass

        @pytest.mark.usefixtures("tmp_path")
        class TestUses:
            pytestmark = pytest.mark.fast

            def test_x(self):
                pass
    """,
    "test_dynamic_decorator.py": """
        import functools

        def deco(f):
            return f

        @deco
        def test_wrapped():
            pass
    """,
    "test_dynamic_param.py": """
        import pytest

        VALUES = list(range(2))  # a literal constant would be decided (test_collect_shapes.py)

        @pytest.mark.parametrize("x", VALUES)
        def test_x(x):
            pass
    """,
    "test_dynamic_init.py": """
        class TestWithInit:
            def __init__(self):
                pass

            def test_x(self):
                pass
    """,
    "test_dynamic_fixture.py": """
        import pytest

        @pytest.fixture(params=[1, 2])
        def number(request):
            return request.param

        def test_number(number):
            pass
    """,
    "test_dynamic_import.py": """
        from os.path import join as test_join
    """,
    "test_dynamic_conditional.py": """
        import sys

        if sys.version_info > (3,):
            def test_new():
                pass
    """,
}
CORPUS["test_params.py"] = CORPUS["test_params.py"].replace("LONG", "y" * 101)
DYNAMIC = {name for name in CORPUS if "dynamic" in name}
CONFTEST = """
    import pytest

    @pytest.fixture
    def shared():
        return 1
"""


def _pytest_collect(root: Path, runner: Any) -> dict[str, list[str]]:
    result = runner.pytest(
        root, "--collect-only", "-q", "-p", "no:anyio", "-W", "ignore::pytest.PytestCollectionWarning"
    )
    by_file: dict[str, list[str]] = {}
    for line in result.stdout.split("\n\n")[0].split():
        by_file.setdefault(line.split("::")[0], []).append(line)
    return by_file


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).write_text(textwrap.dedent(text))
    (root / "pytest.ini").write_text("[pytest]\nmarkers =\n    slow\n    fast\n")
    (root / "conftest.py").write_text(textwrap.dedent(CONFTEST))


def _static(root: Path, name: str) -> list[str] | None:
    info = analyze_conftest((root / "conftest.py").read_bytes())
    context = ModuleContext(fixtures=info.fixtures)
    try:
        return [item.nodeid for item in collect_module((root / name).read_bytes(), name, context)]
    except Undecidable:
        return None


def test_corpus_matches_pytest_collect_only(tmp_path: Path, runner: Any) -> None:
    _write(tmp_path, CORPUS)
    theirs = _pytest_collect(tmp_path, runner)
    for name in CORPUS:
        ours = _static(tmp_path, name)
        if name in DYNAMIC:
            assert ours is None, f"{name} must be left to pytest"
        else:
            assert ours == theirs.get(name, []), name


def _random_module(rng: random.Random) -> str:
    lines = ["import pytest", "import unittest", ""]
    values = ["1", "'a'", "None", "2.5", "b'x'", "True", "'a'", "[1]", "-3", "'é'"]
    classes: list[str] = []
    for index in range(rng.randrange(1, 6)):
        kind = rng.choice(["function", "param", "class", "case", "variable"])
        if kind == "function":
            lines += [f"def test_f{index}(tmp_path):", "    pass", ""]
        elif kind == "param":
            chosen = ", ".join(rng.choice(values) for _ in range(rng.randrange(1, 5)))
            lines += [f"@pytest.mark.parametrize('v', [{chosen}])", f"def test_p{index}(v):", "    pass", ""]
        elif kind == "class":
            base = f"({rng.choice(classes)})" if classes and rng.random() < 0.5 else ""
            classes.append(f"TestC{index}")
            lines += [f"class TestC{index}{base}:", f"    def test_m{index}(self):", "        pass", ""]
        elif kind == "case":
            lines += [
                f"class Case{index}(unittest.TestCase):",
                f"    def test_u{index}(self):",
                "        pass",
                "",
            ]
        else:
            lines += [f"test_var{index} = [{rng.choice(values)}]", ""]
    return "\n".join(lines)


def test_generated_modules_match_pytest(tmp_path: Path, runner: Any) -> None:
    rng = random.Random(20_261_124)
    files = {f"test_gen{i}.py": _random_module(rng) for i in range(40)}
    _write(tmp_path, files)
    theirs = _pytest_collect(tmp_path, runner)
    for name in files:
        assert _static(tmp_path, name) == theirs.get(name, []), files[name]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_random_source_is_parsed_or_left_to_pytest(source: str) -> None:
    parse_module(source.encode())
    try:
        items = collect_module(source.encode(), "test_x.py", ModuleContext())
    except Undecidable:
        return
    assert all(item.nodeid.startswith("test_x.py::") for item in items)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("def test_():\n pas@ytmrkz.([1,'])=class T")), max_size=200))
def test_python_like_noise_never_crashes(source: str) -> None:
    with contextlib.suppress(Undecidable):
        collect_module(source.encode(), "test_x.py", ModuleContext())
    analyze_conftest(source.encode())


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("def pytest_generate_tests(metafunc):\n    pass\n", "pytest_generate_tests"),
        ("pytest_plugins = ['myplugin']\n", "pytest_plugins"),
        ("from x import *\n", "star import"),
        ("def broken(:\n", "syntax error"),
    ],
)
def test_conftest_hooks_make_collection_dynamic(source: str, reason: str) -> None:
    info = analyze_conftest(source.encode())
    assert info.dynamic is not None
    assert reason in info.dynamic


def test_conftest_fixtures_and_ignores_are_read() -> None:
    info = analyze_conftest(
        b"import pytest\ncollect_ignore = ['a.py']\n"
        b"@pytest.fixture(name='db', autouse=True)\ndef _db(tmp_path):\n    pass\n"
        b"@pytest.fixture(params=[1])\ndef p():\n    pass\n"
    )
    assert info.dynamic is None
    assert info.collect_ignore == ("a.py",)
    assert info.fixtures["db"].autouse
    assert info.fixtures["db"].argnames == ("tmp_path",)
    assert info.fixtures["p"].parametrized

"""Conftests that decide at run time what is ignored: files are still found statically, spread
over the workers, and pytest's own ignore hooks decide each, as ``pytest --collect-only`` does."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dxpytest._collection import prepare
from dxpytest._conftest import analyze_conftest

NEVER_IMPORTED = "raise ImportError('pytest ignores this file: it must never be imported')\n"
PARAMETRIZED = "import pytest\n\n@pytest.mark.parametrize('x', [1, 2])\ndef test_p(x):\n    pass\n"

COMPUTED_LISTS = {
    "pytest.ini": "[pytest]\n",
    "tests/__init__.py": "",
    "tests/conftest.py": """
        import sys

        collect_ignore = ["test_listed.py"]
        if sys.version_info >= (3,):
            collect_ignore.extend(["test_gone.py", "old"])
        if sys.version_info < (3,):
            collect_ignore.append("test_kept.py")
        collect_ignore_glob = []
        if True:
            collect_ignore_glob.append("*_glob_gone.py")
    """,
    "tests/test_listed.py": NEVER_IMPORTED,
    "tests/test_gone.py": NEVER_IMPORTED,
    "tests/test_kept.py": "def test_kept():\n    pass\n",
    "tests/test_glob_gone.py": NEVER_IMPORTED,
    "tests/test_param.py": PARAMETRIZED,
    "tests/old/test_old.py": NEVER_IMPORTED,
    "tests/sub/test_deep.py": "def test_deep():\n    pass\n",
}

IGNORE_HOOK = {
    "pytest.ini": "[pytest]\n",
    "tests/conftest.py": """
        import sys

        def pytest_ignore_collect(collection_path, config):
            if collection_path.name.endswith("_py2.py") or collection_path.name == "legacy":
                return True
            return None if sys.version_info < (3,) else False
    """,
    "tests/test_a.py": "def test_a():\n    pass\n",
    "tests/test_a_py2.py": NEVER_IMPORTED,
    "tests/test_param.py": PARAMETRIZED,
    "tests/legacy/test_legacy.py": NEVER_IMPORTED,
    "tests/sub/conftest.py": "collect_ignore = ['test_sub_gone.py']\n",
    "tests/sub/test_sub.py": "def test_sub():\n    pass\n",
    "tests/sub/test_sub_gone.py": "def test_sub_gone():\n    pass\n",
}

# The hook returns False, so pytest's own rules (norecursedirs, collect_ignore) never apply: the
# walk skipped entries the hook keeps, so the hook's directory goes to pytest whole.
HOOK_KEEPS_DEFAULTS = {
    **IGNORE_HOOK,
    "tests/.hidden/test_hidden.py": "def test_hidden():\n    pass\n",
}


def _nodeids(runner: Any, root: Path, *args: str) -> tuple[list[str], list[str], list[str]]:
    theirs = runner.pytest(root, "--collect-only", "-q", *args)
    cold = runner.dx(root, "--collect-only", "-p", "no:randomly", *args)
    warm = runner.dx(root, "--collect-only", "-p", "no:randomly", *args)
    for result in (cold, warm):
        assert result.returncode == theirs.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return runner.nodeids(theirs.stdout), runner.nodeids(cold.stdout), runner.nodeids(warm.stdout)


@pytest.mark.parametrize(
    ("suite", "args"),
    [
        (COMPUTED_LISTS, ()),
        (COMPUTED_LISTS, ("tests",)),
        (COMPUTED_LISTS, ("tests/sub",)),
        (IGNORE_HOOK, ()),
        (IGNORE_HOOK, ("tests",)),
        (HOOK_KEEPS_DEFAULTS, ("tests",)),
    ],
    ids=["lists", "lists-tests", "lists-below", "hook", "hook-tests", "hook-keeps-defaults"],
)
def test_run_time_ignoring_matches_pytest(
    write_suite: Callable[[dict[str, str]], Path], runner: Any, suite: dict[str, str], args: tuple[str, ...]
) -> None:
    root = write_suite(suite)
    theirs, cold, warm = _nodeids(runner, root, *args)
    assert cold == theirs
    assert warm == theirs


@pytest.mark.parametrize(
    ("suite", "split"), [(COMPUTED_LISTS, True), (IGNORE_HOOK, True), (HOOK_KEEPS_DEFAULTS, False)]
)
def test_files_below_such_a_conftest_are_separate_units(
    write_suite: Callable[[dict[str, str]], Path], suite: dict[str, str], split: bool
) -> None:
    root = write_suite(suite)
    units = prepare(["tests"], root, [], ["no:randomly"], snapshot=False).units
    files = [unit for unit in units if not unit.directory]
    if split:
        assert len(files) >= 4
        assert all(unit.ignore_from == root / "tests" for unit in files)
    else:
        assert [unit.path for unit in units] == [root / "tests"]


@pytest.mark.parametrize(
    ("source", "hook"),
    [
        (COMPUTED_LISTS["tests/conftest.py"], False),
        (IGNORE_HOOK["tests/conftest.py"], True),
        ("collect_ignore = make_list()\n", False),
        ("import sys\nif sys.platform == 'win32':\n    collect_ignore = ['a.py']\n", False),
        (
            "try:\n    import x\nexcept ImportError:\n    def pytest_ignore_collect(collection_path):\n"
            "        return True\n",
            True,
        ),
    ],
)
def test_conftest_analysis_leaves_only_the_ignoring_to_pytest(source: str, hook: bool) -> None:
    import textwrap

    info = analyze_conftest(textwrap.dedent(source).encode())
    assert info.dynamic is None
    assert info.runtime_ignore
    assert info.ignore_hook == hook
    assert info.collect_ignore == info.collect_ignore_glob == ()

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from dxpytest._collection import Collection, collect, prepare

TREE = {
    "pytest.ini": "[pytest]\nnorecursedirs = skipme .*\n",
    "test_top.py": "def test_top():\n    pass\n",
    "a_dir/test_inner.py": "def test_inner():\n    pass\n",
    "pkg/__init__.py": "",
    "pkg/test_z.py": "def test_z():\n    pass\n",
    "pkg/sub/__init__.py": "",
    "pkg/sub/test_y.py": "def test_y():\n    pass\n",
    "zeta_test.py": "def test_suffix_pattern():\n    pass\n",
    "skipme/test_hidden.py": "def test_hidden():\n    pass\n",
    ".hidden/test_dot.py": "def test_dot():\n    pass\n",
    "venv_like/pyvenv.cfg": "",
    "venv_like/test_venv.py": "def test_venv():\n    pass\n",
    "ignored/conftest.py": "collect_ignore = ['test_gone.py']\n",
    "ignored/test_gone.py": "def test_gone():\n    pass\n",
    "ignored/test_kept.py": "def test_kept():\n    pass\n",
    "helper.py": "def test_not_a_test_file():\n    pass\n",
    "by_cli/test_cli_ignored.py": "def test_cli_ignored():\n    pass\n",
}


def _no_dynamic_collection() -> Callable[[list[str]], dict[str, dict[str, Any]]]:
    raise AssertionError("every file of this tree is decided statically")


def _collect(root: Path, args: list[str], ignore: list[str]) -> Collection:
    collection = prepare(args, root, [], ["no:randomly"], ignore)
    return collect(collection, _no_dynamic_collection)


def test_walk_matches_pytest(write_suite: Callable[[dict[str, str]], Path], runner: Any) -> None:
    root = write_suite(TREE)
    theirs = runner.nodeids(runner.pytest(root, "--collect-only", "-q", "--ignore=by_cli").stdout)
    ours = [item.nodeid for item in _collect(root, [], ["by_cli"]).items]
    assert ours == theirs


def test_node_id_arguments_and_warm_reuse(write_suite: Callable[[dict[str, str]], Path]) -> None:
    root = write_suite(TREE)
    first = _collect(root, ["pkg"], [])
    assert [item.nodeid for item in first.items] == ["pkg/sub/test_y.py::test_y", "pkg/test_z.py::test_z"]
    first.index.save()
    again = _collect(root, ["pkg"], [])
    assert again.reused_files == 2

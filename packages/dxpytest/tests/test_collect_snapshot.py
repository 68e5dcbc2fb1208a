"""The collection snapshot: a warm collection is answered from it, and never when an input changed."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dxpytest._collection import Collection, collect, prepare
from dxpytest._index import Index

SUITE = {
    "pytest.ini": "[pytest]\n",
    "tests/conftest.py": "import pytest\n\n@pytest.fixture\ndef thing():\n    return 1\n",
    "tests/test_a.py": "def test_a(thing):\n    pass\n",
    "tests/sub/test_b.py": "import pytest\n\n@pytest.mark.parametrize('x', [1, 2])\ndef test_b(x):\n    pass\n",
}
HEAVY = (
    "pytest",
    "_pytest",
    "tree_sitter",
    "rich",
    "pydantic",
    "dxpytest._static",
    "dxpytest._syntax",
    "dxpytest._pool",
)


def _no_workers() -> Callable[[list[str]], dict[str, dict[str, Any]]]:
    raise AssertionError("these suites are decided statically")


def _collect(root: Path, args: list[str] | None = None, *, snapshot: bool = True) -> Collection:
    return collect(prepare(args or [], root, [], ["no:randomly"], [], snapshot=snapshot), _no_workers)


def _nodeids(collection: Collection) -> list[str]:
    return [item.nodeid for item in collection.items]


def _age(root: Path, stamp_s: int) -> None:
    """Give every file and directory below `root` (and `root`) an mtime `stamp_s` seconds after
    an hour ago: older than the racy window, and later than any earlier stamp."""
    when = time.time() - 3600 + stamp_s
    for base, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".dxpytest"]
        for name in files:
            os.utime(os.path.join(base, name), (when, when))
        os.utime(base, (when, when))


def _write(root: Path, files: dict[str, str]) -> None:
    """Write a suite (and its cache directory: creating it changes the rootdir's mtime)."""
    (root / ".dxpytest").mkdir(exist_ok=True)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def test_a_warm_collection_comes_from_the_snapshot(tmp_path: Path) -> None:
    _write(tmp_path, SUITE)
    _age(tmp_path, 0)
    first = _collect(tmp_path)
    assert not first.from_snapshot
    assert list((tmp_path / ".dxpytest").glob("collect-*.bin"))
    again = _collect(tmp_path)
    assert again.from_snapshot
    assert (
        _nodeids(again)
        == _nodeids(first)
        == [
            "tests/sub/test_b.py::test_b[1]",
            "tests/sub/test_b.py::test_b[2]",
            "tests/test_a.py::test_a",
        ]
    )
    assert again.config == first.config
    assert again.plugins == first.plugins
    assert not again.index.loaded


def test_another_invocation_has_its_own_snapshot(tmp_path: Path) -> None:
    _write(tmp_path, SUITE)
    _age(tmp_path, 0)
    everything = _collect(tmp_path)
    part = _collect(tmp_path, ["tests/sub"])
    assert not part.from_snapshot
    assert _nodeids(part) == ["tests/sub/test_b.py::test_b[1]", "tests/sub/test_b.py::test_b[2]"]
    assert _collect(tmp_path).from_snapshot
    assert _nodeids(_collect(tmp_path, ["tests/sub"])) == _nodeids(part)
    assert len(_nodeids(everything)) == 3


def test_warning_filters_are_part_of_the_key(tmp_path: Path) -> None:
    _write(tmp_path, SUITE)
    _age(tmp_path, 0)
    _collect(tmp_path)
    assert _collect(tmp_path).from_snapshot
    strict = prepare([], tmp_path, [], ["no:randomly"], [], warning_filters=["error"])
    assert not strict.from_snapshot


def test_files_changed_during_collection_leave_no_snapshot(tmp_path: Path) -> None:
    _write(tmp_path, SUITE)
    _age(tmp_path, 0)
    (tmp_path / "tests" / "test_a.py").write_text("def test_a():\n    pass\n")
    _collect(tmp_path)
    assert not list((tmp_path / ".dxpytest").glob("collect-*.bin"))
    assert not _collect(tmp_path).from_snapshot


def test_a_contradicted_index_discards_the_snapshots(tmp_path: Path) -> None:
    _write(tmp_path, SUITE)
    _age(tmp_path, 0)
    collection = _collect(tmp_path)
    assert list((tmp_path / ".dxpytest").glob("collect-*.bin"))
    collection.index.distrust(tmp_path / "tests" / "test_a.py")
    collection.index.save()
    assert not list((tmp_path / ".dxpytest").glob("collect-*.bin"))
    reloaded = Index(collection.index.path, ())
    assert str(tmp_path / "tests" / "test_a.py") in reloaded.distrusted


# Every change a user can make between two runs; after each, the snapshot must not answer
# with the old result. `name` picks a file or directory among a few fixed names.
NAMES = ["tests/test_a.py", "tests/test_c.py", "tests/sub/test_b.py", "tests/sub/deeper/test_d.py"]
CONFIGS = [
    "[pytest]\n",
    "[pytest]\npython_functions = check_* test_*\n",
    "[pytest]\nnorecursedirs = sub\n",
]
CONFTESTS = [
    "",
    "collect_ignore = ['test_c.py']\n",
    "import pytest\n\n@pytest.fixture\ndef thing():\n    return 1\n",
]


def _body(number: int) -> str:
    return f"def test_{number}():\n    pass\n\ndef check_{number}():\n    pass\n"


operations = st.one_of(
    st.tuples(st.just("write"), st.sampled_from(NAMES), st.integers(0, 3)),
    st.tuples(st.just("remove"), st.sampled_from(NAMES), st.just(0)),
    st.tuples(st.just("rename"), st.sampled_from(NAMES), st.integers(0, len(NAMES) - 1)),
    st.tuples(
        st.just("config"), st.sampled_from(["pytest.ini", "tox.ini", "tests/pytest.ini"]), st.integers(0, 2)
    ),
    st.tuples(st.just("conftest"), st.sampled_from(["tests", "tests/sub", "."]), st.integers(0, 2)),
    st.tuples(st.just("venv"), st.sampled_from(["tests/sub", "tests/sub/deeper"]), st.just(0)),
)


def _apply(root: Path, operation: tuple[str, str, int]) -> None:
    kind, name, number = operation
    path = root / name
    if kind == "write":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_body(number))
    elif kind == "remove":
        path.unlink(missing_ok=True)
    elif kind == "rename":
        target = root / NAMES[number]
        if path.exists() and target != path:
            target.parent.mkdir(parents=True, exist_ok=True)
            path.rename(target)
    elif kind == "config":
        path.write_text(CONFIGS[number])
    elif kind == "conftest":
        (path / "conftest.py").parent.mkdir(parents=True, exist_ok=True)
        (path / "conftest.py").write_text(CONFTESTS[number])
    elif kind == "venv" and path.is_dir():
        (path / "pyvenv.cfg").write_text("")


@settings(deadline=None, max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(operations, min_size=1, max_size=6))
def test_the_snapshot_never_answers_for_a_changed_tree(
    tmp_path_factory: Any, steps: list[tuple[str, str, int]]
) -> None:
    root = tmp_path_factory.mktemp("tree")
    _write(root, {"pytest.ini": "[pytest]\n", **{name: _body(n) for n, name in enumerate(NAMES[:3])}})
    _write(root, {"tests/conftest.py": CONFTESTS[2]})
    for stamp, operation in enumerate(steps, start=1):
        _age(root, stamp * 10)
        _collect(root)  # leaves a snapshot of the tree before the change
        _apply(root, operation)
        _age(root, stamp * 10 + 5)
        answered = _collect(root)
        fresh = _collect(root, snapshot=False)
        assert _nodeids(answered) == _nodeids(fresh), operation
        assert answered.config == fresh.config


@pytest.mark.parametrize("quick", [True, False], ids=["quick", "full-command-line"])
def test_a_warm_collect_only_imports_nothing_heavy(tmp_path: Path, quick: bool) -> None:
    _write(tmp_path, SUITE)
    _age(tmp_path, 0)
    command = [
        sys.executable,
        "-X",
        "importtime",
        "-m",
        "dxpytest",
        "--ci",
        "--collect-only",
        "-p",
        "no:randomly",
    ]
    environment = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "DXPYTEST_NO_QUICK": "" if quick else "1"}
    cold = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, env=environment, timeout=300)
    warm = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, env=environment, timeout=300)
    assert cold.returncode == warm.returncode == 0, warm.stderr[-2000:]
    assert cold.stdout.split("\n\n")[0] == warm.stdout.split("\n\n")[0]
    imported = {line.rsplit("|", 1)[-1].strip() for line in warm.stderr.splitlines() if "|" in line}
    assert not {name for name in imported if name.split(".")[0] in HEAVY or name in HEAVY}
    if quick:
        assert "click" not in imported
        assert "dxpytest._run" not in imported
    else:
        assert "dxpytest._run" in imported
    pytest_result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert warm.stdout.split("\n\n")[0].split() == pytest_result.stdout.split("\n\n")[0].split()


def test_a_rename_inside_a_directory_unit_changes_its_summary(tmp_path: Path) -> None:
    from dxpytest._snapshot import directory_stat

    _write(tmp_path, {"unit/test_a.py": "def test_a():\n    pass\n"})
    _age(tmp_path, 0)
    before = directory_stat(tmp_path / "unit")
    info = os.stat(tmp_path / "unit" / "test_a.py")
    os.rename(tmp_path / "unit" / "test_a.py", tmp_path / "unit" / "test_b.py")
    os.utime(tmp_path / "unit" / "test_b.py", ns=(info.st_atime_ns, info.st_mtime_ns))
    after = directory_stat(tmp_path / "unit")
    assert before[:3] == after[:3]
    assert before != after

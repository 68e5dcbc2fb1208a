from __future__ import annotations

import os
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from dxpytest._index import FileEntry, Index, Item

KEY = ("config", "plugins")
names = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x2FFF), min_size=1, max_size=30)


def _entry(path: Path, items: list[Item]) -> FileEntry:
    from devcore.hashing import hash_file

    info = os.stat(path)
    return FileEntry((info.st_mtime_ns, info.st_size, info.st_ino), hash_file(path), (), True, "", items)


@settings(deadline=None, max_examples=30)
@given(
    st.lists(st.builds(Item, names, st.tuples(names), st.tuples(names)), max_size=10),
    st.dictionaries(names, st.tuples(st.sampled_from(["passed", "failed"]), st.floats(0, 100)), max_size=10),
)
def test_index_round_trips(
    tmp_path_factory: object, items: list[Item], results: dict[str, tuple[str, float]]
) -> None:
    root = tmp_path_factory.mktemp("index")  # type: ignore[attr-defined]
    source = root / "test_a.py"
    source.write_text("def test_a():\n    pass\n")
    index = Index(root / "index.bin", KEY)
    index.store(source, _entry(source, items))
    for nodeid, (outcome, duration) in results.items():
        index.record(nodeid, outcome, duration)
    index.save()
    again = Index(root / "index.bin", KEY)
    entry = again.lookup(source, ())
    assert entry is not None
    assert entry.items == items
    assert {n: (r.outcome, r.duration_s) for n, r in again.results.items()} == results


def test_a_touched_but_unchanged_file_is_still_valid(tmp_path: Path) -> None:
    source = tmp_path / "test_a.py"
    source.write_text("def test_a():\n    pass\n")
    index = Index(tmp_path / "index.bin", KEY)
    index.store(source, _entry(source, [Item("test_a.py::test_a")]))
    os.utime(source, ns=(1, 1))
    assert index.lookup(source, ()) is not None
    source.write_text("def test_b():\n    pass\n")
    assert index.lookup(source, ()) is None


def test_a_changed_conftest_chain_invalidates(tmp_path: Path) -> None:
    source = tmp_path / "test_a.py"
    source.write_text("def test_a():\n    pass\n")
    index = Index(tmp_path / "index.bin", KEY)
    index.store(source, _entry(source, []))
    assert index.lookup(source, (("conftest.py", "abc"),)) is None


def test_another_key_keeps_results_but_drops_collection(tmp_path: Path) -> None:
    source = tmp_path / "test_a.py"
    source.write_text("x = 1\n")
    index = Index(tmp_path / "index.bin", KEY)
    index.store(source, _entry(source, []))
    index.record("test_a.py::test_a", "failed", 0.5)
    index.save()
    other = Index(tmp_path / "index.bin", ("other config",))
    assert other.lookup(source, ()) is None
    assert other.results["test_a.py::test_a"].outcome == "failed"


@settings(deadline=None, max_examples=50)
@given(st.binary(max_size=300))
def test_a_damaged_index_is_an_empty_index(tmp_path_factory: object, data: bytes) -> None:
    root = tmp_path_factory.mktemp("damaged")  # type: ignore[attr-defined]
    (root / "index.bin").write_bytes(data)
    index = Index(root / "index.bin", KEY)
    assert index.files == {}


def test_a_distrusted_file_stays_distrusted(tmp_path: Path) -> None:
    source = tmp_path / "test_a.py"
    source.write_text("x = 1\n")
    index = Index(tmp_path / "index.bin", KEY)
    index.store(source, _entry(source, []))
    index.distrust(source)
    index.save()
    again = Index(tmp_path / "index.bin", KEY)
    assert again.lookup(source, ()) is None
    assert str(source) in again.distrusted

"""Change sets, their computation from entries, ignore rules and the polling policy."""

from __future__ import annotations

import fnmatch
import os
import subprocess
import sys
import time
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from devcore._watch_batch import poll_delay
from devcore._watch_diff import diff_entries
from devcore._watch_ignore import IgnoreRules, is_link_internal
from devcore._watch_limits import parse_fdinfo
from devcore._watch_racy import RACY_MAX_BYTES, RACY_WINDOW_NS, is_racy, scan_roots
from devcore._watch_scope import Entry, Root
from devcore.watch import DEFAULT_IGNORE, ChangeSet, Watcher, polling_requested

NAMES = ["a", "b", "c", "d", "e", "f"]
paths = st.sampled_from([f"/w/{name}" for name in NAMES])
entries = st.builds(
    Entry,
    is_dir=st.booleans(),
    dev=st.just(1),
    ino=st.integers(1, 4),
    size=st.integers(0, 2),
    mtime_ns=st.integers(0, 2),
    ctime_ns=st.integers(0, 2),
    digest=st.none() | st.sampled_from(["x", "y"]),
)
trees = st.dictionaries(paths, entries, max_size=6)


def test_change_set_truthiness_and_paths() -> None:
    assert not ChangeSet()
    a, b, c = Path("/a"), Path("/b"), Path("/c")
    changes = ChangeSet(added=frozenset({a}), moved=frozenset({(b, c)}))
    assert changes
    assert changes.paths() == {a, b, c}


@given(old=trees, new=trees, hinted=st.booleans(), moves=st.lists(st.tuples(paths, paths), max_size=4))
def test_a_change_set_turns_the_old_paths_into_the_new_ones(
    old: dict[str, Entry], new: dict[str, Entry], hinted: bool, moves: list[tuple[str, str]]
) -> None:
    changes = diff_entries(old, new, moves=moves, moves_need_hint=hinted)
    before = {Path(path): entry for path, entry in old.items()}
    after = {Path(path): entry for path, entry in new.items()}
    sources = {source for source, _ in changes.moved}
    destinations = {destination for _, destination in changes.moved}
    assert len(sources) == len(changes.moved) == len(destinations)
    assert (before.keys() - changes.deleted - sources) | changes.added | destinations == after.keys()
    assert changes.added.isdisjoint(before)
    assert changes.deleted.isdisjoint(after)
    assert changes.modified <= after.keys() - changes.added
    for source, destination in changes.moved:
        assert source in before
        assert source not in after
        assert destination in after
        assert destination not in before
        assert before[source][:3] == after[destination][:3]  # kind, device and inode travel with a move
    assert not any(after[path].is_dir and path in before and before[path].is_dir for path in changes.modified)


@given(old=trees, new=trees)
def test_unchanged_entries_are_not_reported(old: dict[str, Entry], new: dict[str, Entry]) -> None:
    assert not diff_entries(old, old)
    changes = diff_entries(old, new)
    for path in old.keys() & new.keys():
        if old[path] == new[path]:
            assert Path(path) not in changes.paths()


def test_a_rename_is_a_move_only_with_matching_identity() -> None:
    before = Entry(False, 1, 7, 10, 100)
    old = {"/w/a": before}
    assert diff_entries(old, {"/w/b": before}).moved == {(Path("/w/a"), Path("/w/b"))}
    reused_inode = before._replace(mtime_ns=200)
    replaced = diff_entries(old, {"/w/b": reused_inode})
    assert (replaced.deleted, replaced.added) == ({Path("/w/a")}, {Path("/w/b")})


def test_native_moves_follow_chains_of_renames() -> None:
    before = Entry(False, 1, 7, 10, 100)
    after = before._replace(size=11, mtime_ns=200)
    moves = [("/w/a", "/w/tmp"), ("/w/tmp", "/w/c")]
    changes = diff_entries({"/w/a": before}, {"/w/c": after}, moves=moves, moves_need_hint=True)
    assert changes == ChangeSet(
        modified=frozenset({Path("/w/c")}), moved=frozenset({(Path("/w/a"), Path("/w/c"))})
    )
    unhinted = diff_entries({"/w/a": before}, {"/w/c": before}, moves_need_hint=True)
    assert unhinted.moved == frozenset()


def test_a_write_event_is_believed_only_where_the_entries_cannot_tell() -> None:
    a = "/w/a"
    racy = Entry(False, 1, 7, 10, 100, 100, digest="x")

    def modified(before: Entry, after: Entry, *, touched: bool = True) -> bool:
        return Path(a) in diff_entries({a: before}, {a: after}, touched={a} if touched else set()).modified

    assert modified(racy, racy._replace(digest="y"), touched=False)  # same stat, other content
    assert not modified(racy, racy)  # digests agree: a late event for content already seen
    assert modified(racy, racy._replace(digest=None))  # racy then, not digested now: believe it
    settled = racy._replace(digest=None)  # not racy when seen: a rewrite would move its mtime
    assert not modified(settled, settled)
    huge = settled._replace(size=RACY_MAX_BYTES + 1)  # never digested: believe the event
    assert modified(huge, huge)
    assert not modified(huge, huge, touched=False)


@given(name=st.text(st.sampled_from("ab.~#_-4913swptmpgi/"), max_size=12).filter(lambda n: "/" not in n))
def test_name_patterns_match_like_fnmatch(name: str) -> None:
    rules = IgnoreRules(DEFAULT_IGNORE)
    assert rules.ignores_name(name) == any(fnmatch.fnmatchcase(name, pattern) for pattern in DEFAULT_IGNORE)


@given(parts=st.lists(st.sampled_from(["src", "a.py", ".git", "x~", "pkg", "b.txt"]), min_size=1, max_size=4))
def test_an_ignored_component_ignores_everything_below_it(parts: list[str]) -> None:
    rules = IgnoreRules([".git", "*~", "src/pkg/*"])
    expected = any(part in (".git",) or part.endswith("~") for part in parts) or fnmatch.fnmatchcase(
        "/".join(parts), "src/pkg/*"
    )
    assert rules.ignores(parts) == expected


def test_default_ignore_covers_editor_and_atomic_writer_leftovers() -> None:
    rules = IgnoreRules(DEFAULT_IGNORE)
    for name in ["4913", "a.py~", ".a.py.swp", ".#a.py", "#a.py#", ".a.py.123-abcdef01.tmp", "x.pyc"]:
        assert rules.ignores_name(name), name
    for name in ["a.py", "config.yaml", "Makefile", ".env"]:
        assert not rules.ignores_name(name), name
    assert is_link_internal("..data")
    assert is_link_internal("..2024_01_01_00_00_00.1")
    assert not is_link_internal(".data")


def test_polling_is_requested_by_argument_then_environment() -> None:
    assert polling_requested(True, {})
    assert not polling_requested(False, {"DEVCORE_WATCH_POLLING": "1"})
    assert polling_requested(None, {"DEVCORE_WATCH_POLLING": "1"})
    assert polling_requested(None, {"DEVCORE_WATCH_POLLING": "yes"})
    assert not polling_requested(None, {"DEVCORE_WATCH_POLLING": "0"})
    assert not polling_requested(None, {})


def test_only_recent_small_files_are_racy() -> None:
    now = time.time_ns()
    recent = Entry(False, 1, 1, 10, now - RACY_WINDOW_NS // 2)
    assert is_racy(recent, now)
    assert not is_racy(recent._replace(mtime_ns=now - 2 * RACY_WINDOW_NS), now)
    assert not is_racy(recent._replace(size=RACY_MAX_BYTES + 1), now)
    assert not is_racy(recent._replace(is_dir=True), now)


def test_scans_digest_racy_files(tmp_path: Path) -> None:
    (tmp_path / "fresh.txt").write_text("fresh")
    (tmp_path / "old.txt").write_text("old")
    an_hour_ago = time.time_ns() - 3_600_000_000_000
    os.utime(tmp_path / "old.txt", ns=(an_hour_ago, an_hour_ago))
    scan = scan_roots([Root(str(tmp_path), IgnoreRules(()))])
    assert scan[str(tmp_path / "fresh.txt")].digest is not None
    assert scan[str(tmp_path / "old.txt")].digest is None


def test_root_scan_skips_ignored_and_link_internal_entries(tmp_path: Path) -> None:
    (tmp_path / ".git" / "objects").mkdir(parents=True)
    (tmp_path / "..2024").mkdir()
    (tmp_path / "..data").symlink_to("..2024")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.py").write_text("a")
    (tmp_path / "dangling").symlink_to("nowhere")
    root = Root(str(tmp_path), IgnoreRules(DEFAULT_IGNORE))
    assert root.detect_kind()
    assert not root.is_file
    scan: dict[str, Entry] = {}
    root.scan(scan)
    assert set(scan) == {str(tmp_path / "src"), str(tmp_path / "src" / "a.py"), str(tmp_path / "dangling")}
    assert root.covers(str(tmp_path / "src" / "a.py"))
    assert not root.covers(str(tmp_path / ".git" / "HEAD"))
    assert not root.covers(str(tmp_path))
    assert not root.covers(str(tmp_path) + "-sibling/a.py")
    assert root.link_dir(str(tmp_path / "..data")) == str(tmp_path)
    assert root.link_dir(str(tmp_path / "src" / "a.py")) is None


def test_polling_slows_down_only_for_trees_that_take_long_to_scan() -> None:
    assert poll_delay(0.1, 0.001) == 0.1
    assert poll_delay(0.1, 0.05) == 0.2


@given(
    inodes=st.lists(st.integers(1, 2**64 - 1), max_size=20),
    junk=st.lists(st.text(st.characters(blacklist_characters="\n"), max_size=30), max_size=5),
)
def test_fdinfo_lists_the_watched_inodes(inodes: list[int], junk: list[str]) -> None:
    lines = ["pos:\t0", "flags:\t02004000", "mnt_id:\t15", *(j for j in junk if not j.startswith("inotify"))]
    lines += [
        f"inotify wd:{i + 1:x} ino:{inode:x} sdev:fd00 mask:fce ignored_mask:0"
        for i, inode in enumerate(inodes)
    ]
    assert parse_fdinfo("\n".join(lines) + "\n") == set(inodes)


def test_a_rename_moves_the_ctime_without_a_modification() -> None:
    before = Entry(False, 1, 7, 10, 100, ctime_ns=100)
    renamed = before._replace(ctime_ns=200)
    assert diff_entries({"/w/a": before}, {"/w/b": renamed}) == ChangeSet(
        moved=frozenset({(Path("/w/a"), Path("/w/b"))})
    )
    assert diff_entries({"/w/a": before}, {"/w/a": renamed}).modified == {Path("/w/a")}


def test_watch_public_surface_is_pinned() -> None:
    import devcore.watch

    assert sorted(devcore.watch.__all__) == [
        "CLOSE_WRITE_SUPPORTED",
        "ChangeSet",
        "DEFAULT_IGNORE",
        "WatchError",
        "WatchOptions",
        "WatchPathNotFound",
        "Watcher",
        "awatch",
        "watch",
    ]


def test_importing_devcore_watch_loads_no_watchdog_asyncio_or_blake3() -> None:
    code = "import sys, devcore.watch; print(sorted(m for m in ('watchdog', 'asyncio', 'blake3') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_watcher_describes_itself(tmp_path: Path) -> None:
    watcher = Watcher(tmp_path, polling=True)
    assert repr(watcher) == f"<Watcher [{str(tmp_path)!r}] stopped>"
    with watcher:
        assert repr(watcher) == f"<Watcher [{str(tmp_path)!r}] polling>"

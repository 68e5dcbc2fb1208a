"""devcore's own inotify reader: which directories get watches, metadata-only changes, eager saves."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from devcore._watch_diff import diff_entries
from devcore._watch_limits import watched_inodes
from devcore._watch_scope import Entry
from devcore.watch import ChangeSet, Watcher

from .conftest import SETTLE_S, Collector

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux-only")

LONG_MS = 60_000  # a debounce no test outlives: what arrives, arrived without waiting for it


def inodes_watched(watcher: Watcher) -> set[int]:
    fd = watcher._native._fd  # type: ignore[union-attr]
    found = watched_inodes(fd)
    assert found is not None
    return found


def test_ignored_directories_get_no_inotify_watch(tmp_path: Path) -> None:
    for directory in (".git/objects/ab", "node_modules/pkg/lib", "src/app", "src/__pycache__"):
        (tmp_path / directory).mkdir(parents=True)
    collector = Collector()
    with Watcher(tmp_path, callback=collector, polling=False, debounce_ms=20) as watcher:
        watched = inodes_watched(watcher)
        for covered in ("", "src", "src/app"):
            assert (tmp_path / covered).stat().st_ino in watched, covered
        for ignored in (
            ".git",
            ".git/objects",
            ".git/objects/ab",
            "node_modules",
            "node_modules/pkg",
            "src/__pycache__",
        ):
            assert (tmp_path / ignored).stat().st_ino not in watched, ignored
        assert len(watched) == 3
        # created later: a covered directory is watched at once, an ignored one never
        (tmp_path / "src" / "new" / ".venv" / "bin").mkdir(parents=True)
        (tmp_path / "src" / "new" / "mod.py").write_text("x = 1\n")
        batches = collector.wait_for(1)
        assert tmp_path / "src" / "new" / "mod.py" in set().union(*(b.added for b in batches))
        watched = inodes_watched(watcher)
        assert (tmp_path / "src" / "new").stat().st_ino in watched
        assert (tmp_path / "src" / "new" / ".venv").stat().st_ino not in watched
        assert len(watched) == 4


def test_a_directory_moved_out_of_the_tree_loses_its_watches(tmp_path: Path) -> None:
    root, outside = tmp_path / "root", tmp_path / "outside"
    (root / "pkg" / "sub").mkdir(parents=True)
    outside.mkdir()
    collector = Collector()
    with Watcher(root, callback=collector, polling=False, debounce_ms=20) as watcher:
        assert len(inodes_watched(watcher)) == 3
        os.rename(root / "pkg", outside / "pkg")
        collector.wait_for(1)
        assert inodes_watched(watcher) == {root.stat().st_ino}
        (outside / "pkg" / "sub" / "late.txt").write_text("outside")  # no longer ours
        (root / "inside.txt").write_text("ours")
        batches = collector.wait_for(2)
        time.sleep(SETTLE_S)
    union = set().union(*(b.paths() for b in collector.batches))
    assert union == {root / "pkg", root / "pkg" / "sub", root / "inside.txt"}, batches


@pytest.mark.parametrize("polling", [False, True], ids=["native", "polling"])
def test_a_mode_change_alone_is_not_a_modification(tmp_path: Path, polling: bool) -> None:
    path = tmp_path / "app.yaml"
    path.write_text("a: 1\n")
    old = time.time_ns() - 10_000_000_000  # not racy: no digest would hide a ctime change
    os.utime(path, ns=(old, old))
    collector = Collector()
    with Watcher(tmp_path, callback=collector, polling=polling, debounce_ms=30, poll_interval_ms=30):
        path.chmod(0o600)
        os.link(path, tmp_path / "hard-link")  # a new link moves the ctime too
        os.chown(path, os.getuid(), os.getgid())
        batches = collector.wait_for(1)
        assert batches[0] == ChangeSet(added=frozenset({tmp_path / "hard-link"})), batches
        path.write_text("a: 2\n")
        batches = collector.wait_for(2)
    assert path in batches[1].modified  # (natively, a write through one name is an event of that name)


def test_a_ctime_change_without_a_metadata_change_is_still_a_modification() -> None:
    before = Entry(False, 1, 7, 10, 100, ctime_ns=100, meta=5)
    chmodded = before._replace(ctime_ns=200, meta=6)
    rewritten = before._replace(ctime_ns=200)  # same size, old mtime put back
    assert diff_entries({"/w/a": before}, {"/w/a": chmodded}) == ChangeSet()
    assert diff_entries({"/w/a": before}, {"/w/a": rewritten}).modified == {Path("/w/a")}
    assert diff_entries(
        {"/w/a": before._replace(digest="x")}, {"/w/a": chmodded._replace(digest="y")}
    ).modified


@pytest.mark.parametrize("style", ["in-place", "rename", "data-swap"])
def test_close_write_delivers_a_completed_save_without_waiting_the_debounce(
    tmp_path: Path, style: str
) -> None:
    path = tmp_path / "app.yaml"
    if style == "data-swap":
        (tmp_path / "..v0").mkdir()
        (tmp_path / "..v0" / "app.yaml").write_text("v: 0\n")
        os.symlink("..v0", tmp_path / "..data")
        os.symlink("..data/app.yaml", path)
    else:
        path.write_text("v: 0\n")

    def save(value: int) -> None:
        if style == "in-place":
            path.write_text(f"v: {value}\n")
        elif style == "rename":
            (tmp_path / "app.yaml.tmp").write_text(f"v: {value}\n")
            os.replace(tmp_path / "app.yaml.tmp", path)
        else:
            (tmp_path / f"..v{value}").mkdir()
            (tmp_path / f"..v{value}" / "app.yaml").write_text(f"v: {value}\n")
            os.symlink(f"..v{value}", tmp_path / "..tmp")
            os.replace(tmp_path / "..tmp", tmp_path / "..data")

    collector = Collector()
    options = {"debounce_ms": LONG_MS, "max_delay_ms": LONG_MS, "close_write": True, "polling": False}
    with Watcher(tmp_path, callback=collector, recursive=False, **options):  # type: ignore[arg-type]
        save(1)
        assert collector.wait_for(1) == [ChangeSet(modified=frozenset({path}))]
        save(2)  # the same file again within the debounce: a burst, batched as usual
        time.sleep(SETTLE_S)
        assert len(collector.batches) == 1


def test_close_write_delivers_a_file_renamed_in_from_outside_without_waiting_the_debounce(
    tmp_path: Path,
) -> None:
    # Only IN_MOVED_TO arrives, as when the two halves of a rename inside the tree come in two
    # reads: the file is complete all the same.
    watched, outside = tmp_path / "watched", tmp_path / "outside"
    watched.mkdir()
    outside.mkdir()
    (outside / "app.yaml").write_text("v: 1\n")
    collector = Collector()
    options = {"debounce_ms": LONG_MS, "max_delay_ms": LONG_MS, "close_write": True, "polling": False}
    with Watcher(watched, callback=collector, **options):  # type: ignore[arg-type]
        os.replace(outside / "app.yaml", watched / "app.yaml")
        assert collector.wait_for(1) == [ChangeSet(added=frozenset({watched / "app.yaml"}))]

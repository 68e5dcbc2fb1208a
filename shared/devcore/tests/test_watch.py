"""devcore.watch against real files, with native events and with polling."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from devcore import WatchPathNotFound
from devcore.files import atomic_write, staged_directory
from devcore.watch import CLOSE_WRITE_SUPPORTED, ChangeSet, Watcher, awatch, watch

from .conftest import HANG_GUARD_S, Collector

BURST = int(os.environ.get("DEVCORE_WATCH_BURST", "1000"))

# watchdog warns (RuntimeWarning) from its reader thread when a directory created inside a
# just-created directory gets its watch twice; harmless, but an error under filterwarnings.
pytestmark = pytest.mark.filterwarnings("ignore:Callback with id:RuntimeWarning")


@pytest.fixture(params=["native", "polling"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def options(mode: str) -> dict[str, object]:
    return {"polling": mode == "polling", "debounce_ms": 50, "poll_interval_ms": 50}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    root.mkdir()
    (root / "a.txt").write_text("alpha")
    (root / "pkg").mkdir()
    (root / "pkg" / "mod.py").write_text("x = 1\n")
    return root


@pytest.fixture
def watching(mode: str, tree: Path, collector: Collector) -> Iterator[Watcher]:
    with Watcher([tree], callback=collector, **options(mode)) as watcher:  # type: ignore[arg-type]
        yield watcher


def only(**fields: set[Path] | set[tuple[Path, Path]]) -> ChangeSet:
    return ChangeSet(**{name: frozenset(value) for name, value in fields.items()})  # type: ignore[arg-type]


def test_backend_is_the_one_asked_for(mode: str, watching: Watcher) -> None:
    assert watching.backend == mode


def test_create(watching: Watcher, tree: Path, collector: Collector) -> None:
    (tree / "new.txt").write_text("new")
    assert collector.wait_until(lambda c: tree / "new.txt" in c.added) == only(added={tree / "new.txt"})


def test_modify(watching: Watcher, tree: Path, collector: Collector) -> None:
    (tree / "a.txt").write_text("alpha, longer")
    assert collector.wait_until(lambda c: bool(c.modified)) == only(modified={tree / "a.txt"})


def test_delete(watching: Watcher, tree: Path, collector: Collector) -> None:
    (tree / "pkg" / "mod.py").unlink()
    result = collector.wait_until(lambda c: bool(c.deleted))
    assert result == only(deleted={tree / "pkg" / "mod.py"})


def test_move(watching: Watcher, tree: Path, collector: Collector) -> None:
    (tree / "a.txt").rename(tree / "pkg" / "b.txt")
    result = collector.wait_until(lambda c: bool(c.moved))
    assert result == only(moved={(tree / "a.txt", tree / "pkg" / "b.txt")})


def test_directory_move_moves_its_files(watching: Watcher, tree: Path, collector: Collector) -> None:
    (tree / "pkg").rename(tree / "lib")
    expected = {(tree / "pkg", tree / "lib"), (tree / "pkg" / "mod.py", tree / "lib" / "mod.py")}
    assert collector.wait_until(lambda c: c.moved >= expected) == only(moved=expected)


def test_new_directory_with_files(watching: Watcher, tree: Path, collector: Collector) -> None:
    (tree / "new" / "deep").mkdir(parents=True)
    (tree / "new" / "deep" / "f.py").write_text("f")
    expected = {tree / "new", tree / "new" / "deep", tree / "new" / "deep" / "f.py"}
    assert collector.wait_until(lambda c: c.added >= expected) == only(added=expected)


def test_atomic_save_is_one_modification(watching: Watcher, tree: Path, collector: Collector) -> None:
    temporary = tree / ".a.txt.tmp"
    temporary.write_text("saved atomically")
    os.replace(temporary, tree / "a.txt")
    assert collector.wait_until(lambda c: bool(c.modified)) == only(modified={tree / "a.txt"})
    assert len(collector.batches) == 1


@pytest.mark.parametrize("keep_backup", [False, True])
def test_vim_backup_dance_is_one_modification(
    watching: Watcher, tree: Path, collector: Collector, keep_backup: bool
) -> None:
    # vim's default ("backupcopy=auto", "writebackup"): probe the directory with 4913,
    # rename the file to its backup, write a new file, then drop (or keep) the backup.
    probe = tree / "4913"
    probe.write_text("")
    probe.unlink()
    os.rename(tree / "a.txt", tree / "a.txt~")
    with open(tree / "a.txt", "w") as new:
        new.write("alpha, as vim saves it")
        new.flush()
        os.fsync(new.fileno())
    if not keep_backup:
        (tree / "a.txt~").unlink()
    assert collector.wait_until(lambda c: bool(c.modified)) == only(modified={tree / "a.txt"})


def test_swap_files_are_ignored(watching: Watcher, tree: Path, collector: Collector) -> None:
    (tree / ".a.txt.swp").write_text("swap")
    (tree / "pkg" / "__pycache__").mkdir()
    (tree / "pkg" / "__pycache__" / "mod.cpython-311.pyc").write_bytes(b"\0")
    (tree / "sentinel").write_text("s")
    assert collector.wait_until(lambda c: bool(c.added)) == only(added={tree / "sentinel"})


def test_ignore_applies_to_both_ends_of_a_move(mode: str, tree: Path, collector: Collector) -> None:
    with Watcher(tree, callback=collector, ignore=["*.part"], **options(mode)):  # type: ignore[arg-type]
        (tree / "download.part").write_text("payload")
        os.rename(tree / "download.part", tree / "download.bin")
        assert collector.wait_until(lambda c: bool(c.added)) == only(added={tree / "download.bin"})
        collector.clear()
        os.rename(tree / "a.txt", tree / "a.part")
        assert collector.wait_until(lambda c: bool(c.deleted)) == only(deleted={tree / "a.txt"})


def test_ignore_patterns_with_a_slash_match_relative_paths(
    mode: str, tree: Path, collector: Collector
) -> None:
    with Watcher(tree, callback=collector, ignore=["pkg/*.py"], **options(mode)):  # type: ignore[arg-type]
        (tree / "pkg" / "other.py").write_text("ignored")
        (tree / "top.py").write_text("seen")
        assert collector.wait_until(lambda c: bool(c.added)) == only(added={tree / "top.py"})


def test_burst_is_coalesced_and_nothing_is_lost(mode: str, tree: Path, collector: Collector) -> None:
    expected = {tree / "burst" / f"f{index:04d}.txt" for index in range(BURST)}
    settings = {**options(mode), "debounce_ms": 400, "max_delay_ms": 60_000}
    with Watcher(tree, callback=collector, **settings):  # type: ignore[arg-type]
        (tree / "burst").mkdir()
        for path in sorted(expected):
            path.write_text(path.name)
        result = collector.wait_until(lambda c: c.added >= expected)
    assert result.added == expected | {tree / "burst"}
    # A machine starved for CPU may end a batch while a file is half written; that file is
    # then reported again, as modified. Nothing else may show up.
    assert result.modified <= expected
    assert not result.deleted
    assert not result.moved
    assert 1 <= len(collector.batches) <= 5


def test_same_size_rewrite_in_the_same_tick_is_seen(
    watching: Watcher, tree: Path, collector: Collector
) -> None:
    target = tree / "a.txt"
    before = target.stat()
    target.write_text("ALPHA")  # same size; then put the old mtime back
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = target.stat()
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (
        before.st_ino,
        before.st_size,
        before.st_mtime_ns,
    )
    assert collector.wait_until(lambda c: bool(c.modified)) == only(modified={target})


def test_a_same_size_rewrite_that_puts_an_old_mtime_back_is_seen(
    mode: str, tree: Path, collector: Collector
) -> None:
    target = tree / "a.txt"
    an_hour_ago = time.time_ns() - 3_600_000_000_000
    os.utime(target, ns=(an_hour_ago, an_hour_ago))  # old enough not to be digested when polling
    with Watcher(tree, callback=collector, **options(mode)):  # type: ignore[arg-type]
        target.write_text("ALPHA")  # like `cp -p` or `rsync -t` of a same-size file
        os.utime(target, ns=(an_hour_ago, an_hour_ago))
        assert collector.wait_until(lambda c: bool(c.modified)) == only(modified={target})


def test_a_single_file_is_watched_through_its_directory(mode: str, tree: Path, collector: Collector) -> None:
    target = tree / "a.txt"
    with Watcher(target, callback=collector, **options(mode)) as watcher:  # type: ignore[arg-type]
        (tree / "sibling.txt").write_text("not watched")
        temporary = tree / "a.txt.new"
        temporary.write_text("replaced")
        os.replace(temporary, target)
        assert collector.wait_until(lambda c: bool(c.modified)) == only(modified={target})
        collector.clear()
        target.unlink()
        assert collector.wait_until(lambda c: bool(c.deleted)) == only(deleted={target})
        collector.clear()
        target.write_text("back")
        assert collector.wait_until(lambda c: bool(c.added)) == only(added={target})
        assert watcher.paths == (target,)


def make_configmap(directory: Path, version: str, content: str) -> Path:
    """Lay out a Kubernetes ConfigMap volume: ..<version>/, ..data -> it, app.yaml -> ..data/."""
    payload = directory / f"..{version}"
    payload.mkdir()
    (payload / "app.yaml").write_text(content)
    (directory / "..data").symlink_to(payload.name)
    (directory / "app.yaml").symlink_to("..data/app.yaml")
    return directory / "app.yaml"


def swap_configmap(directory: Path, old: str, new: str, content: str) -> None:
    """Update it the way the kubelet does: new payload dir, ..data_tmp link, rename, cleanup."""
    (directory / f"..{new}").mkdir()
    (directory / f"..{new}" / "app.yaml").write_text(content)
    (directory / "..data_tmp").symlink_to(f"..{new}")
    os.rename(directory / "..data_tmp", directory / "..data")
    shutil.rmtree(directory / f"..{old}")


@pytest.mark.parametrize("watch_the_file", [False, True])
def test_kubernetes_symlink_swap_modifies_the_files_seen_through_it(
    mode: str, tmp_path: Path, collector: Collector, watch_the_file: bool
) -> None:
    config = tmp_path / "config"
    config.mkdir()
    app = make_configmap(config, "2024_01_01_00_00_00.1", "v: 1\n")
    target = app if watch_the_file else config
    with Watcher(target, callback=collector, **options(mode)):  # type: ignore[arg-type]
        swap_configmap(config, "2024_01_01_00_00_00.1", "2024_01_01_00_00_01.2", "v: 2\n")
        assert collector.wait_until(lambda c: bool(c.modified)) == only(modified={app})
    assert app.read_text() == "v: 2\n"


def test_close_write_reports_a_file_only_when_its_writer_closes_it(tree: Path, collector: Collector) -> None:
    with Watcher(tree, callback=collector, close_write=True, polling=False, debounce_ms=50):
        with open(tree / "big.bin", "wb") as writer:
            writer.write(b"first half ")
            writer.flush()
            (tree / "sentinel").write_text("s")
            halfway = collector.wait_until(lambda c: tree / "sentinel" in c.added)
            writer.write(b"second half")
        result = collector.wait_until(lambda c: tree / "big.bin" in c.added)
    if CLOSE_WRITE_SUPPORTED:  # elsewhere close_write is ignored and the open file may show up
        assert halfway == only(added={tree / "sentinel"})
    assert result == only(added={tree / "sentinel", tree / "big.bin"})
    assert (tree / "big.bin").read_bytes() == b"first half second half"


def test_missing_path_is_a_clear_error(mode: str, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "app.yaml"
    watcher = Watcher(missing, **options(mode))  # type: ignore[arg-type]
    with pytest.raises(WatchPathNotFound) as caught:
        watcher.start()
    assert caught.value.path == missing
    assert isinstance(caught.value, FileNotFoundError)
    assert not watcher.running


def test_missing_path_is_waited_for_when_asked(mode: str, tmp_path: Path, collector: Collector) -> None:
    target = tmp_path / "later" / "app.yaml"
    with Watcher(target, callback=collector, wait_for_missing=True, **options(mode)):  # type: ignore[arg-type]
        target.parent.mkdir()
        target.write_text("here")
        assert collector.wait_until(lambda c: bool(c.added)) == only(added={target})
        collector.clear()
        target.write_text("here, changed")
        assert collector.wait_until(lambda c: bool(c.modified)) == only(modified={target})


def test_a_deleted_and_recreated_directory_is_watched_again(
    watching: Watcher, tree: Path, collector: Collector
) -> None:
    shutil.rmtree(tree)
    gone = {tree / "a.txt", tree / "pkg", tree / "pkg" / "mod.py"}
    assert collector.wait_until(lambda c: c.deleted >= gone) == only(deleted=gone)
    collector.clear()
    tree.mkdir()
    (tree / "again.txt").write_text("again")
    result = collector.wait_until(lambda c: tree / "again.txt" in c.added)
    assert result == only(added={tree / "again.txt"})


def test_iterator_yields_until_stopped(mode: str, tree: Path) -> None:
    watcher = Watcher(tree, **options(mode))  # type: ignore[arg-type]
    watcher.start()
    (tree / "one.txt").write_text("1")
    seen: list[ChangeSet] = []
    timer = threading.Timer(HANG_GUARD_S, watcher.stop)
    timer.start()
    try:
        for changes in watcher:
            seen.append(changes)
            watcher.stop()
    finally:
        timer.cancel()
    assert seen[0] == only(added={tree / "one.txt"})
    assert not watcher.running


def keep_writing(directory: Path, stop: threading.Event) -> None:
    """Write a new file every 0.2 s until ``stop``: whenever a watcher starts, one follows."""
    index = 0
    while not stop.wait(0.2):
        (directory / f"w{index}.txt").write_text(str(index))
        index += 1


def is_written_files(changes: ChangeSet, directory: Path) -> bool:
    return bool(changes.added) and all(
        path.parent == directory and path.name.startswith("w") for path in changes.added
    )


def test_watch_generator(mode: str, tree: Path) -> None:
    stop = threading.Event()
    writer = threading.Thread(target=keep_writing, args=(tree, stop))
    writer.start()
    generator = watch(tree, **options(mode))  # type: ignore[arg-type]
    try:
        changes = next(generator)
    finally:
        generator.close()
        stop.set()
        writer.join()
    assert is_written_files(changes, tree), changes
    assert changes == only(added=set(changes.added))


def test_awatch(mode: str, tree: Path) -> None:
    async def first_change() -> ChangeSet:
        changes = awatch(tree, **options(mode))  # type: ignore[arg-type]
        try:
            return await asyncio.wait_for(anext(changes), HANG_GUARD_S)
        finally:
            await changes.aclose()

    stop = threading.Event()
    writer = threading.Thread(target=keep_writing, args=(tree, stop))
    writer.start()
    try:
        changes = asyncio.run(first_change())
    finally:
        stop.set()
        writer.join()
    assert is_written_files(changes, tree), changes
    assert changes == only(added=set(changes.added))


def test_start_and_stop_are_idempotent_and_thread_safe(mode: str, tree: Path, collector: Collector) -> None:
    watcher = Watcher(tree, callback=collector, **options(mode))  # type: ignore[arg-type]
    starters = [threading.Thread(target=watcher.start) for _ in range(8)]
    for thread in starters:
        thread.start()
    for thread in starters:
        thread.join()
    assert watcher.running
    assert watcher.start() is watcher
    (tree / "once.txt").write_text("1")
    assert collector.wait_until(lambda c: bool(c.added)) == only(added={tree / "once.txt"})
    assert len(collector.batches) == 1  # one worker, not eight
    stoppers = [threading.Thread(target=watcher.stop) for _ in range(8)]
    for thread in stoppers:
        thread.start()
    for thread in stoppers:
        thread.join()
    watcher.stop()
    assert not watcher.running
    assert watcher.backend is None


def test_a_stopped_watcher_sees_nothing_and_can_start_again(
    mode: str, tree: Path, collector: Collector
) -> None:
    watcher = Watcher(tree, callback=collector, **options(mode))  # type: ignore[arg-type]
    with watcher:
        pass
    (tree / "while-stopped.txt").write_text("unseen")
    with watcher:
        (tree / "after.txt").write_text("seen")
        result = collector.wait_until(lambda c: bool(c.added))
    assert result == only(added={tree / "after.txt"})


def test_stop_from_inside_the_callback(mode: str, tree: Path) -> None:
    stopped = threading.Event()
    holder: list[Watcher] = []

    def stop_at_once(changes: ChangeSet) -> None:
        holder[0].stop()
        stopped.set()

    holder.append(Watcher(tree, callback=stop_at_once, **options(mode)))  # type: ignore[arg-type]
    holder[0].start()
    (tree / "x.txt").write_text("x")
    assert stopped.wait(HANG_GUARD_S)
    assert not holder[0].running


def test_a_failing_callback_is_logged_and_the_watcher_goes_on(
    mode: str, tree: Path, collector: Collector, caplog: pytest.LogCaptureFixture
) -> None:
    def flaky(changes: ChangeSet) -> None:
        collector(changes)
        if len(collector.batches) == 1:
            raise RuntimeError("boom")

    with (
        caplog.at_level(logging.ERROR, logger="devcore.watch"),
        Watcher(tree, callback=flaky, **options(mode)),  # type: ignore[arg-type]
    ):
        (tree / "first.txt").write_text("1")
        collector.wait_until(lambda c: bool(c.added))
        (tree / "second.txt").write_text("2")
        result = collector.wait_until(lambda c: tree / "second.txt" in c.added)
    assert result == only(added={tree / "first.txt", tree / "second.txt"})
    assert "boom" in caplog.text


def test_environment_forces_polling(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEVCORE_WATCH_POLLING", "1")
    with Watcher(tree) as watcher:
        assert watcher.backend == "polling"
    with Watcher(tree, polling=False) as watcher:
        assert watcher.backend == "native"


def test_non_recursive_watch_sees_only_the_top_level(mode: str, tree: Path, collector: Collector) -> None:
    with Watcher(tree, callback=collector, recursive=False, **options(mode)) as watcher:  # type: ignore[arg-type]
        assert watcher.backend == mode  # subdirectories unwatched on purpose are no reason to poll
        (tree / "pkg" / "deep.py").write_text("unseen")
        (tree / "top.txt").write_text("seen")
        assert collector.wait_until(lambda c: bool(c.added)) == only(added={tree / "top.txt"})


@pytest.mark.parametrize("reader", ["inotify", "watchdog"])
def test_native_reader_thread_dying_falls_back_to_polling(
    reader: str, tree: Path, collector: Collector, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Stop the thread that reads the kernel's events the way a fatal read error would; reaching
    # it takes private attributes (devcore's inotify reader, or watchdog's).
    monkeypatch.setenv("DEVCORE_WATCH_NATIVE", reader)
    with Watcher(tree, callback=collector, polling=None, debounce_ms=50, poll_interval_ms=50) as watcher:
        assert watcher.backend == "native"
        native = watcher._native
        if reader == "inotify":
            thread = native._thread  # type: ignore[union-attr]
            os.write(native._wake_w, b"x")  # type: ignore[union-attr]
        else:
            thread = getattr(native._observer, "_inotify_fd", None)  # type: ignore[union-attr]
            thread.stop()  # type: ignore[union-attr]
        assert isinstance(thread, threading.Thread)
        thread.join(HANG_GUARD_S)
        (tree / "after-death.txt").write_text("still seen")
        assert collector.wait_until(lambda c: bool(c.added)) == only(added={tree / "after-death.txt"})
        assert watcher.backend == "polling"


def test_close_write_does_not_hold_back_deleted_or_renamed_files(tree: Path, collector: Collector) -> None:
    with (
        Watcher(tree, callback=collector, close_write=True, polling=False, debounce_ms=50),
        open(tree / "a.txt", "w") as writer,
    ):
        writer.write("half")
        writer.flush()
        (tree / "a.txt").unlink()  # deleted while its writer still has it open
        assert collector.wait_until(lambda c: bool(c.deleted)) == only(deleted={tree / "a.txt"})
        collector.clear()
        temporary = tree / "a.txt.tmp"
        temporary.write_text("whole")
        os.replace(temporary, tree / "a.txt")  # complete the moment it is renamed
        assert collector.wait_until(lambda c: bool(c.added)) == only(added={tree / "a.txt"})


def test_moving_in_and_out_of_the_watched_tree(mode: str, tmp_path: Path, collector: Collector) -> None:
    watched, outside = tmp_path / "watched", tmp_path / "outside"
    watched.mkdir()
    (outside / "pkg").mkdir(parents=True)
    (outside / "pkg" / "m.py").write_text("m")
    with Watcher(watched, callback=collector, **options(mode)):  # type: ignore[arg-type]
        os.rename(outside / "pkg", watched / "pkg")
        arrived = {watched / "pkg", watched / "pkg" / "m.py"}
        assert collector.wait_until(lambda c: c.added >= arrived) == only(added=arrived)
        collector.clear()
        os.rename(watched / "pkg", outside / "back")
        assert collector.wait_until(lambda c: c.deleted >= arrived) == only(deleted=arrived)


def test_symlinked_directories_are_not_followed(
    mode: str, tree: Path, tmp_path: Path, collector: Collector
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tree / "link").symlink_to(elsewhere, target_is_directory=True)
    with Watcher(tree, callback=collector, **options(mode)) as watcher:  # type: ignore[arg-type]
        assert watcher.backend == mode
        (elsewhere / "outside.txt").write_text("not below the tree")
        (tree / "inside.txt").write_text("below the tree")
        assert collector.wait_until(lambda c: bool(c.added)) == only(added={tree / "inside.txt"})
        (tree / "new-link").symlink_to(elsewhere, target_is_directory=True)
        assert collector.wait_until(lambda c: tree / "new-link" in c.added) == only(
            added={tree / "inside.txt", tree / "new-link"}
        )
        assert watcher.backend == mode


INTERRUPTED_CHILD = r"""
import sys
from devcore.watch import Watcher

try:
    with Watcher(sys.argv[1]) as watcher:
        print("ready", flush=True)
        for changes in watcher:
            pass
except KeyboardInterrupt:
    print("interrupted", flush=True)
"""


def test_ctrl_c_ends_a_blocking_iteration(tmp_path: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", INTERRUPTED_CHILD, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        child.send_signal(signal.SIGINT)
        out, _ = child.communicate(timeout=HANG_GUARD_S)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert (out.strip(), child.returncode) == ("interrupted", 0)


def test_paths_are_spelled_as_given_even_through_a_symlink(
    mode: str, tree: Path, collector: Collector
) -> None:
    alias = tree.parent / "alias"
    alias.symlink_to(tree, target_is_directory=True)
    with Watcher(alias, callback=collector, **options(mode)):  # type: ignore[arg-type]
        (tree / "via-the-real-path.txt").write_text("x")
        assert collector.wait_until(lambda c: bool(c.added)) == only(added={alias / "via-the-real-path.txt"})


def test_jetbrains_safe_write_is_one_modification(
    watching: Watcher, tree: Path, collector: Collector
) -> None:
    (tree / "a.txt___jb_tmp___").write_text("alpha, as an IDE saves it")
    os.rename(tree / "a.txt", tree / "a.txt___jb_old___")
    os.rename(tree / "a.txt___jb_tmp___", tree / "a.txt")
    (tree / "a.txt___jb_old___").unlink()
    assert collector.wait_until(lambda c: bool(c.modified)) == only(modified={tree / "a.txt"})


def test_devcore_atomic_write_is_one_modification(
    watching: Watcher, tree: Path, collector: Collector
) -> None:
    atomic_write(tree / "a.txt", "alpha, written atomically")
    assert collector.wait_until(lambda c: bool(c.modified)) == only(modified={tree / "a.txt"})
    assert len(collector.batches) == 1


def test_a_staged_tree_replacing_another_reports_file_changes(
    watching: Watcher, tree: Path, collector: Collector
) -> None:
    entry = tree / "cache" / "entry"
    entry.mkdir(parents=True)
    (entry / "kept.txt").write_text("old")
    (entry / "dropped.txt").write_text("old")
    assert collector.wait_until(lambda c: entry / "dropped.txt" in c.added)
    collector.clear()
    with staged_directory(entry, replace=True) as stage:
        (stage / "kept.txt").write_text("new")
        (stage / "fresh.txt").write_text("new")
    result = collector.wait_until(lambda c: bool(c.added and c.deleted and c.modified))
    assert result == only(
        added={entry / "fresh.txt"}, modified={entry / "kept.txt"}, deleted={entry / "dropped.txt"}
    )
    collector.clear()
    (entry / "fresh.txt").write_text("the new tree is watched too")
    assert collector.wait_until(lambda c: bool(c.modified)) == only(modified={entry / "fresh.txt"})


def test_a_replaced_directory_of_a_watched_file_is_watched_anew(
    mode: str, tree: Path, collector: Collector
) -> None:
    conf = tree / "conf"
    conf.mkdir()
    (conf / "app.yaml").write_text("v: 1\n")
    with Watcher(conf / "app.yaml", callback=collector, **options(mode)):  # type: ignore[arg-type]
        with staged_directory(conf, replace=True) as stage:  # conf/ is swapped for a new dir
            (stage / "app.yaml").write_text("v: 2\n")
        assert collector.wait_until(lambda c: bool(c.modified)) == only(modified={conf / "app.yaml"})
        collector.clear()
        (conf / "app.yaml").write_text("v: 3, longer\n")
        assert collector.wait_until(lambda c: bool(c.modified)) == only(modified={conf / "app.yaml"})

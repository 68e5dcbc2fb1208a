"""Watch latency: from a file write to the callback, p50/p99, beside raw watchdog.

Each write waits for its own callback (then a random pause of up to one poll interval, so
writes do not fall in step with the polls) before the next one. Every devcore latency
includes one full debounce window (``DEBOUNCE_MS``); polling also waits for the scan that
finds the change (at most ``POLL_INTERVAL_MS`` later) and for the scan, one debounce after
it, that finds the tree quiet.
Raw watchdog is the anchor: its first event for the written file, no batching at all.

``measure(writes)`` is what ``run.py`` imports; run this file alone for a table:
``hatch run bench:python shared/devcore/benchmarks/bench_watch.py``
(``DEVCORE_BENCH_WRITES``, default 200), then a burst of ``DEVCORE_BENCH_BURST`` (1000) writes
counted in batches and losses.
"""

from __future__ import annotations

import os
import random
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from devcore.watch import ChangeSet, Watcher

DEBOUNCE_MS = 50
POLL_INTERVAL_MS = 100
HANG_GUARD_S = 10.0

Row = tuple[str, float, float]  # mode, p50 ms, p99 ms
Subscribe = Callable[[Path, Callable[[Path], None]], AbstractContextManager[object]]


@contextmanager
def devcore_watcher(
    directory: Path, seen: Callable[[Path], None], *, polling: bool, close_write: bool = False
) -> Iterator[object]:
    def on_change(changes: ChangeSet) -> None:
        for path in changes.paths():
            seen(path)

    with Watcher(
        directory,
        callback=on_change,
        polling=polling,
        debounce_ms=DEBOUNCE_MS,
        poll_interval_ms=POLL_INTERVAL_MS,
        close_write=close_write,
    ) as watcher:
        yield watcher


@contextmanager
def raw_watchdog(directory: Path, seen: Callable[[Path], None]) -> Iterator[object]:
    class Handler(FileSystemEventHandler):
        def on_any_event(self, event: FileSystemEvent) -> None:
            if not event.is_directory:
                seen(Path(os.fsdecode(event.src_path)))

    observer = Observer()
    observer.schedule(Handler(), str(directory), recursive=True)
    observer.start()
    try:
        yield observer
    finally:
        observer.stop()
        observer.join()


def latencies(subscribe: Subscribe, writes: int) -> list[float]:
    """Milliseconds from each write to the first callback naming the written file."""
    with tempfile.TemporaryDirectory(prefix="devcore-bench-watch-") as name:
        directory = Path(name)
        arrived: dict[Path, float] = {}
        cond = threading.Condition()

        def seen(path: Path) -> None:
            with cond:
                arrived.setdefault(path, time.perf_counter())
                cond.notify_all()

        result = []
        with subscribe(directory, seen):
            time.sleep(0.2)  # let the backend settle before timing
            for index in range(writes):
                path = directory / f"file{index:05d}.txt"
                start = time.perf_counter()
                path.write_text(f"write {index}\n")
                with cond:
                    if not cond.wait_for(lambda p=path: p in arrived, HANG_GUARD_S):  # type: ignore[misc]
                        raise TimeoutError(f"no callback for {path} within {HANG_GUARD_S} s")
                    result.append((arrived[path] - start) * 1000)
                time.sleep(random.uniform(0.005, POLL_INTERVAL_MS / 1000))
        return result


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure(writes: int) -> list[Row]:
    """Write-to-callback latency of devcore (native, polling) and of raw watchdog.

    Args:
        writes: how many writes to time per mode.

    Returns:
        Rows ``(mode, p50_ms, p99_ms)`` for "devcore native", "devcore close-write" (a
        completed save is delivered without waiting the debounce), "devcore polling" and
        "raw watchdog".
    """
    modes: list[tuple[str, Subscribe]] = [
        ("devcore native", lambda d, s: devcore_watcher(d, s, polling=False)),
        ("devcore close-write", lambda d, s: devcore_watcher(d, s, polling=False, close_write=True)),
        ("devcore polling", lambda d, s: devcore_watcher(d, s, polling=True)),
        ("raw watchdog", raw_watchdog),
    ]
    rows = []
    for name, subscribe in modes:
        values = latencies(subscribe, writes)
        rows.append((name, percentile(values, 0.5), percentile(values, 0.99)))
    return rows


def burst(writes: int, *, polling: bool) -> tuple[int, int]:
    """Write ``writes`` files as fast as possible with default options; (batches, files lost)."""
    with tempfile.TemporaryDirectory(prefix="devcore-bench-burst-") as name:
        directory = Path(name)
        batches: list[ChangeSet] = []
        expected = {directory / f"burst{index:05d}.txt" for index in range(writes)}
        arrived = threading.Event()

        def on_change(changes: ChangeSet) -> None:
            batches.append(changes)
            if expected <= set().union(*(batch.added for batch in batches)):
                arrived.set()

        with Watcher(directory, callback=on_change, polling=polling):
            time.sleep(0.2)
            for path in sorted(expected):
                path.write_text(path.name)
            arrived.wait(HANG_GUARD_S)
            time.sleep(0.5)  # anything late would be a further batch
        seen: set[Path] = set().union(*(batch.added for batch in batches))
        return len(batches), len(expected - seen)


def watch_counts(covered: int, ignored: int) -> list[tuple[str, int, float]]:
    """inotify watches and start time for a tree of ``covered`` source directories beside
    ``ignored`` ones under ``.git`` and ``node_modules``: devcore's reader, then watchdog's."""
    from devcore._watch_limits import watched_inodes

    rows = []
    with tempfile.TemporaryDirectory(prefix="devcore-bench-watches-") as name:
        root = Path(name)
        for index in range(covered):
            (root / "src" / f"pkg{index // 20}" / f"mod{index}").mkdir(parents=True)
        for index in range(ignored):
            top = ".git/objects" if index % 2 else "node_modules"
            (root / top / f"d{index // 20}" / f"e{index}").mkdir(parents=True)
        for backend in ("inotify", "watchdog"):
            os.environ["DEVCORE_WATCH_NATIVE"] = backend
            started = time.perf_counter()
            with Watcher(root, polling=False) as watcher:
                elapsed = time.perf_counter() - started
                native = watcher._native
                fd = native._fd if backend == "inotify" else native._observer._inotify_fd._inotify_fd  # type: ignore[union-attr]
                rows.append((backend, len(watched_inodes(fd) or ()), elapsed))
        os.environ.pop("DEVCORE_WATCH_NATIVE")
    return rows


def main() -> None:
    writes = int(os.environ.get("DEVCORE_BENCH_WRITES", "200"))
    rows = measure(writes)
    anchor = next(p50 for name, p50, _ in rows if name == "raw watchdog")
    windows = {
        "devcore native": DEBOUNCE_MS,
        "devcore close-write": 0,
        "devcore polling": DEBOUNCE_MS,
        "raw watchdog": 0,
    }
    print(
        f"watch latency, file write to callback, {writes} writes (debounce {DEBOUNCE_MS} ms, poll {POLL_INTERVAL_MS} ms)"
    )
    header = (
        f"{'mode':<16} {'p50 ms':>8} {'p99 ms':>8} {'p50 beyond debounce':>21} {'p50 vs raw watchdog':>20}"
    )
    print(header)
    print("-" * len(header))
    for name, p50, p99 in rows:
        beyond = p50 - windows[name]
        print(f"{name:<16} {p50:8.1f} {p99:8.1f} {beyond:18.1f} ms {p50 - anchor:+17.1f} ms")
    polled = next(p99 for name, _, p99 in rows if name == "devcore polling")
    print(f"polling: p99 {polled / POLL_INTERVAL_MS:.2f} poll intervals from write to callback")
    covered, ignored = 1_000, 4_000
    for backend, watches, elapsed in watch_counts(covered, ignored):
        print(
            f"start on {covered:,} source + {ignored:,} ignored directories, {backend}: "
            f"{watches:,} inotify watches, {elapsed * 1000:.0f} ms"
        )
    bursts = int(os.environ.get("DEVCORE_BENCH_BURST", "1000"))
    for mode, polling in (("native", False), ("polling", True)):
        batches, lost = burst(bursts, polling=polling)
        print(f"burst of {bursts} writes, {mode}, default options: {batches} batch(es), {lost} lost")


if __name__ == "__main__":
    main()

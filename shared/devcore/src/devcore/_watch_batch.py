"""The watcher's worker: collects marks, debounces them and turns them into change sets.

Backends do not compute changes; they only say where to look. The native backend marks the
paths its events name; the polling backend hands over full scans. After ``debounce`` of
quiet (or ``max_delay`` of steady activity) the worker re-stats what was marked, compares it
with the entries it remembers and delivers the net ChangeSet. The same thread polls (in
polling mode), checks on the native backend (otherwise) and looks for missing roots every
poll interval.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable

from devcore._watch_changes import ChangeSet
from devcore._watch_diff import diff_entries
from devcore._watch_racy import add_digests, scan_roots
from devcore._watch_scope import Entry, Root, ancestors, directory_inode, stat_entry

logger = logging.getLogger("devcore.watch")


EAGER_MEMORY = 1_024
"""How many recently saved paths eager batches remember before forgetting the old ones."""

IN_FLIGHT_RECHECK_S = 0.005
"""How soon a batch due while the backend still holds events is looked at again."""


def poll_delay(interval_s: float, scan_s: float) -> float:
    """Seconds from one scan's start to the next: the interval, stretched so that scanning
    a large tree takes at most a quarter of the time."""
    return max(interval_s, 4 * scan_s)


class Marks:
    """What happened since the last flush: paths to re-stat, renames, or a full scan."""

    def __init__(self) -> None:
        self.shallow: set[str] = set()
        self.deep: set[str] = set()
        self.touched: set[str] = set()
        self.moves: list[tuple[str, str]] = []
        self.full: dict[str, Entry] | None = None

    def __bool__(self) -> bool:
        return bool(self.shallow or self.deep or self.moves or self.full is not None)


class Batcher:
    """Debounces marks into change sets on its own thread; thread-safe to feed.

    Args:
        roots: the roots that exist (watched now).
        missing: roots that do not exist yet (checked every poll interval).
        deliver: called with every non-empty ChangeSet, on the worker thread.
        debounce_s: quiet time that ends a batch.
        max_delay_s: longest a batch is held back while events keep coming.
        poll_interval_s: period of polling and of the checks for missing roots.
        on_root_appeared: called (worker thread) when a missing root appears, before its scan.
        on_root_vanished: called (worker thread) when a root's directory disappears.
        on_root_replaced: called (worker thread) when a root's directory was replaced by
            another one of the same name (native events only).
        on_new_directories: called (worker thread) with the (path, inode) of directories that
            appeared in a batch of native events.
        on_tick: called (worker thread) every poll interval while not polling.
        in_flight: whether the backend holds events not yet marked (a batch waits for them).
        eager: a completed save (a covered file closed after writing, or renamed into place,
            or a ``..data``-style link swapped) ends its batch at once instead of after the
            debounce, unless the same path saw a completed save within the last debounce
            window (the leading save of a burst is delivered at once, the rest are batched).
    """

    def __init__(
        self,
        roots: list[Root],
        missing: list[Root],
        *,
        deliver: Callable[[ChangeSet], None],
        debounce_s: float,
        max_delay_s: float,
        poll_interval_s: float,
        on_root_appeared: Callable[[Root], None],
        on_root_vanished: Callable[[Root], None],
        on_root_replaced: Callable[[Root], None],
        on_new_directories: Callable[[list[tuple[str, int]]], None],
        on_tick: Callable[[], None],
        in_flight: Callable[[], bool],
        eager: bool = False,
    ) -> None:
        self.roots = roots
        self.missing = missing
        self.polling = False
        self._deliver = deliver
        self._debounce_s = debounce_s
        self._max_delay_s = max(max_delay_s, debounce_s)
        self._poll_interval_s = poll_interval_s
        self._on_root_appeared = on_root_appeared
        self._on_root_vanished = on_root_vanished
        self._on_root_replaced = on_root_replaced
        self._on_new_directories = on_new_directories
        self._on_tick = on_tick
        self._in_flight = in_flight
        self._eager = eager
        self._complete = False
        self._leading: dict[str, float] = {}
        self._cond = threading.Condition()
        self._marks = Marks()
        self._writing: set[str] = set()
        self._first_at = 0.0
        self._last_at = 0.0
        self._next_poll = 0.0
        self._stopping = False
        self._stable = True
        self._thread: threading.Thread | None = None
        self._base: dict[str, Entry] = {}
        self._last_scan: dict[str, Entry] = {}

    # -- feeding (any thread) --------------------------------------------------------

    def mark(self, path: str, *, deep: bool = False, touched: bool = False) -> None:
        """Ask for ``path`` (and with ``deep`` everything below it) to be re-stated."""
        with self._cond:
            (self._marks.deep if deep else self._marks.shallow).add(path)
            if touched:
                self._marks.touched.add(path)
            self._activity()

    def mark_arrival(self, path: str, *, deep: bool) -> None:
        """``path`` was renamed into place from where no event told us (outside the watched
        directories, or a rename whose two halves came in separate reads): complete, like the
        destination of a move."""
        with self._cond:
            self._writing.discard(path)
            (self._marks.deep if deep else self._marks.shallow).add(path)
            self._activity()
            self._saved(path)

    def mark_move(self, source: str, destination: str, *, deep: bool) -> None:
        """Record a rename and mark both of its ends."""
        with self._cond:
            self._writing.difference_update((source, destination))  # a renamed file is complete
            self._marks.moves.append((source, destination))
            target = self._marks.deep if deep else self._marks.shallow
            target.update((source, destination))
            self._activity()
            self._saved(destination)

    def hold(self, path: str) -> None:
        """Keep ``path`` out of change sets until ``release`` (a writer has it open)."""
        with self._cond:
            self._writing.add(path)

    def forget(self, path: str) -> None:
        """``path`` is gone: stop holding it back (its writer will not be seen closing it)."""
        with self._cond:
            self._writing.discard(path)

    def release(self, path: str) -> None:
        """The writer of ``path`` closed it: report it."""
        with self._cond:
            self._writing.discard(path)
            self._marks.shallow.add(path)
            self._marks.touched.add(path)
            self._activity()
            self._saved(path)

    def _saved(self, path: str) -> None:
        """A save of ``path`` completed: end the batch now if it leads (called holding the lock).

        It leads when the same path saw no completed save for a debounce window; the saves
        of a burst that follow it are batched as usual until the burst stops.
        """
        if not self._eager or not (self._covered(path) or self._is_link_swap(path)):
            return
        now = self._last_at
        previous = self._leading.get(path)
        self._leading[path] = now
        if previous is not None and now - previous < self._debounce_s:
            return
        if len(self._leading) > EAGER_MEMORY:
            self._leading = {p: at for p, at in self._leading.items() if now - at < self._debounce_s}
        self._complete = True
        self._cond.notify()

    def _is_link_swap(self, path: str) -> bool:
        return any(root.link_dir(path) == os.path.dirname(path) for root in self.roots)

    def _activity(self) -> None:
        now = time.monotonic()
        if not self._first_at:
            self._first_at = now
        self._last_at = now
        self._cond.notify()

    # -- lifecycle ---------------------------------------------------------------------

    def scan(self) -> None:
        """Take the first scan of every root (before ``start``)."""
        self._base = scan_roots(self.roots)
        self._last_scan = dict(self._base)

    def start(self) -> None:
        """Start the worker thread."""
        self._stopping = False
        self._next_poll = time.monotonic() + self._poll_interval_s
        self._thread = threading.Thread(target=self._run, name="devcore-watch", daemon=True)
        self._thread.start()

    def switch_to_polling(self) -> None:
        """Poll from now on (native events failed); the first scan is due at once."""
        with self._cond:
            self.polling = True
            self._next_poll = time.monotonic()
            self._cond.notify()

    def directories(self) -> list[tuple[str, int]]:
        """The (path, inode) of every watched directory: the roots' and those below them."""
        found = [(path, entry.ino) for path, entry in self._base.items() if self._watched_below(path, entry)]
        for root in self.roots:
            entry = stat_entry(root.watch_dir)
            if entry is not None:
                found.append((root.watch_dir, entry.ino))
        return found

    def _watched_below(self, path: str, entry: Entry) -> bool:
        """Whether native events for ``path`` come from a watch of its own (a directory
        below a recursive root, not a symlink)."""
        if not entry.is_dir or os.path.islink(path):
            return False
        return any(root.recursive and not root.is_file and root.covers(path) for root in self.roots)

    def stop(self) -> None:
        """Stop the worker thread (waits for it unless called from it)."""
        with self._cond:
            self._stopping = True
            self._cond.notify()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    # -- the worker --------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            with self._cond:
                poll_due, marks = self._wait()
                if marks is None and not poll_due:
                    return
            try:
                if poll_due:
                    self._poll()
                if marks is not None:
                    self._flush(marks)
            except Exception:  # keep watching: a dead worker would leave the watcher deaf
                logger.exception("devcore.watch: unexpected error in the watcher thread")

    def _wait(self) -> tuple[bool, Marks | None]:
        """Wait until a poll or a batch is due; ``(False, None)`` only when stopping."""
        while not self._stopping:
            now = time.monotonic()
            deadlines = []
            flush_at = self._flush_deadline()
            if flush_at is not None:
                deadlines.append(flush_at)
            deadlines.append(self._next_poll)
            if min(deadlines) <= now:
                poll_due, marks = self._due(now)
                if poll_due or marks is not None:
                    return poll_due, marks
                continue  # the batch was put off: its events are still in flight
            self._cond.wait(min(deadlines) - now)
        return False, None

    def _flush_deadline(self) -> float | None:
        """When the pending marks are due: after ``debounce`` of quiet or ``max_delay``.

        Polling knows of quiet only by scanning, so a full scan is due only once a later
        scan (``debounce`` after it) found nothing new: a writer caught halfway is not
        reported halfway, and a change arrives within one interval and one debounce.
        """
        if not self._marks:
            return None
        if self._complete:
            return self._last_at
        latest = self._first_at + self._max_delay_s
        if self._marks.full is not None and not self._stable:
            return latest
        return min(self._last_at + self._debounce_s, latest)

    def _due(self, now: float) -> tuple[bool, Marks | None]:
        poll_due = self._next_poll <= now
        if poll_due:
            self._next_poll = now + self._poll_interval_s
        marks = None
        flush_at = self._flush_deadline()
        if flush_at is not None and flush_at <= now:
            if not self._complete and now < self._first_at + self._max_delay_s and self._in_flight():
                # quiet only because the process was starved: events are still queued
                self._last_at = now - self._debounce_s + IN_FLIGHT_RECHECK_S
                return poll_due, None
            marks, self._marks = self._marks, Marks()
            self._first_at = 0.0
            self._complete = False
        return poll_due, marks

    def _poll(self) -> None:
        for root in list(self.missing):
            if root.detect_kind():
                self._appear(root)
        if not self.polling:
            self._on_tick()
            return
        started = time.monotonic()
        scan = scan_roots(self.roots)
        with self._cond:
            self._next_poll = started + poll_delay(self._poll_interval_s, time.monotonic() - started)
            self._stable = scan == self._last_scan
            if not self._stable:  # confirm quiet after a debounce, not a whole interval
                self._marks.full = scan
                self._activity()
                self._next_poll = min(self._next_poll, self._last_at + self._debounce_s)
        self._last_scan = scan

    def _appear(self, root: Root) -> None:
        self._on_root_appeared(root)
        self.missing.remove(root)
        self.roots.append(root)
        if not self.polling:  # a poll reports it as soon as the next scan
            self.mark(root.path, deep=not root.is_file)

    def _flush(self, marks: Marks) -> None:
        if marks.full is not None:
            changes = diff_entries(self._base, marks.full)
            self._base = dict(marks.full)
        else:
            changes = self._refresh(marks)
        self._check_roots()
        self._emit(changes)

    def _refresh(self, marks: Marks) -> ChangeSet:
        """Re-stat what the marks name, update the remembered entries, return the changes."""
        with self._cond:
            writing = set(self._writing)
        old_keys, new = self._restat(marks.shallow - writing, set(marks.deep))
        add_digests(new)
        old = {path: self._base[path] for path in old_keys if path in self._base}
        for path in old_keys:
            self._base.pop(path, None)
        self._base.update(new)
        appeared = [
            (path, e.ino) for path, e in new.items() if path not in old and self._watched_below(path, e)
        ]
        if appeared:
            self._on_new_directories(appeared)
        return diff_entries(
            old, new, touched=marks.touched - writing, moves=marks.moves, moves_need_hint=True
        )

    def _restat(self, shallow: set[str], deep: set[str]) -> tuple[set[str], dict[str, Entry]]:
        """The covered paths concerned (before and after) and their entries now.

        Concerned are the marked paths, everything below a deeply marked (or new) directory,
        and the entries beside a ``..data``-style link that something under it changed.
        """
        link_dirs = {d for p in shallow | deep for root in self.roots if (d := root.link_dir(p)) is not None}
        keys = {path for path in shallow if self._covered(path)}
        new: dict[str, Entry] = {}
        for path in keys:
            entry = stat_entry(path)
            if entry is not None:
                new[path] = entry
                before = self._base.get(path)
                if entry.is_dir and (before is None or not before.is_dir):
                    deep.add(path)
        for path in self._base if link_dirs or deep else ():
            if os.path.dirname(path) in link_dirs:
                keys.add(path)
                entry = stat_entry(path)
                if entry is not None:
                    new[path] = entry
            if deep and (path in deep or not deep.isdisjoint(ancestors(path))):
                keys.add(path)
        for directory in deep:
            for root in self.roots:
                root.scan_below(directory, new)
        return keys, new

    def _covered(self, path: str) -> bool:
        return any(root.covers(path) for root in self.roots)

    def _check_roots(self) -> None:
        """Wait for roots whose directory vanished; re-watch those whose directory was replaced."""
        for root in list(self.roots):
            inode = directory_inode(root.watch_dir)
            if inode is None:
                self.roots.remove(root)
                self.missing.append(root)
                self._on_root_vanished(root)
            elif inode != root.watched_inode:
                root.watched_inode = inode
                if not self.polling:
                    self._on_root_replaced(root)
                    self.mark(root.path, deep=not root.is_file)

    def _emit(self, changes: ChangeSet) -> None:
        if not changes:
            return
        try:
            self._deliver(changes)
        except Exception:
            logger.exception("devcore.watch: the change callback raised")

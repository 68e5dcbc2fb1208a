"""The native backend: watchdog's observer (inotify, FSEvents, ...) feeding a Batcher.

Events only say where to look: each names paths for the batcher to re-stat. Directories are
scheduled, never files (a file root is watched through its parent), so an editor's atomic
save (temp file renamed over the real one) is seen like any other write.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
import threading
import weakref
from typing import TYPE_CHECKING

from devcore._watch_batch import Batcher
from devcore._watch_limits import unwatched
from devcore._watch_scope import Root

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from watchdog.events import FileSystemEvent, FileSystemEventHandler
    from watchdog.observers.api import BaseObserver, ObservedWatch

CLOSE_WRITE_SUPPORTED = sys.platform.startswith("linux")
"""Whether the platform reports a writer closing a file (inotify's IN_CLOSE_WRITE)."""


class NativeBackend:
    """Schedules one watchdog watch per watched directory and forwards events as marks.

    Args:
        batcher: where the marks go.
        close_write: report written files only once their writer closed them (Linux).

    Raises:
        OSError: from ``start`` or ``schedule`` when native events are unavailable or the
            inotify limits are hit (ENOSPC: watches, EMFILE: instances).
    """

    def __init__(self, batcher: Batcher, *, close_write: bool) -> None:
        self._batcher = batcher
        self._close_write = close_write and CLOSE_WRITE_SUPPORTED
        self._lock = threading.Lock()
        self._observer: BaseObserver | None = None
        self._handler: FileSystemEventHandler | None = None
        self._watches: dict[tuple[str, bool], tuple[ObservedWatch, int]] = {}
        self._aliases: dict[str, str] = {}  # resolved directory -> as scheduled, where they differ

    def start(self, roots: list[Root]) -> None:
        """Create the observer, schedule every root and start watching."""
        from watchdog.observers import Observer

        with self._lock:
            self._observer = Observer()
            self._handler = _handler_class()(self)
            _OVERFLOW.listen(self)
            try:
                for root in roots:
                    self._schedule(root)
                self._observer.start()
            except BaseException:
                self._stop_observer()
                raise

    def stop(self) -> None:
        """Stop the observer and wait for its threads."""
        with self._lock:
            self._stop_observer()

    def schedule(self, root: Root) -> None:
        """Watch one more root (a root that appeared)."""
        with self._lock:
            if self._observer is not None:
                self._schedule(root)

    def unschedule(self, root: Root) -> None:
        """Stop watching a root (its directory disappeared)."""
        with self._lock:
            key = _key(root)
            watch, count = self._watches.pop(key, (None, 0))
            if watch is None or self._observer is None:
                return
            if count > 1:
                self._watches[key] = (watch, count - 1)
            else:
                self._observer.unschedule(watch)

    def in_flight(self) -> bool:
        """Whether the observer holds events it has not handed over yet."""
        observer = self._observer
        return observer is not None and not observer.event_queue.empty()

    def healthy(self) -> bool:
        """Whether the observer and its event reader threads still run."""
        observer = self._observer
        if observer is None or not observer.is_alive():
            return False
        reader = getattr(observer, "_inotify_fd", None)  # watchdog's inotify reader thread
        return not isinstance(reader, threading.Thread) or reader.is_alive()

    def overflowed(self) -> None:
        """The kernel dropped events: have everything watched re-stated."""
        keys = list(self._watches)  # no lock: stop() holds it while joining the reader calling this
        for directory, _ in keys:
            self._batcher.mark(directory, deep=True)

    def unwatched(self, directories: Iterable[tuple[str, int]]) -> list[str]:
        """Which of these existing directories (path, inode) inotify does not watch.

        Always empty where the kernel does not list its watches (other platforms).
        """
        return unwatched(_inotify_fd(self._observer), directories)

    def reschedule(self, root: Root) -> None:
        """Watch a root's directory anew (it was replaced by another of the same name)."""
        with self._lock:
            if self._observer is None:
                return
            key = _key(root)
            watch, count = self._watches.pop(key, (None, 1))
            if watch is not None:
                self._observer.unschedule(watch)
            self._watches[key] = (self._add_watch(key), count)

    def _schedule(self, root: Root) -> None:
        key = _key(root)
        if key in self._watches:
            watch, count = self._watches[key]
            self._watches[key] = (watch, count + 1)
            return
        self._watches[key] = (self._add_watch(key), 1)

    def _add_watch(self, key: tuple[str, bool]) -> ObservedWatch:
        assert self._observer is not None
        assert self._handler is not None
        watch = self._observer.schedule(
            self._handler, str(key[0]), recursive=key[1], event_filter=_event_filter()
        )
        resolved = os.path.realpath(key[0])
        if resolved != key[0]:
            self._aliases[resolved] = key[0]
        return watch

    def _path(self, raw: bytes | str) -> str:
        """An event's path, spelled under the directory as scheduled: some backends
        (FSEvents) report resolved paths, e.g. ``/private/var/...`` for ``/var/...``."""
        path = os.fsdecode(raw)
        for resolved, scheduled in list(self._aliases.items()):
            if path == resolved or path.startswith(resolved + os.sep):
                return scheduled + path[len(resolved) :]
        return path

    def _stop_observer(self) -> None:
        observer, self._observer = self._observer, None
        self._watches.clear()
        self._aliases.clear()
        if observer is not None:
            observer.stop()
            if observer.is_alive():
                observer.join()

    def on_event(self, event: FileSystemEvent) -> None:
        """Translate one watchdog event into marks (called on the observer's thread)."""
        batcher = self._batcher
        source = self._path(event.src_path)
        kind = event.event_type
        if kind == "moved":
            batcher.mark_move(source, self._path(event.dest_path), deep=event.is_directory)
        elif event.is_directory:
            batcher.mark(source, deep=kind in ("created", "deleted"))
        elif kind == "deleted":
            batcher.forget(source)
            batcher.mark(source)
        elif kind == "closed":
            batcher.release(source)
        elif self._close_write and kind in ("created", "modified") and _is_regular_file(source):
            batcher.hold(source)
            batcher.mark(source)
        else:
            batcher.mark(source, touched=kind in ("created", "modified"))


class _OverflowListener(logging.Filter):
    """Hears watchdog's "Inotify queue overflowed" warning and tells every native backend.

    When the kernel's event queue (``max_queued_events``) overflows, events are lost and
    watchdog only logs it; the backends then re-stat everything they watch. Installed on
    watchdog's logger by the first native start, never on import.
    """

    LOGGER = "watchdog.observers.inotify_c"

    def __init__(self) -> None:
        super().__init__()
        self._backends: weakref.WeakSet[NativeBackend] = weakref.WeakSet()

    def listen(self, backend: NativeBackend) -> None:
        logger = logging.getLogger(self.LOGGER)
        if self not in logger.filters:
            logger.addFilter(self)
        self._backends.add(backend)

    def filter(self, record: logging.LogRecord) -> bool:
        if str(record.msg).startswith("Inotify queue overflowed"):
            for backend in list(self._backends):
                backend.overflowed()
        return True


_OVERFLOW = _OverflowListener()


def _inotify_fd(observer: BaseObserver | None) -> int | None:
    """The descriptor of the observer's inotify instance (watchdog keeps it private)."""
    fd = getattr(getattr(observer, "_inotify_fd", None), "_inotify_fd", None)
    return fd if isinstance(fd, int) else None


def _key(root: Root) -> tuple[str, bool]:
    return root.watch_dir, root.recursive and not root.is_file


def _is_regular_file(path: str) -> bool:
    return os.path.isfile(path) and not os.path.islink(path)


def _event_filter() -> list[type[FileSystemEvent]]:
    from watchdog import events

    wanted: list[type[FileSystemEvent]] = [
        events.FileCreatedEvent,
        events.DirCreatedEvent,
        events.FileDeletedEvent,
        events.DirDeletedEvent,
        events.FileModifiedEvent,
        events.FileMovedEvent,
        events.DirMovedEvent,
        events.FileAttribEvent,
    ]
    if CLOSE_WRITE_SUPPORTED:
        wanted.append(events.FileClosedEvent)
    return wanted


@functools.cache
def _handler_class() -> Callable[[NativeBackend], FileSystemEventHandler]:
    from watchdog.events import FileSystemEventHandler

    class _Handler(FileSystemEventHandler):
        def __init__(self, backend: NativeBackend) -> None:
            self._backend = backend

        def dispatch(self, event: FileSystemEvent) -> None:
            self._backend.on_event(event)

    return _Handler

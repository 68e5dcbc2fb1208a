"""One watcher API over watchdog: debounced change sets, native events or polling.

>>> from devcore.watch import Watcher, watch, awatch, ChangeSet

A ``Watcher`` watches directories (recursively) and single files (through their parent
directory), batches the events of ``debounce_ms`` of activity and delivers the net
``ChangeSet`` of each batch to a callback, a blocking iterator or an async iterator.
Environment: ``DEVCORE_WATCH_POLLING=1`` forces polling wherever ``polling=None``;
``DEVCORE_WATCH_NATIVE=watchdog`` takes native events from watchdog's observer on Linux too
(by default devcore reads inotify itself there, see ``_watch_inotify``).
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import sys
import threading
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Literal, Self, TypedDict, Unpack

from devcore._errors import WatchError, WatchPathNotFound
from devcore._watch_batch import Batcher
from devcore._watch_changes import ChangeSet
from devcore._watch_ignore import DEFAULT_IGNORE, IgnoreRules
from devcore._watch_native import CLOSE_WRITE_SUPPORTED, NativeBackend
from devcore._watch_scope import Root

if TYPE_CHECKING:
    from devcore._watch_inotify import InotifyBackend

__all__ = [
    "CLOSE_WRITE_SUPPORTED",
    "DEFAULT_IGNORE",
    "ChangeSet",
    "WatchError",
    "WatchOptions",
    "WatchPathNotFound",
    "Watcher",
    "awatch",
    "watch",
]

logger = logging.getLogger("devcore.watch")

StrPath = str | os.PathLike[str]
Backend = Literal["native", "polling"]
_STOPPED = object()


class WatchOptions(TypedDict, total=False):
    """The keyword options of ``Watcher`` that ``watch`` and ``awatch`` pass on."""

    debounce_ms: int
    max_delay_ms: int
    ignore: Iterable[str]
    polling: bool | None
    poll_interval_ms: int
    close_write: bool | None
    wait_for_missing: bool
    recursive: bool


def use_inotify(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether native events come from devcore's own inotify reader (Linux) rather than
    watchdog's observer; ``DEVCORE_WATCH_NATIVE=watchdog`` picks watchdog's on Linux too."""
    return sys.platform.startswith("linux") and environ.get("DEVCORE_WATCH_NATIVE", "") != "watchdog"


def polling_requested(polling: bool | None, environ: Mapping[str, str] = os.environ) -> bool:
    """Whether a watcher polls from the start: ``polling``, else ``DEVCORE_WATCH_POLLING``."""
    if polling is not None:
        return polling
    return environ.get("DEVCORE_WATCH_POLLING", "").strip().lower() in ("1", "true", "yes", "on")


class Watcher:
    """Watch files and directories; deliver debounced, batched change sets.

    Use it as a context manager or call ``start()``/``stop()`` (thread-safe, idempotent; a
    stopped watcher can be started again). Without a callback, iterate over it: the
    iterator blocks for the next ChangeSet and ends when the watcher stops.

    Args:
        paths: a path or an iterable of paths; a directory is watched below (see
            ``recursive``), a file through its parent directory.
        callback: called with each non-empty ChangeSet on the watcher's thread; an exception
            it raises is logged (logger ``devcore.watch``) and the watcher goes on.
        debounce_ms: a batch ends after this many milliseconds without events.
        max_delay_ms: a batch is delivered after at most this many milliseconds even when
            events keep coming.
        ignore: fnmatch patterns of names (or, with ``/``, of paths relative to the
            watched directory) never reported; both ends of a move are checked.
        polling: ``None`` uses native events and falls back to polling when they are
            unavailable or the inotify limits are hit; ``True`` forces polling (so does
            ``DEVCORE_WATCH_POLLING=1`` when ``polling`` is None); ``False`` never polls
            (start raises ``WatchError`` when native events fail).
        poll_interval_ms: period of polling, and of the checks for missing paths.
        close_write: report a written file only once its writer closed it, so readers never
            see a partial write; a completed save (closed after writing, renamed into place,
            a ``..data`` link swapped) then ends its batch at once unless the same path saw a
            completed save within the last ``debounce_ms`` (Linux; ignored elsewhere and
            when polling).
        wait_for_missing: a missing path is waited for (checked every poll interval and
            reported as added when it appears) instead of raising ``WatchPathNotFound``.
        recursive: watch directories below the given ones too.

    Raises:
        WatchPathNotFound: from ``start`` when a path does not exist and
            ``wait_for_missing`` is False.
        WatchError: from ``start`` when ``polling=False`` and native events fail.
    """

    def __init__(
        self,
        paths: StrPath | Iterable[StrPath],
        *,
        callback: Callable[[ChangeSet], object] | None = None,
        debounce_ms: int = 50,
        max_delay_ms: int = 2_000,
        ignore: Iterable[str] = DEFAULT_IGNORE,
        polling: bool | None = None,
        poll_interval_ms: int = 100,
        close_write: bool | None = None,
        wait_for_missing: bool = False,
        recursive: bool = True,
    ) -> None:
        items = [paths] if isinstance(paths, str | os.PathLike) else list(paths)
        rules = IgnoreRules(ignore)
        self.paths = tuple(Path(os.path.abspath(os.fspath(item))) for item in items)
        self._roots = [Root(str(path), rules, recursive=recursive) for path in self.paths]
        self._callback = callback
        self._debounce_s = debounce_ms / 1000
        self._max_delay_s = max_delay_ms / 1000
        self._polling = polling
        self._poll_interval_s = poll_interval_ms / 1000
        self._close_write = bool(close_write)
        self._wait_for_missing = wait_for_missing
        self._lock = threading.RLock()
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._batcher: Batcher | None = None
        self._native: NativeBackend | InotifyBackend | None = None

    def __repr__(self) -> str:
        paths = [str(path) for path in self.paths]
        return f"<Watcher {paths!r} {self.backend or 'stopped'}>"

    @property
    def backend(self) -> Backend | None:
        """``"native"`` or ``"polling"`` while running (polling after a fallback), else None."""
        batcher = self._batcher
        if batcher is None:
            return None
        return "polling" if batcher.polling else "native"

    @property
    def running(self) -> bool:
        """Whether the watcher is started."""
        return self._batcher is not None

    def start(self) -> Self:
        """Take the first scan and start watching; a no-op when already running.

        Returns:
            The watcher itself.
        """
        with self._lock:
            if self._batcher is not None:
                return self
            present, missing = self._split_roots()
            self._queue = queue.SimpleQueue()
            batcher = Batcher(
                present,
                missing,
                deliver=self._deliver,
                debounce_s=self._debounce_s,
                max_delay_s=self._max_delay_s,
                poll_interval_s=self._poll_interval_s,
                on_root_appeared=self._root_appeared,
                on_root_vanished=self._root_vanished,
                on_root_replaced=self._root_replaced,
                on_new_directories=self._directories_appeared,
                on_tick=self._check_native,
                in_flight=self._native_in_flight,
                eager=self._close_write and CLOSE_WRITE_SUPPORTED,
            )
            self._native = None if polling_requested(self._polling) else self._start_native(batcher, present)
            batcher.polling = self._native is None
            batcher.scan()
            self._batcher = batcher
            self._directories_appeared(batcher.directories())  # before the worker changes them
            batcher.start()
            return self

    def stop(self) -> None:
        """Stop watching and end the iterators; a no-op when not running."""
        with self._lock:
            batcher, self._batcher = self._batcher, None
            native, self._native = self._native, None
            stopped = self._queue
        if batcher is None:
            return
        batcher.stop()  # joins its thread, unless called from it (a callback)
        if native is not None:
            native.stop()
        stopped.put(_STOPPED)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def __iter__(self) -> Iterator[ChangeSet]:
        """Start if needed, then yield each ChangeSet until the watcher stops."""
        with self._lock:
            self.start()
            changes = self._queue
        while True:
            item = changes.get()
            if item is _STOPPED:
                return
            assert isinstance(item, ChangeSet)
            yield item

    def _split_roots(self) -> tuple[list[Root], list[Root]]:
        present: list[Root] = []
        missing: list[Root] = []
        for root in self._roots:
            if root.detect_kind():
                present.append(root)
            elif self._wait_for_missing:
                missing.append(root)
            else:
                raise WatchPathNotFound(Path(root.path))
        return present, missing

    def _start_native(self, batcher: Batcher, roots: list[Root]) -> NativeBackend | InotifyBackend | None:
        native: NativeBackend | InotifyBackend
        if use_inotify():
            from devcore._watch_inotify import InotifyBackend

            native = InotifyBackend(batcher, close_write=self._close_write)
        else:
            native = NativeBackend(batcher, close_write=self._close_write)
        try:
            native.start(roots)
        except (OSError, ImportError) as error:
            if self._polling is False:
                raise WatchError(f"native file events unavailable: {error}") from error
            logger.warning("devcore.watch: native events unavailable (%s); polling instead", error)
            return None
        return native

    def _directories_appeared(self, directories: list[tuple[str, int]]) -> None:
        native = self._native
        if native is None:
            return
        missed = native.unwatched(directories)
        if missed:
            logger.warning(
                "devcore.watch: inotify watch limit hit (%d directories unwatched, e.g. %s); polling instead",
                len(missed),
                missed[0],
            )
            self._fall_back_to_polling()

    def _native_in_flight(self) -> bool:
        native = self._native
        return native is not None and native.in_flight()

    def _check_native(self) -> None:
        native = self._native
        if native is not None and not native.healthy():
            logger.warning("devcore.watch: native event threads stopped; polling instead")
            self._fall_back_to_polling()

    def _root_appeared(self, root: Root) -> None:
        self._with_native(root, "schedule")

    def _root_replaced(self, root: Root) -> None:
        self._with_native(root, "reschedule")

    def _with_native(self, root: Root, action: Literal["schedule", "reschedule"]) -> None:
        native = self._native
        if native is None:
            return
        try:
            getattr(native, action)(root)
        except OSError as error:
            logger.warning("devcore.watch: cannot watch %s natively (%s); polling instead", root.path, error)
            self._fall_back_to_polling()

    def _root_vanished(self, root: Root) -> None:
        if self._native is not None:
            self._native.unschedule(root)

    def _fall_back_to_polling(self) -> None:
        native, self._native = self._native, None
        if native is not None:
            native.stop()
        batcher = self._batcher
        if batcher is not None:
            batcher.switch_to_polling()

    def _deliver(self, changes: ChangeSet) -> None:
        if self._callback is not None:
            self._callback(changes)
        else:
            self._queue.put(changes)


def watch(paths: StrPath | Iterable[StrPath], **options: Unpack[WatchOptions]) -> Iterator[ChangeSet]:
    """Yield the change sets of ``paths`` until the generator is closed.

    Args:
        paths: what to watch (see ``Watcher``).
        **options: the keyword options of ``Watcher`` (except ``callback``).

    Yields:
        One ChangeSet per debounced batch.
    """
    with Watcher(paths, **options) as watcher:
        yield from watcher


async def awatch(
    paths: StrPath | Iterable[StrPath], **options: Unpack[WatchOptions]
) -> AsyncIterator[ChangeSet]:
    """Asynchronously yield the change sets of ``paths`` until the generator is closed.

    The watcher runs on its own thread and hands each ChangeSet to the running loop.

    Args:
        paths: what to watch (see ``Watcher``).
        **options: the keyword options of ``Watcher`` (except ``callback``).

    Yields:
        One ChangeSet per debounced batch.
    """
    import asyncio

    loop = asyncio.get_running_loop()
    changes: asyncio.Queue[ChangeSet] = asyncio.Queue()

    def hand_over(change_set: ChangeSet) -> None:
        with contextlib.suppress(RuntimeError):  # the loop closed while the watcher stopped
            loop.call_soon_threadsafe(changes.put_nowait, change_set)

    watcher = Watcher(paths, callback=hand_over, **options)
    await asyncio.to_thread(watcher.start)
    try:
        while True:
            yield await changes.get()
    finally:
        watcher.stop()

"""The Linux backend: one inotify instance read by one thread that feeds the Batcher directly.

Why not watchdog's observer on Linux: its recursive watches cover every directory below a
root, ignored ones too (``.git``, ``node_modules``), and each event crosses two threads
(emitter, observer) before it reaches the batcher. Here every covered directory gets a
non-recursive watch of its own (ignored directories and symlinks are never entered), new
directories are watched the moment their creation is read, and events are turned into marks
on the reading thread. Events only say where to look, exactly as with the watchdog backend.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import functools
import logging
import os
import select
import struct
import threading
from collections.abc import Iterable

from devcore._watch_batch import Batcher
from devcore._watch_ignore import is_link_internal
from devcore._watch_scope import Root

logger = logging.getLogger("devcore.watch")

IN_MODIFY = 0x2
IN_ATTRIB = 0x4
IN_CLOSE_WRITE = 0x8
IN_MOVED_FROM = 0x40
IN_MOVED_TO = 0x80
IN_CREATE = 0x100
IN_DELETE = 0x200
IN_DELETE_SELF = 0x400
IN_MOVE_SELF = 0x800
IN_Q_OVERFLOW = 0x4000
IN_IGNORED = 0x8000
IN_ONLYDIR = 0x01000000
IN_DONT_FOLLOW = 0x02000000
IN_EXCL_UNLINK = 0x04000000
IN_ISDIR = 0x40000000

_MASK = (
    IN_MODIFY
    | IN_ATTRIB
    | IN_CLOSE_WRITE
    | IN_MOVED_FROM
    | IN_MOVED_TO
    | IN_CREATE
    | IN_DELETE
    | IN_DELETE_SELF
    | IN_MOVE_SELF
    | IN_ONLYDIR
    | IN_EXCL_UNLINK
)
_HEADER = struct.Struct("iIII")
_READ_SIZE = 64 * 1024


@functools.cache
def _libc() -> ctypes.CDLL:
    name = ctypes.util.find_library("c") or "libc.so.6"
    libc = ctypes.CDLL(name, use_errno=True)
    for function in ("inotify_init1", "inotify_add_watch", "inotify_rm_watch"):
        getattr(libc, function).restype = ctypes.c_int
    return libc


def _check(result: int, what: str) -> int:
    if result == -1:
        code = ctypes.get_errno()
        raise OSError(code, f"{what}: {os.strerror(code)}")
    return result


class InotifyBackend:
    """Watches every covered directory of the roots with inotify and marks what events name.

    Args:
        batcher: where the marks go (its ``roots`` decide which directories are covered).
        close_write: hold written files back until their writer closes them.

    Raises:
        OSError: from ``start`` or ``schedule`` when inotify is unavailable or its limits are
            hit (EMFILE: instances, ENOSPC: watches).
    """

    def __init__(self, batcher: Batcher, *, close_write: bool) -> None:
        self._batcher = batcher
        self._close_write = close_write
        self._lock = threading.Lock()
        self._fd = -1
        self._wake_r = self._wake_w = -1
        self._thread: threading.Thread | None = None
        self._paths: dict[int, str] = {}  # watch descriptor -> directory
        self._wds: dict[str, int] = {}  # directory -> watch descriptor

    # -- lifecycle (the watcher's threads) -----------------------------------------------

    def start(self, roots: list[Root]) -> None:
        """Create the inotify instance, watch every root and start the reading thread."""
        self._fd = _check(_libc().inotify_init1(os.O_CLOEXEC | os.O_NONBLOCK), "inotify_init1")
        self._wake_r, self._wake_w = os.pipe()
        try:
            for root in roots:
                self.schedule(root)
        except BaseException:
            self._close()
            raise
        self._thread = threading.Thread(target=self._run, name="devcore-inotify", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the reading thread and close the instance (the kernel drops its watches)."""
        thread, self._thread = self._thread, None
        if thread is not None:
            os.write(self._wake_w, b"x")
            if thread is not threading.current_thread():
                thread.join()
        self._close()

    def _close(self) -> None:
        with self._lock:
            for fd in (self._fd, self._wake_r, self._wake_w):
                if fd >= 0:
                    os.close(fd)
            self._fd = self._wake_r = self._wake_w = -1
            self._paths.clear()
            self._wds.clear()

    def schedule(self, root: Root) -> None:
        """Watch a root's directory and, for a recursive directory root, every covered one below."""
        self._watch(root.watch_dir, follow=True)
        if root.recursive and not root.is_file:
            self._watch_below(root.path, [root])

    def unschedule(self, root: Root) -> None:
        """Forget the watches of a root whose directory disappeared."""
        self._forget_below(root.watch_dir)

    def reschedule(self, root: Root) -> None:
        """Watch a root's directory anew (it was replaced by another of the same name)."""
        self._forget_below(root.watch_dir)
        self.schedule(root)

    def in_flight(self) -> bool:
        """Whether the kernel holds events not read yet."""
        fd = self._fd
        if fd < 0:
            return False
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        return bool(poller.poll(0))

    def healthy(self) -> bool:
        """Whether the reading thread still runs."""
        thread = self._thread
        return thread is not None and thread.is_alive()

    def overflowed(self) -> None:
        """The kernel dropped events: have every watched directory re-stated."""
        with self._lock:
            directories = list(self._wds)
        for directory in directories:
            self._batcher.mark(directory, deep=True)

    def unwatched(self, directories: Iterable[tuple[str, int]]) -> list[str]:
        """Watch these existing directories (path, inode) where not yet; those inotify refused."""
        missed = []
        for path, _ in directories:
            try:
                self._watch(path, follow=False)
            except OSError:
                missed.append(path)
        return missed

    # -- watches ---------------------------------------------------------------------------

    def _watch(self, directory: str, *, follow: bool) -> None:
        """Add (or refresh) the watch of one directory; a vanished one is skipped."""
        mask = _MASK if follow else _MASK | IN_DONT_FOLLOW
        with self._lock:
            if self._fd < 0:
                return
            wd = _libc().inotify_add_watch(self._fd, os.fsencode(directory), mask)
            if wd == -1:
                code = ctypes.get_errno()
                if code in (errno.ENOENT, errno.ENOTDIR, errno.EACCES):
                    return
                raise OSError(code, f"inotify_add_watch {directory}: {os.strerror(code)}")
            previous = self._paths.get(wd)
            if previous is not None and previous != directory:
                self._wds.pop(previous, None)  # the same directory, moved: one name per watch
            self._paths[wd] = directory
            self._wds[directory] = wd

    def _watch_below(self, directory: str, roots: list[Root]) -> None:
        """Watch every covered, non-link directory below ``directory`` (not entering ignored ones)."""
        try:
            with os.scandir(directory) as iterator:
                children = [entry.path for entry in iterator if entry.is_dir(follow_symlinks=False)]
        except OSError:
            return
        for child in children:
            if _wanted(child, roots):
                self._watch(child, follow=False)
                self._watch_below(child, roots)

    def _forget_below(self, directory: str) -> None:
        """Remove the watches of ``directory`` and of every directory below it."""
        prefix = directory + os.sep
        with self._lock:
            doomed = [(p, wd) for p, wd in self._wds.items() if p == directory or p.startswith(prefix)]
            for path, wd in doomed:
                del self._wds[path]
                self._paths.pop(wd, None)
                if self._fd >= 0:
                    _libc().inotify_rm_watch(self._fd, wd)

    # -- the reading thread ------------------------------------------------------------------

    def _run(self) -> None:
        poller = select.poll()
        poller.register(self._fd, select.POLLIN)
        poller.register(self._wake_r, select.POLLIN)
        while True:
            ready = {fd for fd, _ in poller.poll()}
            if self._wake_r in ready:
                return
            try:
                data = os.read(self._fd, _READ_SIZE)
            except BlockingIOError:
                continue
            except OSError:
                logger.exception("devcore.watch: reading inotify events failed")
                return
            try:
                self._handle(data)
            except Exception:  # keep reading: a dead reader would leave the watcher deaf
                logger.exception("devcore.watch: unexpected error handling inotify events")

    def _handle(self, data: bytes) -> None:
        moved_from: dict[int, tuple[str, bool]] = {}
        offset = 0
        while offset + _HEADER.size <= len(data):
            wd, mask, cookie, length = _HEADER.unpack_from(data, offset)
            name = data[offset + _HEADER.size : offset + _HEADER.size + length].rstrip(b"\0")
            offset += _HEADER.size + length
            if mask & IN_Q_OVERFLOW:
                logger.warning("devcore.watch: inotify queue overflowed; re-stating everything watched")
                self.overflowed()
                continue
            if mask & IN_IGNORED:
                with self._lock:
                    path = self._paths.pop(wd, None)
                    if path is not None and self._wds.get(path) == wd:
                        del self._wds[path]
                continue
            directory = self._paths.get(wd)
            if directory is None:
                continue
            if not name:
                if mask & (IN_DELETE_SELF | IN_MOVE_SELF):
                    self._batcher.mark(directory, deep=True)
                continue
            self._event(os.path.join(directory, os.fsdecode(name)), mask, cookie, moved_from)
        for source, is_dir in moved_from.values():  # moved out of every watched directory
            if is_dir:
                self._forget_below(source)

    def _event(self, path: str, mask: int, cookie: int, moved_from: dict[int, tuple[str, bool]]) -> None:
        """Translate one event into marks (and new watches for new directories)."""
        batcher = self._batcher
        is_dir = bool(mask & IN_ISDIR)
        if mask & IN_MOVED_FROM:
            moved_from[cookie] = (path, is_dir)
            batcher.mark(path, deep=is_dir)
        elif mask & IN_MOVED_TO:
            source = moved_from.pop(cookie, None)
            if is_dir:
                self._directory_arrived(path, None if source is None else source[0])
            if source is not None:
                batcher.mark_move(source[0], path, deep=is_dir)
            else:
                batcher.mark_arrival(path, deep=is_dir)
        elif is_dir:
            if mask & IN_CREATE:
                self._directory_arrived(path, None)
            batcher.mark(path, deep=bool(mask & (IN_CREATE | IN_DELETE)))
        elif mask & IN_DELETE:
            batcher.forget(path)
            batcher.mark(path)
        elif mask & IN_CLOSE_WRITE:
            batcher.release(path)
        elif self._close_write and mask & (IN_CREATE | IN_MODIFY) and _is_regular_file(path):
            batcher.hold(path)
            batcher.mark(path)
        else:
            batcher.mark(path, touched=bool(mask & (IN_CREATE | IN_MODIFY)))

    def _directory_arrived(self, path: str, source: str | None) -> None:
        """Watch a directory created or moved in (before its marks, so nothing below is missed)."""
        roots = list(self._batcher.roots)
        if source is not None:
            self._forget_below(source)
        if not _wanted(path, roots):
            return
        try:
            self._watch(path, follow=False)
        except OSError as error:  # the limit check after the batch falls back to polling
            logger.debug("devcore.watch: cannot watch %s (%s)", path, error)
            return
        self._watch_below(path, roots)


def _wanted(directory: str, roots: list[Root]) -> bool:
    """Whether a directory gets a watch: below a recursive root, covered, not a link."""
    name = os.path.basename(directory)
    if is_link_internal(name) or os.path.islink(directory):
        return False
    return any(root.recursive and not root.is_file and root.covers(directory) for root in roots)


def _is_regular_file(path: str) -> bool:
    return os.path.isfile(path) and not os.path.islink(path)

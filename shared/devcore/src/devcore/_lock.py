"""A cross-process lock on a file, over filelock."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from devcore._errors import LockTimeout


@contextmanager
def file_lock(path: str | os.PathLike[str], *, timeout_s: float | None = None) -> Iterator[Path]:
    """Hold an exclusive lock shared by every process (and thread) that locks the same file.

    A thread that holds the lock may take it again (nested blocks); other threads and
    processes wait. The lock is advisory (``flock`` on POSIX, ``msvcrt`` locking on Windows) and is released
    by the operating system if its holder dies, so a killed process never leaves it stuck.
    The lock file is created if needed (with its parent directories) and left in place.

    Args:
        path: the lock file, conventionally ``<resource>.lock``.
        timeout_s: how long to wait, in seconds; ``None`` waits forever, ``0`` tries once.

    Yields:
        The lock file's path.

    Raises:
        LockTimeout: the lock was not acquired in time.
    """
    import filelock  # here, so that importing devcore.files stays cheap

    lock_path = Path(path)
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    timeout = -1.0 if timeout_s is None else timeout_s
    lock = filelock.FileLock(lock_path, is_singleton=True)  # one per path: re-entrant in a thread
    try:
        lock.acquire(timeout=timeout)
    except filelock.Timeout as error:
        raise LockTimeout(lock_path, timeout) from error
    try:
        yield lock_path
    finally:
        lock.release()

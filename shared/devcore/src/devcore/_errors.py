"""Errors of devcore.

DevcoreError
├── SerialError (ValueError)            an object that cannot be packed or unpacked
│   └── CorruptFileError                a framed file that is truncated, foreign or damaged
├── LockTimeout (TimeoutError)           a cross-process lock was not acquired in time
└── WatchError                          the watcher cannot watch what it was asked to
    └── WatchPathNotFound (FileNotFoundError)
"""

from __future__ import annotations

from pathlib import Path


class DevcoreError(Exception):
    """Base of every error devcore raises."""


class SerialError(DevcoreError, ValueError):
    """An object could not be serialized, or bytes could not be deserialized."""


class CorruptFileError(SerialError):
    """A framed file is truncated, has a foreign magic or version, or fails its checksum.

    Attributes:
        path: the file that was read.
        reason: what was wrong with it, in a few words.
    """

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class LockTimeout(DevcoreError, TimeoutError):
    """A cross-process lock was not acquired within its timeout.

    Attributes:
        path: the lock file.
        timeout_s: how long the caller waited, in seconds.
    """

    def __init__(self, path: Path, timeout_s: float) -> None:
        super().__init__(f"{path}: lock not acquired within {timeout_s} s")
        self.path = path
        self.timeout_s = timeout_s


class WatchError(DevcoreError):
    """The watcher cannot watch what it was asked to."""


class WatchPathNotFound(WatchError, FileNotFoundError):
    """A watched path does not exist (and the watcher was not told to wait for it).

    Attributes:
        path: the missing path.
    """

    def __init__(self, path: Path) -> None:
        super().__init__(f"cannot watch {path}: no such file or directory")
        self.path = path

"""Atomic files, staged directory trees and cross-process locks.

>>> from devcore.files import atomic_write, atomic_writer, staged_directory, file_lock
"""

from __future__ import annotations

from devcore._errors import LockTimeout
from devcore._files import atomic_write, atomic_writer, fsync_directory
from devcore._files_names import sweep_stale
from devcore._files_stage import staged_directory
from devcore._lock import file_lock

__all__ = [
    "LockTimeout",
    "atomic_write",
    "atomic_writer",
    "file_lock",
    "fsync_directory",
    "staged_directory",
    "sweep_stale",
]

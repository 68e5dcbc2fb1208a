"""Whether inotify really watches every directory (its limits fail silently below the root).

watchdog raises when the watch of a scheduled directory itself cannot be added (ENOSPC when
``max_user_watches`` is reached, EMFILE for ``max_user_instances``), but skips the
subdirectories it cannot watch. The kernel lists the inodes an inotify instance watches in
``/proc/self/fdinfo/<fd>``; a directory whose inode is missing there is not watched.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

_WATCH_LINE = re.compile(r"^inotify wd:\S+ ino:([0-9a-f]+)", re.MULTILINE)


def watched_inodes(inotify_fd: int) -> set[int] | None:
    """The inodes an inotify instance watches, or None when the kernel does not say."""
    try:
        text = Path(f"/proc/self/fdinfo/{inotify_fd}").read_text()
    except OSError:
        return None
    return parse_fdinfo(text)


def parse_fdinfo(text: str) -> set[int]:
    """The inodes of the ``inotify wd:... ino:<hex> ...`` lines of an fdinfo file."""
    return {int(match.group(1), 16) for match in _WATCH_LINE.finditer(text)}


def unwatched(inotify_fd: int | None, directories: Iterable[tuple[str, int]]) -> list[str]:
    """The directories (path, inode) that still exist but that the instance does not watch."""
    if inotify_fd is None:
        return []
    watched = watched_inodes(inotify_fd)
    if watched is None:
        return []
    return [path for path, inode in directories if inode not in watched and _same_inode(path, inode)]


def _same_inode(path: str, inode: int) -> bool:
    try:
        return os.stat(path).st_ino == inode and os.path.isdir(path)
    except OSError:
        return False

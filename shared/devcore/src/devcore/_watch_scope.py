"""What a watcher looks at: its roots, and the stat entries of the files below them."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass
from typing import NamedTuple

from devcore._watch_ignore import IgnoreRules, is_link_internal


class Entry(NamedTuple):
    """What a watcher remembers of a path: kind, identity, size, times, maybe a digest.

    ``ctime_ns`` catches a same-size rewrite whose writer put the old mtime back (``cp -p``,
    ``rsync -t``). A ``chmod``, ``chown`` or new hard link moves the ctime too, but also
    ``meta`` (mode, owner, link count): a ctime that moved together with ``meta`` is a
    metadata change, not a content change.
    """

    is_dir: bool
    dev: int
    ino: int
    size: int
    mtime_ns: int
    ctime_ns: int = 0
    digest: str | None = None
    meta: int = 0

    def same_content_as(self, other: Entry, *, renamed: bool = False) -> bool:
        """Whether two entries of one file describe the same content.

        Args:
            other: the later entry.
            renamed: the file was renamed in between (which moves its ctime).
        """
        if self.is_dir or other.is_dir:
            return self.is_dir == other.is_dir
        stat_fields = slice(3, 5) if renamed else slice(0, 5)
        if self[stat_fields] != other[stat_fields]:
            return False
        if not renamed and self.ctime_ns != other.ctime_ns and self.meta == other.meta:
            return False  # rewritten with its old mtime put back
        return self.digest is None or other.digest is None or self.digest == other.digest


Tree = MutableMapping[str, Entry]
"""Entries by absolute path. Paths are plain strings inside the watcher (``pathlib`` costs
a microsecond or more per path, which adds up on large trees); ChangeSets carry ``Path``."""


def stat_entry(path: str) -> Entry | None:
    """The entry of a path, following symlinks (a dangling link is the link itself)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        try:
            st = os.lstat(path)
        except OSError:
            return None
    except OSError:
        return None
    return _entry(st)


def _entry(st: os.stat_result) -> Entry:
    meta = hash((st.st_mode, st.st_uid, st.st_gid, st.st_nlink))
    return Entry(
        stat.S_ISDIR(st.st_mode), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns, None, meta
    )


def ancestors(path: str) -> Iterator[str]:
    """The directories above ``path``, nearest first."""
    parent = os.path.dirname(path)
    while parent != path:
        yield parent
        path, parent = parent, os.path.dirname(parent)


@dataclass
class Root:
    """One path a watcher was given: a directory (watched below) or a single file.

    A file is watched through its directory, so the root's ``watch_dir`` is its parent;
    ``watched_inode`` is that directory's inode when the watch was set up (a directory
    replaced by another under the same name needs a new watch).
    """

    path: str
    rules: IgnoreRules
    recursive: bool = True
    is_file: bool = False
    watched_inode: int | None = None

    @property
    def watch_dir(self) -> str:
        """The directory the native backend schedules for this root."""
        return os.path.dirname(self.path) if self.is_file else self.path

    def detect_kind(self) -> bool:
        """Record whether the root is a file or a directory; False when it does not exist."""
        if not os.path.lexists(self.path):
            return False
        self.is_file = not os.path.isdir(self.path)
        self.watched_inode = directory_inode(self.watch_dir)
        return True

    def covers(self, path: str) -> bool:
        """Whether changes to ``path`` are reported for this root."""
        if self.is_file:
            return path == self.path
        parts = _parts_below(path, self.path)
        if not parts or (not self.recursive and len(parts) > 1):
            return False
        if any(is_link_internal(part) for part in parts):
            return False
        return not self.rules.ignores(parts)

    def link_dir(self, path: str) -> str | None:
        """The directory holding the ``..data``-style link that ``path`` is under, if any."""
        parts = _parts_below(path, self.watch_dir)
        for index, part in enumerate(parts):
            if is_link_internal(part):
                return os.path.join(self.watch_dir, *parts[:index])
        return None

    def scan(self, into: Tree) -> None:
        """Record the entries of every covered path of this root."""
        if self.is_file:
            entry = stat_entry(self.path)
            if entry is not None:
                into[self.path] = entry
            return
        self._scan_directory(self.path, "", into)

    def scan_below(self, directory: str, into: Tree) -> None:
        """Record the entries of ``directory`` (if covered) and of the covered paths below it."""
        if self.is_file:
            if _parts_below(self.path, directory):
                self.scan(into)
            return
        if directory != self.path:
            if not self.covers(directory):
                return
            entry = stat_entry(directory)
            if entry is None:
                return
            into[directory] = entry
            if not entry.is_dir or not self.recursive or os.path.islink(directory):
                return
        parts = _parts_below(directory, self.path)
        if parts or directory == self.path:
            self._scan_directory(directory, "/".join(parts), into)

    def _scan_directory(self, directory: str, relative: str, into: Tree) -> None:
        try:
            with os.scandir(directory) as iterator:
                children = list(iterator)
        except OSError:
            return
        for child in children:
            name = child.name
            if is_link_internal(name) or self.rules.ignores_name(name):
                continue
            child_relative = f"{relative}/{name}" if relative else name
            if self.rules.ignores_relative(child_relative):
                continue
            entry = _child_entry(child)
            if entry is None:
                continue
            into[child.path] = entry
            if entry.is_dir and self.recursive and not child.is_symlink():
                self._scan_directory(child.path, child_relative, into)


def directory_inode(path: str) -> int | None:
    """The inode of a directory, or None when ``path`` is not one (any more)."""
    entry = stat_entry(path)
    return entry.ino if entry is not None and entry.is_dir else None


def _child_entry(child: os.DirEntry[str]) -> Entry | None:
    try:
        return _entry(child.stat())
    except FileNotFoundError:
        try:
            return _entry(child.stat(follow_symlinks=False))
        except OSError:
            return None
    except OSError:
        return None


def _parts_below(path: str, base: str) -> list[str]:
    """The components of ``path`` below ``base`` (empty when not strictly below it)."""
    prefix = base if base.endswith(os.sep) else base + os.sep
    if not path.startswith(prefix):
        return []
    return path[len(prefix) :].split(os.sep)

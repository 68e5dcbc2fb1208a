"""A fingerprint cache: file digests kept while (st_ino, st_size, st_mtime_ns) stay the same."""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from devcore._errors import CorruptFileError
from devcore._frame import read_framed, write_framed
from devcore._hash import StrPath, hash_file

_MAGIC = b"DCFP"
_VERSION = 1
_ATTEMPTS = 3  # re-reads of a file that changes while it is hashed
_COARSE_WINDOW_NS = 2_000_000_000  # for file systems that keep whole seconds


class StatKey(NamedTuple):
    """What says whether a file may have changed: a rewrite, a replacement by rename or a
    truncation changes it (a same-size rewrite within one timestamp tick does not)."""

    inode: int
    size: int
    mtime_ns: int


class _Entry(NamedTuple):
    key: StatKey
    digest: str
    trusted: bool


@dataclass(frozen=True, slots=True)
class CacheStats:
    """What a `FingerprintCache` did since it was created.

    Attributes:
        hits: digests answered from the cache.
        misses: files read and hashed.
    """

    hits: int
    misses: int


class FingerprintCache:
    """File digests that are re-computed only when a file's stat key changes.

    The key is ``(st_ino, st_size, st_mtime_ns)``: a rewrite, a replacement by rename or a
    truncation changes it. A file modified less than ``racy_window_ms`` before it was hashed
    is hashed again on its next lookup (as git does with "racily clean" entries), because a
    same-size rewrite within the file system's timestamp tick would keep the key; once the
    file is older, its digest is trusted. Thread-safe.

    Args:
        path: the cache file, read now and written by `save`; a missing or corrupt file
            starts the cache empty. ``None`` keeps the cache in memory.
        racy_window_ms: how recent a modification must be, in milliseconds, for a digest not
            to be trusted on its next lookup; ``0`` trusts every digest at once.

    Example:
        >>> cache = FingerprintCache("fingerprints.bin")  # doctest: +SKIP
        >>> cache.digest("src/a.py")  # doctest: +SKIP
        >>> cache.save()  # doctest: +SKIP
    """

    def __init__(self, path: StrPath | None = None, *, racy_window_ms: float = 20.0) -> None:
        self._path = None if path is None else Path(path)
        self._window_ns = int(racy_window_ms * 1_000_000)
        self._lock = threading.Lock()
        self._entries: dict[str, _Entry] = {} if self._path is None else _load(self._path)
        self._dirty = False
        self._hits = 0
        self._misses = 0

    @property
    def path(self) -> Path | None:
        """The cache file, or ``None`` for a cache kept in memory."""
        return self._path

    @property
    def stats(self) -> CacheStats:
        """How many lookups were answered from the cache and how many files were hashed."""
        with self._lock:
            return CacheStats(hits=self._hits, misses=self._misses)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, path: object) -> bool:
        return isinstance(path, str | os.PathLike) and os.path.abspath(path) in self._entries

    def digest(self, path: StrPath) -> str:
        """The blake3 digest of a file's content, hashed only if its stat key changed.

        Args:
            path: the file (relative paths are taken from the current directory).

        Returns:
            The digest as 64 lowercase hex characters, as `hash_file` gives it.

        Raises:
            OSError: the file cannot be read (``FileNotFoundError``, ...).
        """
        name = os.path.abspath(path)
        digest = ""
        for _ in range(_ATTEMPTS):
            before = stat_key(name)
            with self._lock:
                entry = self._entries.get(name)
                if entry is not None and entry.trusted and entry.key == before:
                    self._hits += 1
                    return entry.digest
            started_ns = time.time_ns()
            digest = hash_file(name)
            after = stat_key(name)
            with self._lock:
                self._misses += 1
                if after == before:
                    trusted = digest_trusted(after.mtime_ns, started_ns, self._window_ns)
                    self._entries[name] = _Entry(after, digest, trusted)
                    self._dirty = True
                    return digest
        return digest  # the file kept changing while it was read: answer, but do not cache

    def forget(self, path: StrPath) -> None:
        """Drop a file's entry, so that its next lookup hashes it."""
        with self._lock:
            if self._entries.pop(os.path.abspath(path), None) is not None:
                self._dirty = True

    def prune(self) -> list[Path]:
        """Drop the entries of files that no longer exist.

        Returns:
            The paths dropped.
        """
        with self._lock:
            gone = [name for name in self._entries if not os.path.isfile(name)]
            for name in gone:
                del self._entries[name]
            self._dirty = self._dirty or bool(gone)
        return [Path(name) for name in gone]

    def save(self) -> None:
        """Write the cache to its file, atomically, if it changed since it was read or saved.

        Missing parent directories are created. The write is atomic but not fsynced: a cache
        file damaged by a power cut reads back as empty.

        Raises:
            ValueError: the cache has no file.
            OSError: the file cannot be written.
        """
        if self._path is None:
            raise ValueError("this FingerprintCache is kept in memory: it has no file to save to")
        with self._lock:
            if not self._dirty and self._path.exists():
                return
            table = {name: [*entry.key, entry.digest, entry.trusted] for name, entry in self._entries.items()}
            self._dirty = False
        self._path.parent.mkdir(parents=True, exist_ok=True)
        write_framed(self._path, table, magic=_MAGIC, version=_VERSION, durable=False)


def digest_trusted(mtime_ns: int, started_ns: int, window_ns: int) -> bool:
    """Whether a later same-size rewrite would surely change the recorded mtime.

    It would not if the file was modified within one timestamp tick of the moment hashing
    started: ``window_ns`` for fine timestamps, 2 s for whole-second ones (FAT, some network
    file systems); a window of 0 trusts every digest.
    """
    if window_ns <= 0:
        return True
    window = _COARSE_WINDOW_NS if mtime_ns % 1_000_000_000 == 0 else window_ns
    return mtime_ns < started_ns - window


def stat_key(path: StrPath) -> StatKey:
    """The file's ``(st_ino, st_size, st_mtime_ns)``, the key `FingerprintCache` keeps digests by.

    Symbolic links are followed: the key is the target's.

    Raises:
        OSError: the file cannot be stat'ed (``FileNotFoundError``, ...).
    """
    status = os.stat(path)
    return StatKey(status.st_ino, status.st_size, status.st_mtime_ns)


def _load(path: Path) -> dict[str, _Entry]:
    """The entries of a cache file; none if it is missing, corrupt or not a cache table."""
    try:
        table = read_framed(path, magic=_MAGIC, version=_VERSION)
    except (FileNotFoundError, CorruptFileError):
        return {}
    if not isinstance(table, dict):
        return {}
    entries = {}
    for name, fields in table.items():
        entry = _entry_from_fields(fields)
        if not isinstance(name, str) or entry is None:
            return {}
        entries[name] = entry
    return entries


def _entry_from_fields(fields: Any) -> _Entry | None:
    if not isinstance(fields, list) or len(fields) != 5:
        return None
    inode, size, mtime_ns, digest, trusted = fields
    if not all(isinstance(number, int) for number in (inode, size, mtime_ns)):
        return None
    if not isinstance(digest, str) or len(digest) != 64 or not isinstance(trusted, bool):
        return None
    return _Entry(StatKey(inode, size, mtime_ns), digest, trusted)

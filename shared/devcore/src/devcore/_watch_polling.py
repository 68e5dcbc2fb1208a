"""Polling: full scans keyed by (inode, size, mtime_ns), with digests of racy files.

A file rewritten within one timestamp tick (up to a second or two on some file systems)
with the same size keeps its inode, size and mtime. Like git's "racily clean" index
entries, a file whose mtime is younger than ``RACY_WINDOW_NS`` at scan time also gets a
content digest, so such a rewrite still differs from the previous scan.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path

from devcore._watch_scope import Entry, Root

RACY_WINDOW_NS = 2_000_000_000
"""Files modified less than this long before a scan are digested too."""

RACY_MAX_BYTES = 16 * 1024 * 1024
"""Larger racy files are compared by their stat entry only."""


def scan_for_polling(roots: Iterable[Root]) -> dict[Path, Entry]:
    """Scan every root, adding a content digest to the entries of recently modified files."""
    scan: dict[Path, Entry] = {}
    for root in roots:
        root.scan(scan)
    now_ns = time.time_ns()
    for path, entry in scan.items():
        if is_racy(entry, now_ns):
            scan[path] = entry._replace(digest=_digest(path))
    return scan


def is_racy(entry: Entry, now_ns: int) -> bool:
    """Whether a same-size rewrite of this file could leave its stat entry unchanged."""
    return not entry.is_dir and entry.size <= RACY_MAX_BYTES and now_ns - entry.mtime_ns < RACY_WINDOW_NS


def _digest(path: Path) -> str | None:
    from devcore.hashing import hash_file

    try:
        return hash_file(path)
    except OSError:
        return None

"""Racily clean files: content digests where (inode, size, mtime_ns, ctime_ns) cannot tell.

A file rewritten within one timestamp tick (a few milliseconds on Linux, up to a second or
two on some file systems) with the same size keeps its inode, size and times. Like git's
"racily clean" index entries, a file whose mtime is younger than ``RACY_WINDOW_NS`` when it
is looked at also gets a content digest. Polling thus still sees such a rewrite, and a
native event for a file whose content did not change since it was last looked at (an event
delivered late, after its batch) is not reported twice.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, MutableMapping

from devcore._watch_scope import Entry, Root

RACY_WINDOW_NS = 2_000_000_000
"""Files modified less than this long before they are looked at are digested too."""

RACY_MAX_BYTES = 16 * 1024 * 1024
"""Larger racy files are compared by their stat entry only."""


def scan_roots(roots: Iterable[Root]) -> dict[str, Entry]:
    """Scan every root, with digests of the racy files."""
    scan: dict[str, Entry] = {}
    for root in roots:
        root.scan(scan)
    add_digests(scan)
    return scan


def add_digests(entries: MutableMapping[str, Entry]) -> None:
    """Add a content digest to the entries of racy files (in place)."""
    now_ns = time.time_ns()
    for path, entry in entries.items():
        if is_racy(entry, now_ns):
            entries[path] = entry._replace(digest=_digest(path))


def is_racy(entry: Entry, now_ns: int) -> bool:
    """Whether a same-size rewrite of this file could leave its stat entry unchanged."""
    return not entry.is_dir and entry.size <= RACY_MAX_BYTES and now_ns - entry.mtime_ns < RACY_WINDOW_NS


def _digest(path: str) -> str | None:
    from devcore.hashing import hash_file

    try:
        return hash_file(path)
    except OSError:
        return None

"""The entries on disk: probing, listing, retiring, sweeping and garbage collection.

Everything here runs off the hit path: it checks that an entry's tree is there, and it changes
an entry only under the entry's lock (:func:`entry_lock`), shared by threads and processes.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from devcore import CorruptFileError
from xtnsmgr._errors import ExtensionInstallationError
from xtnsmgr._layout import QUARANTINE_NAME, RETIRED_NAME, Layout, is_generation, new_generation
from xtnsmgr._metadata import Distribution, EntryMetadata, InvalidMetadata, read_metadata, write_metadata

RETIRED_GRACE_S = 24 * 3600.0
"""How long a retired generation stays on disk for the processes that loaded it (seconds)."""

Status = Literal["fresh", "expired", "missing", "corrupt"]

_LOCKS_GUARD = threading.Lock()
_THREAD_LOCKS: dict[str, threading.Lock] = {}


@dataclass(frozen=True, slots=True)
class CacheEntry:
    """An entry on disk, as listed by :meth:`CacheManager.list`.

    Attributes:
        key: the cache key (the entry's directory name).
        path: the installed tree (``None`` when the metadata is unreadable).
        requirements: what was installed.
        distributions: what the entry holds.
        created: installation time (epoch seconds).
        last_verified: last install or refresh (epoch seconds).
        expired: whether the time-to-live has passed.
        corrupt: whether the metadata failed validation (the entry will be reinstalled).
    """

    key: str
    path: Path | None
    requirements: tuple[str, ...] = ()
    distributions: tuple[Distribution, ...] = ()
    created: float = 0.0
    last_verified: float = 0.0
    expired: bool = False
    corrupt: bool = False


@contextlib.contextmanager
def entry_lock(path: Path, timeout_s: float, what: str) -> Iterator[None]:
    """The entry's lock for this thread and every other thread and process (a waiter that gives
    up raises :class:`ExtensionInstallationError`)."""
    from devcore.files import LockTimeout, file_lock

    gate = _thread_lock(path)
    if not gate.acquire(timeout=timeout_s):
        raise ExtensionInstallationError(what, f"gave up after {timeout_s:g} s waiting for {path}")
    try:
        with contextlib.ExitStack() as stack:
            try:
                stack.enter_context(file_lock(path, timeout_s=timeout_s))
            except LockTimeout:
                raise ExtensionInstallationError(
                    what, f"gave up after {timeout_s:g} s waiting for {path}"
                ) from None
            yield
    finally:
        gate.release()


def _thread_lock(path: Path) -> threading.Lock:
    key = os.fspath(path)
    with _LOCKS_GUARD:
        return _THREAD_LOCKS.setdefault(key, threading.Lock())


def probe(
    layout: Layout, key: str, ttl_s: float | None, clock: Callable[[], float]
) -> tuple[Status, EntryMetadata | None]:
    """Read and classify an entry's metadata, checking that its tree is there.

    A tree removed by hand is found here (by :meth:`CacheManager.list`, :meth:`CacheManager.clean`
    and the miss path) and the entry is reported corrupt.
    """
    try:
        meta = read_metadata(layout.metadata_text(key))
    except FileNotFoundError:
        return "missing", None
    except (CorruptFileError, InvalidMetadata, OSError):
        return "corrupt", None
    if meta.key != key or meta.tag != layout.tag:
        return "corrupt", None
    if not os.path.isdir(layout.site_text(key, meta.generation)):
        return "corrupt", None
    if ttl_s is not None and clock() - meta.last_verified > ttl_s:
        return "expired", meta
    return "fresh", meta


def entry_of(layout: Layout, key: str, ttl_s: float | None, clock: Callable[[], float]) -> CacheEntry | None:
    """The listing of one entry (``None`` when it has no metadata)."""
    status, meta = probe(layout, key, ttl_s, clock)
    if status == "missing":
        return None
    if meta is None:
        return CacheEntry(key, None, corrupt=True)
    return CacheEntry(
        key=key,
        path=layout.site(key, meta.generation),
        requirements=meta.requirements,
        distributions=meta.distributions,
        created=meta.created,
        last_verified=meta.last_verified,
        expired=status == "expired",
    )


def quarantine(layout: Layout, key: str, now: float) -> None:
    """Under the entry's lock: move a metadata file that failed validation out of the way."""
    source = layout.metadata(key)
    if not source.exists():
        return
    target = layout.entry(key) / QUARANTINE_NAME
    target.mkdir(exist_ok=True)
    os.replace(source, target / f"entry-{new_generation(now)}.bin")


def sweep(
    layout: Layout, key: str, *, keep: str | None, retired: tuple[tuple[str, float], ...], now: float
) -> tuple[tuple[str, float], ...]:
    """Under the entry's lock: drop orphan generations, retired ones past their grace, staging leftovers.

    A generation that stops being served (replaced by a refresh, invalidated, cleaned) is
    retired, not removed: processes that loaded it keep importing from it for
    :data:`RETIRED_GRACE_S`. Its retirement time is in the metadata's list and in a
    ``retired`` file inside it (which outlives the metadata). Orphans, never published,
    go at once.

    Returns:
        The retired generations kept, with their retirement times.
    """
    from devcore.files import sweep_stale

    known = dict(retired)
    kept = []
    entry = layout.entry(key)
    for name in sorted(os.listdir(entry)):
        if not is_generation(name) or name == keep:
            continue
        since = known.get(name)
        if since is None:
            since = _retired_since(entry / name)
        if since is not None and now - since < RETIRED_GRACE_S:
            kept.append((name, since))
        else:
            shutil.rmtree(entry / name, ignore_errors=True)
    sweep_stale(entry, older_than_s=0)  # a stage an orphan still writes into is left for later
    return tuple(kept)


def retire_entry(layout: Layout, key: str, meta: EntryMetadata | None, now: float) -> bool:
    """Under the entry's lock: stop serving an entry; its generations are retired, not removed.

    Returns:
        Whether there was something to stop serving (metadata, or an entry left empty).
    """
    entry = layout.entry(key)
    if not entry.exists():
        return False
    metadata = layout.metadata(key)
    published = metadata.exists()
    retired: tuple[tuple[str, float], ...] = ()
    if meta is not None:
        retired = (*meta.retired, (meta.generation, now))
        for name, when in retired:
            mark_retired(entry / name, when)
    metadata.unlink(missing_ok=True)
    shutil.rmtree(entry / QUARANTINE_NAME, ignore_errors=True)
    if sweep(layout, key, keep=None, retired=retired, now=now):
        return published
    shutil.rmtree(entry, ignore_errors=True)
    return True


def clean_entries(
    layout: Layout, older_than_s: float | None, clock: Callable[[], float], *, durable: bool
) -> list[str]:
    """Garbage-collect every entry of a layout, each under its lock; one being installed is skipped.

    Returns:
        The keys of the entries removed (no longer served).
    """
    from devcore.files import LockTimeout, file_lock

    removed = []
    now = clock()
    for key in layout.entry_keys():
        try:
            with file_lock(layout.lock(key), timeout_s=0):
                _, meta = probe(layout, key, None, clock)
                too_old = (
                    meta is not None and older_than_s is not None and now - meta.last_verified > older_than_s
                )
                if meta is None or too_old:
                    if retire_entry(layout, key, meta, now):
                        removed.append(key)
                else:
                    _prune(layout, key, meta, now, durable=durable)
        except LockTimeout:
            continue
    return removed


def _prune(layout: Layout, key: str, meta: EntryMetadata, now: float, *, durable: bool) -> None:
    kept = sweep(layout, key, keep=meta.generation, retired=meta.retired, now=now)
    if kept != meta.retired:
        write_metadata(layout.metadata(key), meta._replace(retired=kept), durable=durable)
    shutil.rmtree(layout.entry(key) / QUARANTINE_NAME, ignore_errors=True)


def mark_retired(generation: Path, when: float) -> None:
    """Record in a generation when it stopped being served (kept if already recorded)."""
    marker = generation / RETIRED_NAME
    if generation.is_dir() and not marker.exists():
        marker.write_text(repr(when), encoding="ascii")


def _retired_since(generation: Path) -> float | None:
    """When a generation stopped being served, or ``None`` for an orphan that never was."""
    try:
        return float((generation / RETIRED_NAME).read_text(encoding="ascii"))
    except (OSError, ValueError):
        return None

"""The net change between two views of the same paths, as a ChangeSet."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Set
from pathlib import Path

from devcore._watch_changes import ChangeSet
from devcore._watch_racy import RACY_MAX_BYTES
from devcore._watch_scope import Entry


def diff_entries(
    old: Mapping[str, Entry],
    new: Mapping[str, Entry],
    *,
    touched: Set[str] = frozenset(),
    moves: Iterable[tuple[str, str]] = (),
    moves_need_hint: bool = False,
) -> ChangeSet:
    """Compare the entries of the same paths before and after a batch.

    Args:
        old: entries before the batch.
        new: entries after the batch.
        touched: files whose content an event reported written (reported as modified even
            when their stat entry did not change, e.g. a same-size rewrite in one tick).
        moves: ``(source, destination)`` renames reported by events, in order.
        moves_need_hint: pair a vanished and an appeared path as a move only when the
            renames in ``moves`` lead from one to the other (native events); otherwise an
            equal inode, size and mtime suffice (polling).

    Returns:
        The net changes.
    """
    deleted = old.keys() - new.keys()
    added = new.keys() - old.keys()
    modified = {path for path in old.keys() & new.keys() if _modified(old[path], new[path], path in touched)}
    moved: set[tuple[str, str]] = set()
    if deleted and added:
        hints = _Renames(moves)
        by_identity: dict[tuple[bool, int, int], list[str]] = defaultdict(list)
        for path in sorted(added):
            entry = new[path]
            by_identity[entry.is_dir, entry.dev, entry.ino].append(path)
        for source in sorted(deleted):
            before = old[source]
            candidates = by_identity.get((before.is_dir, before.dev, before.ino), [])
            for destination in candidates:
                after = new[destination]
                if hints.leads(source, destination) if moves_need_hint else _kept(before, after):
                    candidates.remove(destination)
                    moved.add((source, destination))
                    if _modified(before, after, destination in touched, renamed=True):
                        modified.add(destination)
                    break
        deleted -= {source for source, _ in moved}
        added -= {destination for _, destination in moved}
    return ChangeSet(
        frozenset(map(Path, added)),
        frozenset(map(Path, modified)),
        frozenset(map(Path, deleted)),
        frozenset((Path(source), Path(destination)) for source, destination in moved),
    )


def _modified(before: Entry, after: Entry, touched: bool, *, renamed: bool = False) -> bool:
    """Whether a file's content changed; ``touched``: an event said it was written.

    With equal stat entries an event is believed only where the entries cannot tell: the
    file was racy when last seen (or too large to digest) and no digests of both sides
    agree. A file that was not racy when last seen would have a new mtime if rewritten, so
    a late event for it (delivered after its batch) is not reported twice.
    """
    if before.is_dir and after.is_dir:
        return False
    if not before.same_content_as(after, renamed=renamed):
        return True
    if not touched or (before.digest is not None and after.digest is not None):
        return False
    return before.digest is not None or before.size > RACY_MAX_BYTES


def _kept(before: Entry, after: Entry) -> bool:
    return before.is_dir or (before.size, before.mtime_ns) == (after.size, after.mtime_ns)


class _Renames:
    """Which paths a sequence of renames leads from and to (a renamed directory takes
    everything below it along)."""

    def __init__(self, moves: Iterable[tuple[str, str]]) -> None:
        self._next: dict[str, set[str]] = defaultdict(set)
        for source, destination in moves:
            self._next[source].add(destination)

    def leads(self, source: str, destination: str) -> bool:
        seen = {source}
        frontier = [source]
        while frontier:
            for step in self._steps(frontier.pop()):
                if step == destination:
                    return True
                if step not in seen:
                    seen.add(step)
                    frontier.append(step)
        return False

    def _steps(self, path: str) -> Iterator[str]:
        yield from self._next.get(path, ())
        for source, destinations in self._next.items():
            if path.startswith(source + os.sep):
                rest = path[len(source) :]
                yield from (destination + rest for destination in destinations)

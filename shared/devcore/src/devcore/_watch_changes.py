"""The change set a watcher delivers: what was added, modified, deleted and moved."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class ChangeSet:
    """The net changes of one debounced batch of file events.

    Every path is absolute. A path appears in at most one of ``added``, ``modified`` and
    ``deleted``; a move is reported once, as a ``(source, destination)`` pair in ``moved``
    (and its destination also in ``modified`` when the content changed on the way).

    Attributes:
        added: files and directories that did not exist before the batch.
        modified: files whose content (or, through a symlink, whose target) changed.
        deleted: files and directories that no longer exist.
        moved: ``(source, destination)`` pairs of renamed files and directories.
    """

    added: frozenset[Path] = field(default_factory=frozenset)
    modified: frozenset[Path] = field(default_factory=frozenset)
    deleted: frozenset[Path] = field(default_factory=frozenset)
    moved: frozenset[tuple[Path, Path]] = field(default_factory=frozenset)

    def __bool__(self) -> bool:
        return bool(self.added or self.modified or self.deleted or self.moved)

    def paths(self) -> frozenset[Path]:
        """Every path the batch touched, including both ends of each move."""
        ends = {end for pair in self.moved for end in pair}
        return self.added | self.modified | self.deleted | ends

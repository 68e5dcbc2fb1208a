"""Introspection by the conventions alone: which name a path gives, every name of a tree.

Directories are listed as needed (the same scan the finder uses), nothing is imported.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pyautoload._loader import Loader
    from pyautoload._registry import Entry


def name_below(loader: Loader, root: str, target: str) -> str | None:
    """The expected name (files) or module (directories) of ``target`` inside root directory ``root``."""
    entry = next(e for e in loader.walk_roots() if root in e.dirs)
    if target == root:
        return entry.module
    current = root
    for part in os.path.relpath(target, root).split(os.sep):
        current = os.path.join(current, part)
        loader.ensure_scanned(entry)
        if current in entry.dirs:  # a collapsed directory: same namespace
            if current == target:
                return entry.module
            continue
        assert entry.children is not None
        found = next((c for c in entry.children.values() if current in c.dirs and c.owner is loader), None)
        if found is None:
            leaf = next((c for c in entry.children.values() if c.file == current and c.attribute), None)
            return leaf.name if leaf is not None and current == target else None
        entry = found
    return entry.module


def collect(loader: Loader, entry: Entry, result: dict[str, str]) -> None:
    """Add path → name for ``entry``'s directories and everything of ``loader`` below them."""
    loader.ensure_scanned(entry)
    for directory in entry.dirs:
        result.setdefault(directory, entry.module)
    assert entry.children is not None
    for child in dict.fromkeys(entry.children.values()):
        if child.owner is not loader:
            continue
        if child.attribute is not None and child.file is not None:
            result.setdefault(child.file, child.name or child.attribute)
        if child.is_namespace:
            collect(loader, child, result)

"""Introspection by the conventions alone: which name a path gives, every name of a tree.

Directories are listed as needed (the same scan the finder uses), nothing is imported.
"""

from __future__ import annotations

import os

from pyautoload._discover import under
from pyautoload._registry import ROOT, Entry
from pyautoload._settle import children

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pyautoload._loader import Loader


def roots(loader: Loader) -> list[Entry]:
    """The root entries; before ``setup()``, unclaimed ones made for introspection (cached)."""
    if loader.is_set_up:
        return list(loader.root_entries)
    if loader.preview is None:
        groups: dict[str, list[str]] = {}
        for directory, namespace in loader.namespaces().items():
            groups.setdefault(namespace, []).append(directory)
        loader.expand_patterns()
        loader.preview = [Entry(ns, ROOT, loader, dirs=dirs, transient=True) for ns, dirs in groups.items()]
    return loader.preview


def expected_name_at(loader: Loader, target: str) -> str | None:
    """``Loader.expected_name_at`` for an absolute path."""
    for root in sorted(loader.dirs(), key=len, reverse=True):
        if under(target, root):
            return _name_below(loader, root, target)
    return None


def _name_below(loader: Loader, root: str, target: str) -> str | None:
    if loader.is_ignored(root):
        return None
    entry = next(e for e in roots(loader) if root in e.dirs)
    if target == root:
        return entry.module
    current = root
    for part in os.path.relpath(target, root).split(os.sep):
        current = os.path.join(current, part)
        level = children(loader, entry)
        if current in entry.dirs:  # a collapsed directory: same namespace
            if current == target:
                return entry.module
            continue
        found = next((c for c in level.values() if current in c.dirs and c.owner is loader), None)
        if found is None:
            leaf = next((c for c in level.values() if c.file == current and c.attribute), None)
            return leaf.name if leaf is not None and current == target else None
        entry = found
    return entry.module


def all_expected_names(loader: Loader) -> dict[str, str]:
    """``Loader.all_expected_names``: every managed path → its name, sorted by path."""
    result: dict[str, str] = {}
    for entry in roots(loader):
        _collect(loader, entry, result)
    return dict(sorted(result.items()))


def _collect(loader: Loader, entry: Entry, result: dict[str, str]) -> None:
    level = children(loader, entry)
    for directory in entry.dirs:
        result.setdefault(directory, entry.module)
    for child in dict.fromkeys(level.values()):
        if child.owner is not loader:
            continue
        if child.attribute is not None and child.file is not None:
            result.setdefault(child.file, child.name or child.attribute)
        if child.is_namespace:
            _collect(loader, child, result)

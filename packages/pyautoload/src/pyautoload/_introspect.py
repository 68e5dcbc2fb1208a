"""Introspection: which name a path gives, every name of a tree, and the ``Registry`` view.

Directories are listed as needed (the same scan the finder uses), nothing is imported. The
registry, a loader's record of what it discovered, is read through ``Registry`` (``loader.registry``),
built on first use: ``setup()`` only records.
"""

from __future__ import annotations

import os

from pyautoload._discover import under
from pyautoload._registry import LOCK, ROOT, UNLISTED, Entry, Records
from pyautoload._settle import children, confirm

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

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


class Registry:
    """The modules and names a loader discovered, and which of them are loaded.

    Directories are discovered level by level as their namespaces are imported (or all at once
    by ``Loader.all_expected_names()`` and eager loading). Reading the registry settles the
    directories discovered but not read yet, so it never shows a directory without ``.py`` files.
    """

    def __init__(self, records: Records) -> None:
        self._records = records

    def _list_pending(self) -> None:
        """Read the levels of this registry's namespaces that wait for their first use."""
        for entries in list(UNLISTED.values()):
            for entry in list(entries):
                if self._records.by_module.get(entry.module) is entry:
                    entry.owner.ensure_scanned(entry)

    def _settled(self) -> list[Entry]:
        if UNLISTED:
            self._list_pending()
        return [entry for entry in self._records.entries() if confirm(entry)]

    def __iter__(self) -> Iterator[Entry]:
        return iter(sorted(self._settled(), key=lambda entry: entry.module))

    def __len__(self) -> int:
        return len(self._settled())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def get(self, key: str) -> Entry | None:
        """Return the entry of a module name (``app.models``) or expected name (``app.models.User``)."""
        if UNLISTED:
            self._list_pending()
        entry = self._records.by_module.get(key)
        if entry is not None and confirm(entry):
            return entry
        return self._records.by_name.get(key)

    def discovered(self) -> list[Entry]:
        """Entries whose module has not been imported yet."""
        return [entry for entry in self if not entry.loaded]

    def loaded(self) -> list[Entry]:
        """Entries whose module has been imported."""
        return [entry for entry in self if entry.loaded]

    def children(self, module: str) -> list[Entry]:
        """The discovered direct children of a namespace module."""
        return [entry for entry in self if entry.parent == module]

    def parent(self, key: str) -> Entry | None:
        """The entry of the namespace that contains ``key``, if this loader manages it."""
        entry = self.get(key)
        return None if entry is None else self._records.by_module.get(entry.parent)

    def names(self) -> dict[str, str]:
        """Expected name → defining file, for every discovered name."""
        if UNLISTED:
            self._list_pending()
        with LOCK:
            names = list(self._records.by_name.items())
        return {name: entry.path for name, entry in sorted(names)}

    def file_of(self, name: str) -> str | None:
        """The file that defines an expected name, or ``None``."""
        if UNLISTED:
            self._list_pending()
        entry = self._records.by_name.get(name)
        return None if entry is None else entry.file

    def name_defined_by(self, path: str | os.PathLike[str]) -> str | None:
        """The expected name a discovered file defines, or ``None``."""
        target = os.path.abspath(path)
        if UNLISTED:
            self._list_pending()
        with LOCK:
            entries = list(self._records.by_name.values())
        for entry in entries:
            if entry.file == target:
                return entry.name
        return None

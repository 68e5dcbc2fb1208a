"""Settling: whether a directory discovered but not read yet is a namespace, a package, or nothing.

Discovery (``_discover``) records a plain subdirectory as a *pending* entry without reading it.
The first time its name is used or imported, or when eager loading and introspection need every
child at once (``children``), ``confirm`` reads it: with an ``__init__.py`` it is a package,
with any managed ``.py`` file at any depth a namespace, and otherwise it is forgotten, as if the
scan had never seen it.
"""

from __future__ import annotations

import os

from pyautoload._discover import ensure_scanned, links_up
from pyautoload._registry import LOCK, MODULES, NAMESPACE, PACKAGE, PENDING, ROOT_DIRS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pyautoload._loader import Loader
    from pyautoload._registry import Entry


def has_python_files(directory: str, loader: Loader) -> bool:
    """Whether a directory holds a managed ``.py`` file, at any depth (stops at the first)."""
    subdirs = []
    try:
        with os.scandir(directory) as it:
            for entry in it:
                name = entry.name
                if name.startswith(".") or name == "__pycache__":
                    continue
                if entry.is_dir():
                    if not (entry.is_symlink() and links_up(entry.path)):
                        subdirs.append(entry.path)
                elif name.endswith(".py") and not loader.is_ignored(entry.path):
                    return True
    except (FileNotFoundError, NotADirectoryError):
        return False
    return any(
        path not in ROOT_DIRS and not loader.is_ignored(path) and has_python_files(path, loader)
        for path in subdirs
    )


def contents(dirs: list[str], loader: Loader) -> tuple[list[str], str | None]:
    """The directories that hold managed ``.py`` files, and the first managed ``__init__.py``."""
    kept: list[str] = []
    first_init: str | None = None
    for path in dirs:
        init = os.path.join(path, "__init__.py")
        has_init = os.path.isfile(init) and not loader.is_ignored(init)
        if has_init or has_python_files(path, loader):
            kept.append(path)
            if has_init and first_init is None:
                first_init = init
    return kept, first_init


def settle(entry: Entry, loader: Loader) -> bool:
    """Check a pending directory entry: make it a namespace or a package, or say it is empty.

    Call under ``_registry.LOCK``. Returns whether the entry is a module.
    """
    if entry.kind != PENDING:
        return True
    dirs, init = contents(entry.dirs, loader)
    if not dirs:
        return False
    entry.dirs = dirs
    entry.file = init
    entry.kind = PACKAGE if init else NAMESPACE
    return True


def confirm(entry: Entry) -> bool:
    """Settle a pending directory entry; forget it if it holds no ``.py`` file. Whether it is a module."""
    if entry.kind != PENDING:
        return True
    loader = entry.owner
    with LOCK:
        if entry.kind != PENDING:
            return True
        if settle(entry, loader):
            return True
        parent = loader.records.entry(entry.parent)
        last = entry.module.rpartition(".")[2]
        if parent is not None and parent.children is not None and parent.children.get(last) is entry:
            del parent.children[last]
        if MODULES.get(entry.module) is entry:
            del MODULES[entry.module]
        loader.records.discard(entry)
    loader.trace(f"{', '.join(entry.dirs)} holds no .py file; it is not a namespace")
    return False


def children(loader: Loader, entry: Entry) -> dict[str, Entry]:
    """The children of a namespace entry, scanned, with every pending directory settled."""
    ensure_scanned(loader, entry)
    assert entry.children is not None
    for child in list(entry.children.values()):
        confirm(child)
    return entry.children

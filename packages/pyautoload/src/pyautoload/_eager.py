"""Eager loading: walk the discovered tree and resolve every name, through the autoloads.

Names are resolved with ``getattr`` on their namespace, so an eager load caches, logs and runs
callbacks exactly like first use would; a name already used costs a dict hit.
"""

from __future__ import annotations

import os
import sys

from pyautoload import _trace
from pyautoload._discover import under
from pyautoload._finder import import_module
from pyautoload._settle import children

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pyautoload._loader import Loader
    from pyautoload._registry import Entry


def _touches(entry: Entry, within: str) -> bool:
    if entry.dirs:
        return any(under(d, within) or under(within, d) for d in entry.dirs)
    return entry.file is not None and under(entry.file, within)


def load_entry(loader: Loader, entry: Entry, *, force: bool, within: str | None = None) -> None:
    """Import a namespace and resolve the names of its subtree (``within`` a directory, if given)."""
    module = sys.modules.get(entry.module) or import_module(entry.module)
    for child in sorted(dict.fromkeys(children(loader, entry).values()), key=lambda c: c.module):
        if child.owner is not loader or (within is not None and not _touches(child, within)):
            continue
        tree_excluded = not force and excluded(loader, child)
        file_excluded = not force and child.file is not None and loader.is_excluded(child.file)
        if tree_excluded and (file_excluded or not child.dirs):
            continue  # an explicit namespace's file still loads when only its directory is excluded
        in_scope = within is None or (child.file is not None and under(child.file, within))
        if child.attribute is not None and in_scope and child.attribute not in module.__dict__:
            getattr(module, child.attribute)
        if child.is_namespace and not tree_excluded:
            load_entry(loader, child, force=force, within=within)


def eager_load(loader: Loader, *, force: bool) -> None:
    """``Loader.eager_load``: every root, once per loader."""
    with loader.eager_lock:
        if loader.eager_loaded:
            return
        loader.trace("eager load start")
        with _trace.reason("eager_load"):
            for entry in list(loader.root_entries):
                load_entry(loader, entry, force=force)
        loader.eager_loaded = True
        loader.trace("eager load done")


def excluded(loader: Loader, entry: Entry) -> bool:
    """Whether ``do_not_eager_load`` covers an entry (a file, or all of a namespace's dirs)."""
    paths = [entry.file] if entry.file is not None and not entry.dirs else entry.dirs
    return bool(paths) and all(loader.is_excluded(path) for path in paths)


def eager_load_dir(loader: Loader, directory: str) -> None:
    """``Loader.eager_load_dir``: the parts of the tree below ``directory`` (absolute)."""
    if not os.path.isdir(directory):
        from pyautoload._errors import DirectoryNotFound

        raise DirectoryNotFound(directory)
    if not any(under(directory, root) or under(root, directory) for root in loader.dirs()):
        from pyautoload._errors import NotManaged

        raise NotManaged(directory, f"it is not inside the roots of loader {loader.tag!r}")
    with loader.eager_lock, _trace.reason("eager_load_dir"):
        for entry in list(loader.root_entries):
            if _touches(entry, directory):
                load_entry(loader, entry, force=False, within=directory)


def eager_load_namespace(loader: Loader, name: str) -> None:
    """``Loader.eager_load_namespace``: the subtree of module ``name`` this loader manages."""
    with loader.eager_lock, _trace.reason("eager_load_namespace"):
        for entry in list(loader.root_entries):
            if entry.module == name or entry.module.startswith(name + "."):
                load_entry(loader, entry, force=False)
                continue
            target = _descend(loader, entry, name)
            if target is not None:
                load_entry(loader, target, force=False)


def _descend(loader: Loader, entry: Entry, name: str) -> Entry | None:
    if not name.startswith(entry.module + "."):
        return None
    for part in name[len(entry.module) + 1 :].split("."):
        child = children(loader, entry).get(part)
        if child is None or not child.is_namespace or child.module.rpartition(".")[2] != part:
            return None
        entry = child
    return entry


def load_file(loader: Loader, file: str) -> object:
    """``Loader.load_file``: the name an absolute file path defines, loaded."""
    from pyautoload._errors import NotManaged

    if not os.path.isfile(file) or not file.endswith(".py"):
        raise NotManaged(file, "it is not a .py file")
    name = loader.expected_name_at(file)
    entry = loader.registry.get(name) if name is not None else None
    if entry is None or entry.file != file or entry.attribute is None:
        raise NotManaged(
            file, f"loader {loader.tag!r} does not autoload it (outside roots, ignored or shadowed)"
        )
    with _trace.reason("load_file"):
        parent = import_module(entry.parent)
        return getattr(parent, entry.attribute)

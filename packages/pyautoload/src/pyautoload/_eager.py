"""Eager loading: walk the discovered tree and resolve every name, through the autoloads.

Names are resolved with ``getattr`` on their namespace, so an eager load caches, logs and runs
callbacks exactly like first use would; a name already used costs a dict hit.
"""

from __future__ import annotations

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
        if not force and loader.excluded(child):
            continue
        in_scope = within is None or (child.file is not None and under(child.file, within))
        if child.attribute is not None and in_scope and child.attribute not in module.__dict__:
            getattr(module, child.attribute)
        if child.is_namespace:
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


def eager_load_dir(loader: Loader, directory: str) -> None:
    """``Loader.eager_load_dir``: the parts of the tree below ``directory``."""
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

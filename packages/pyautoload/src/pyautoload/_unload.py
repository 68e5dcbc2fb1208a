"""Unloading and unregistering: take back what a loader autoloaded, or let go of its roots.

``Loader.unload()`` is the first half of a reload. It works in three steps, so that a failing
``on_unload`` callback leaves everything in place:

1. plan, under ``_registry.LOCK``: the names this loader cached in namespaces (``Entry.cached_in``),
   the modules it created (files and namespaces it claimed, not modules it adopted), and the
   submodules imported through the ``__path__`` of those namespaces (``_private.py`` files);
2. run the ``on_unload`` callbacks, children before their parents, with every value still in place;
3. remove, under the lock: the names from their namespaces, the modules from ``sys.modules`` and
   from their parent's ``__dict__``; then forget the discovered tree and register the roots again,
   so the next use reads the directories anew and executes the files anew.

Other loaders that had attached their autoloads to a module removed here (a namespace they share)
are asked to attach them again when the module is created anew.

``unregister`` (``Loader.unregister()``) forgets the discovered tree the same way (``forget``) and
also gives up the roots; the modules already imported stay.
"""

from __future__ import annotations

import os
import sys

from pyautoload import _finder, _registry
from pyautoload._discover import under
from pyautoload._finder import Autoloads
from pyautoload._registry import LOCK, MODULES, PENDING, ROOT_DIRS, UNLISTED

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import ModuleType

    from pyautoload._loader import Loader
    from pyautoload._registry import Entry

_MISSING = object()


class _Plan:
    """What one unload takes back, and the callbacks it owes, in order."""

    def __init__(self) -> None:
        self.names: list[tuple[ModuleType, str, object]] = []  # namespace, attribute, value
        self.modules: dict[str, ModuleType] = {}  # every module to remove, by name
        self.events: list[tuple[str, object, str]] = []  # on_unload(name, value, path)


def unload(loader: Loader) -> None:
    """``Loader.unload`` (the caller holds the loader's setup and eager locks)."""
    with LOCK:
        plan = _plan(loader)
    for name, value, path in plan.events:
        for callback in loader.unload_callbacks(name):
            callback(name, value, path)
    with LOCK:
        _remove(plan)
        _share_again(loader, plan.modules)
        forget(loader)
        _invalidate_finders(loader.dirs())
        loader.set_up_roots()
    loader.trace(f"unloaded {len(plan.modules)} module(s) and {len(plan.names)} name(s)")


def _plan(loader: Loader) -> _Plan:
    plan = _Plan()
    created: set[str] = set()
    for entry in sorted(loader.records.entries(), key=lambda e: e.module, reverse=True):
        _plan_name(plan, entry)
        module = sys.modules.get(entry.module)
        if module is None or not _created_by(loader, entry):
            continue
        plan.modules[entry.module] = module
        if entry.is_namespace:
            created.add(entry.module)
            plan.events.append((entry.module, module, entry.path))
    for name, module in _submodules(loader, created, plan.modules):
        plan.modules[name] = module
    return plan


def _plan_name(plan: _Plan, entry: Entry) -> None:
    """Plan taking back the name an autoload cached for ``entry``, if it is still there."""
    namespace = entry.cached_in
    if namespace is None or entry.attribute is None:
        return
    value = namespace.__dict__.get(entry.attribute, _MISSING)
    if value is _MISSING:
        return
    plan.names.append((namespace, entry.attribute, value))
    plan.events.append((entry.name or entry.attribute, value, entry.path))


def _created_by(loader: Loader, entry: Entry) -> bool:
    """Whether the module of ``entry`` came from this loader (claimed by it, not adopted)."""
    return entry.kind != PENDING and not entry.adopted and MODULES.get(entry.module) is entry


def _submodules(
    loader: Loader, namespaces: set[str], planned: dict[str, ModuleType]
) -> list[tuple[str, ModuleType]]:
    """Modules imported below the created namespaces from the loader's roots, not planned yet."""
    roots = loader.dirs()
    found = []
    for name, module in list(sys.modules.items()):
        if name in planned or MODULES.get(name) is not None:
            continue
        parent = name.rpartition(".")[0]
        while parent and parent not in namespaces:
            parent = parent.rpartition(".")[0]
        if not parent:
            continue
        location = getattr(module, "__file__", None) or next(iter(getattr(module, "__path__", ())), None)
        if isinstance(location, str) and any(under(location, root) for root in roots):
            found.append((name, module))
    return found


def _remove(plan: _Plan) -> None:
    """Take the planned names out of their namespaces and the modules out of the process."""
    for namespace, attribute, value in plan.names:
        if namespace.__dict__.get(attribute, _MISSING) is value:
            del namespace.__dict__[attribute]
    parents = {name: sys.modules.get(name.rpartition(".")[0]) for name in plan.modules}
    for name, module in plan.modules.items():
        if sys.modules.get(name) is module:
            del sys.modules[name]
        parent = parents[name]
        last = name.rpartition(".")[2]
        if parent is not None and parent.__dict__.get(last, _MISSING) is module:
            del parent.__dict__[last]


def _share_again(loader: Loader, removed: dict[str, ModuleType]) -> None:
    """Let other loaders attached to a removed namespace join the module that replaces it."""
    gone = {id(module) for module in removed.values()}
    for other in list(_registry.LOADERS):
        if other is loader:
            continue
        for entry in other.records.entries():
            if entry.hook is not None and id(entry.hook.module) in gone:
                shared = _registry.SHARED.setdefault(entry.module, [])
                if entry not in shared:
                    shared.append(entry)


def _invalidate_finders(roots: list[str]) -> None:
    """Make the path finders below the roots list their directories again (new files show)."""
    for path, finder in list(sys.path_importer_cache.items()):
        invalidate = getattr(finder, "invalidate_caches", None)
        if invalidate is not None and any(under(os.path.abspath(path), root) for root in roots):
            invalidate()


def unregister(loader: Loader) -> None:
    """Forget a loader's roots and discovered modules, and take its autoloads off them."""
    forget(loader)
    for directory in loader.dirs():
        if ROOT_DIRS.get(directory) is loader:
            del ROOT_DIRS[directory]
    if loader in _registry.LOADERS:
        _registry.LOADERS.remove(loader)
    if not _registry.LOADERS:
        _finder.uninstall()


def forget(loader: Loader) -> None:
    """Drop what a loader discovered and take its autoloads off modules; its roots stay its own.

    Call under ``_registry.LOCK``. ``setup_root`` of each root starts discovery afresh.
    """
    for entry in loader.root_entries:
        parent, _, last = entry.module.rpartition(".")
        hook = getattr(sys.modules.get(parent), "__dict__", {}).get("__getattr__")
        if isinstance(hook, Autoloads) and hook.entry.children and hook.entry.children.get(last) is entry:
            del hook.entry.children[last]
    for entry in loader.records.entries():
        if entry.hook is not None:
            detach(entry.hook)
        shared = _registry.SHARED.get(entry.module)
        if shared is not None and entry in shared:
            shared.remove(entry)
    for module, entry in list(MODULES.items()):
        if entry.owner is loader:
            del MODULES[module]
    for module, entries in list(UNLISTED.items()):
        entries[:] = [entry for entry in entries if entry.owner is not loader]
        if not entries:
            del UNLISTED[module]
    loader.records.clear()
    loader.root_entries.clear()


def detach(hook: Autoloads) -> None:
    """Take ``hook`` off its module, putting back what it had before (if nothing replaced it)."""
    namespace = hook.module.__dict__
    for key, previous in (("__getattr__", hook.fallback), ("__dir__", hook.fallback_dir)):
        current = namespace.get(key)
        if current is hook or current == hook.names:
            if previous is None:
                del namespace[key]
            else:
                namespace[key] = previous
    hook.entry.hook = None

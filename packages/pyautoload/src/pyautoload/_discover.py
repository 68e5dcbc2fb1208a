"""Discovery: a loader's roots and the children it claims, level by level, in the process tables.

``setup_root`` registers a root; ``ensure_scanned`` reads one namespace level (``_scan``) and
claims its children in ``MODULES``, the table the finder reads. Pending directories (not read
yet) are settled by ``confirm`` on first use, or all at once by ``children`` for eager loading
and introspection; a directory that turns out to hold no ``.py`` file is forgotten, as if the scan
had never seen it. ``unregister`` undoes all of it.
"""

from __future__ import annotations

import sys

from pyautoload import _finder, _registry
from pyautoload._finder import Autoloads, attach, import_module
from pyautoload._registry import LOCK, MODULES, PENDING, ROOT, ROOT_DIRS, Entry
from pyautoload._scan import scan, settle, under

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import ModuleType

    from pyautoload._loader import Loader


def setup_root(loader: Loader, namespace: str, dirs: list[str]) -> None:
    """Manage ``dirs`` as the namespace ``namespace`` (a new root, or more dirs of a known one)."""
    for entry in loader.root_entries:
        if entry.module == namespace:
            entry.dirs.extend(d for d in dirs if d not in entry.dirs)
            if entry.children is not None:
                entry.children = None
                ensure_scanned(loader, entry)
            return
    module = sys.modules.get(namespace)
    if module is None and (namespace in MODULES or _owned_elsewhere(loader, namespace, dirs)):
        module = import_module(namespace)
    entry = Entry(namespace, ROOT, loader, dirs=list(dirs), adopted=module is not None)
    loader.registry.add(entry)
    loader.root_entries.append(entry)
    if module is None:
        with LOCK:
            MODULES[namespace] = entry
            _link_to_parent(entry)
        return
    ensure_scanned(loader, entry)
    attach(module, entry)
    loader.trace(f"namespace {namespace} exists already; adding autoloads to it")


def _link_to_parent(entry: Entry) -> None:
    """Make a root below a managed namespace (``app.plugins`` below ``app``) an attribute of it."""
    parent, _, last = entry.module.rpartition(".")
    hook = getattr(sys.modules.get(parent), "__dict__", {}).get("__getattr__")
    if isinstance(hook, Autoloads) and hook.entry.children is not None:
        hook.entry.children.setdefault(last, entry)


def _owned_elsewhere(loader: Loader, namespace: str, dirs: list[str]) -> bool:
    parent = namespace.rpartition(".")[0]
    parent_path = None
    if parent:
        parent_module = import_module(parent)
        parent_path = getattr(parent_module, "__path__", None)
        if parent_path is None:
            from pyautoload._errors import InvalidNamespace

            raise InvalidNamespace(namespace, f"{parent} is a module, not a package")
    spec = _finder.find_elsewhere(namespace, parent_path)
    if spec is None:
        return False
    if spec.loader is None and set(spec.submodule_search_locations or ()) <= set(dirs):
        return False
    loader.trace(f"namespace {namespace} is provided by {spec.origin or 'another distribution'}")
    return True


def ensure_scanned(loader: Loader, entry: Entry) -> None:
    """Discover the children of a namespace entry (once); directories stay pending."""
    with LOCK:
        if entry.children is not None:
            return
        foreign = _foreign_paths(entry)
        children: dict[str, Entry] = {}
        for child in scan(entry, loader):
            if not _claim(loader, entry, child, foreign):
                continue
            if child.is_namespace:
                children.setdefault(child.module.rpartition(".")[2], child)
            if child.attribute is not None:
                first = children.setdefault(child.attribute, child)
                if first is not child:
                    loader.trace(f"{child.path} and {first.path} both define {child.name}; first wins")
        entry.children = children
    loader.trace(f"scanned {entry.module}: {len(children)} name(s)")


def _foreign_paths(entry: Entry) -> list[str]:
    """The directories of an adopted namespace that no loader manages (another distribution's)."""
    if not entry.adopted or entry.transient:
        return []
    module = sys.modules.get(entry.module)
    return [p for p in getattr(module, "__path__", ()) if not any(under(p, root) for root in ROOT_DIRS)]


def _claim(loader: Loader, parent: Entry, child: Entry, foreign: list[str]) -> bool:
    other = MODULES.get(child.module)
    if other is not None and not confirm(other):
        other = None
    if (other is not None or child.module in sys.modules) and not settle(child, loader):
        return False  # decided now: whether it is a module matters to someone already
    if other is not None and other.owner is not loader and not (other.is_namespace and child.is_namespace):
        loader.trace(f"module {child.module} belongs to loader {other.owner.tag!r}; skipping {child.path}")
        return False
    loader.registry.add(child)
    if parent.transient:  # introspection before setup: discovered, not claimed
        child.transient = True
        return True
    if foreign and _provided_by(loader, child, foreign):
        return False
    if other is not None and other.owner is not loader:  # a namespace shared with another loader
        child.adopted = True
        _registry.SHARED.setdefault(child.module, []).append(child)
        loader.trace(f"namespace {child.module} is shared with loader {other.owner.tag!r}")
    else:
        MODULES[child.module] = child
    existing = sys.modules.get(child.module)
    if existing is not None and child.is_namespace:
        child.adopted = True
        adopt(loader, existing, child)
    return True


def _provided_by(loader: Loader, child: Entry, foreign: list[str]) -> bool:
    from _frozen_importlib_external import PathFinder

    spec = PathFinder.find_spec(child.module, foreign)
    if spec is None:
        return False
    loader.trace(f"module {child.module} is provided by {spec.origin or foreign}; leaving it alone")
    return True


def adopt(loader: Loader, module: ModuleType, entry: Entry) -> None:
    """Add the autoloads and directories of ``entry`` to a module someone else created."""
    ensure_scanned(loader, entry)
    attach(module, entry)
    path = getattr(module, "__path__", None)
    if isinstance(path, list):
        path.extend(d for d in entry.dirs if d not in path)


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
        parent = loader.registry.entry(entry.parent)
        last = entry.module.rpartition(".")[2]
        if parent is not None and parent.children is not None and parent.children.get(last) is entry:
            del parent.children[last]
        if MODULES.get(entry.module) is entry:
            del MODULES[entry.module]
        loader.registry.discard(entry)
    loader.trace(f"{', '.join(entry.dirs)} holds no .py file; it is not a namespace")
    return False


def children(loader: Loader, entry: Entry) -> dict[str, Entry]:
    """The children of a namespace entry, scanned, with every pending directory settled."""
    ensure_scanned(loader, entry)
    assert entry.children is not None
    for child in list(entry.children.values()):
        confirm(child)
    return entry.children


def unregister(loader: Loader) -> None:
    """Forget a loader's roots and discovered modules, and take its autoloads off them."""
    for entry in loader.root_entries:
        parent, _, last = entry.module.rpartition(".")
        hook = getattr(sys.modules.get(parent), "__dict__", {}).get("__getattr__")
        if isinstance(hook, Autoloads) and hook.entry.children and hook.entry.children.get(last) is entry:
            del hook.entry.children[last]
    for entry in loader.registry.entries():
        if entry.hook is not None:
            _finder.detach(entry.hook)
        shared = _registry.SHARED.get(entry.module)
        if shared is not None and entry in shared:
            shared.remove(entry)
    for module, entry in list(MODULES.items()):
        if entry.owner is loader:
            del MODULES[module]
    for directory in loader.dirs():
        if ROOT_DIRS.get(directory) is loader:
            del ROOT_DIRS[directory]
    if loader in _registry.LOADERS:
        _registry.LOADERS.remove(loader)
    if not _registry.LOADERS:
        _finder.uninstall()
    loader.registry.clear()
    loader.root_entries.clear()

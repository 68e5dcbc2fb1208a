"""Discovery: reading namespace levels and claiming their children in the process tables.

A level is the union of the namespace's directories (several roots, collapsed directories)
read in order, so the first root wins for a shadowed file. Hidden entries, ``__pycache__``,
private files (``_x.py``, which includes ``__init__.py``), non-identifiers, ignored paths and
the directories of other roots never become children.

``setup_root`` registers a root; ``ensure_scanned`` reads one level (``scan``) and claims its
children in ``MODULES``, the table the finder reads. A plain subdirectory (no ``x.py`` beside it)
becomes a *pending* entry without being read: whether it has an ``__init__.py`` or any ``.py``
file is checked (``confirm``) when the name is first used or imported, or for every child at once
by ``children`` for eager loading and introspection, so setting up a root costs one directory
listing however many namespaces it holds. A directory that turns out to hold no ``.py`` file is
forgotten, as if the scan had never seen it. ``x.py`` beside ``x/`` is checked at once (it can
conflict with ``x/__init__.py``). ``_unload.forget`` undoes all of it.

Everything ``setup()`` needs is here or in ``_finder``/``_registry``: each module a program
imports costs a fresh interpreter a file lookup and a read, so the setup path is kept short.
"""

from __future__ import annotations

import os
import sys

from pyautoload import _finder, _registry
from pyautoload._finder import Autoloads, attach, import_module
from pyautoload._registry import (
    EXPLICIT,
    FILE,
    LOCK,
    MODULES,
    PENDING,
    ROOT,
    ROOT_DIRS,
    UNLISTED,
    Entry,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import ModuleType

    from pyautoload._loader import Loader


# -- reading one level ---------------------------------------------------------------------------


def listing(directory: str) -> list[tuple[str, str, bool, bool]]:
    """Return ``(name, abspath, is_dir, is_link)`` of a directory's visible entries, sorted by name."""
    try:
        with os.scandir(directory) as it:
            found = [(e.name, e.path, e.is_dir(), e.is_symlink()) for e in it if not e.name.startswith(".")]
    except (FileNotFoundError, NotADirectoryError):
        return []
    found.sort()
    return found


def under(path: str, directory: str) -> bool:
    """Whether ``path`` is ``directory`` or inside it (both absolute)."""
    return path == directory or path.startswith(directory + os.sep)


# ``keyword.kwlist`` of Python 3.11-3.13 (unchanged since 3.7; a test compares them): importing
# ``keyword`` would cost every ``setup()`` one more module read for one set lookup.
_KEYWORDS = frozenset(
    [
        "False",
        "None",
        "True",
        "and",
        "as",
        "assert",
        "async",
        "await",
        "break",
        "class",
        "continue",
        "def",
        "del",
        "elif",
        "else",
        "except",
        "finally",
        "for",
        "from",
        "global",
        "if",
        "import",
        "in",
        "is",
        "lambda",
        "nonlocal",
        "not",
        "or",
        "pass",
        "raise",
        "return",
        "try",
        "while",
        "with",
        "yield",
    ]
)


def links_up(path: str) -> bool:
    """Whether a symlinked directory points at a directory that contains it (a cycle to skip)."""
    return under(os.path.realpath(os.path.dirname(path)), os.path.realpath(path))


def is_module_name(name: str) -> bool:
    """Whether a basename can be a module name (an identifier that is not a keyword)."""
    return name.isidentifier() and name not in _KEYWORDS


def _keeps_dir(name: str, path: str, is_link: bool, loader: Loader) -> bool:
    """Whether a subdirectory can be a namespace (or collapse into this one)."""
    if name == "__pycache__" or not is_module_name(name) or path in ROOT_DIRS:
        return False
    return not loader.is_ignored(path) and not (is_link and links_up(path))


def _add_file(files: dict[str, str], name: str, path: str, loader: Loader) -> None:
    """Record a ``.py`` file of the level under its basename; the first one of a basename wins."""
    base = name[:-3]
    if base.startswith("_") or not is_module_name(base) or loader.is_ignored(path):
        return
    first = files.setdefault(base, path)
    if first != path:
        loader.trace(f"file {path} is shadowed by {first}")


def scan(namespace: Entry, loader: Loader) -> list[Entry]:
    """Read a namespace's directories and return its children.

    Collapsed directories found on the way are appended to ``namespace.dirs``.

    Raises:
        ConflictError: ``x.py`` and ``x/__init__.py`` both define module ``x``.
    """
    search = [d for d in namespace.dirs if not loader.is_ignored(d)]  # an ignored root too
    files: dict[str, str] = {}
    subdirs: dict[str, list[str]] = {}
    index = 0
    while index < len(search):
        for name, path, is_dir, is_link in listing(search[index]):
            if is_dir:
                if not _keeps_dir(name, path, is_link, loader):
                    continue
                if loader.is_collapsed(path):
                    search.append(path)
                else:
                    subdirs.setdefault(name, []).append(path)
            elif name.endswith(".py"):
                _add_file(files, name, path, loader)
        index += 1
    namespace.dirs = search
    return [
        _entry(namespace, base, files.get(base), subdirs.get(base), loader)
        for base in sorted(files.keys() | subdirs.keys())
    ]


def _attribute(base: str, file: str, loader: Loader) -> str | None:
    """The expected name of a file, or ``None`` (logged) if the inflector gives no usable name.

    Keywords are out too: ``none.py`` would expect ``None``, which no file can define.
    """
    name = loader.inflector.camelize(base, file)
    if is_module_name(name):
        return name
    loader.trace(f"{file} inflects to {name!r}, which is not a Python name; it defines nothing")
    return None


def _entry(
    namespace: Entry, base: str, file: str | None, candidates: list[str] | None, loader: Loader
) -> Entry:
    module = f"{namespace.module}.{base}"
    if candidates is None:
        assert file is not None
        return Entry(module, FILE, loader, file=file, attribute=_attribute(base, file, loader))
    if file is None:
        return Entry(module, PENDING, loader, dirs=candidates)
    from pyautoload._settle import contents

    dirs, init = contents(candidates, loader)
    if not dirs:
        return Entry(module, FILE, loader, file=file, attribute=_attribute(base, file, loader))
    if init is not None:
        from pyautoload._errors import ConflictError

        raise ConflictError(
            f"pyautoload: {file} and {init} both define module {module}; "
            "keep one (an explicit namespace file, or the package's __init__.py)",
            path=file,
            other=init,
        )
    return Entry(module, EXPLICIT, loader, file=file, dirs=dirs, attribute=_attribute(base, file, loader))


# -- claiming ----------------------------------------------------------------------------------------


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
    loader.records.add(entry)
    loader.root_entries.append(entry)
    if module is None:
        with LOCK:
            MODULES[namespace] = entry
            _link_to_parent(entry)
        return
    attach(module, entry)
    if _defer_listing(module):  # read on first use: attribute, submodule import, dir(), registry
        with LOCK:
            UNLISTED.setdefault(namespace, []).append(entry)
    else:
        ensure_scanned(loader, entry)
    loader.trace(f"namespace {namespace} exists already; adding autoloads to it")


def _defer_listing(module: ModuleType) -> bool:
    """Whether an adopted root can be read on first use rather than by ``setup()``.

    Yes while the package's own ``__init__`` runs (``Loader.for_package(__name__).setup()``):
    nothing can have used its names yet, and its import is the program's start-up. Not if it
    imported a submodule already (the import system set it as an attribute): that one must be
    adopted now.
    """
    if not getattr(getattr(module, "__spec__", None), "_initializing", False):
        return False
    prefix = module.__name__ + "."
    return not any(
        type(value) is type(module) and getattr(value, "__name__", "").startswith(prefix)
        for value in list(module.__dict__.values())
    )


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
        _link_nested_roots(entry, children)
        entry.children = children
        listed = UNLISTED.get(entry.module)
        if listed is not None and entry in listed:
            listed.remove(entry)
            if not listed:
                del UNLISTED[entry.module]
    loader.trace(f"scanned {entry.module}: {len(children)} name(s)")


def _link_nested_roots(entry: Entry, children: dict[str, Entry]) -> None:
    """Make the roots directly below a namespace (``app.plugins`` in ``app``) its children."""
    if entry.transient:
        return
    for loader in _registry.LOADERS:
        for root in loader.root_entries:
            parent, _, last = root.module.rpartition(".")
            if parent == entry.module:
                children.setdefault(last, root)


def list_pending_roots(module: str) -> Entry | None:
    """Read the levels of roots adopted without reading them whose child ``module`` is asked for.

    Returns the entry that claims ``module`` afterwards, if any (the finder's fallback).
    """
    for entry in list(UNLISTED.get(module.rpartition(".")[0], ())):
        ensure_scanned(entry.owner, entry)
    return MODULES.get(module)


def _foreign_paths(entry: Entry) -> list[str]:
    """The directories of an adopted namespace that no loader manages (another distribution's)."""
    if not entry.adopted or entry.transient:
        return []
    module = sys.modules.get(entry.module)
    return [p for p in getattr(module, "__path__", ()) if not any(under(p, root) for root in ROOT_DIRS)]


def _claim(loader: Loader, parent: Entry, child: Entry, foreign: list[str]) -> bool:
    other = MODULES.get(child.module)
    if other is not None or child.module in sys.modules:
        from pyautoload._settle import confirm, settle

        if other is not None and not confirm(other):
            other = None
        if (other is not None or child.module in sys.modules) and not settle(child, loader):
            return False  # decided now: whether it is a module matters to someone already
    if other is not None and other.owner is not loader and not (other.is_namespace and child.is_namespace):
        loader.trace(f"module {child.module} belongs to loader {other.owner.tag!r}; skipping {child.path}")
        return False
    loader.records.add(child)
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

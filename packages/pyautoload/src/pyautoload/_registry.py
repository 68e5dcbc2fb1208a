"""What the convention gives: one ``Entry`` per module, tables per loader and per process.

The process-wide tables (``MODULES``, ``ROOT_DIRS``, ``LOADERS``) are what the single meta-path
finder reads; they change only under ``LOCK`` and are read lock-free (dict lookups).
Each loader's ``Registry`` is the public, read-only view of its entries. Entries keep everything
a reload needs later: the namespace dict each autoloaded name was cached in, and whether a module
was executed.
"""

from __future__ import annotations

import _thread
import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from types import ModuleType

    from pyautoload._finder import Autoloads
    from pyautoload._loader import Loader

ROOT = "root"
NAMESPACE = "namespace"
EXPLICIT = "explicit"
PACKAGE = "package"
FILE = "file"
PENDING = "pending"  # a directory not read yet: a namespace or a package if it holds .py files
NAMESPACE_KINDS = frozenset({ROOT, NAMESPACE, EXPLICIT, PACKAGE, PENDING})

LOCK = _thread.RLock()
MODULES: dict[str, Entry] = {}
ROOT_DIRS: dict[str, Loader] = {}
LOADERS: list[Loader] = []
SHARED: dict[str, list[Entry]] = {}  # namespaces another loader's entries join when they load
UNLISTED: dict[str, list[Entry]] = {}  # adopted roots whose directories are read on first use


class Entry:
    """One module the convention gives (read-only for users).

    Attributes:
        module: the module name (``app.models.html_parser``, ``app.models``).
        kind: ``"root"``, ``"namespace"`` (a directory without ``__init__.py``), ``"explicit"``
            (``hotel.py`` next to ``hotel/``), ``"package"`` (a directory with ``__init__.py``)
            or ``"file"``. The registry's views never show ``"pending"``, the kind of a
            directory that has not been read yet.
        attribute: the name the file must define in its parent (``HtmlParser``), or ``None``.
        file: the file executed for the module (``html_parser.py``, ``hotel.py``,
            ``__init__.py``), or ``None`` for a namespace.
        dirs: the module's search path (namespaces: every root and collapsed directory).
        adopted: the module belongs to someone else and only carries our autoloads.
        transient: made for introspection before ``setup()``; never claimed by the finder.
    """

    __slots__ = (
        "adopted",
        "attribute",
        "cached_in",
        "children",
        "dirs",
        "file",
        "hook",
        "kind",
        "module",
        "owner",
        "transient",
    )

    def __init__(
        self,
        module: str,
        kind: str,
        owner: Loader,
        *,
        file: str | None = None,
        dirs: list[str] | None = None,
        attribute: str | None = None,
        adopted: bool = False,
        transient: bool = False,
    ) -> None:
        self.module = module
        self.kind = kind
        self.owner = owner
        self.file = file
        self.dirs = dirs or []
        self.attribute = attribute
        self.adopted = adopted
        self.transient = transient
        self.children: dict[str, Entry] | None = None
        self.hook: Autoloads | None = None
        self.cached_in: ModuleType | None = None  # the namespace an autoload cached the name in

    @property
    def parent(self) -> str:
        """The parent module name (``""`` for a top-level module)."""
        return self.module.rpartition(".")[0]

    @property
    def name(self) -> str | None:
        """The fully qualified expected name (``app.models.HtmlParser``), or ``None``."""
        if self.attribute is None:
            return None
        return f"{self.parent}.{self.attribute}" if self.parent else self.attribute

    @property
    def path(self) -> str:
        """The defining file, or the first directory of a namespace."""
        return self.file if self.file is not None else self.dirs[0]

    @property
    def is_namespace(self) -> bool:
        """Whether the module has children (roots, namespaces, explicit namespaces, packages)."""
        return self.kind in NAMESPACE_KINDS

    @property
    def loaded(self) -> bool:
        """Whether the module has been imported (it is in ``sys.modules``)."""
        return self.module in sys.modules

    @property
    def autoloaded(self) -> bool:
        """Whether the expected name is cached in its parent namespace."""
        if self.attribute is None:
            return False
        parent = sys.modules.get(self.parent)
        return parent is not None and self.attribute in parent.__dict__

    def __repr__(self) -> str:
        return f"<Entry {self.kind} {self.module} {self.path}>"


class Registry:
    """The modules and names a loader discovered, and which of them are loaded.

    Directories are discovered level by level as their namespaces are imported (or all at once
    by ``Loader.all_expected_names()`` and eager loading). Reading the registry settles the
    directories discovered but not read yet, so it never shows a directory without ``.py`` files.
    """

    def __init__(self) -> None:
        self._entries: dict[str, Entry] = {}
        self._names: dict[str, Entry] = {}

    def add(self, entry: Entry) -> None:
        """Record an entry (internal: the loader calls it while scanning)."""
        self._entries[entry.module] = entry
        name = entry.name
        if name is not None:
            self._names.setdefault(name, entry)

    def discard(self, entry: Entry) -> None:
        """Forget one entry (internal: a pending directory that holds no ``.py`` file)."""
        if self._entries.get(entry.module) is entry:
            del self._entries[entry.module]

    def clear(self) -> None:
        """Forget every entry (internal: ``Loader.unregister``)."""
        self._entries.clear()
        self._names.clear()

    def entry(self, module: str) -> Entry | None:
        """The entry of a module name as recorded, pending or not (internal)."""
        return self._entries.get(module)

    def entries(self) -> list[Entry]:
        """A snapshot of the recorded entries, pending ones included (internal)."""
        with LOCK:
            return list(self._entries.values())

    def _list_roots(self) -> None:
        """Read the levels of this registry's roots that ``setup()`` adopted without reading."""
        for entries in list(UNLISTED.values()):
            for entry in list(entries):
                if self._entries.get(entry.module) is entry:
                    entry.owner.ensure_scanned(entry)

    def _settled(self) -> list[Entry]:
        from pyautoload._settle import confirm

        if UNLISTED:
            self._list_roots()
        return [entry for entry in self.entries() if confirm(entry)]

    def __iter__(self) -> Iterator[Entry]:
        return iter(sorted(self._settled(), key=lambda entry: entry.module))

    def __len__(self) -> int:
        return len(self._settled())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def get(self, key: str) -> Entry | None:
        """Return the entry of a module name (``app.models``) or expected name (``app.models.User``)."""
        if UNLISTED:
            self._list_roots()
        entry = self._entries.get(key)
        if entry is not None:
            from pyautoload._settle import confirm

            if confirm(entry):
                return entry
        return self._names.get(key)

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
        return None if entry is None else self._entries.get(entry.parent)

    def names(self) -> dict[str, str]:
        """Expected name → defining file, for every discovered name."""
        if UNLISTED:
            self._list_roots()
        with LOCK:
            names = list(self._names.items())
        return {name: entry.path for name, entry in sorted(names)}

    def file_of(self, name: str) -> str | None:
        """The file that defines an expected name, or ``None``."""
        if UNLISTED:
            self._list_roots()
        entry = self._names.get(name)
        return None if entry is None else entry.file

    def name_defined_by(self, path: str | os.PathLike[str]) -> str | None:
        """The expected name a discovered file defines, or ``None``."""
        target = os.path.abspath(path)
        if UNLISTED:
            self._list_roots()
        with LOCK:
            entries = list(self._names.values())
        for entry in entries:
            if entry.file == target:
                return entry.name
        return None

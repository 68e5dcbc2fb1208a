"""What the convention gives: one ``Entry`` per module, tables per loader and per process.

The process-wide tables (``MODULES``, ``ROOT_DIRS``, ``LOADERS``) are what the single meta-path
finder reads; they change only under ``LOCK`` and are read lock-free (dict lookups).
Each loader's ``Records`` hold its entries; ``Registry`` (in ``_introspect``) is their public,
read-only view. Entries keep everything
a reload needs later: the namespace dict each autoloaded name was cached in, and whether a module
was executed.
"""

from __future__ import annotations

import _thread
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
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


class Records:
    """The entries one loader discovered, by module name and by expected name (internal).

    ``Loader.registry`` is their public, read-only view (``Registry``, loaded on first use).
    """

    __slots__ = ("by_module", "by_name")

    def __init__(self) -> None:
        self.by_module: dict[str, Entry] = {}
        self.by_name: dict[str, Entry] = {}

    def add(self, entry: Entry) -> None:
        """Record an entry (scanning does)."""
        self.by_module[entry.module] = entry
        name = entry.name
        if name is not None:
            self.by_name.setdefault(name, entry)

    def discard(self, entry: Entry) -> None:
        """Forget one entry (a pending directory that holds no ``.py`` file)."""
        if self.by_module.get(entry.module) is entry:
            del self.by_module[entry.module]

    def clear(self) -> None:
        """Forget every entry (``unregister()``, ``unload()``)."""
        self.by_module.clear()
        self.by_name.clear()

    def entry(self, module: str) -> Entry | None:
        """The entry of a module name as recorded, pending or not."""
        return self.by_module.get(module)

    def entries(self) -> list[Entry]:
        """A snapshot of the recorded entries, pending ones included."""
        with LOCK:
            return list(self.by_module.values())

"""The ``Loader``: the public front of one autoloader, its configuration, callbacks and ``setup()``.

The work lives elsewhere, by job: discovery, the part ``setup()`` needs, in ``_discover``; the
autoload of one name in ``_finder`` (beside the ``__getattr__`` that calls it). What only some
programs use is imported on first use: settling directories (``_settle``), eager loading
(``_eager``), introspection (``_introspect``), unloading (``_unload``), errors (``_errors``,
``_explain``) and logging (``_trace``).
"""

from __future__ import annotations

import _thread
import os
import sys

from pyautoload import _discover, _finder, _registry
from pyautoload._discover import is_module_name, under
from pyautoload._inflector import Inflector, PackageInflector
from pyautoload._registry import LOCK, ROOT_DIRS, Records

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from types import ModuleType

    from pyautoload._introspect import Registry
    from pyautoload._registry import Entry
    from pyautoload._trace import Sink

    LoadCallback = Callable[[str, object, str], None]
    SetupCallback = Callable[[], None]

_MISSING = object()
_GLOB_CHARS = frozenset("*?[")
_stacks = _thread._local()


def eager_from_environment() -> bool:
    """Whether ``PYAUTOLOAD_EAGER`` asks ``setup()`` to eager load (for CI)."""
    return os.environ.get("PYAUTOLOAD_EAGER", "").strip().lower() in {"1", "true", "yes", "on"}


class Loader:
    """A Zeitwerk-style autoloader for one or more root directories.

    ``loader.push_dir("src/app", namespace="app")`` then ``loader.setup()``: the file
    ``src/app/models/html_parser.py`` is the module ``app.models.html_parser`` and defines
    ``app.models.HtmlParser``, which resolves on first use and is cached in the package.

    Args:
        inflector: turns basenames into expected names (default ``Inflector()``).
        logger: a ``logging.Logger`` (its ``debug`` is used) or a callable taking a string.
            ``PYAUTOLOAD_LOG=1`` makes every loader without one log to stderr.
        tag: a label for log lines (default: the first namespace pushed).
    """

    def __init__(
        self, *, inflector: Inflector | None = None, logger: object = None, tag: str | None = None
    ) -> None:
        self.inflector = inflector if inflector is not None else Inflector()
        self._tag = tag
        self._sink: Sink | None = None
        if logger is not None or "PYAUTOLOAD_LOG" in os.environ:
            from pyautoload import _trace

            self._sink = _trace.sink_for(logger)
            if self._sink is None and _trace.logging_from_environment():
                self._sink = _trace.to_stderr
        self._roots: dict[str, str] = {}
        self._patterns: dict[str, list[str]] = {"ignore": [], "collapse": []}
        self._ignored: set[str] = set()
        self._collapsed: set[str] = set()
        self._do_not_eager_load: set[str] = set()
        self._on_setup: list[SetupCallback] = []
        self._on_load: dict[str | None, list[LoadCallback]] = {}
        self._on_unload: dict[str | None, list[LoadCallback]] = {}
        self._setup_lock = _thread.RLock()
        self.eager_lock = _thread.RLock()
        self._setup_done = False
        self.eager_loaded = False
        self.root_entries: list[Entry] = []
        self.preview: list[Entry] | None = None  # introspection's root entries before setup()
        self.records = Records()
        self._registry_view: Registry | None = None

    @classmethod
    def for_package(cls, package: str | ModuleType, **options: object) -> Loader:
        """A loader for an installed package's own directory, from its ``__init__.py``.

        ``pyautoload.Loader.for_package(__name__).setup()`` in ``app/__init__.py`` makes every
        file below ``app/`` autoloadable; the root ``version.py`` defines ``VERSION``
        (``PackageInflector``).

        Args:
            package: the package module or its name (it must be in ``sys.modules``).
            **options: passed to ``Loader`` (``logger=``, ``tag=``, ``inflector=``).
        """
        module = sys.modules[package] if isinstance(package, str) else package
        paths = [os.path.abspath(p) for p in getattr(module, "__path__", ())]
        if not paths:
            from pyautoload._errors import InvalidNamespace

            raise InvalidNamespace(module.__name__, "for_package needs a package (a module with __path__)")
        options.setdefault("inflector", PackageInflector(paths[0]))
        options.setdefault("tag", module.__name__)
        loader = cls(**options)  # type: ignore[arg-type]
        for path in paths:
            loader.push_dir(path, namespace=module.__name__)
        return loader

    # -- configuration ----------------------------------------------------------------------

    @property
    def tag(self) -> str:
        """The label of this loader's log lines."""
        if self._tag is not None:
            return self._tag
        return next(iter(self._roots.values()), "loader")

    @tag.setter
    def tag(self, value: str) -> None:
        self._tag = value

    def push_dir(self, path: str | os.PathLike[str], namespace: str) -> None:
        """Add a root directory whose files define names under ``namespace``.

        Args:
            path: the directory; its files and subdirectories are the namespace's children.
            namespace: a dotted module name (``app``, ``acme.plugins``). A module of that name
                that another finder or distribution provides is kept and only gains autoloads.

        Raises:
            DirectoryNotFound: ``path`` is not a directory.
            InvalidNamespace: ``namespace`` is not a dotted Python name.
            ConflictError: another loader manages ``path`` already.
        """
        directory = os.path.abspath(path)
        if not os.path.isdir(directory):
            from pyautoload._errors import DirectoryNotFound

            raise DirectoryNotFound(directory)
        if not namespace or not all(is_module_name(part) for part in namespace.split(".")):
            from pyautoload._errors import InvalidNamespace

            raise InvalidNamespace(namespace, "expected a dotted name of identifiers, like 'app.models'")
        with LOCK:
            owner = ROOT_DIRS.get(directory)
            if owner is not None and owner is not self:
                from pyautoload._errors import ConflictError

                raise ConflictError(
                    f"pyautoload: loader {self.tag!r} wants to manage {directory}, "
                    f"which loader {owner.tag!r} manages already",
                    path=directory,
                    other=directory,
                )
            previous = self._roots.get(directory)
            if previous is not None and previous != namespace:
                from pyautoload._errors import ConflictError

                raise ConflictError(
                    f"pyautoload: {directory} is a root of namespace {previous} already, not {namespace}",
                    path=directory,
                    other=directory,
                )
            self._roots[directory] = namespace
            ROOT_DIRS[directory] = self
            self.preview = None
        if self._setup_done:
            _discover.setup_root(self, namespace, [directory])

    def ignore(self, *paths: str | os.PathLike[str]) -> None:
        """Leave files or directories (paths or glob patterns, ``**`` allowed) unmanaged.

        Hidden entries, ``__pycache__``, private files (``_x.py``) and non-``.py`` files are
        ignored already.
        """
        self._add_patterns("ignore", paths)

    def collapse(self, *paths: str | os.PathLike[str]) -> None:
        """Make directories (paths or glob patterns) add no namespace level.

        With ``collapse("app/booking/actions")``, ``app/booking/actions/create.py`` defines
        ``app.booking.Create`` (module ``app.booking.create``).
        """
        self._add_patterns("collapse", paths)

    def do_not_eager_load(self, *paths: str | os.PathLike[str]) -> None:
        """Skip files or directories in ``eager_load()`` (they still autoload on use)."""
        self._do_not_eager_load.update(os.path.abspath(path) for path in paths)

    def _add_patterns(self, kind: str, paths: Iterable[str | os.PathLike[str]]) -> None:
        self._patterns[kind].extend(os.path.abspath(path) for path in paths)
        self.preview = None
        if self._setup_done:
            self.expand_patterns()

    def expand_patterns(self) -> None:
        """Turn the ``ignore``/``collapse`` patterns into the paths they match now."""
        for kind, target in (("ignore", self._ignored), ("collapse", self._collapsed)):
            target.clear()
            for pattern in self._patterns[kind]:
                if _GLOB_CHARS.isdisjoint(pattern):
                    target.add(pattern)
                else:
                    import glob

                    target.update(
                        os.path.abspath(p.rstrip(os.sep)) for p in glob.glob(pattern, recursive=True)
                    )

    def is_ignored(self, path: str) -> bool:
        """Whether an absolute path was ignored with ``ignore()``."""
        return path in self._ignored

    def is_collapsed(self, path: str) -> bool:
        """Whether an absolute directory path was collapsed with ``collapse()``."""
        return path in self._collapsed

    # -- callbacks and logging ----------------------------------------------------------------

    def on_setup(self, callback: SetupCallback) -> SetupCallback:
        """Call ``callback()`` at the end of ``setup()`` (usable as a decorator)."""
        self._on_setup.append(callback)
        if self._setup_done:
            callback()
        return callback

    def on_load(self, callback: LoadCallback, name: str | None = None) -> LoadCallback:
        """Call ``callback(name, value, path)`` after an autoload (usable as a decorator).

        Args:
            callback: receives the fully qualified name, the value and the defining file (or the
                directory of a namespace).
            name: only for this name (``app.models.User``, or a namespace module ``app.models``);
                every autoload of this loader when ``None``.
        """
        self._on_load.setdefault(name, []).append(callback)
        return callback

    def on_unload(self, callback: LoadCallback, name: str | None = None) -> LoadCallback:
        """Call ``callback(name, value, path)`` when ``unload()`` takes a name back (decorator too).

        It runs for what ``on_load`` ran for: each autoloaded name still cached in its namespace,
        and each namespace module the loader created, children before their parents, before
        anything is removed (so a callback that raises leaves everything in place).

        Args:
            callback: receives the fully qualified name, the value and its file (or directory).
            name: only for this name or namespace module; every one when ``None``.
        """
        self._on_unload.setdefault(name, []).append(callback)
        return callback

    def unload_callbacks(self, name: str) -> list[LoadCallback]:
        """The ``on_unload`` callbacks that apply to ``name``, specific ones first."""
        return [*self._on_unload.get(name, ()), *self._on_unload.get(None, ())]

    def log(self) -> None:
        """Log every autoload, scan and setup step of this loader to stderr."""
        from pyautoload import _trace

        self._sink = _trace.to_stderr

    @property
    def logger(self) -> Sink | None:
        """The sink log lines go to, or ``None``."""
        return self._sink

    @logger.setter
    def logger(self, logger: object) -> None:
        from pyautoload import _trace

        self._sink = _trace.sink_for(logger)

    def trace(self, message: str) -> None:
        """Send one log line if logging is on."""
        if self._sink is not None:
            self._sink(f"pyautoload@{self.tag}: {message}")

    # -- setup --------------------------------------------------------------------------------

    @property
    def is_set_up(self) -> bool:
        """Whether ``setup()`` ran."""
        return self._setup_done

    def setup(self) -> None:
        """Start managing the roots: names resolve on first use from now on.

        Idempotent and thread-safe. With ``PYAUTOLOAD_EAGER=1`` it eager loads afterwards.
        """
        with self._setup_lock:
            if self._setup_done:
                return
            with LOCK:
                _finder.install()
                if self not in _registry.LOADERS:
                    _registry.LOADERS.append(self)
            self.expand_patterns()
            self.set_up_roots()
            self._setup_done = True
            self.trace(f"set up {len(self._roots)} root(s)")
            for callback in self._on_setup:
                callback()
        if eager_from_environment():
            self.eager_load()

    def set_up_roots(self) -> None:
        """Register every root with discovery (``setup()``, and again after ``unload()``)."""
        groups: dict[str, list[str]] = {}
        for directory, namespace in self._roots.items():
            groups.setdefault(namespace, []).append(directory)
        for namespace, dirs in groups.items():
            _discover.setup_root(self, namespace, dirs)

    def unload(self) -> None:
        """Unload everything this loader autoloaded; names autoload afresh on next use.

        Every module the loader created (namespaces and files) leaves ``sys.modules`` and its
        parent's ``__dict__``, every name it cached leaves its namespace, and the ``on_unload``
        callbacks run for each name and namespace module before it goes (children before their
        parents). Discovery starts over, so files added or removed since are seen. The loader
        stays set up. Objects the program still holds (``from app import User`` done earlier)
        keep the old values. Do not call it while other threads autoload from this loader.

        Raises:
            SetupRequired: before ``setup()``.
        """
        self._require_setup("unload()")
        from pyautoload import _unload

        with self._setup_lock, self.eager_lock:
            _unload.unload(self)
            self.eager_loaded = False

    def ensure_scanned(self, entry: Entry) -> None:
        """Discover the children of a namespace entry (once)."""
        _discover.ensure_scanned(self, entry)

    def adopt(self, module: ModuleType, entry: Entry) -> None:
        """Add the autoloads and directories of ``entry`` to a module someone else created."""
        _discover.adopt(self, module, entry)

    def unregister(self) -> None:
        """Stop managing: forget the roots and discovered modules, take the autoloads off them.

        Modules already imported and names already resolved stay where they are.
        """
        from pyautoload import _unload

        with self._setup_lock, LOCK:
            _unload.unregister(self)
            self._setup_done = False

    def run_on_load(self, name: str, value: object, path: str) -> None:
        """Run the ``on_load`` callbacks that apply to ``name`` (none registered: nothing to do)."""
        if self._on_load:  # the common case, no callbacks, builds nothing
            for callback in (*self._on_load.get(name, ()), *self._on_load.get(None, ())):
                callback(name, value, path)

    # -- eager loading ------------------------------------------------------------------------

    def eager_load(self, *, force: bool = False) -> None:
        """Load every managed file now (once), for production or CI.

        Args:
            force: also load what ``do_not_eager_load`` excluded.

        Raises:
            SetupRequired: before ``setup()``.
        """
        self._require_setup("eager_load()")
        from pyautoload import _eager

        _eager.eager_load(self, force=force)

    def eager_load_dir(self, path: str | os.PathLike[str]) -> None:
        """Load every managed file below ``path`` (exclusions still apply).

        Raises:
            DirectoryNotFound: ``path`` is not a directory.
            NotManaged: ``path`` is outside this loader's roots.
        """
        self._require_setup("eager_load_dir()")
        from pyautoload import _eager

        _eager.eager_load_dir(self, os.path.abspath(path))

    def eager_load_namespace(self, namespace: str | ModuleType) -> None:
        """Load every managed file of ``namespace`` (a module or a dotted name) and below it."""
        self._require_setup("eager_load_namespace()")
        name = namespace if isinstance(namespace, str) else namespace.__name__
        from pyautoload import _eager

        _eager.eager_load_namespace(self, name)

    def load_file(self, path: str | os.PathLike[str]) -> object:
        """Load the name one file defines, and return it.

        Raises:
            NotManaged: the file is not a managed ``.py`` file (outside the roots, ignored,
                private, shadowed).
        """
        self._require_setup("load_file()")
        from pyautoload import _eager

        return _eager.load_file(self, os.path.abspath(path))

    def is_excluded(self, path: str) -> bool:
        """Whether ``do_not_eager_load`` covers an absolute path."""
        return any(under(path, skip) for skip in self._do_not_eager_load)

    def _require_setup(self, action: str) -> None:
        if not self._setup_done:
            from pyautoload._errors import SetupRequired

            raise SetupRequired(action)

    # -- introspection ------------------------------------------------------------------------

    @property
    def registry(self) -> Registry:
        """What this loader discovered, and which of it is loaded (a read-only view)."""
        if self._registry_view is None:
            from pyautoload._introspect import Registry

            self._registry_view = Registry(self.records)
        return self._registry_view

    def dirs(self) -> list[str]:
        """The root directories, in the order pushed."""
        return list(self._roots)

    def namespaces(self) -> dict[str, str]:
        """Root directory → namespace."""
        return dict(self._roots)

    def expected_name_at(self, path: str | os.PathLike[str]) -> str | None:
        """The name a file defines, or the module a directory is, by the conventions.

        ``None`` for ignored, hidden, private, shadowed or unmanaged paths. Directories are
        listed (not imported) as needed.
        """
        from pyautoload._introspect import expected_name_at

        return expected_name_at(self, os.path.abspath(path))

    def walk_roots(self) -> list[Entry]:
        """The root entries; before ``setup()``, unclaimed ones made for introspection."""
        from pyautoload._introspect import roots

        return roots(self)

    def all_expected_names(self) -> dict[str, str]:
        """Every managed path → the name it defines (files) or the module it is (directories).

        Lists every directory below the roots; imports nothing.
        """
        from pyautoload._introspect import all_expected_names

        return all_expected_names(self)

    def __repr__(self) -> str:
        roots = ", ".join(f"{d} → {n}" for d, n in self._roots.items())
        return f"<pyautoload.Loader {self.tag!r} [{roots}]>"

"""The one meta-path finder of the process, the loaders of namespace modules, their ``__getattr__``.

The finder sits just before ``PathFinder`` in ``sys.meta_path`` and answers only for modules a
loader discovered (a dict lookup otherwise). Files are handed to ``PathFinder`` itself, so their
specs, ``SourceFileLoader``, bytecode caching and every hook that wraps the path machinery
(pytest's assertion rewriting, typeguard-style instrumentation, coverage) behave as for any
import. Namespace modules get a real ``__path__`` (their directories) and their autoloads before
their body, if any, runs.

The autoloads are ``Autoloads``, a module-level ``__getattr__`` (PEP 562) installed in the
namespace's ``__dict__``. Python calls it only for names missing from that dict, and ``autoload``
caches each resolved name there, so after the first use a name costs a plain dict hit. A
``__getattr__`` (and ``__dir__``) the module had before — its own, or another loader's — is kept
as the fallback.
"""

from __future__ import annotations

import _thread
import os
import sys
import time

# importlib.machinery's own objects, from the frozen modules every interpreter has loaded: importing
# the importlib package for them would cost `import pyautoload` two modules (importlib, warnings).
from _frozen_importlib import ModuleSpec
from _frozen_importlib_external import PathFinder

from pyautoload import _registry

_MISSING = object()
_stacks = _thread._local()  # per thread: the names being autoloaded, outermost first

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from types import ModuleType

    from pyautoload._registry import Entry


class Autoloads:
    """The ``__getattr__`` of one namespace module managed by one loader."""

    __slots__ = ("entry", "fallback", "fallback_dir", "module")

    def __init__(self, entry: Entry, module: ModuleType) -> None:
        self.entry = entry
        self.module = module
        previous = module.__dict__.get("__getattr__")
        self.fallback: Callable[[str], object] | None = previous if callable(previous) else None
        previous_dir = module.__dict__.get("__dir__")
        self.fallback_dir: Callable[[], object] | None = previous_dir if callable(previous_dir) else None

    def __call__(self, name: str) -> object:
        children = self.entry.children
        if children is None:  # a root adopted by setup() without reading it
            self.entry.owner.ensure_scanned(self.entry)
            children = self.entry.children
        child = children.get(name) if children is not None else None
        if child is not None and (child.kind != _registry.PENDING or _confirm(child)):
            return autoload(self, name, child)
        if self.fallback is not None:
            return self.fallback(name)
        raise AttributeError(
            f"module {self.entry.module!r} has no attribute {name!r}", name=name, obj=self.module
        )

    def names(self) -> list[str]:
        """What ``dir()`` of the module shows: its dict, the autoloadable names, the fallback's."""
        from pyautoload._settle import children

        names = set(self.module.__dict__)
        names.update(children(self.entry.owner, self.entry))
        if self.fallback_dir is not None:
            extra = self.fallback_dir()
            if isinstance(extra, (list, tuple, set, frozenset)):
                names.update(str(name) for name in extra)
        return sorted(names)


def autoload(hook: Autoloads, name: str, child: Entry) -> object:
    """Resolve ``name`` of ``hook``'s namespace from ``child``, cache it there, log it, call back.

    A namespace child asked for by its module name (``app.models``) is imported. A name
    (``app.models.User``) imports its file and takes the value the file defines; a name asked for
    again while its file runs is a circular import (reported with the chain of this thread).
    """
    if name != child.attribute:
        module = import_module(child.module)
        hook.module.__dict__.setdefault(name, module)
        return module
    loader = child.owner
    stack: list[Entry] | None = getattr(_stacks, "stack", None)
    if stack is None:
        stack = _stacks.stack = []
    if child in stack:
        from pyautoload._explain import circular

        raise circular([*stack[stack.index(child) :], child])
    logging = loader.logger is not None
    started = time.perf_counter() if logging else 0.0
    stack.append(child)
    try:
        module = import_module(child.module)
    finally:
        stack.pop()
    value = module.__dict__.get(name, _MISSING)
    if value is _MISSING:
        from pyautoload import _explain

        if getattr(module.__spec__, "_initializing", False):
            raise _explain.circular([*stack, child])
        raise _explain.missing_name(child, module)
    namespace = hook.module.__dict__
    with _registry.LOCK:  # threads that raced through the import: one publishes, logs and calls back
        first = namespace.get(name, module) is module  # unset, or the module the import system put there
        if first:
            namespace[name] = value
            child.cached_in = hook.module  # what unload() takes back
        else:
            value = namespace[name]
    if not first:
        return value
    if logging:
        elapsed_ms = (time.perf_counter() - started) * 1000
        from pyautoload._trace import trigger

        loader.trace(f"autoloaded {child.name} from {child.file} in {elapsed_ms:.2f} ms ({trigger()})")
    loader.run_on_load(child.name or name, value, child.path)
    return value


def _confirm(entry: Entry) -> bool:
    from pyautoload._settle import confirm

    return confirm(entry)


def attach(module: ModuleType, entry: Entry) -> Autoloads:
    """Install the autoloads of ``entry`` on ``module`` (idempotent for the same entry)."""
    current = module.__dict__.get("__getattr__")
    if isinstance(current, Autoloads) and current.entry is entry:
        return current
    hook = Autoloads(entry, module)
    module.__dict__["__getattr__"] = hook
    module.__dict__["__dir__"] = hook.names
    entry.hook = hook
    return hook


def join_shared(module: ModuleType) -> None:
    """Let the other loaders that share this namespace add their autoloads and directories."""
    for entry in list(_registry.SHARED.get(module.__name__, ())):
        entry.owner.adopt(module, entry)


def import_module(name: str) -> ModuleType:
    """``importlib.import_module`` for an absolute name."""
    __import__(name)
    return sys.modules[name]


class NamespaceLoader:
    """Creates an auto-created namespace (a directory without ``__init__.py``, or a root)."""

    def __init__(self, entry: Entry) -> None:
        self.entry = entry

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        return None

    def exec_module(self, module: ModuleType) -> None:
        attach(module, self.entry)
        join_shared(module)
        self.entry.owner.trace(f"namespace {module.__name__} created for {', '.join(self.entry.dirs)}")
        self.entry.owner.run_on_load(self.entry.module, module, self.entry.path)

    def is_package(self, fullname: str) -> bool:
        return True


class Finder:
    """Claims only modules registered by a loader; everything else goes to the next finder."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        entry = _registry.MODULES.get(fullname)
        if entry is None and _registry.UNLISTED:
            from pyautoload._discover import list_pending_roots

            entry = list_pending_roots(fullname)
        if entry is None or entry.adopted:
            return None
        if entry.kind == _registry.PENDING and not _confirm(entry):
            return None
        return spec_for(entry)

    def invalidate_caches(self) -> None:
        """Nothing cached here; directory listings are re-read by a reload."""

    def __repr__(self) -> str:
        return "<pyautoload.Finder>"


FINDER = Finder()


def spec_for(entry: Entry) -> ModuleSpec | None:
    """The spec of a discovered module; ``None`` if its file is gone."""
    if entry.kind == _registry.FILE:
        assert entry.file is not None
        return PathFinder.find_spec(entry.module, [os.path.dirname(entry.file)])
    entry.owner.ensure_scanned(entry)
    if entry.file is None:
        spec = ModuleSpec(entry.module, NamespaceLoader(entry), origin=None, is_package=True)  # type: ignore[arg-type]
    else:
        from pyautoload._body import BodyLoader

        spec = ModuleSpec(
            entry.module, BodyLoader(entry.module, entry.file, entry), origin=entry.file, is_package=True
        )
        spec.has_location = True
    spec.submodule_search_locations = list(entry.dirs)
    return spec


def install() -> None:
    """Put the finder just before ``PathFinder`` (idempotent; call under ``_registry.LOCK``)."""
    if FINDER in sys.meta_path:
        return
    for index, finder in enumerate(sys.meta_path):
        if finder is PathFinder:
            sys.meta_path.insert(index, FINDER)
            return
    sys.meta_path.append(FINDER)


def uninstall() -> None:
    """Take the finder out of ``sys.meta_path`` (call under ``_registry.LOCK``)."""
    while FINDER in sys.meta_path:
        sys.meta_path.remove(FINDER)


def find_elsewhere(fullname: str, path: Sequence[str] | None) -> ModuleSpec | None:
    """What the other finders of ``sys.meta_path`` say about ``fullname``."""
    for finder in list(sys.meta_path):
        if finder is FINDER:
            continue
        find_spec = getattr(finder, "find_spec", None)
        if find_spec is None:
            continue
        spec = find_spec(fullname, path, None)
        if spec is not None:
            return spec  # type: ignore[no-any-return]
    return None

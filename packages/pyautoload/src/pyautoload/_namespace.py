"""The module-level ``__getattr__`` (PEP 562) that resolves a namespace's children on first use.

``Autoloads`` is installed in a namespace module's ``__dict__``. Python calls it only for names
missing from that dict, and the loader caches each resolved name there, so after the first use
a name costs a plain dict hit. A ``__getattr__`` (and ``__dir__``) the module had before — its
own, or another loader's — is kept as the fallback.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
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
        child = children.get(name) if children is not None else None
        if child is not None:
            return self.entry.owner.autoload(self, name, child)
        if self.fallback is not None:
            return self.fallback(name)
        raise AttributeError(
            f"module {self.entry.module!r} has no attribute {name!r}", name=name, obj=self.module
        )

    def names(self) -> list[str]:
        """What ``dir()`` of the module shows: its dict, the autoloadable names, the fallback's."""
        names = set(self.module.__dict__)
        names.update(self.entry.children or ())
        if self.fallback_dir is not None:
            extra = self.fallback_dir()
            if isinstance(extra, (list, tuple, set, frozenset)):
                names.update(str(name) for name in extra)
        return sorted(names)


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

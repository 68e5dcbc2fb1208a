"""The process-wide functions: every loader's roots, eager loading across loaders."""

from __future__ import annotations

from pyautoload import _registry

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import ModuleType

    from pyautoload._loader import Loader


def all_dirs() -> list[str]:
    """The root directories of every loader of the process."""
    return [d for loader in list(_registry.LOADERS) for d in loader.dirs()]


def eager_load_all() -> None:
    """``eager_load()`` every loader that is set up."""
    for loader in list(_registry.LOADERS):
        if loader.is_set_up:
            loader.eager_load()


def eager_load_namespace(namespace: str | ModuleType) -> None:
    """``eager_load_namespace()`` on every loader that is set up."""
    for loader in list(_registry.LOADERS):
        if loader.is_set_up:
            loader.eager_load_namespace(namespace)


def loaders() -> list[Loader]:
    """Every loader that ran ``setup()`` and was not unregistered."""
    return list(_registry.LOADERS)

"""Extension manager: make any package importable on demand from an isolated, shared cache.

>>> import xtnsmgr
>>> entry = xtnsmgr.ensure_package_sync("rich>=13")  # installs on the first call, then a hit
>>> await xtnsmgr.ensure_package("rich>=13")  # the async twin

The public names load lazily, so ``import xtnsmgr`` stays cheap. The submodules
:mod:`xtnsmgr.cachemgr`, :mod:`xtnsmgr.installation`, :mod:`xtnsmgr.importation` and
:mod:`xtnsmgr.processors` hold the same names by concern.
"""

from __future__ import annotations

import importlib

from xtnsmgr.__about__ import __version__
from xtnsmgr._errors import (
    ExtensionConfigError,
    ExtensionConflictError,
    ExtensionImportError,
    ExtensionInstallationError,
    ExtensionRegistrationError,
    StaleExtensionWarning,
    XtnsmgrError,
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (type checkers know the name)
if TYPE_CHECKING:
    from typing import Any

    from xtnsmgr.cachemgr import (
        CacheEntry,
        CacheManager,
        Distribution,
        IndexSettings,
        Installed,
        Specification,
        default_manager,
        ensure_package,
        ensure_package_sync,
        parse_specification,
        set_default_manager,
    )
    from xtnsmgr.importation import (
        PthPolicy,
        add_package_to_import_path,
        cleanup_import_paths,
        import_processor_module,
        process_pth_files,
        remove_package_from_import_path,
    )
    from xtnsmgr.installation import Installer, PipInstaller, UvInstaller, default_installer, install_many
    from xtnsmgr.processors import (
        ExtensionConfig,
        LoadedExtension,
        RegistrationReport,
        register_extensions,
        register_extensions_sync,
    )

_LAZY = {  # the private module of each name: the hit path of a new process loads only its own
    "xtnsmgr._cachemgr": (
        "CacheManager",
        "Installed",
        "default_manager",
        "ensure_package",
        "ensure_package_sync",
        "set_default_manager",
    ),
    "xtnsmgr._disk": ("CacheEntry",),
    "xtnsmgr._metadata": ("Distribution",),
    "xtnsmgr._settings": ("IndexSettings",),
    "xtnsmgr._specification": ("Specification", "parse_specification"),
    "xtnsmgr._importation": (
        "PthPolicy",
        "add_package_to_import_path",
        "cleanup_import_paths",
        "import_processor_module",
        "process_pth_files",
        "remove_package_from_import_path",
    ),
    "xtnsmgr.installation": ("Installer", "PipInstaller", "UvInstaller", "default_installer", "install_many"),
    "xtnsmgr.processors": (
        "ExtensionConfig",
        "LoadedExtension",
        "RegistrationReport",
        "register_extensions",
        "register_extensions_sync",
    ),
}
_WHERE = {name: module for module, names in _LAZY.items() for name in names}

__all__ = [
    "CacheEntry",
    "CacheManager",
    "Distribution",
    "ExtensionConfig",
    "ExtensionConfigError",
    "ExtensionConflictError",
    "ExtensionImportError",
    "ExtensionInstallationError",
    "ExtensionRegistrationError",
    "IndexSettings",
    "Installed",
    "Installer",
    "LoadedExtension",
    "PipInstaller",
    "PthPolicy",
    "RegistrationReport",
    "Specification",
    "StaleExtensionWarning",
    "UvInstaller",
    "XtnsmgrError",
    "__version__",
    "add_package_to_import_path",
    "cleanup_import_paths",
    "default_installer",
    "default_manager",
    "ensure_package",
    "ensure_package_sync",
    "import_processor_module",
    "install_many",
    "parse_specification",
    "process_pth_files",
    "register_extensions",
    "register_extensions_sync",
    "remove_package_from_import_path",
    "set_default_manager",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'xtnsmgr' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

from __future__ import annotations

import subprocess
import sys

import pytest

import xtnsmgr
from xtnsmgr import cachemgr, importation, installation, processors

EXPECTED = [
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


def test_public_surface_is_pinned() -> None:
    assert sorted(xtnsmgr.__all__) == EXPECTED


def test_every_public_name_resolves() -> None:
    for name in xtnsmgr.__all__:
        assert getattr(xtnsmgr, name) is not None, name
    for module in (cachemgr, importation, installation, processors):
        for name in module.__all__:
            assert getattr(module, name) is not None


def test_unknown_attribute_raises_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = xtnsmgr.no_such_name  # type: ignore[attr-defined]


def test_import_is_cheap() -> None:
    code = "import sys, xtnsmgr; print(sorted(m for m in ('asyncio', 'packaging', 'rich', 'msgpack', 'blake3') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"

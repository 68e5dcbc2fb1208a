"""Adding cache entries to the import path and removing them (see :mod:`xtnsmgr`)."""

from __future__ import annotations

from xtnsmgr._importation import (
    PthPolicy,
    add_package_to_import_path,
    added_import_paths,
    cleanup_import_paths,
    import_processor_module,
    process_pth_files,
    remove_package_from_import_path,
)

__all__ = [
    "PthPolicy",
    "add_package_to_import_path",
    "added_import_paths",
    "cleanup_import_paths",
    "import_processor_module",
    "process_pth_files",
    "remove_package_from_import_path",
]

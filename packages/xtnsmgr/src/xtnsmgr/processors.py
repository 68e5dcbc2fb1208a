"""Registering a host's extensions from its configuration (see :mod:`xtnsmgr`)."""

from __future__ import annotations

from xtnsmgr._processors import (
    ExtensionConfig,
    LoadedExtension,
    RegistrationReport,
    discover_entry_points,
    find_conflicts,
    parse_extension_configs,
    register_extensions,
    register_extensions_sync,
)

__all__ = [
    "ExtensionConfig",
    "LoadedExtension",
    "RegistrationReport",
    "discover_entry_points",
    "find_conflicts",
    "parse_extension_configs",
    "register_extensions",
    "register_extensions_sync",
]

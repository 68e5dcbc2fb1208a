"""Pure installation into a directory with uv (or pip) (see :mod:`xtnsmgr`)."""

from __future__ import annotations

from xtnsmgr._installation import (
    Installer,
    PipInstaller,
    UvInstaller,
    default_installer,
    find_uv,
    install_many,
    is_transient_failure,
)

__all__ = [
    "Installer",
    "PipInstaller",
    "UvInstaller",
    "default_installer",
    "find_uv",
    "install_many",
    "is_transient_failure",
]

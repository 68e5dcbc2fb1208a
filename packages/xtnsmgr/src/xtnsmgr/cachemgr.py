"""The cache: ``ensure_package`` and its management (see :mod:`xtnsmgr`)."""

from __future__ import annotations

from xtnsmgr._cachemgr import (
    DEFAULT_TTL,
    CacheManager,
    Installed,
    default_manager,
    ensure_package,
    ensure_package_sync,
    set_default_manager,
)
from xtnsmgr._disk import CacheEntry
from xtnsmgr._keys import cache_key, interpreter_tag
from xtnsmgr._layout import default_cache_root
from xtnsmgr._metadata import Distribution
from xtnsmgr._settings import IndexSettings
from xtnsmgr._specification import Specification, parse_specification

__all__ = [
    "DEFAULT_TTL",
    "CacheEntry",
    "CacheManager",
    "Distribution",
    "IndexSettings",
    "Installed",
    "Specification",
    "cache_key",
    "default_cache_root",
    "default_manager",
    "ensure_package",
    "ensure_package_sync",
    "interpreter_tag",
    "parse_specification",
    "set_default_manager",
]

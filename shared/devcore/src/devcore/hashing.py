"""blake3 digests of bytes, files and directory trees, and a fingerprint cache.

>>> from devcore.hashing import hash_bytes, hash_file, hash_tree, FingerprintCache, stat_key

The fingerprint cache's names load on first use, so hashing bytes imports only the digests.
"""

from __future__ import annotations

from devcore._hash import MMAP_THRESHOLD, hash_bytes, hash_file, hash_tree

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (type checkers know the name)
if TYPE_CHECKING:
    from typing import Any

    from devcore._hash_cache import CacheStats, FingerprintCache, StatKey, stat_key

__all__ = [
    "MMAP_THRESHOLD",
    "CacheStats",
    "FingerprintCache",
    "StatKey",
    "hash_bytes",
    "hash_file",
    "hash_tree",
    "stat_key",
]

_CACHE_NAMES = frozenset({"CacheStats", "FingerprintCache", "StatKey", "stat_key"})


def __getattr__(name: str) -> Any:
    if name not in _CACHE_NAMES:
        raise AttributeError(f"module 'devcore.hashing' has no attribute {name!r}")
    from devcore import _hash_cache

    value = getattr(_hash_cache, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

"""blake3 digests of bytes, files and directory trees, and a fingerprint cache.

>>> from devcore.hashing import hash_bytes, hash_file, hash_tree, FingerprintCache, stat_key
"""

from __future__ import annotations

from devcore._hash import MMAP_THRESHOLD, hash_bytes, hash_file, hash_tree
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

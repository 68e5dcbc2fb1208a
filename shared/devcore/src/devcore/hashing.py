"""blake3 digests of bytes, files and directory trees, and a fingerprint cache.

>>> from devcore.hashing import hash_bytes, hash_file, hash_tree, FingerprintCache
"""

from __future__ import annotations

from devcore._hash import MMAP_THRESHOLD, hash_bytes, hash_file, hash_tree
from devcore._hash_cache import CacheStats, FingerprintCache

__all__ = [
    "MMAP_THRESHOLD",
    "CacheStats",
    "FingerprintCache",
    "hash_bytes",
    "hash_file",
    "hash_tree",
]

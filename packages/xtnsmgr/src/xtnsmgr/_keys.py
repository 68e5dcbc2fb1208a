"""Cache keys: the interpreter-ABI-platform tag and the digest of what an entry installs."""

from __future__ import annotations

import functools
from collections.abc import Iterable

from xtnsmgr._settings import IndexSettings

KEY_LENGTH = 32


@functools.cache
def interpreter_tag() -> str:
    """The most specific wheel tag of this interpreter, e.g. ``cp311-cp311-manylinux_2_35_x86_64``.

    Entries built for one interpreter, ABI (free-threaded, debug) or platform are never served to
    another: the tag is a directory level of the cache.
    """
    from packaging.tags import sys_tags

    return str(next(iter(sys_tags())))


def cache_key(identities: Iterable[str], settings: IndexSettings) -> str:
    """Digest of the normalized requirement set, the index settings and the constraints.

    Args:
        identities: the ``identity`` of each specification of the entry (order does not matter).
        settings: the index settings (``offline`` is not part of the key).

    Returns:
        32 hexadecimal characters.
    """
    from devcore.hashing import hash_bytes
    from devcore.serial import packb

    return hash_bytes(packb(sorted(set(identities))) + _settings_material(settings))[:KEY_LENGTH]


@functools.lru_cache(maxsize=64)
def _settings_material(settings: IndexSettings) -> bytes:
    from devcore.serial import packb

    return packb(settings.key_material())

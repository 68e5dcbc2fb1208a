"""Cache keys: the interpreter-ABI-platform tag and the digest of what an entry installs."""

from __future__ import annotations

import functools
import sys
import sysconfig
from collections.abc import Iterable

from devcore.hashing import hash_bytes
from devcore.serial import packb
from xtnsmgr._settings import IndexSettings

KEY_LENGTH = 32


@functools.cache
def interpreter_tag() -> str:
    """This interpreter's wheel tag, e.g. ``cp311-cp311-linux_x86_64`` or ``cp313-cp313t-...``.

    Entries built for one interpreter, ABI (free-threaded, debug) or platform are never served to
    another: the tag is a directory level of the cache. Computed from :mod:`sys` and
    :mod:`sysconfig` (the generic tag ``packaging.tags`` also yields), without loading packaging.
    """
    name = sys.implementation.name
    short = {"cpython": "cp", "pypy": "pp"}.get(name, name)
    version = f"{sys.version_info.major}{sys.version_info.minor}"
    flags = getattr(sys, "abiflags", None)  # POSIX: "t" free-threaded, "d" debug, read without
    if name == "cpython" and flags is not None:  # loading the build's configuration variables
        abi = f"cp{version}{'t' if 't' in flags else ''}{'d' if 'd' in flags else ''}"
    elif name == "cpython":
        abi = f"cp{version}{'t' if sysconfig.get_config_var('Py_GIL_DISABLED') else ''}"
        abi += "d" if sysconfig.get_config_var("Py_DEBUG") else ""
    else:
        soabi = sysconfig.get_config_var("SOABI") or "none"
        abi = soabi.replace(".", "_").replace("-", "_")
    platform = sysconfig.get_platform().replace("-", "_").replace(".", "_").replace(" ", "_")
    return f"{short}{version}-{abi}-{platform}"


def cache_key(identities: Iterable[str], settings: IndexSettings) -> str:
    """Digest of the normalized requirement set, the index settings and the constraints.

    Args:
        identities: the ``identity`` of each specification of the entry (order does not matter).
        settings: the index settings (``offline`` is not part of the key).

    Returns:
        32 hexadecimal characters.
    """
    return key_of_material("\0".join(sorted(set(identities))), settings_material(settings))


def key_of_material(identities: str, settings: bytes) -> str:
    """The key of already-joined identities under already-packed settings (the hit path's form)."""
    return hash_bytes(identities.encode("utf-8", "surrogatepass") + b"\1" + settings)[:KEY_LENGTH]


@functools.lru_cache(maxsize=64)
def settings_material(settings: IndexSettings) -> bytes:
    """What the index settings contribute to a key (packed once per settings value)."""
    return packb(settings.key_material())

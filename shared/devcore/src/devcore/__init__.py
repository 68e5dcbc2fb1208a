"""devcore: the shared base of the devtools monorepo.

The public modules are imported on their own so that ``import devcore`` stays cheap:
``devcore.watch`` (file watching), ``devcore.hashing`` (blake3 digests and a fingerprint
cache), ``devcore.serial`` (msgpack and framed files) and ``devcore.files`` (atomic writes,
staging directories, cross-process locks).
"""

from __future__ import annotations

from devcore.__about__ import __version__
from devcore._errors import (
    CorruptFileError,
    DevcoreError,
    LockTimeout,
    SerialError,
    WatchError,
    WatchPathNotFound,
)

__all__ = [
    "CorruptFileError",
    "DevcoreError",
    "LockTimeout",
    "SerialError",
    "WatchError",
    "WatchPathNotFound",
    "__version__",
]

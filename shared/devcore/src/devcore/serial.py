"""msgpack with extension types that round-trip exactly, and framed files.

>>> from devcore.serial import packb, unpackb, write_framed, read_framed
"""

from __future__ import annotations

from devcore._errors import CorruptFileError, SerialError
from devcore._frame import HEADER_SIZE, frame, read_framed, unframe, write_framed
from devcore._serial import INT_MAX, INT_MIN, MAX_NESTING, packb, unpackb

__all__ = [
    "HEADER_SIZE",
    "INT_MAX",
    "INT_MIN",
    "MAX_NESTING",
    "CorruptFileError",
    "SerialError",
    "frame",
    "packb",
    "read_framed",
    "unframe",
    "unpackb",
    "write_framed",
]

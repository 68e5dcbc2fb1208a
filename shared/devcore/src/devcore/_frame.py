"""Framed files: magic, format version, payload length, blake3 checksum, msgpack payload."""

from __future__ import annotations

import os
import struct
from pathlib import Path

from devcore._errors import CorruptFileError
from devcore._hash import _blake3, digest_bytes
from devcore._serial import _unpack, decode_error, packb, unpackb

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (type checkers know the name)
if TYPE_CHECKING:
    from typing import Any

# magic (4 bytes) · format version (u16) · payload length (u64) · blake3 of the payload (32 bytes)
_HEADER = struct.Struct(">4sHQ32s")
HEADER_SIZE = _HEADER.size
_READ_SIZE = 1 << 16
_COPY_SIZE = 1 << 16  # up to this many bytes, unframe slices the payload out instead of viewing it
_O_BINARY = getattr(os, "O_BINARY", 0)


def frame(obj: object, *, magic: bytes, version: int) -> bytes:
    """The bytes of a framed file holding ``obj``.

    Args:
        obj: any object `packb` accepts.
        magic: exactly 4 bytes naming the file's kind (``b"DXPY"``).
        version: the format version of the payload, 0 to 65535.

    Returns:
        The header followed by the msgpack payload.

    Raises:
        SerialError: ``obj`` cannot be packed.
        ValueError: ``magic`` or ``version`` is out of range.
    """
    _check_header_arguments(magic, version)
    payload = packb(obj)
    return _HEADER.pack(magic, version, len(payload), digest_bytes(payload)) + payload


def unframe(
    data: bytes | bytearray | memoryview,
    *,
    magic: bytes,
    version: int,
    path: str | os.PathLike[str] = "<bytes>",
) -> Any:
    """The object in the bytes of a framed file, after every check.

    Args:
        data: the whole file.
        magic: the expected 4-byte magic.
        version: the expected format version.
        path: where the bytes came from, for the error's ``.path``.

    Returns:
        The object.

    Raises:
        CorruptFileError: the bytes are truncated, foreign, of another version, damaged, or
            hold more than the frame.
    """
    if not (isinstance(magic, bytes) and len(magic) == 4 and 0 <= version <= 0xFFFF):
        _check_header_arguments(magic, version)
    view: bytes | memoryview
    if type(data) is bytes and len(data) <= _COPY_SIZE:
        small = True  # the common case: its payload sliced out, hashed and decoded by the C calls
        view = data  # themselves (no view, no Python frame of digest_bytes or unpackb)
    else:
        small = False
        view = memoryview(data)
        if view.format != "B":
            view = view.cast("B")
    # The success path builds nothing for errors: the checks that fail are repeated by
    # _corrupt, which names the first one and builds the error's path.
    if len(view) >= HEADER_SIZE:
        found_magic, found_version, length, checksum = _HEADER.unpack_from(view)
        payload = view[HEADER_SIZE:]
        if (
            found_magic == magic
            and found_version == version
            and len(payload) == length
            and (_blake3(payload).digest() if small else digest_bytes(payload)) == checksum
        ):
            try:
                return _unpack(payload) if small else unpackb(payload)
            except Exception as error:  # as unpackb: any malformed payload, whatever raised it
                raise CorruptFileError(Path(path), f"undecodable payload: {decode_error(error)}") from error
    raise _corrupt(memoryview(view), magic, version, path)


def _corrupt(view: memoryview, magic: bytes, version: int, path: str | os.PathLike[str]) -> CorruptFileError:
    """The `CorruptFileError` naming the first check that the framed bytes fail."""
    source = Path(path)
    if view[: len(magic)] != magic[: len(view)]:
        return CorruptFileError(source, f"foreign file: magic {bytes(view[:4])!r}, expected {magic!r}")
    if len(view) < HEADER_SIZE:
        return CorruptFileError(source, f"truncated header: {len(view)} of {HEADER_SIZE} bytes")
    _, found_version, length, _checksum = _HEADER.unpack_from(view)
    if found_version != version:
        return CorruptFileError(source, f"format version {found_version}, expected {version}")
    payload = view[HEADER_SIZE:]
    if len(payload) != length:
        state = "truncated" if len(payload) < length else "trailing bytes after the"
        return CorruptFileError(source, f"{state} payload: {len(payload)} bytes, header says {length}")
    return CorruptFileError(source, "checksum mismatch")


def write_framed(
    path: str | os.PathLike[str], obj: object, *, magic: bytes, version: int, durable: bool = True
) -> None:
    """Write ``obj`` to a framed file, atomically (temp file, fsync, rename, fsync of the dir).

    The file is ``magic (4 bytes) · format version (u16, big-endian) · payload length (u64,
    big-endian) · blake3 of the payload (32 bytes) · msgpack payload``.

    Args:
        path: the file to write; its directory must exist.
        obj: any object `packb` accepts.
        magic: exactly 4 bytes naming the file's kind.
        version: the format version of the payload, 0 to 65535.
        durable: as for `devcore.files.atomic_write`.

    Raises:
        SerialError: ``obj`` cannot be packed (nothing is written).
        ValueError: ``magic`` or ``version`` is out of range.
    """
    from devcore._files import atomic_write  # writers only: readers skip its imports

    atomic_write(path, frame(obj, magic=magic, version=version), durable=durable)


def read_framed(path: str | os.PathLike[str], *, magic: bytes, version: int) -> Any:
    """Read a framed file written by `write_framed`.

    Args:
        path: the file to read.
        magic: the expected 4-byte magic.
        version: the expected format version.

    Returns:
        The object, whole: a damaged file never yields part of one.

    Raises:
        CorruptFileError: the file is truncated (cut at any byte), has a foreign magic or
            another version, fails its checksum, or has bytes after its payload.
        FileNotFoundError: the file does not exist (other `OSError` for other failures).
    """
    return unframe(_read_whole(path), magic=magic, version=version, path=path)


def _read_whole(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a file, with plain system calls (no buffered file object, no ``Path``)."""
    fd = os.open(path, os.O_RDONLY | _O_BINARY)
    try:
        chunks = []
        size = _READ_SIZE
        while chunk := os.read(fd, size):
            chunks.append(chunk)
            if len(chunk) == size == _READ_SIZE:  # a large file: the rest in as few reads as can be
                size = max(_READ_SIZE, os.fstat(fd).st_size - len(chunk) + 1)
    finally:
        os.close(fd)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _check_header_arguments(magic: bytes, version: int) -> None:
    if not isinstance(magic, bytes) or len(magic) != 4:
        raise ValueError(f"magic must be exactly 4 bytes, not {magic!r}")
    if not 0 <= version <= 0xFFFF:
        raise ValueError(f"version must be within 0 and 65535, not {version}")

"""msgpack with extension types that round-trip exactly."""

from __future__ import annotations

import functools
import gc
import os
import threading
from collections.abc import Callable
from pathlib import Path, PurePosixPath, PureWindowsPath

import msgpack

from devcore._errors import SerialError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (type checkers know the name)
if TYPE_CHECKING:
    from typing import Any

#: The integers msgpack can carry: from -2**63 to 2**64 - 1.
INT_MIN = -(2**63)
INT_MAX = 2**64 - 1

# Extension codes: part of the format, never renumber.
_TUPLE = 1
_SET = 2
_FROZENSET = 3
_PATH = 4
_PURE_POSIX_PATH = 5
_PURE_WINDOWS_PATH = 6
_DATETIME = 7
_DATE = 8
_TIME = 9
_TIMEDELTA = 10
_DECIMAL = 11
_UUID = 12

_GC_PAUSE_BYTES = 1 << 16
_TOTALLY_ORDERED = frozenset({str, bytes, int})
_IDLE_PACKERS: list[msgpack.Packer] = []
_IDLE_PACKERS_MAX = 64
#: How deep tuples and sets may nest in one another. Each level of decoding takes a fresh
#: msgpack context on the C stack (about 45 KiB), so the limit keeps hostile input from
#: overflowing a thread's stack.
MAX_NESTING = 64
_NESTING = threading.local()
# An extension built without ExtType's argument checks: our codes and payloads are valid.
_ext = msgpack.ExtType._make

# Strings may hold lone surrogates (file names that are not UTF-8 decode to them).
_UNICODE_ERRORS = "surrogatepass"


def packb(obj: object) -> bytes:
    """Serialize an object to msgpack bytes.

    Besides msgpack's own types (``None``, ``bool``, ``int``, ``float``, ``str``, ``bytes``,
    ``list``, ``dict``) these round-trip exactly, nested (tuples and sets up to
    ``MAX_NESTING`` = 64 levels in one another) and as dict keys where hashable: ``tuple``, ``set``, ``frozenset``, ``pathlib.Path`` (and the
    pure posix and windows paths), ``datetime.datetime`` (naive, or with a
    ``datetime.timezone`` or ``zoneinfo.ZoneInfo``; another tzinfo is kept as its fixed
    offset at that instant), ``date``, ``time``, ``timedelta``, ``Decimal`` and ``UUID``.
    Subclasses of ``int``, ``float``, ``str``, ``bytes``, ``list`` and ``dict`` (enums, for
    instance) are packed as their base type; ``bytearray`` and ``memoryview`` as ``bytes``.
    Sets are packed in a canonical order, so equal objects give equal bytes whatever the hash
    seed.

    Args:
        obj: the object to serialize.

    Returns:
        The msgpack bytes.

    Raises:
        SerialError: the object holds a type that cannot be serialized, or an integer outside
            msgpack's range (``INT_MIN`` = -2**63 to ``INT_MAX`` = 2**64 - 1).
    """
    try:
        return _pack(obj)
    except SerialError:
        raise
    except (TypeError, ValueError, OverflowError, RecursionError) as error:
        raise SerialError(f"cannot serialize: {error}") from error


def unpackb(data: bytes | bytearray | memoryview) -> Any:
    """Deserialize msgpack bytes written by `packb`.

    Args:
        data: exactly one msgpack object (trailing bytes are an error).

    Returns:
        The object, with every extension type restored.

    Raises:
        SerialError: the bytes are not one well-formed object.
    """
    pause_gc = len(data) >= _GC_PAUSE_BYTES and gc.isenabled()
    if pause_gc:
        gc.disable()  # msgpack's advice: collecting while building many containers is wasted work
    try:
        return _unpack(data)
    except SerialError:
        raise
    except Exception as error:  # any malformed input, whatever msgpack or a constructor says
        raise decode_error(error) from error
    finally:
        if pause_gc:
            gc.enable()


def decode_error(error: Exception) -> SerialError:
    """The `SerialError` for an error raised while decoding (one already is itself)."""
    if isinstance(error, SerialError):
        return error
    return SerialError(f"cannot deserialize: {type(error).__name__}: {error}")


def _pack(obj: object) -> bytes:
    """Pack with an idle packer, taken from the pool for the time of the call.

    Packers are neither thread-safe nor re-entrant, and extensions pack their items while an
    outer packer is busy; ``list.pop`` and ``append`` are atomic, so no two calls ever share
    a packer. A packer that fails is reset by msgpack and can be reused.
    """
    try:
        packer = _IDLE_PACKERS.pop()
    except IndexError:
        packer = _new_packer()
    try:
        return packer.pack(obj)
    finally:
        if len(_IDLE_PACKERS) < _IDLE_PACKERS_MAX:
            _IDLE_PACKERS.append(packer)


def _new_packer() -> msgpack.Packer:
    return msgpack.Packer(
        default=_default, use_bin_type=True, strict_types=True, unicode_errors=_UNICODE_ERRORS
    )


def _array_header(length: int) -> bytes:
    if length < 16:
        return bytes([0x90 | length])
    if length < 1 << 16:
        return b"\xdc" + length.to_bytes(2, "big")
    return b"\xdd" + length.to_bytes(4, "big")


def _default(obj: object) -> object:
    """Turn an object msgpack does not know into an extension or a base type."""
    encoder = _ENCODERS.get(type(obj))
    if encoder is None:
        _add_value_types()
        encoder = _ENCODERS.get(type(obj))
    if encoder is not None:
        return encoder(obj)
    return _default_by_base(obj)


def _default_by_base(obj: object) -> object:
    if isinstance(obj, int):
        value = int(obj)
        if not INT_MIN <= value <= INT_MAX:
            raise SerialError(f"integer {value} is outside msgpack's range [-2**63, 2**64 - 1]")
        return value
    for base, convert in _BASES:
        if isinstance(obj, base):
            return convert(obj)
    for cls, encoder in _ENCODERS.items():
        if isinstance(obj, cls):
            return encoder(obj)
    raise SerialError(f"cannot serialize an object of type {type(obj).__qualname__}")


def _pack_set(code: int, items: set[Any] | frozenset[Any]) -> msgpack.ExtType:
    """A set as an array in a canonical order, the same bytes every run whatever the hash seed.

    Elements of one totally ordered type are sorted by value; others by their packed bytes.
    """
    ordered = sorted(items) if _one_ordered_type(items) else None
    if ordered is not None:
        return _ext((code, _nested(_pack, ordered)))
    parts = sorted(_nested(_pack, item) for item in items)
    return _ext((code, _array_header(len(parts)) + b"".join(parts)))


def _one_ordered_type(items: set[Any] | frozenset[Any]) -> bool:
    """Whether every item is of one type among str, bytes and int (a total order)."""
    kinds = set(map(type, items))
    return len(kinds) == 1 and kinds <= _TOTALLY_ORDERED


def _encode_path(path: os.PathLike[str]) -> bytes:
    return os.fspath(path).encode("utf-8", _UNICODE_ERRORS)


def _decode_path(data: bytes) -> str:
    return data.decode("utf-8", _UNICODE_ERRORS)


def _nested(action: Callable[[Any], Any], argument: Any) -> Any:
    """Run a packing or unpacking of a tuple's or set's items one nesting level deeper."""
    depth = getattr(_NESTING, "depth", 0)
    if depth >= MAX_NESTING:
        raise SerialError(f"tuples and sets nest more than {MAX_NESTING} levels deep")
    _NESTING.depth = depth + 1
    try:
        return action(argument)
    finally:
        _NESTING.depth = depth


def _items(data: bytes) -> list[Any]:
    """The items of a tuple or set extension: one msgpack array."""
    items = _nested(_unpack, data)
    if not isinstance(items, list):
        raise SerialError("a tuple or set extension must hold an array")
    return items


_BASES: tuple[tuple[type, Callable[[Any], object]], ...] = (
    (str, str.__str__),  # str() would call an enum's own __str__
    (bytes, bytes),
    (float, float),
    (list, list),
    (dict, dict),
)

# Looked up by exact type first, then in this order by isinstance (subclasses before bases).
_ENCODERS: dict[type, Callable[[Any], object]] = {
    Path: lambda v: _ext((_PATH, _encode_path(v))),
    tuple: lambda v: _ext((_TUPLE, _nested(_pack, list(v)))),
    set: lambda v: _pack_set(_SET, v),
    frozenset: lambda v: _pack_set(_FROZENSET, v),
    PurePosixPath: lambda v: _ext((_PURE_POSIX_PATH, _encode_path(v))),
    PureWindowsPath: lambda v: _ext((_PURE_WINDOWS_PATH, _encode_path(v))),
}
# Concrete paths (PosixPath or WindowsPath) come back as this platform's Path.
_ENCODERS[type(Path())] = _ENCODERS[Path]

_DECODERS: dict[int, Callable[[bytes], object]] = {
    _TUPLE: lambda data: tuple(_items(data)),
    _SET: lambda data: set(_items(data)),
    _FROZENSET: lambda data: frozenset(_items(data)),
    _PATH: lambda data: Path(_decode_path(data)),
    _PURE_POSIX_PATH: lambda data: PurePosixPath(_decode_path(data)),
    _PURE_WINDOWS_PATH: lambda data: PureWindowsPath(_decode_path(data)),
}


def _add_value_types() -> None:
    """Register datetime, date, time, timedelta, Decimal and UUID on first need.

    Their modules (zoneinfo, decimal, uuid with platform) cost milliseconds to import, which
    a process reading plain data, such as a CLI answering from a cache file, never pays.
    """
    if _DATETIME in _DECODERS:
        return
    import datetime as dt
    import uuid
    from decimal import Decimal

    from devcore import _serial_time as time

    # datetime before date: _default_by_base tries isinstance in insertion order.
    _ENCODERS[dt.datetime] = lambda v: _ext((_DATETIME, time.encode_datetime(v)))
    _ENCODERS[dt.date] = lambda v: _ext((_DATE, time.encode_date(v)))
    _ENCODERS[dt.time] = lambda v: _ext((_TIME, time.encode_time(v)))
    _ENCODERS[dt.timedelta] = lambda v: _ext((_TIMEDELTA, time.encode_timedelta(v)))
    _ENCODERS[Decimal] = lambda v: _ext((_DECIMAL, str(v).encode("ascii")))
    _ENCODERS[uuid.UUID] = lambda v: _ext((_UUID, v.bytes))
    _DECODERS[_DATE] = time.decode_date
    _DECODERS[_TIME] = time.decode_time
    _DECODERS[_TIMEDELTA] = time.decode_timedelta
    _DECODERS[_DECIMAL] = lambda data: Decimal(data.decode("ascii"))
    _DECODERS[_UUID] = lambda data: uuid.UUID(bytes=data)
    _DECODERS[_DATETIME] = time.decode_datetime  # last: its presence means all are registered


def _ext_hook(code: int, data: bytes) -> object:
    decoder = _DECODERS.get(code)
    if decoder is None:
        _add_value_types()
        decoder = _DECODERS.get(code)
    if decoder is None:
        raise SerialError(f"unknown extension type {code}")
    return decoder(data)


# msgpack's unpacker with our options, as a C-level partial: no Python frame per call
_unpack: Callable[[bytes | bytearray | memoryview], Any] = functools.partial(
    msgpack.unpackb,
    raw=False,
    strict_map_key=False,
    ext_hook=_ext_hook,
    unicode_errors=_UNICODE_ERRORS,
)

"""msgpack with extension types that round-trip exactly."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any
from zoneinfo import ZoneInfo

import msgpack

from devcore._errors import SerialError

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

# Strings may hold lone surrogates (file names that are not UTF-8 decode to them).
_UNICODE_ERRORS = "surrogatepass"


def packb(obj: object) -> bytes:
    """Serialize an object to msgpack bytes.

    Besides msgpack's own types (``None``, ``bool``, ``int``, ``float``, ``str``, ``bytes``,
    ``list``, ``dict``) these round-trip exactly, nested at any depth and as dict keys where
    hashable: ``tuple``, ``set``, ``frozenset``, ``pathlib.Path`` (and the
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
        return _packer().pack(obj)
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
    try:
        return _unpack(data)
    except SerialError:
        raise
    except Exception as error:  # any malformed input, whatever msgpack or a constructor says
        raise SerialError(f"cannot deserialize: {type(error).__name__}: {error}") from error


def _packer() -> msgpack.Packer:
    """A fresh packer: packers are neither thread-safe nor re-entrant."""
    return msgpack.Packer(
        default=_default, use_bin_type=True, strict_types=True, unicode_errors=_UNICODE_ERRORS
    )


def _unpack(data: bytes | bytearray | memoryview) -> Any:
    return msgpack.unpackb(
        data,
        raw=False,
        strict_map_key=False,
        ext_hook=_ext_hook,
        unicode_errors=_UNICODE_ERRORS,
    )


def _ext(code: int, payload: object) -> msgpack.ExtType:
    return msgpack.ExtType(code, _packer().pack(payload))


def _default(obj: object) -> object:
    """Turn an object msgpack does not know into an extension or a base type."""
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
    """A set as an array of its packed elements in byte order: the same bytes every run."""
    packer = _packer()
    parts = sorted(_packer().pack(item) for item in items)
    return msgpack.ExtType(code, packer.pack_array_header(len(parts)) + b"".join(parts))


def _tz_fields(tz: dt.tzinfo | None, aware: dt.datetime | dt.time) -> list[object]:
    """``[]`` for naive, ``[key]`` for a zone, ``[offset_us, name]`` for a fixed offset."""
    if tz is None:
        return []
    if isinstance(tz, ZoneInfo) and tz.key is not None:
        return [tz.key]
    offset = aware.utcoffset()
    if offset is None:
        raise SerialError(f"cannot serialize tzinfo {tz!r}: it gives no UTC offset")
    name = tz.tzname(None) if isinstance(tz, dt.timezone) else None
    if name == dt.timezone(offset).tzname(None):
        name = None
    return [offset // dt.timedelta(microseconds=1), name]


def _tz_from_fields(fields: list[Any]) -> dt.tzinfo | None:
    if not fields:
        return None
    if len(fields) == 1:
        return ZoneInfo(fields[0])
    offset_us, name = fields
    offset = dt.timedelta(microseconds=offset_us)
    return dt.timezone(offset) if name is None else dt.timezone(offset, name)


def _pack_datetime(value: dt.datetime) -> msgpack.ExtType:
    fields: list[object] = [value.year, value.month, value.day, value.hour, value.minute, value.second]
    fields += [value.microsecond, value.fold, *_tz_fields(value.tzinfo, value)]
    return _ext(_DATETIME, fields)


def _unpack_datetime(fields: list[Any]) -> dt.datetime:
    y, mo, d, h, mi, s, us, fold, *tz = fields
    return dt.datetime(y, mo, d, h, mi, s, us, tzinfo=_tz_from_fields(tz), fold=fold)


def _pack_time(value: dt.time) -> msgpack.ExtType:
    fields = [value.hour, value.minute, value.second, value.microsecond, value.fold]
    return _ext(_TIME, fields + _tz_fields(value.tzinfo, value))


def _unpack_time(fields: list[Any]) -> dt.time:
    h, mi, s, us, fold, *tz = fields
    return dt.time(h, mi, s, us, tzinfo=_tz_from_fields(tz), fold=fold)


def _encode_path(path: os.PathLike[str]) -> bytes:
    return os.fspath(path).encode("utf-8", _UNICODE_ERRORS)


def _decode_path(data: bytes) -> str:
    return data.decode("utf-8", _UNICODE_ERRORS)


def _set_items(data: bytes) -> list[Any]:
    items = _unpack(data)
    if not isinstance(items, list):
        raise SerialError("a set extension must hold an array")
    return items


def _tuple_items(data: bytes) -> tuple[Any, ...]:
    items = _unpack(data)
    if not isinstance(items, list):
        raise SerialError("a tuple extension must hold an array")
    return tuple(items)


def _fields(data: bytes) -> list[Any]:
    fields = _unpack(data)
    if not isinstance(fields, list) or not all(isinstance(f, int | str | None) for f in fields):
        raise SerialError("a date or time extension must hold an array of integers and strings")
    return fields


_BASES: tuple[tuple[type, Callable[[Any], object]], ...] = (
    (str, str.__str__),  # str() would call an enum's own __str__
    (bytes, bytes),
    (float, float),
    (list, list),
    (dict, dict),
)

# Looked up by exact type first, then in this order by isinstance (subclasses before bases).
_ENCODERS: dict[type, Callable[[Any], object]] = {
    Path: lambda v: msgpack.ExtType(_PATH, _encode_path(v)),
    tuple: lambda v: _ext(_TUPLE, list(v)),
    set: lambda v: _pack_set(_SET, v),
    frozenset: lambda v: _pack_set(_FROZENSET, v),
    PurePosixPath: lambda v: msgpack.ExtType(_PURE_POSIX_PATH, _encode_path(v)),
    PureWindowsPath: lambda v: msgpack.ExtType(_PURE_WINDOWS_PATH, _encode_path(v)),
    dt.datetime: _pack_datetime,
    dt.date: lambda v: _ext(_DATE, [v.year, v.month, v.day]),
    dt.time: _pack_time,
    dt.timedelta: lambda v: _ext(_TIMEDELTA, [v.days, v.seconds, v.microseconds]),
    Decimal: lambda v: msgpack.ExtType(_DECIMAL, str(v).encode("ascii")),
    uuid.UUID: lambda v: msgpack.ExtType(_UUID, v.bytes),
}
# Concrete paths (PosixPath or WindowsPath) come back as this platform's Path.
_ENCODERS[type(Path())] = _ENCODERS[Path]

_DECODERS: dict[int, Callable[[bytes], object]] = {
    _TUPLE: _tuple_items,
    _SET: lambda data: set(_set_items(data)),
    _FROZENSET: lambda data: frozenset(_set_items(data)),
    _PATH: lambda data: Path(_decode_path(data)),
    _PURE_POSIX_PATH: lambda data: PurePosixPath(_decode_path(data)),
    _PURE_WINDOWS_PATH: lambda data: PureWindowsPath(_decode_path(data)),
    _DATETIME: lambda data: _unpack_datetime(_fields(data)),
    _DATE: lambda data: dt.date(*_fields(data)),
    _TIME: lambda data: _unpack_time(_fields(data)),
    _TIMEDELTA: lambda data: dt.timedelta(*_fields(data)),
    _DECIMAL: lambda data: Decimal(data.decode("ascii")),
    _UUID: lambda data: uuid.UUID(bytes=data),
}


def _ext_hook(code: int, data: bytes) -> object:
    decoder = _DECODERS.get(code)
    if decoder is None:
        raise SerialError(f"unknown extension type {code}")
    return decoder(data)

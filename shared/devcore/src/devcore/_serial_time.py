"""Exact byte layouts of datetime, date, time and timedelta for the msgpack extensions.

A time zone follows the fields: nothing for a naive value, ``Z`` and the key of a
``ZoneInfo``, ``O`` and a fixed offset in microseconds (i64) for an unnamed
``datetime.timezone``, ``N``, the offset and the name (UTF-8) for a named one. A tzinfo of
another kind is written as its fixed offset at that instant.
"""

from __future__ import annotations

import datetime as dt
import functools
import struct
from zoneinfo import ZoneInfo

from devcore._errors import SerialError

_DATE = struct.Struct(">HBB")
_DATETIME = struct.Struct(">HBBBBBIB")
_TIME = struct.Struct(">BBBIB")
_TIMEDELTA = struct.Struct(">iII")
_OFFSET = struct.Struct(">q")
_MICROSECOND = dt.timedelta(microseconds=1)
_TEXT_ERRORS = "surrogatepass"


def encode_date(value: dt.date) -> bytes:
    return _DATE.pack(value.year, value.month, value.day)


def decode_date(data: bytes) -> dt.date:
    return dt.date(*_DATE.unpack(data))


def encode_datetime(value: dt.datetime) -> bytes:
    fields = _DATETIME.pack(
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
        value.microsecond,
        value.fold,
    )
    return fields + _encode_zone(value.tzinfo, value)


def decode_datetime(data: bytes) -> dt.datetime:
    year, month, day, hour, minute, second, microsecond, fold = _DATETIME.unpack_from(data)
    zone = _decode_zone(data[_DATETIME.size :])
    return dt.datetime(year, month, day, hour, minute, second, microsecond, tzinfo=zone, fold=fold)


def encode_time(value: dt.time) -> bytes:
    fields = _TIME.pack(value.hour, value.minute, value.second, value.microsecond, value.fold)
    return fields + _encode_zone(value.tzinfo, value)


def decode_time(data: bytes) -> dt.time:
    hour, minute, second, microsecond, fold = _TIME.unpack_from(data)
    return dt.time(hour, minute, second, microsecond, tzinfo=_decode_zone(data[_TIME.size :]), fold=fold)


def encode_timedelta(value: dt.timedelta) -> bytes:
    return _TIMEDELTA.pack(value.days, value.seconds, value.microseconds)


def decode_timedelta(data: bytes) -> dt.timedelta:
    days, seconds, microseconds = _TIMEDELTA.unpack(data)
    return dt.timedelta(days=days, seconds=seconds, microseconds=microseconds)


def _encode_zone(zone: dt.tzinfo | None, aware: dt.datetime | dt.time) -> bytes:
    if zone is None:
        return b""
    if type(zone) is dt.timezone:
        return _encode_fixed_zone(zone.utcoffset(None), zone.tzname(None))
    if isinstance(zone, ZoneInfo) and zone.key is not None:
        return _encode_zone_key(zone.key)
    offset = aware.utcoffset()
    if offset is None:
        raise SerialError(f"cannot serialize tzinfo {zone!r}: it gives no UTC offset")
    return _encode_fixed_zone(offset, None)


@functools.lru_cache(maxsize=256)
def _encode_zone_key(key: str) -> bytes:
    return b"Z" + key.encode("utf-8", _TEXT_ERRORS)


@functools.lru_cache(maxsize=256)
def _encode_fixed_zone(offset: dt.timedelta, name: str | None) -> bytes:
    """An offset, and a name unless it is the one ``timezone(offset)`` would give itself."""
    offset_us = _OFFSET.pack(offset // _MICROSECOND)
    if name is None or name == dt.timezone(offset).tzname(None):
        return b"O" + offset_us
    return b"N" + offset_us + name.encode("utf-8", _TEXT_ERRORS)


def _decode_zone(data: bytes) -> dt.tzinfo | None:
    if not data:
        return None
    kind, rest = data[:1], data[1:]
    if kind == b"Z":
        return ZoneInfo(rest.decode("utf-8", _TEXT_ERRORS))
    if kind in (b"O", b"N"):
        (offset_us,) = _OFFSET.unpack_from(rest)
        offset = dt.timedelta(microseconds=offset_us)
        if kind == b"O" and len(rest) == _OFFSET.size:
            return dt.timezone(offset)
        if kind == b"O":
            raise SerialError("a fixed offset without a name takes 8 bytes")
        return dt.timezone(offset, rest[_OFFSET.size :].decode("utf-8", _TEXT_ERRORS))
    raise SerialError(f"unknown time zone kind {kind!r}")

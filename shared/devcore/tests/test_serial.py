from __future__ import annotations

import contextlib
import datetime as dt
import enum
import gc
import math
import os
import random
import subprocess
import sys
import threading
from collections import OrderedDict
from decimal import Decimal
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, available_timezones

import msgpack
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devcore import DevcoreError
from devcore.serial import INT_MAX, INT_MIN, MAX_NESTING, SerialError, packb, unpackb

ZONES = sorted(available_timezones())


def same(a: Any, b: Any) -> bool:
    """Equal values of the same types all the way down (NaNs equal, tzinfo compared)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, Decimal):
        return a.is_nan() == b.is_nan() and str(a) == str(b)
    if isinstance(a, dt.datetime | dt.time):
        return a == b and same(a.tzinfo, b.tzinfo) and a.fold == b.fold and _same_fields(a, b)
    if isinstance(a, dt.timezone):
        return a == b and a.tzname(None) == b.tzname(None)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return list(a) == list(b) and all(
            same(k, k2) and same(a[k], b[k2]) for k, k2 in zip(a, b, strict=True)
        )
    if isinstance(a, set | frozenset):
        return a == b and all(same(x, _find(b, x)) for x in a)
    return bool(a == b)


def _same_fields(a: dt.datetime | dt.time, b: dt.datetime | dt.time) -> bool:
    return a.replace(tzinfo=None) == b.replace(tzinfo=None)


def _find(items: set[Any] | frozenset[Any], item: Any) -> Any:
    return next(x for x in items if x == item)


def roundtrip(obj: Any) -> Any:
    return unpackb(packb(obj))


timezones = st.one_of(
    st.none(),
    st.just(dt.UTC),
    st.timedeltas(
        min_value=dt.timedelta(hours=-23, minutes=-59), max_value=dt.timedelta(hours=23, minutes=59)
    ).map(dt.timezone),
    st.builds(
        dt.timezone,
        st.timedeltas(min_value=dt.timedelta(hours=-23), max_value=dt.timedelta(hours=23)),
        st.text(min_size=1, max_size=8),
    ),
    st.sampled_from(ZONES).map(ZoneInfo),
)
datetimes = st.builds(
    lambda d, tz, fold: d.replace(tzinfo=tz, fold=fold), st.datetimes(), timezones, st.sampled_from([0, 1])
)
times = st.builds(lambda t, tz: t.replace(tzinfo=tz), st.times(), timezones)
paths = st.text(min_size=0, max_size=30).map(Path)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=INT_MIN, max_value=INT_MAX),
    st.floats(allow_nan=True),
    st.text(alphabet=st.characters(exclude_categories=())),  # lone surrogates included
    st.binary(),
    paths,
    st.text(max_size=20).map(PurePosixPath),
    st.text(max_size=20).map(PureWindowsPath),
    datetimes,
    st.dates(),
    times,
    st.timedeltas(),
    st.decimals(allow_nan=True),
    st.uuids(),
)
hashables = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(INT_MIN, INT_MAX), st.text(), st.binary(), paths, st.uuids()
    ),
    lambda inner: st.one_of(st.lists(inner, max_size=4).map(tuple), st.frozensets(inner, max_size=4)),
    max_leaves=10,
)
values = st.recursive(
    st.one_of(scalars, hashables),
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.lists(inner, max_size=5).map(tuple),
        st.dictionaries(hashables, inner, max_size=5),
        st.sets(hashables, max_size=5),
        st.frozensets(hashables, max_size=5),
    ),
    max_leaves=25,
)


@given(values)
@settings(deadline=None, max_examples=200)
def test_every_value_roundtrips_exactly(value: Any) -> None:
    assert same(roundtrip(value), value)


@given(datetimes)
@settings(deadline=None)
def test_datetimes_keep_their_timezone(value: dt.datetime) -> None:
    back = roundtrip(value)
    assert same(back, value)
    if isinstance(value.tzinfo, ZoneInfo):
        assert back.tzinfo is value.tzinfo


@given(times)
@settings(deadline=None)
def test_times_roundtrip(value: dt.time) -> None:
    assert same(roundtrip(value), value)


@given(st.dates())
@settings(deadline=None)
def test_dates_stay_dates(value: dt.date) -> None:
    back = roundtrip(value)
    assert type(back) is dt.date
    assert back == value


@given(st.lists(st.integers(INT_MIN, INT_MAX), max_size=5).map(tuple))
@settings(deadline=None)
def test_tuples_stay_tuples_nested_and_as_keys(value: tuple[int, ...]) -> None:
    obj = {value: [value, (value, [value])]}
    back = roundtrip(obj)
    assert same(back, obj)
    key = next(iter(back))
    assert type(key) is tuple
    assert type(back[key][1][0]) is tuple


@given(st.decimals(allow_nan=True))
@settings(deadline=None)
def test_decimals_keep_sign_exponent_and_nan_kind(value: Decimal) -> None:
    assert str(roundtrip(value)) == str(value)


@given(st.sets(st.text(), max_size=20))
@settings(deadline=None)
def test_sets_pack_to_the_same_bytes_whatever_the_insertion_order(items: set[str]) -> None:
    forward = set()
    for item in sorted(items):
        forward.add(item)
    backward = set()
    for item in sorted(items, reverse=True):
        backward.add(item)
    assert packb(forward) == packb(backward)
    assert packb(frozenset(items)) == packb(frozenset(sorted(items)))


def test_tuple_and_list_differ_and_set_and_frozenset_differ() -> None:
    assert type(roundtrip((1, 2))) is tuple
    assert type(roundtrip([1, 2])) is list
    assert type(roundtrip({1})) is set
    assert type(roundtrip(frozenset({1}))) is frozenset
    assert type(roundtrip(bytearray(b"x"))) is bytes
    assert roundtrip(memoryview(b"xy")) == b"xy"
    assert type(roundtrip(b"x")) is bytes


def test_fixed_offset_with_seconds_and_name() -> None:
    tz = dt.timezone(dt.timedelta(hours=5, minutes=30, seconds=7, microseconds=9), "Odd")
    value = dt.datetime(2024, 2, 29, 23, 59, 59, 999_999, tzinfo=tz)
    assert same(roundtrip(value), value)
    assert roundtrip(value).tzinfo.tzname(None) == "Odd"


def test_zoneinfo_fold_survives_an_ambiguous_hour() -> None:
    zone = ZoneInfo("Europe/Oslo")
    first = dt.datetime(2023, 10, 29, 2, 30, tzinfo=zone, fold=0)
    second = first.replace(fold=1)
    assert roundtrip(first).utcoffset() == dt.timedelta(hours=2)
    assert roundtrip(second).utcoffset() == dt.timedelta(hours=1)


class _UnknownZone(dt.tzinfo):
    def utcoffset(self, when: dt.datetime | None) -> dt.timedelta:
        return dt.timedelta(hours=-3)

    def dst(self, when: dt.datetime | None) -> dt.timedelta:
        return dt.timedelta(0)

    def tzname(self, when: dt.datetime | None) -> str:
        return "X"


def test_foreign_tzinfo_is_kept_as_its_offset() -> None:
    value = dt.datetime(2020, 1, 1, 12, tzinfo=_UnknownZone())
    back = roundtrip(value)
    assert back == value
    assert back.utcoffset() == dt.timedelta(hours=-3)
    assert isinstance(back.tzinfo, dt.timezone)


def test_path_with_undecodable_bytes_roundtrips() -> None:
    value = Path("/tmp/caf\udce9/\udcff.txt")  # what os.fsdecode gives for latin-1 names
    assert roundtrip(value) == value


class Color(enum.Enum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


class Mode(str, enum.Enum):  # noqa: UP042 - a str mixin whose str() is not its value
    FAST = "fast"


class Point(NamedTuple):
    x: int
    y: int


def test_subclasses_of_base_types_pack_as_the_base() -> None:
    assert roundtrip(Level.HIGH) == 3
    assert type(roundtrip(Level.HIGH)) is int
    assert roundtrip(Mode.FAST) == "fast"
    assert type(roundtrip(Mode.FAST)) is str
    assert roundtrip(OrderedDict(a=1)) == {"a": 1}
    assert roundtrip(Point(1, 2)) == (1, 2)
    assert type(roundtrip(Point(1, 2))) is tuple


@pytest.mark.parametrize("value", [INT_MIN, INT_MAX, 0, -1])
def test_integer_range_edges_roundtrip(value: int) -> None:
    assert roundtrip(value) == value


@pytest.mark.parametrize("value", [INT_MIN - 1, INT_MAX + 1, 10**30, [1, {"a": -(10**40)}]])
def test_integers_outside_msgpack_range_are_refused(value: object) -> None:
    with pytest.raises(SerialError, match="range"):
        packb(value)


@pytest.mark.parametrize("value", [object(), Color.RED, 1j, {1: lambda: None}, [range(3)]])
def test_unknown_types_are_refused_with_their_name(value: object) -> None:
    with pytest.raises(SerialError, match="cannot serialize"):
        packb(value)


def test_serial_error_is_a_value_error_and_a_devcore_error() -> None:
    with pytest.raises(ValueError, match="cannot deserialize"):
        unpackb(b"\xc1")
    assert issubclass(SerialError, DevcoreError)


@pytest.mark.parametrize(
    "data",
    [
        b"",  # nothing
        b"\x92\x01",  # an array of two with one item
        b"\x01\x02",  # trailing bytes
        b"\xc7\x01\x63\x00",  # unknown extension 99
        b"\xd4\x0c\x00",  # a UUID of one byte
        b"\xd5\x0b\xff\xfe",  # a Decimal that is not ascii
        b"\xc7\x03\x02\x91\x90",  # an extension cut short
        b"\x81\x90\x01",  # a map with a list as key
    ],
)
def test_malformed_bytes_raise_serial_error(data: bytes) -> None:
    with pytest.raises(SerialError):
        unpackb(data)


def test_a_set_of_lists_is_refused_when_read() -> None:
    inner = packb([1])
    payload = b"\x91" + inner  # array of one list
    data = bytes([0xC7, len(payload), 2]) + payload
    with pytest.raises(SerialError):
        unpackb(data)


@given(st.binary(max_size=200))
@settings(deadline=None, max_examples=500)
def test_random_bytes_give_an_object_or_serial_error(data: bytes) -> None:
    with contextlib.suppress(SerialError):
        unpackb(data)


@given(values, st.data())
@settings(deadline=None, max_examples=200)
def test_mutated_encodings_give_an_object_or_serial_error(value: Any, data: st.DataObject) -> None:
    encoded = bytearray(packb(value))
    position = data.draw(st.integers(0, len(encoded) - 1))
    encoded[position] = data.draw(st.integers(0, 255))
    with contextlib.suppress(SerialError):
        unpackb(bytes(encoded))


def test_deep_nesting_is_a_serial_error_not_a_crash() -> None:
    value: list[Any] = []
    for _ in range(5000):
        value = [value]
    with pytest.raises(SerialError):
        packb(value)
    nested = b"\x91" * 100_000 + b"\x90"
    with pytest.raises(SerialError):
        unpackb(nested)


@given(st.integers(1, 14), st.binary(max_size=40))
@settings(deadline=None, max_examples=500)
def test_random_extension_payloads_give_an_object_or_serial_error(code: int, payload: bytes) -> None:
    with contextlib.suppress(SerialError):
        unpackb(msgpack.packb(msgpack.ExtType(code, payload)))


def test_a_failed_pack_leaves_the_packers_clean() -> None:
    good = {"a": (1, 2), "b": {3}}
    expected = packb(good)
    for bad in (object(), (1, object()), {frozenset({(2, object())})}, [10**30]):
        with pytest.raises(SerialError):
            packb(bad)
        assert packb(good) == expected


def test_threads_pack_the_same_bytes() -> None:
    value = {
        "t": tuple(range(50)),
        "s": {str(i) for i in range(50)},
        "d": [dt.date(2020, 1, i) for i in range(1, 29)],
    }
    expected = packb(value)
    results: list[bytes] = []

    def work() -> None:
        results.extend(packb(value) for _ in range(50))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert results == [expected] * 200


def test_large_inputs_roundtrip_and_leave_the_collector_as_it_was() -> None:
    value = [{"id": i, "t": (i, str(i))} for i in range(20_000)]
    data = packb(value)
    assert len(data) > 1 << 16
    assert unpackb(data) == value
    assert gc.isenabled()
    with pytest.raises(SerialError):
        unpackb(data[:-1])
    assert gc.isenabled()
    gc.disable()
    try:
        assert unpackb(data) == value
        assert not gc.isenabled()
    finally:
        gc.enable()


@given(st.lists(hashables, max_size=12, unique_by=lambda x: packb(x)), st.randoms(use_true_random=False))
@settings(deadline=None)
def test_any_set_packs_the_same_whatever_the_insertion_order(items: list[Any], rng: random.Random) -> None:
    try:
        original = set(items)
    except TypeError:
        return
    shuffled = list(original)
    rng.shuffle(shuffled)
    assert packb(set(shuffled)) == packb(original)
    assert packb(frozenset(shuffled)) == packb(frozenset(original))


SEEDED = "import sys; from devcore.serial import packb; sys.stdout.write(packb({'x': {'alpha', 'beta', 'gamma', ('t', 1), 2, b'b'}}).hex())"


def test_sets_pack_the_same_under_any_hash_seed() -> None:
    outputs = {
        subprocess.run(
            [sys.executable, "-c", SEEDED],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in (1, 2, 3, 4)
    }
    assert len(outputs) == 1


def nested_tuple(depth: int) -> tuple[Any, ...]:
    """``depth`` tuples in one another: ``((),)`` is 2."""
    value: tuple[Any, ...] = ()
    for _ in range(depth - 1):
        value = (value,)
    return value


def test_tuples_and_sets_nest_up_to_the_limit() -> None:
    deepest = nested_tuple(MAX_NESTING)
    assert roundtrip(deepest) == deepest
    mixed: Any = frozenset()
    for level in range(MAX_NESTING - 1):
        mixed = (mixed,) if level % 2 else frozenset({mixed})
    assert roundtrip(mixed) == mixed
    with pytest.raises(SerialError, match="nest"):
        packb(nested_tuple(MAX_NESTING + 1))
    with pytest.raises(SerialError, match="nest"):
        packb([{1: nested_tuple(MAX_NESTING + 5)}])
    assert roundtrip(deepest) == deepest  # the depth count is back to zero


HOSTILE = """
import msgpack
from devcore.serial import SerialError, unpackb
payload = msgpack.packb([])
for _ in range(5000):  # far deeper than the C stack could take, one context per level
    payload = msgpack.packb([msgpack.ExtType(1, payload)])
try:
    unpackb(payload)
except SerialError as error:
    print("refused:", error)
"""


def test_hostile_nesting_is_refused_without_crashing_the_process() -> None:
    result = subprocess.run([sys.executable, "-c", HOSTILE], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "nest more than" in result.stdout


def test_public_surface_of_serial_is_pinned() -> None:
    import devcore.serial

    assert sorted(devcore.serial.__all__) == [
        "CorruptFileError",
        "HEADER_SIZE",
        "INT_MAX",
        "INT_MIN",
        "MAX_NESTING",
        "SerialError",
        "frame",
        "packb",
        "read_framed",
        "unframe",
        "unpackb",
        "write_framed",
    ]


READ_PLAIN_FRAMED = """
import sys
from pathlib import Path
from devcore.serial import read_framed, write_framed
target = Path(sys.argv[1])
write_framed(target, {"ids": (1, 2), "at": Path("/x")}, magic=b"TEST", version=1)
assert read_framed(target, magic=b"TEST", version=1) == {"ids": (1, 2), "at": Path("/x")}
print(sorted({"decimal", "uuid", "zoneinfo", "secrets"} & set(sys.modules)))
from datetime import date
from devcore.serial import packb, unpackb
assert unpackb(packb(date(2026, 1, 2))) == date(2026, 1, 2)
"""


def test_plain_data_never_imports_the_value_type_modules(tmp_path: Path) -> None:
    """Reading and writing plain data skips decimal, uuid, zoneinfo and secrets (CLIs on a cache)."""
    import blake3

    import devcore

    # -S: no site hooks, which in some environments import these modules for their own reasons.
    paths = {str(Path(module.__file__ or "").parent.parent) for module in (blake3, devcore, msgpack)}
    out = subprocess.run(
        [sys.executable, "-S", "-c", READ_PLAIN_FRAMED, str(tmp_path / "plain.bin")],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sorted(paths))},
    ).stdout
    assert out.strip() == "[]"


def test_a_value_type_decodes_in_a_process_that_never_encoded_one(tmp_path: Path) -> None:
    target = tmp_path / "when.bin"
    value = {"when": dt.datetime(2026, 11, 24, tzinfo=ZoneInfo("Europe/Oslo")), "d": Decimal("1.5")}
    target.write_bytes(packb(value))
    code = (
        "import sys; from devcore.serial import unpackb; print(repr(unpackb(open(sys.argv[1], 'rb').read())))"
    )
    out = subprocess.run(
        [sys.executable, "-I", "-c", code, str(target)], capture_output=True, text=True, check=True
    )
    assert "zoneinfo.ZoneInfo(key='Europe/Oslo')" in out.stdout
    assert "Decimal('1.5')" in out.stdout

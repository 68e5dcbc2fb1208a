from __future__ import annotations

import datetime as dt
import struct
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devcore.hashing import hash_bytes
from devcore.serial import (
    HEADER_SIZE,
    CorruptFileError,
    SerialError,
    frame,
    packb,
    read_framed,
    unframe,
    write_framed,
)

MAGIC = b"TEST"
SAMPLE = {
    "when": dt.datetime(2024, 5, 1, 12, tzinfo=dt.UTC),
    "where": Path("/srv/data"),
    "ids": {1, 2, 3},
    "pair": ("a", b"b"),
}


def header(payload: bytes) -> bytes:
    """A valid version-1 header for ``payload``, built by hand."""
    return struct.pack(">4sHQ32s", MAGIC, 1, len(payload), bytes.fromhex(hash_bytes(payload)))


tmp_settings = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def test_write_then_read_gives_the_object(tmp_path: Path) -> None:
    target = tmp_path / "index.bin"
    write_framed(target, SAMPLE, magic=MAGIC, version=3)
    assert read_framed(target, magic=MAGIC, version=3) == SAMPLE


def test_layout_is_magic_version_length_checksum_payload(tmp_path: Path) -> None:
    target = tmp_path / "index.bin"
    write_framed(target, [1, 2], magic=MAGIC, version=258)
    data = target.read_bytes()
    magic, version, length = struct.unpack(">4sHQ", data[:14])
    assert (magic, version, length) == (MAGIC, 258, len(packb([1, 2])))
    assert HEADER_SIZE == 46
    assert data[HEADER_SIZE:] == packb([1, 2])
    assert len(data) == HEADER_SIZE + length


@pytest.mark.parametrize("obj", [SAMPLE, None, b"", [], {"k": list(range(300))}])
def test_a_file_cut_at_every_byte_is_corrupt(tmp_path: Path, obj: object) -> None:
    target = tmp_path / "index.bin"
    write_framed(target, obj, magic=MAGIC, version=1)
    whole = target.read_bytes()
    for cut in range(len(whole)):
        target.write_bytes(whole[:cut])
        with pytest.raises(CorruptFileError) as caught:
            read_framed(target, magic=MAGIC, version=1)
        assert caught.value.path == target
        assert caught.value.reason
    target.write_bytes(whole)
    assert read_framed(target, magic=MAGIC, version=1) == obj


@pytest.mark.parametrize("size", [0, 1, (1 << 16) - 100, 1 << 16, 3 * (1 << 16) + 7])
def test_files_around_the_read_size_read_whole(tmp_path: Path, size: int) -> None:
    target = tmp_path / "big.bin"
    blob = bytes(range(256)) * (size // 256) + bytes(size % 256)
    write_framed(target, blob, magic=MAGIC, version=1)
    assert read_framed(target, magic=MAGIC, version=1) == blob
    with target.open("ab") as stream:
        stream.write(b"\x00")
    with pytest.raises(CorruptFileError, match="trailing bytes"):
        read_framed(target, magic=MAGIC, version=1)


def test_trailing_bytes_are_corrupt() -> None:
    data = frame(SAMPLE, magic=MAGIC, version=1)
    with pytest.raises(CorruptFileError, match="trailing"):
        unframe(data + b"\x00", magic=MAGIC, version=1)


def test_wrong_magic_names_both(tmp_path: Path) -> None:
    target = tmp_path / "index.bin"
    write_framed(target, SAMPLE, magic=b"OTHR", version=1)
    with pytest.raises(CorruptFileError, match="foreign") as caught:
        read_framed(target, magic=MAGIC, version=1)
    assert "OTHR" in caught.value.reason
    assert str(target) in str(caught.value)


def test_other_version_is_corrupt(tmp_path: Path) -> None:
    target = tmp_path / "index.bin"
    write_framed(target, SAMPLE, magic=MAGIC, version=2)
    with pytest.raises(CorruptFileError, match="version 2, expected 1"):
        read_framed(target, magic=MAGIC, version=1)


def test_a_flipped_payload_bit_fails_the_checksum() -> None:
    data = bytearray(frame(SAMPLE, magic=MAGIC, version=1))
    data[-1] ^= 0x01
    with pytest.raises(CorruptFileError, match="checksum"):
        unframe(data, magic=MAGIC, version=1)


def test_a_valid_checksum_over_a_bad_payload_is_corrupt_not_serial() -> None:
    payload = b"\xc1"  # never valid msgpack
    data = header(payload) + payload
    with pytest.raises(CorruptFileError, match="undecodable"):
        unframe(data, magic=MAGIC, version=1)


def test_a_missing_file_is_not_found_not_corrupt(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_framed(tmp_path / "missing.bin", magic=MAGIC, version=1)


def test_a_failed_pack_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "index.bin"
    write_framed(target, "old", magic=MAGIC, version=1)
    with pytest.raises(SerialError):
        write_framed(target, object(), magic=MAGIC, version=1)
    assert read_framed(target, magic=MAGIC, version=1) == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["index.bin"]


@pytest.mark.parametrize(
    ("magic", "version"), [(b"ABC", 1), (b"ABCDE", 1), ("ABCD", 1), (b"ABCD", -1), (b"ABCD", 65536)]
)
def test_bad_header_arguments_are_value_errors(magic: Any, version: int) -> None:
    with pytest.raises(ValueError, match=r"magic|version"):
        frame(1, magic=magic, version=version)


objects = st.recursive(
    st.one_of(st.integers(-(2**63), 2**64 - 1), st.text(), st.binary(), st.floats(allow_nan=False)),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(), inner, max_size=4)),
    max_leaves=15,
)


@given(objects, st.integers(0, 65535))
@settings(deadline=None)
def test_framed_roundtrip(obj: Any, version: int) -> None:
    assert unframe(frame(obj, magic=MAGIC, version=version), magic=MAGIC, version=version) == obj


@given(objects, st.data())
@settings(deadline=None, max_examples=300)
def test_any_damage_is_detected(obj: Any, data: st.DataObject) -> None:
    whole = frame(obj, magic=MAGIC, version=7)
    damaged = bytearray(whole)
    kind = data.draw(st.sampled_from(["flip", "cut", "insert", "delete"]))
    position = data.draw(st.integers(0, len(whole) - 1))
    if kind == "flip":
        damaged[position] ^= data.draw(st.integers(1, 255))
    elif kind == "cut":
        del damaged[position:]
    elif kind == "insert":
        damaged[position:position] = data.draw(st.binary(min_size=1, max_size=8))
    else:
        del damaged[position : position + data.draw(st.integers(1, 8))]
    with pytest.raises(CorruptFileError):
        unframe(damaged, magic=MAGIC, version=7)


@given(st.binary(max_size=120))
@settings(deadline=None, max_examples=300)
def test_random_files_are_corrupt(data: bytes) -> None:
    with pytest.raises(CorruptFileError):
        unframe(data, magic=MAGIC, version=1)


@given(st.binary(max_size=60))
@tmp_settings
def test_random_bytes_after_a_good_header_are_corrupt_or_the_object(tmp_path: Path, payload: bytes) -> None:
    target = tmp_path / "random.bin"
    target.write_bytes(header(payload) + payload)
    try:
        read_framed(target, magic=MAGIC, version=1)
    except CorruptFileError as error:
        caught = error
    else:
        return
    assert caught.path == target


@given(objects, st.binary(max_size=4), st.integers(0, 80))
@settings(deadline=None)
def test_bytes_bytearray_and_memoryview_read_alike(obj: Any, junk: bytes, cut: int) -> None:
    """Small ``bytes`` take a shortcut (the payload sliced out, not viewed): same object, same error."""
    whole = frame(obj, magic=MAGIC, version=3)
    for data in (whole, whole[:-cut] if cut else whole + junk):
        outcomes = []
        for buffer in (bytes(data), bytearray(data), memoryview(data)):
            try:
                outcomes.append(("object", unframe(buffer, magic=MAGIC, version=3)))
            except CorruptFileError as error:
                outcomes.append(("error", str(error)))
        assert outcomes[0] == outcomes[1] == outcomes[2]
    assert unframe(whole, magic=MAGIC, version=3) == obj

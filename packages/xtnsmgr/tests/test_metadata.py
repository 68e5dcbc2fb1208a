"""Metadata round-trips, and a fuzz corpus of corrupt files is quarantined and reinstalled."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devcore import CorruptFileError
from devcore.serial import write_framed
from xtnsmgr import CacheManager
from xtnsmgr._metadata import (
    FIELDS,
    FORMAT_VERSION,
    MAGIC,
    Distribution,
    EntryMetadata,
    InvalidMetadata,
    from_payload,
    read_metadata,
    to_payload,
    write_metadata,
)

texts = st.text(max_size=20)
times = st.floats(min_value=0, max_value=4e9, allow_nan=False)
metadata = st.builds(
    EntryMetadata,
    key=texts,
    tag=texts,
    requirements=st.tuples(texts),
    generation=st.from_regex(r"g[0-9a-f]{4}-[0-9a-f]{2}", fullmatch=True),
    distributions=st.lists(st.builds(Distribution, texts, texts, texts), max_size=3).map(tuple),
    modules=st.lists(texts, max_size=3).map(tuple),
    pth_files=st.lists(texts, max_size=2).map(tuple),
    created=times,
    last_verified=times,
    installer=texts,
    retired=st.lists(st.tuples(st.from_regex(r"g[0-9a-f]{3}-x", fullmatch=True), times), max_size=2).map(
        tuple
    ),
)


@given(metadata)
def test_payload_round_trip(meta: EntryMetadata) -> None:
    assert from_payload(to_payload(meta)) == meta


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(meta=metadata)
def test_file_round_trip(tmp_path: Path, meta: EntryMetadata) -> None:
    path = tmp_path / "entry.bin"
    write_metadata(path, meta)
    assert read_metadata(path) == meta


json_like = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63)
    | st.floats()
    | st.text(max_size=8)
    | st.binary(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@given(json_like)
def test_random_payload_is_valid_or_rejected_cleanly(payload: Any) -> None:
    try:
        meta = from_payload(payload)
    except InvalidMetadata:
        return
    assert math.isfinite(meta.created)


@given(metadata, json_like)
def test_any_value_in_any_field_is_accepted_only_if_well_typed(meta: EntryMetadata, junk: Any) -> None:
    payload = to_payload(meta)
    for index, field in enumerate(("format", *FIELDS)):
        try:
            result = from_payload([*payload[:index], junk, *payload[index + 1 :]])
        except InvalidMetadata:
            continue
        if field == "format":
            assert junk == FORMAT_VERSION
        else:
            assert isinstance(getattr(result, field), type(getattr(meta, field)))


def with_field(payload: list[Any], field: str, value: object) -> list[Any]:
    """The payload with one field (by :data:`FIELDS` name, or ``format``) replaced."""
    index = 0 if field == "format" else FIELDS.index(field) + 1
    return [*payload[:index], value, *payload[index + 1 :]]


def corrupt_variants(good: bytes) -> dict[str, bytes]:
    return {
        "empty": b"",
        "truncated-header": good[:7],
        "truncated-payload": good[:-5],
        "binary": bytes(range(256)) * 4,
        "flipped": good[:-1] + bytes([good[-1] ^ 0xFF]),
        "foreign-magic": b"NOPE" + good[4:],
        "text": b"{'format': 1}\n",
    }


def framed(payload: object, *, version: int = FORMAT_VERSION) -> Callable[[Path], None]:
    return lambda path: write_framed(path, payload, magic=MAGIC, version=version)


def test_every_kind_of_corrupt_file_is_quarantined_and_reinstalled(
    manager: CacheManager, installer: Any
) -> None:
    entry = manager.ensure("xt-base")
    assert entry.key is not None
    meta_path = manager.layout.metadata(entry.key)
    good = meta_path.read_bytes()
    good_payload = to_payload(read_metadata(meta_path))
    writers: dict[str, Callable[[Path], None]] = {
        name: functools.partial(Path.write_bytes, data=data) for name, data in corrupt_variants(good).items()
    }
    writers["unknown-framed-version"] = framed(good_payload, version=FORMAT_VERSION + 1)
    writers["unknown-format-field"] = framed(with_field(good_payload, "format", 99))
    writers["wrong-types"] = framed(with_field(good_payload, "distributions", "xt-base"))
    writers["a-map"] = framed(dict(zip(("format", *FIELDS), good_payload, strict=True)))
    writers["too-short"] = framed(good_payload[:-1])
    writers["escaping-generation"] = framed(with_field(good_payload, "generation", "../../etc"))
    writers["other-key"] = framed(with_field(good_payload, "key", "0" * 32))
    for name, write in writers.items():
        write(meta_path)
        manager.forget()
        again = manager.ensure("xt-base")
        assert again.source == "install", name
        assert again.key == entry.key
    quarantined = list((manager.layout.entry(entry.key) / "quarantine").iterdir())
    assert len(quarantined) == len(writers)
    assert len(installer.calls) == len(writers) + 1


def test_metadata_naming_a_missing_tree_is_found_by_list_and_removed_by_clean(
    manager: CacheManager, installer: Any
) -> None:
    """The hit path trusts the generation it reads (no ``stat``); every other path checks it."""
    entry = manager.ensure("xt-base")
    assert entry.key is not None
    meta_path = manager.layout.metadata(entry.key)
    payload = to_payload(read_metadata(meta_path))
    framed(with_field(payload, "generation", "g000000000000-000000"))(meta_path)
    assert [e.corrupt for e in manager.list()] == [True]
    assert manager.clean() == [entry.key]
    manager.forget()
    assert manager.ensure("xt-base").source == "install"
    assert len(installer.calls) == 2


@pytest.mark.parametrize("name", sorted(corrupt_variants(b"XTNS" + bytes(60))))
def test_corrupt_file_raises_a_devcore_error(tmp_path: Path, name: str) -> None:
    path = tmp_path / "entry.bin"
    write_metadata(
        path,
        EntryMetadata("k", "t", ("r",), "g1-a", (), (), (), 1.0, 1.0, "uv"),
    )
    path.write_bytes(corrupt_variants(path.read_bytes())[name])
    with pytest.raises(CorruptFileError):
        read_metadata(path)

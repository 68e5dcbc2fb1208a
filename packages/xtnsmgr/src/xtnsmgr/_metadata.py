"""The metadata file of a cache entry: a ``devcore.serial`` framed file, validated field by field.

Anything unexpected (a truncated or foreign file, another format version, a wrong type) raises
:class:`InvalidMetadata` or ``devcore.CorruptFileError``; the cache quarantines such a file and
reinstalls, it never trusts it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from devcore.serial import read_framed, write_framed

MAGIC = b"XTNS"
FORMAT_VERSION = 1


class InvalidMetadata(ValueError):
    """A metadata payload that decodes but does not describe a valid entry."""


@dataclass(frozen=True, slots=True)
class Distribution:
    """A distribution installed in an entry.

    Attributes:
        name: the canonical name.
        version: the installed version.
        record_digest: blake3 of its ``RECORD`` file (the list of files and their sha256).
    """

    name: str
    version: str
    record_digest: str = ""


@dataclass(frozen=True, slots=True)
class EntryMetadata:
    """What an entry holds and when it was made and last verified (epoch seconds)."""

    key: str
    tag: str
    requirements: tuple[str, ...]
    generation: str
    distributions: tuple[Distribution, ...]
    modules: tuple[str, ...]
    pth_files: tuple[str, ...]
    created: float
    last_verified: float
    installer: str
    retired: tuple[tuple[str, float], ...] = field(default=())

    def verified_at(self, when: float) -> EntryMetadata:
        """The same entry, verified again at ``when``."""
        return replace(self, last_verified=when)


def to_payload(meta: EntryMetadata) -> dict[str, Any]:
    """The plain structure written to disk."""
    return {
        "format": FORMAT_VERSION,
        "key": meta.key,
        "tag": meta.tag,
        "requirements": list(meta.requirements),
        "generation": meta.generation,
        "distributions": [[d.name, d.version, d.record_digest] for d in meta.distributions],
        "modules": list(meta.modules),
        "pth_files": list(meta.pth_files),
        "created": meta.created,
        "last_verified": meta.last_verified,
        "installer": meta.installer,
        "retired": [[generation, when] for generation, when in meta.retired],
    }


_TEXT_FIELDS = ("key", "tag", "generation", "installer")
_TEXTS_FIELDS = ("requirements", "modules", "pth_files")
_TIME_FIELDS = ("created", "last_verified")


def from_payload(payload: object) -> EntryMetadata:
    """Validate a decoded payload (the hit path runs this: a few dict lookups and type checks).

    Raises:
        InvalidMetadata: a field is missing, of the wrong type, or the format is unknown.
    """
    if type(payload) is dict:
        get: Callable[[str], Any] = payload.get
        key, tag, generation, installer = get("key"), get("tag"), get("generation"), get("installer")
        requirements, modules, pth_files = get("requirements"), get("modules"), get("pth_files")
        created, last_verified = get("created"), get("last_verified")
        distributions, retired = get("distributions"), get("retired")
        if (
            get("format") == FORMAT_VERSION
            and type(key) is str
            and type(tag) is str
            and type(installer) is str
            and type(generation) is str
            and generation[:1] not in _NOT_FIRST
            and "/" not in generation
            and "\\" not in generation
            and type(requirements) is list
            and {*map(type, requirements)} <= _TEXT
            and type(modules) is list
            and {*map(type, modules)} <= _TEXT
            and type(pth_files) is list
            and {*map(type, pth_files)} <= _TEXT
            and type(created) in _TIME
            and math.isfinite(created)
            and type(last_verified) in _TIME
            and math.isfinite(last_verified)
            and type(distributions) is list
            and type(retired) is list
        ):
            return EntryMetadata(
                key,
                tag,
                tuple(requirements),
                generation,
                tuple(_distribution(item) for item in distributions) if distributions else (),
                tuple(modules),
                tuple(pth_files),
                float(created),
                float(last_verified),
                installer,
                tuple(_retired(item) for item in retired) if retired else (),
            )
    return _validated(payload)


_TEXT = frozenset({str})
_TIME = frozenset({int, float})
_NOT_FIRST = frozenset({"", "."})  # an empty or hidden generation name is never ours


def _validated(payload: object) -> EntryMetadata:
    """Field-by-field validation naming the first problem (what :func:`from_payload` falls back to)."""
    if type(payload) is not dict:
        raise InvalidMetadata(f"payload is {type(payload).__name__}, not a map")
    if payload.get("format") != FORMAT_VERSION:
        raise InvalidMetadata(f"unknown format {payload.get('format')!r}")
    try:
        key, tag, generation, installer = (payload[name] for name in _TEXT_FIELDS)
        requirements, modules, pth_files = (payload[name] for name in _TEXTS_FIELDS)
        created, last_verified = (payload[name] for name in _TIME_FIELDS)
        distributions, retired = payload["distributions"], payload["retired"]
    except KeyError as error:
        raise InvalidMetadata(f"missing field {error}") from None
    for name, value in zip(_TEXT_FIELDS, (key, tag, generation, installer), strict=True):
        if type(value) is not str:
            raise InvalidMetadata(f"field {name!r} is not text")
    for name, items in zip(_TEXTS_FIELDS, (requirements, modules, pth_files), strict=True):
        if type(items) is not list or not all(type(item) is str for item in items):
            raise InvalidMetadata(f"field {name!r} is not a list of text")
    for name, value in zip(_TIME_FIELDS, (created, last_verified), strict=True):
        if not _is_time(value):
            raise InvalidMetadata(f"field {name!r} is not a time")
    if not generation or "/" in generation or "\\" in generation or generation.startswith("."):
        raise InvalidMetadata(f"generation {generation!r} is not a directory name")
    if type(distributions) is not list or type(retired) is not list:
        raise InvalidMetadata("distributions and retired must be lists")
    return EntryMetadata(
        key=key,
        tag=tag,
        requirements=tuple(requirements),
        generation=generation,
        distributions=tuple(_distribution(item) for item in distributions),
        modules=tuple(modules),
        pth_files=tuple(pth_files),
        created=float(created),
        last_verified=float(last_verified),
        installer=installer,
        retired=tuple(_retired(item) for item in retired),
    )


def read_metadata(path: str | Path) -> EntryMetadata:
    """Read and validate an entry's metadata file.

    Raises:
        FileNotFoundError: there is none.
        devcore.CorruptFileError: it is truncated, foreign, of another version or damaged.
        InvalidMetadata: it decodes to something that is not an entry.
    """
    return from_payload(read_framed(path, magic=MAGIC, version=FORMAT_VERSION))


def write_metadata(path: Path, meta: EntryMetadata, *, durable: bool = True) -> None:
    """Write an entry's metadata atomically (temporary file, rename; fsync when ``durable``)."""
    write_framed(path, to_payload(meta), magic=MAGIC, version=FORMAT_VERSION, durable=durable)


def _is_time(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _distribution(item: object) -> Distribution:
    if type(item) is not list or len(item) != 3 or not all(type(x) is str for x in item):
        raise InvalidMetadata("a distribution is not [name, version, digest]")
    return Distribution(item[0], item[1], item[2])


def _retired(item: object) -> tuple[str, float]:
    if type(item) is not list or len(item) != 2 or type(item[0]) is not str or not _is_time(item[1]):
        raise InvalidMetadata("a retired generation is not [name, time]")
    return item[0], float(item[1])

"""The metadata file of a cache entry: a ``devcore.serial`` framed file, validated field by field.

Anything unexpected (a truncated or foreign file, another format version, a wrong type) raises
:class:`InvalidMetadata` or ``devcore.CorruptFileError``; the cache quarantines such a file and
reinstalls, it never trusts it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

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


def from_payload(payload: object) -> EntryMetadata:
    """Validate a decoded payload.

    Raises:
        InvalidMetadata: a field is missing, of the wrong type, or the format is unknown.
    """
    if not isinstance(payload, Mapping):
        raise InvalidMetadata(f"payload is {type(payload).__name__}, not a map")
    if payload.get("format") != FORMAT_VERSION:
        raise InvalidMetadata(f"unknown format {payload.get('format')!r}")
    return EntryMetadata(
        key=_text(payload, "key"),
        tag=_text(payload, "tag"),
        requirements=_texts(payload, "requirements"),
        generation=_generation(payload),
        distributions=tuple(_distribution(item) for item in _list(payload, "distributions")),
        modules=_texts(payload, "modules"),
        pth_files=_texts(payload, "pth_files"),
        created=_time(payload, "created"),
        last_verified=_time(payload, "last_verified"),
        installer=_text(payload, "installer"),
        retired=tuple(_retired(item) for item in _list(payload, "retired")),
    )


def read_metadata(path: str | Path) -> EntryMetadata:
    """Read and validate an entry's metadata file.

    Raises:
        FileNotFoundError: there is none.
        devcore.CorruptFileError: it is truncated, foreign, of another version or damaged.
        InvalidMetadata: it decodes to something that is not an entry.
    """
    from devcore.serial import unframe

    with open(path, "rb") as stream:  # the hit path: no Path objects, one read
        data = stream.read()
    return from_payload(unframe(data, magic=MAGIC, version=FORMAT_VERSION, path=path))


def write_metadata(path: Path, meta: EntryMetadata, *, durable: bool = True) -> None:
    """Write an entry's metadata atomically (temporary file, rename; fsync when ``durable``)."""
    from devcore.serial import write_framed

    write_framed(path, to_payload(meta), magic=MAGIC, version=FORMAT_VERSION, durable=durable)


def _field(payload: Mapping[Any, Any], name: str, check: Callable[[object], bool], what: str) -> Any:
    value = payload.get(name)
    if not check(value):
        raise InvalidMetadata(f"field {name!r} is not {what}")
    return value


def _text(payload: Mapping[Any, Any], name: str) -> str:
    return str(_field(payload, name, lambda v: isinstance(v, str), "text"))


def _list(payload: Mapping[Any, Any], name: str) -> list[Any]:
    return list(_field(payload, name, lambda v: isinstance(v, list | tuple), "a list"))


def _texts(payload: Mapping[Any, Any], name: str) -> tuple[str, ...]:
    items = _list(payload, name)
    if not all(isinstance(item, str) for item in items):
        raise InvalidMetadata(f"field {name!r} holds something other than text")
    return tuple(items)


def _is_time(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _time(payload: Mapping[Any, Any], name: str) -> float:
    return float(_field(payload, name, _is_time, "a time"))


def _generation(payload: Mapping[Any, Any]) -> str:
    generation = _text(payload, "generation")
    if not generation or "/" in generation or "\\" in generation or generation.startswith("."):
        raise InvalidMetadata(f"generation {generation!r} is not a directory name")
    return generation


def _distribution(item: object) -> Distribution:
    if not (isinstance(item, list | tuple) and len(item) == 3 and all(isinstance(x, str) for x in item)):
        raise InvalidMetadata("a distribution is not [name, version, digest]")
    return Distribution(item[0], item[1], item[2])


def _retired(item: object) -> tuple[str, float]:
    if not (
        isinstance(item, list | tuple) and len(item) == 2 and isinstance(item[0], str) and _is_time(item[1])
    ):
        raise InvalidMetadata("a retired generation is not [name, time]")
    return item[0], float(item[1])

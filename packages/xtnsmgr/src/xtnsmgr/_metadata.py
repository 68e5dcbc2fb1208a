"""The metadata file of a cache entry: a ``devcore.serial`` framed file, validated field by field.

The payload is a list in the order of :class:`EntryMetadata`'s fields, preceded by the format
version: it unpacks and validates in a few microseconds, which is most of a disk hit. Anything
unexpected (a truncated or foreign file, another format version, a wrong type) raises
:class:`InvalidMetadata` or ``devcore.CorruptFileError``; the cache quarantines such a file and
reinstalls, it never trusts it.
"""

from __future__ import annotations

import os
from math import isfinite
from pathlib import Path

from devcore import CorruptFileError
from devcore.serial import read_framed, unframe, write_framed
from xtnsmgr._record import NamedTuple

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (type checkers know the name)
if TYPE_CHECKING:
    from typing import Any

MAGIC = b"XTNS"
FORMAT_VERSION = 2
FIELDS = (
    "key",
    "tag",
    "requirements",
    "generation",
    "distributions",
    "modules",
    "pth_files",
    "created",
    "last_verified",
    "installer",
    "retired",
)
_PAYLOAD_LENGTH = len(FIELDS) + 1
_TIME = frozenset({int, float})
_READ_SIZE = 1 << 12  # a metadata file is a few hundred bytes: one read holds it
_O_BINARY = getattr(os, "O_BINARY", 0)


class InvalidMetadata(ValueError):
    """A metadata payload that decodes but does not describe a valid entry."""


class Distribution(NamedTuple):
    """A distribution installed in an entry (an immutable record: cheap to build on a disk hit).

    Attributes:
        name: the canonical name.
        version: the installed version.
        record_digest: blake3 of its ``RECORD`` file (the list of files and their sha256).
    """

    name: str
    version: str
    record_digest: str = ""


class EntryMetadata(NamedTuple):
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
    retired: tuple[tuple[str, float], ...] = ()


def to_payload(meta: EntryMetadata) -> list[Any]:
    """The plain structure written to disk: the format version, then every field in order."""
    return [
        FORMAT_VERSION,
        meta.key,
        meta.tag,
        list(meta.requirements),
        meta.generation,
        [list(d) for d in meta.distributions],
        list(meta.modules),
        list(meta.pth_files),
        float(meta.created),
        float(meta.last_verified),
        meta.installer,
        [[generation, when] for generation, when in meta.retired],
    ]


def from_payload(payload: object) -> EntryMetadata:
    """Validate a decoded payload (the hit path runs this: one expression of type checks).

    Raises:
        InvalidMetadata: a field is missing, of the wrong type, or the format is unknown.
    """
    if type(payload) is list and len(payload) == _PAYLOAD_LENGTH:
        (
            version,
            key,
            tag,
            requirements,
            generation,
            distributions,
            modules,
            pth_files,
            created,
            last_verified,
            installer,
            retired,
        ) = payload
        if (  # the payload as written; anything else goes to the field-by-field check below
            type(version) is int
            and version == FORMAT_VERSION
            and type(key) is str
            and type(tag) is str
            and type(requirements) is list
            and type(generation) is str
            and type(distributions) is list
            and type(modules) is list
            and type(pth_files) is list
            and type(created) is float
            and type(last_verified) is float
            and type(installer) is str
            and type(retired) is list
            and generation
            and generation[0] != "."
            and "/" not in generation
            and "\\" not in generation
            and isfinite(created + last_verified)
        ):
            try:  # str.join's C loop raises TypeError on the first item that is not text
                "".join(requirements), "".join(modules), "".join(pth_files)
            except TypeError:
                raise InvalidMetadata("requirements, modules and pth_files must be lists of text") from None
            held = []
            for item in distributions:  # inline: a call per distribution costs more than its checks
                if not (
                    type(item) is list
                    and len(item) == 3
                    and type(item[0]) is str
                    and type(item[1]) is str
                    and type(item[2]) is str
                ):
                    raise InvalidMetadata("a distribution is not [name, version, digest]")
                held.append(tuple.__new__(Distribution, item))
            return tuple.__new__(  # the named tuple's own __new__ is a Python call: this is the C one
                EntryMetadata,
                (
                    key,
                    tag,
                    tuple(requirements),
                    generation,
                    tuple(held),
                    tuple(modules),
                    tuple(pth_files),
                    created,
                    last_verified,
                    installer,
                    tuple(map(_retired, retired)) if retired else (),
                ),
            )
    return _checked(payload)


def _checked(payload: object) -> EntryMetadata:
    """:func:`from_payload` field by field: names what is wrong, and takes integer times too."""
    if type(payload) is not list or len(payload) != _PAYLOAD_LENGTH:
        raise InvalidMetadata(f"payload is not a list of {_PAYLOAD_LENGTH} items")
    (
        version,
        key,
        tag,
        requirements,
        generation,
        distributions,
        modules,
        pth_files,
        created,
        last_verified,
        installer,
        retired,
    ) = payload
    if type(version) is not int or version != FORMAT_VERSION:
        raise InvalidMetadata(f"unknown format {version!r}")
    if type(key) is not str or type(tag) is not str or type(installer) is not str:
        raise InvalidMetadata("key, tag and installer must be text")
    if type(generation) is not str or not _is_directory_name(generation):
        raise InvalidMetadata(f"generation {generation!r} is not a directory name")
    if type(requirements) is not list or type(modules) is not list or type(pth_files) is not list:
        raise InvalidMetadata("requirements, modules and pth_files must be lists")
    if not _are_texts(requirements, modules, pth_files):
        raise InvalidMetadata("requirements, modules and pth_files must be lists of text")
    if not (_is_time(created) and _is_time(last_verified)):
        raise InvalidMetadata("created and last_verified must be finite times")
    if type(distributions) is not list or type(retired) is not list:
        raise InvalidMetadata("distributions and retired must be lists")
    return EntryMetadata(
        key,
        tag,
        tuple(requirements),
        generation,
        tuple(map(_distribution, distributions)),
        tuple(modules),
        tuple(pth_files),
        float(created),
        float(last_verified),
        installer,
        tuple(map(_retired, retired)),
    )


def _is_directory_name(name: str) -> bool:
    return bool(name) and name[0] != "." and "/" not in name and "\\" not in name


def _are_texts(*lists: list[Any]) -> bool:
    try:  # str.join's C loop raises TypeError on the first item that is not text
        for items in lists:
            "".join(items)
    except TypeError:
        return False
    return True


def read_metadata(path: str | os.PathLike[str]) -> EntryMetadata:
    """Read and validate an entry's metadata file.

    One ``open``, one ``read`` and one ``close`` (the file is a few hundred bytes); the bytes
    go through ``devcore.serial.unframe`` (magic, version, length, checksum). A file that would
    need more than one read is read again whole by ``devcore.serial.read_framed``.

    Raises:
        FileNotFoundError: there is none.
        devcore.CorruptFileError: it is truncated, foreign, of another version or damaged.
        InvalidMetadata: it decodes to something that is not an entry.
    """
    fd = os.open(path, os.O_RDONLY | _O_BINARY)
    try:
        data = os.read(fd, _READ_SIZE)
    finally:
        os.close(fd)
    if len(data) == _READ_SIZE:
        return from_payload(read_framed(path, magic=MAGIC, version=FORMAT_VERSION))
    try:
        return from_payload(unframe(data, magic=MAGIC, version=FORMAT_VERSION, path=path))
    except CorruptFileError:  # a short read is the end of a regular file; make sure of it
        return from_payload(read_framed(path, magic=MAGIC, version=FORMAT_VERSION))


def write_metadata(path: Path, meta: EntryMetadata, *, durable: bool = True) -> None:
    """Write an entry's metadata atomically (temporary file, rename; fsync when ``durable``)."""
    write_framed(path, to_payload(meta), magic=MAGIC, version=FORMAT_VERSION, durable=durable)


def _is_time(value: object) -> bool:
    return type(value) in _TIME and isfinite(value)  # type: ignore[arg-type]


def _distribution(item: object) -> Distribution:
    if type(item) is list and len(item) == 3:
        name, version, digest = item
        if type(name) is str and type(version) is str and type(digest) is str:
            return tuple.__new__(Distribution, item)
    raise InvalidMetadata("a distribution is not [name, version, digest]")


def _retired(item: object) -> tuple[str, float]:
    if type(item) is not list or len(item) != 2 or type(item[0]) is not str or not _is_time(item[1]):
        raise InvalidMetadata("a retired generation is not [name, time]")
    return item[0], float(item[1])

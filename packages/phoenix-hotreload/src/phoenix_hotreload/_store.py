"""Persistent version history: one `devcore.serial` framed file per version in a directory.

Each record is written atomically (temp file, fsync, rename), so a crash leaves either the whole
record or none of it. On open, a record that is truncated, damaged or foreign is set aside
(renamed ``*.corrupt``) and every valid one is kept.

A version holding a value `devcore.serial` cannot store (an int beyond 64 bits, a plain `Enum`,
a pydantic `Url` or `SecretStr`, ...) is persisted without its data, with the first such key
recorded: both writing and loading it log a warning naming that key, and `unkept` says why it
cannot be diffed or rolled back to after a restart.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from phoenix_hotreload._errors import HistoryStoreError, Problem
from phoenix_hotreload._frozen import FrozenDict, freeze, thaw
from phoenix_hotreload._versions import VersionInfo

logger = logging.getLogger("phoenix_hotreload")

MAGIC = b"PHXV"
FORMAT_VERSION = 1
_SUFFIX = ".phx"


class HistoryStore:
    """Versions persisted in ``directory``, one framed file each (``v0000000042.phx``)."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise HistoryStoreError(self.directory, f"cannot create the history directory: {error}") from None
        self.skipped: list[Path] = []
        self.unkept: dict[int, str] = {}
        """Versions persisted without their data, with the reason (the key that could not be stored)."""

    def load(self) -> list[VersionInfo]:
        """Every valid record, oldest first; damaged ones are renamed ``*.corrupt`` and skipped."""
        from devcore import CorruptFileError, SerialError
        from devcore.serial import read_framed

        records: list[VersionInfo] = []
        previous: FrozenDict | None = None
        for file in sorted(self.directory.glob(f"v*{_SUFFIX}")):
            try:
                raw = read_framed(file, magic=MAGIC, version=FORMAT_VERSION)
                record = _decode(raw, previous)
            except (CorruptFileError, SerialError, KeyError, TypeError, ValueError) as error:
                self._set_aside(file, error)
                continue
            records.append(record)
            previous = record.data if record.data is not None else previous
            if raw.get("unkept"):
                self.unkept[record.version] = reason = str(raw["unkept"])
                logger.warning(
                    "history: version %d was persisted without its data: %s", record.version, reason
                )
        return records

    def append(self, info: VersionInfo) -> None:
        """Persist one version atomically; one holding a value msgpack cannot store is persisted
        without its data, with a warning naming the key."""
        from devcore import SerialError
        from devcore.serial import write_framed

        try:
            try:
                write_framed(self._file(info.version), _encode(info), magic=MAGIC, version=FORMAT_VERSION)
            except SerialError:
                reason = unstorable_reason(info.data)
                self.unkept[info.version] = reason
                logger.warning("history: version %d is persisted without its data: %s", info.version, reason)
                record = {**_encode(replace(info, data=None)), "unkept": reason}
                write_framed(self._file(info.version), record, magic=MAGIC, version=FORMAT_VERSION)
        except OSError as error:
            raise HistoryStoreError(self.directory, f"cannot write version {info.version}: {error}") from None

    def prune(self, keep: set[int]) -> None:
        """Delete the records of versions not in ``keep``."""
        for file in self.directory.glob(f"v*{_SUFFIX}"):
            version = _version_of(file)
            if version is not None and version not in keep:
                file.unlink(missing_ok=True)

    def _file(self, version: int) -> Path:
        return self.directory / f"v{version:010d}{_SUFFIX}"

    def _set_aside(self, file: Path, error: Exception) -> None:
        logger.warning("history: skipping damaged record %s (%s)", file, error)
        self.skipped.append(file)
        try:
            file.replace(file.with_name(file.name + ".corrupt"))
        except OSError:
            logger.warning("history: cannot set aside %s", file)


def unstorable_reason(data: FrozenDict | None) -> str:
    """Why ``data`` cannot be persisted: the first key whose value `devcore.serial` cannot store."""
    found = _unstorable(thaw(data) if data is not None else None, ())
    if found is None:
        return "it holds a value devcore.serial cannot store"
    path, value = found
    shown = repr(value)
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    return (
        f"{'.'.join(path) or '(the whole configuration)'} holds {shown} ({type(value).__qualname__}), "
        "which devcore.serial cannot store, so after a restart that version cannot be diffed or rolled back to"
    )


def _unstorable(value: Any, path: tuple[str, ...]) -> tuple[tuple[str, ...], Any] | None:
    from devcore import SerialError
    from devcore.serial import packb

    if isinstance(value, dict):
        children: Iterable[tuple[str, Any]] = ((str(k), v) for k, v in value.items())
    elif isinstance(value, list):
        children = ((str(i), v) for i, v in enumerate(value))
    else:
        try:
            packb(value)
        except SerialError:
            return path, value
        return None
    for key, child in children:
        found = _unstorable(child, (*path, key))
        if found is not None:
            return found
    return None


def _version_of(file: Path) -> int | None:
    digits = file.name[1 : -len(_SUFFIX)]
    return int(digits) if digits.isdigit() else None


def _encode(info: VersionInfo) -> dict[str, Any]:
    return {
        "version": info.version,
        "status": info.status,
        "trigger": info.trigger,
        "sources": list(info.sources),
        "digest": info.digest,
        "created_at": info.created_at,
        "problems": [
            [p.message, p.field, None if p.path is None else str(p.path), p.line] for p in info.problems
        ],
        "data": None if info.data is None else thaw(info.data),
        "parent": info.parent,
    }


def _decode(raw: Any, previous: FrozenDict | None) -> VersionInfo:
    if not isinstance(raw, dict) or raw.get("status") not in {"applied", "rejected"}:
        raise ValueError("not a version record")
    created_at = raw["created_at"]
    if not isinstance(created_at, datetime):
        raise TypeError("created_at is not a datetime")
    problems = tuple(
        Problem(str(message), field, None if path is None else Path(path), line)
        for message, field, path, line in raw["problems"]
    )
    data = (
        None
        if raw["data"] is None
        else freeze(raw["data"], previous if previous is not None else FrozenDict())
    )
    return VersionInfo(
        version=int(raw["version"]),
        status=raw["status"],
        trigger=str(raw["trigger"]),
        sources=tuple(str(s) for s in raw["sources"]),
        digest=str(raw["digest"]),
        created_at=created_at,
        problems=problems,
        data=data,
        parent=raw["parent"],
    )

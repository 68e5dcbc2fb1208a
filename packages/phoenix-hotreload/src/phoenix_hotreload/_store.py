"""Persistent version history: one `devcore.serial` framed file per version in a directory.

Each record is written atomically (temp file, fsync, rename), so a crash leaves either the whole
record or none of it. On open, a record that is truncated, damaged or foreign is set aside
(renamed ``*.corrupt``) and every valid one is kept.
"""

from __future__ import annotations

import logging
import os
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

    def load(self) -> list[VersionInfo]:
        """Every valid record, oldest first; damaged ones are renamed ``*.corrupt`` and skipped."""
        from devcore import CorruptFileError, SerialError
        from devcore.serial import read_framed

        records: list[VersionInfo] = []
        previous: FrozenDict | None = None
        for file in sorted(self.directory.glob(f"v*{_SUFFIX}")):
            try:
                record = _decode(read_framed(file, magic=MAGIC, version=FORMAT_VERSION), previous)
            except (CorruptFileError, SerialError, KeyError, TypeError, ValueError) as error:
                self._set_aside(file, error)
                continue
            records.append(record)
            previous = record.data if record.data is not None else previous
        return records

    def append(self, info: VersionInfo) -> None:
        """Persist one version atomically; a value msgpack cannot hold is stored without its data."""
        from devcore import SerialError
        from devcore.serial import write_framed

        try:
            write_framed(self._file(info.version), _encode(info), magic=MAGIC, version=FORMAT_VERSION)
        except SerialError:
            write_framed(
                self._file(info.version),
                _encode(replace(info, data=None)),
                magic=MAGIC,
                version=FORMAT_VERSION,
            )
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

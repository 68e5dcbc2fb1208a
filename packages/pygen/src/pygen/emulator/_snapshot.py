"""Emulator snapshots: the whole store in one framed, checksummed file (`devcore.serial`)."""

from __future__ import annotations

from pathlib import Path

from devcore.serial import CorruptFileError, read_framed, write_framed
from pygen.emulator._errors import ModelLoadError
from pygen.emulator._store import Store

MAGIC = b"PGDM"
VERSION = 1


def save_snapshot(store: Store, path: str | Path) -> None:
    """Write the store's content to `path` atomically."""
    write_framed(path, store.export(), magic=MAGIC, version=VERSION)


def load_snapshot(store: Store, path: str | Path) -> None:
    """Replace the store's content with a snapshot; a damaged or foreign file raises ModelLoadError."""
    try:
        data = read_framed(path, magic=MAGIC, version=VERSION)
    except CorruptFileError as exc:
        raise ModelLoadError(path, f"not a usable emulator snapshot: {exc.reason}") from exc
    except OSError as exc:
        raise ModelLoadError(path, f"cannot read: {exc.strerror}") from exc
    if not isinstance(data, dict) or {"schema", "instances", "change"} - set(data):
        raise ModelLoadError(path, "not an emulator snapshot")
    store.replace_all(data)

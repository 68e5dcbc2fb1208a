"""Emulator snapshots: the whole store in one framed, checksummed file (`devcore.serial`)."""

from __future__ import annotations

from pathlib import Path

from devcore.serial import CorruptFileError, read_framed, write_framed
from pygen.emulator._errors import ModelLoadError
from pygen.emulator._store import Store

MAGIC = b"PGDM"
VERSION = 1


def save_snapshot(store: Store, path: str | Path) -> dict[str, int]:
    """Write the store's content to `path` atomically; how many of each it holds (deleted instances,
    kept for sync cursors, are not counted)."""
    data = store.export()
    write_framed(path, data, magic=MAGIC, version=VERSION)
    counts = {f"{kind}s": len(items) for kind, items in data["schema"].items()}  # named as `load` names them
    counts["instances"] = sum(1 for row in data["instances"] if not row[5])  # row[5]: deleted
    return counts


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

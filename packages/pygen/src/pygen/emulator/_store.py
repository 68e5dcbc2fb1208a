"""Persistence of the emulator in sqlite (a file or `:memory:`): schema items and instances as JSON."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS schema_items (
    kind TEXT NOT NULL, space TEXT NOT NULL, external_id TEXT NOT NULL, version TEXT NOT NULL,
    body TEXT NOT NULL, PRIMARY KEY (kind, space, external_id, version)
);
CREATE TABLE IF NOT EXISTS instances (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    space TEXT NOT NULL, external_id TEXT NOT NULL, instance_type TEXT NOT NULL,
    change INTEGER NOT NULL, deleted INTEGER, body TEXT NOT NULL,
    UNIQUE (space, external_id)
);
CREATE INDEX IF NOT EXISTS instances_change ON instances (change);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


@dataclass
class Record:
    """One node or edge as stored: identity, bookkeeping and container data.

    `data` maps `"<space>:<container external id>"` to that container's property values.
    """

    space: str
    external_id: str
    instance_type: str
    version: int
    created_time: int
    last_updated_time: int
    type: dict[str, str] | None = None
    start_node: dict[str, str] | None = None
    end_node: dict[str, str] | None = None
    data: dict[str, dict[str, Any]] = field(default_factory=dict)
    deleted_time: int | None = None
    seq: int = 0
    change: int = 0

    @property
    def key(self) -> tuple[str, str]:
        """`(space, external_id)`."""
        return (self.space, self.external_id)

    def body(self) -> str:
        """The JSON stored for this record."""
        return json.dumps(
            {
                "version": self.version,
                "createdTime": self.created_time,
                "lastUpdatedTime": self.last_updated_time,
                "type": self.type,
                "startNode": self.start_node,
                "endNode": self.end_node,
                "data": self.data,
                "deletedTime": self.deleted_time,
            },
            separators=(",", ":"),
        )


def _record(row: tuple[Any, ...]) -> Record:
    seq, space, external_id, instance_type, change, body = row
    data = json.loads(body)
    return Record(
        space=space,
        external_id=external_id,
        instance_type=instance_type,
        version=data["version"],
        created_time=data["createdTime"],
        last_updated_time=data["lastUpdatedTime"],
        type=data["type"],
        start_node=data["startNode"],
        end_node=data["endNode"],
        data=data["data"],
        deleted_time=data["deletedTime"],
        seq=seq,
        change=change,
    )


_COLUMNS = "seq, space, external_id, instance_type, change, body"


class Store:
    """The sqlite database of one emulator; every method is thread-safe.

    Args:
        path: a database file, or `":memory:"`.
    """

    def __init__(self, path: str = ":memory:") -> None:
        self.path = path
        self._lock = threading.RLock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL" if path != ":memory:" else "PRAGMA journal_mode=MEMORY")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()

    # --- schema ---------------------------------------------------------------------------

    def schema_items(self, kind: str) -> list[dict[str, Any]]:
        """Every stored item of a kind (`space`, `container`, `view`, `datamodel`), in insertion order."""
        with self._lock:
            rows = self._db.execute("SELECT body FROM schema_items WHERE kind = ? ORDER BY rowid", (kind,))
            return [json.loads(body) for (body,) in rows]

    def put_schema_item(self, kind: str, key: tuple[str, str, str], body: dict[str, Any]) -> None:
        """Insert or replace a schema item, keyed by `(space, external_id, version)`."""
        with self._lock:
            self._db.execute(
                "INSERT INTO schema_items VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (kind, space, external_id, version) DO UPDATE SET body = excluded.body",
                (kind, *key, json.dumps(body)),
            )

    def delete_schema_item(self, kind: str, key: tuple[str, str, str]) -> None:
        """Delete a schema item."""
        with self._lock:
            self._db.execute(
                "DELETE FROM schema_items WHERE kind = ? AND space = ? AND external_id = ? AND version = ?",
                (kind, *key),
            )

    # --- instances ------------------------------------------------------------------------

    def get(self, space: str, external_id: str) -> Record | None:
        """The record with this identity (deleted ones included)."""
        with self._lock:
            row = self._db.execute(
                f"SELECT {_COLUMNS} FROM instances WHERE space = ? AND external_id = ?", (space, external_id)
            ).fetchone()
        return None if row is None else _record(row)

    def get_many(
        self, keys: list[tuple[str, str]], *, include_deleted: bool = False
    ) -> dict[tuple[str, str], Record]:
        """The live (not deleted, unless `include_deleted`) records among `keys`."""
        found: dict[tuple[str, str], Record] = {}
        live = "" if include_deleted else "AND deleted IS NULL"
        with self._lock:
            for space, external_id in keys:
                row = self._db.execute(
                    f"SELECT {_COLUMNS} FROM instances WHERE space = ? AND external_id = ? {live}",
                    (space, external_id),
                ).fetchone()
                if row is not None:
                    found[(space, external_id)] = _record(row)
        return found

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """One transaction (the caller holds the lock): committed, or rolled back on any exception."""
        self._db.execute("BEGIN")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def put_many(self, records: list[Record]) -> None:
        """Insert or update records in one transaction (each gets a new change number)."""
        with self._lock:
            first = self.last_change() + 1
            for offset, record in enumerate(records):
                record.change = first + offset
            rows = [
                (r.space, r.external_id, r.instance_type, r.change, r.deleted_time, r.body()) for r in records
            ]
            with self._transaction():
                self._db.executemany(
                    "INSERT INTO instances (space, external_id, instance_type, change, deleted, body) "
                    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (space, external_id) DO UPDATE SET "
                    "instance_type = excluded.instance_type, change = excluded.change, "
                    "deleted = excluded.deleted, body = excluded.body",
                    rows,
                )
                self._db.execute(
                    "INSERT INTO counters VALUES ('change', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                    (first + len(records) - 1,),
                )

    def scan(
        self,
        *,
        after_seq: int = 0,
        instance_type: str | None = None,
        batch: int = 1000,
        include_deleted: bool = False,
    ) -> Iterator[Record]:
        """Live records (deleted ones too with `include_deleted`) in creation order, after `after_seq`.

        Rows are read `batch` at a time, the batch doubling (up to 1,000) while the caller keeps reading.
        """
        type_clause = "AND instance_type = ?" if instance_type else ""
        live = "" if include_deleted else "AND deleted IS NULL"
        while True:
            params: tuple[Any, ...] = (
                (after_seq, instance_type, batch) if instance_type else (after_seq, batch)
            )
            with self._lock:
                rows = self._db.execute(
                    f"SELECT {_COLUMNS} FROM instances WHERE seq > ? {live} {type_clause} "
                    "ORDER BY seq LIMIT ?",
                    params,
                ).fetchall()
            for row in rows:
                yield _record(row)
            if len(rows) < batch:
                return
            after_seq = rows[-1][0]
            batch = min(batch * 2, 1000)

    def changes(self, *, after_change: int, batch: int = 1000) -> Iterator[Record]:
        """Records (deleted ones included) changed after `after_change`, in change order."""
        while True:
            with self._lock:
                rows = self._db.execute(
                    f"SELECT {_COLUMNS} FROM instances WHERE change > ? ORDER BY change LIMIT ?",
                    (after_change, batch),
                ).fetchall()
            for row in rows:
                yield _record(row)
            if len(rows) < batch:
                return
            after_change = rows[-1][4]

    def last_change(self) -> int:
        """The latest change number (0 when nothing was written)."""
        with self._lock:
            row = self._db.execute("SELECT value FROM counters WHERE name = 'change'").fetchone()
        return 0 if row is None else int(row[0])

    # --- snapshots ------------------------------------------------------------------------

    def export(self) -> dict[str, Any]:
        """Everything in the store as plain data: schema items by kind, instance rows, the change counter."""
        with self._lock, self._transaction():  # another process's write lands before or after all of it
            schema = {kind: self.schema_items(kind) for kind in ("space", "container", "view", "datamodel")}
            rows = self._db.execute(
                "SELECT seq, space, external_id, instance_type, change, deleted, body FROM instances ORDER BY seq"
            ).fetchall()
            return {"schema": schema, "instances": [list(row) for row in rows], "change": self.last_change()}

    def replace_all(self, data: dict[str, Any]) -> None:
        """Replace the whole content with `export()` data, in one transaction."""
        with self._lock, self._transaction():
            for table in ("schema_items", "instances", "counters"):
                self._db.execute(f"DELETE FROM {table}")
            for kind, items in data["schema"].items():
                for body in items:
                    key = (body["space"], body.get("externalId", ""), str(body.get("version", "")))
                    self.put_schema_item(kind, key, body)
            self._db.executemany("INSERT INTO instances VALUES (?, ?, ?, ?, ?, ?, ?)", data["instances"])
            self._db.execute("INSERT INTO counters VALUES ('change', ?)", (data["change"],))

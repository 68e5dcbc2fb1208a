"""The test index: per file, what pytest collects from it, and per test, its last result.

Stored as one ``devcore.serial`` framed file. A file's entry is reused when its
(mtime_ns, size, inode) is unchanged; when the stat changed the content is hashed and the entry
still counts if the digest is the same. An entry also records the conftest chain it was made
under (paths and digests). The whole collection part is keyed by the Python version, the
dxpytest version, the configuration and the plugin set; results survive a key change.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dxpytest.__about__ import __version__
from dxpytest._snapshot import directory_stat, file_fact

MAGIC = b"DXPY"
FORMAT_VERSION = 3
Stat = tuple[int, ...]  # (mtime_ns, size, inode) of a file; see `directory_stat` for a tree


@dataclass(frozen=True)
class Item:
    """A collected test: node id, mark names and extra ``-k`` keywords."""

    nodeid: str
    marks: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()


@dataclass
class FileEntry:
    """What the index knows about one unit (a file or a directory collected whole).

    Attributes:
        stat: (mtime_ns, size, inode) when the entry was made (a tree summary for a directory).
        digest: blake3 of the content (of every ``.py`` file, for a directory).
        chain: (conftest path, digest) pairs the entry depends on.
        exact: True when the static analysis produced the items; False when pytest did.
        reason: Why the unit is dynamic (empty when exact).
        items: The collected items, in pytest's order.
        errors: Collection errors pytest reported: (node id, message).
        skips: Modules pytest skipped while importing them: (node id, reason).
    """

    stat: Stat
    digest: str
    chain: tuple[tuple[str, str], ...]
    exact: bool
    reason: str
    items: list[Item]
    errors: list[tuple[str, str]] = field(default_factory=list)
    skips: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Result:
    """The last outcome of a test: "passed", "failed", "skipped"... and its duration in seconds."""

    outcome: str
    duration_s: float


def digest_path(path: Path) -> str:
    """blake3 of a file, or of a directory tree's Python sources."""
    from devcore.hashing import hash_file, hash_tree

    if path.is_dir():
        return hash_tree(path, ignore=["__pycache__", "*.pyc", ".*"])
    return hash_file(path)


def unit_stat(path: Path) -> Stat | None:
    """The validation stat of a unit: a file's own stat, or a directory's summary."""
    return directory_stat(path) if path.is_dir() else file_fact(path)


class Index:
    """The on-disk index of one rootdir.

    Args:
        path: The index file (created on `save`).
        key: What the collection part depends on besides file contents.
    """

    def __init__(self, path: Path, key: tuple[Any, ...]) -> None:
        self.path = path
        self.key = [sys.version_info[:2], __version__, *key]
        self._files: dict[str, FileEntry] = {}
        self._conftests: dict[str, tuple[Stat, str, Any]] = {}
        self._results: dict[str, Result] = {}
        self._warm: list[str] = []
        self._distrusted: set[str] = set()
        self.dirty = False
        self.loaded = False
        self.snapshots_stale = False

    # The file is read on first use: a collection answered from a snapshot never needs it.

    @property
    def files(self) -> dict[str, FileEntry]:
        """Per unit path, its entry (loaded on first use)."""
        self._load()
        return self._files

    @property
    def conftests(self) -> dict[str, tuple[Stat, str, Any]]:
        """Per conftest path, (stat, digest, analysis) (loaded on first use)."""
        self._load()
        return self._conftests

    @property
    def results(self) -> Mapping[str, Result]:
        """Per node id, its last result (the file is read when the mapping is first consulted)."""
        return _Results(self)

    @property
    def warm(self) -> list[str]:
        """Third-party modules the zygote imports (loaded on first use)."""
        self._load()
        return self._warm

    @property
    def distrusted(self) -> set[str]:
        """Unit paths pytest contradicted: always collected by pytest (loaded on first use)."""
        self._load()
        return self._distrusted

    def _load(self) -> None:
        if self.loaded:
            return
        self.loaded = True
        from devcore.serial import CorruptFileError, read_framed

        try:
            data = read_framed(self.path, magic=MAGIC, version=FORMAT_VERSION)
        except (FileNotFoundError, CorruptFileError):
            return
        try:
            self._results = {nodeid: Result(*value) for nodeid, value in data["results"].items()}
            self._warm = [str(name) for name in data.get("warm", [])]
            self._distrusted = {str(path) for path in data.get("distrusted", [])}
            if list(data["key"]) != _plain(self.key):
                self.dirty = True
                return
            self._files = {path: _entry_from(value) for path, value in data["files"].items()}
            self._conftests = {path: (tuple(v[0]), v[1], v[2]) for path, v in data["conftests"].items()}
        except (KeyError, TypeError, ValueError):
            self._files, self._conftests, self._results = {}, {}, {}
            self.dirty = True

    def lookup(self, path: Path, chain: tuple[tuple[str, str], ...]) -> FileEntry | None:
        """The entry of `path` if it is still valid, re-hashing only when the stat changed."""
        entry = self.files.get(str(path))
        if entry is None or entry.chain != chain:
            return None
        current = unit_stat(path)
        if current is None:
            return None
        if current == entry.stat:
            return entry
        if digest_path(path) != entry.digest:
            return None
        entry.stat = current
        self.dirty = True
        return entry

    def store(self, path: Path, entry: FileEntry) -> None:
        """Record the entry of `path`."""
        self.files[str(path)] = entry
        self.dirty = True

    def distrust(self, path: Path) -> None:
        """pytest contradicted the static result for `path`: from now on pytest collects it."""
        self.files.pop(str(path), None)
        self.distrusted.add(str(path))
        self.dirty = True
        self.snapshots_stale = True

    def conftest_entry(self, path: Path) -> tuple[str, Any] | None:
        """(digest, cached analysis) of a conftest if still valid."""
        cached = self.conftests.get(str(path))
        if cached is None:
            return None
        stat, digest, value = cached
        current = file_fact(path)
        if current == stat:
            return digest, value
        if current is None or digest_path(path) != digest:
            return None
        self.conftests[str(path)] = (current, digest, value)
        self.dirty = True
        return digest, value

    def store_conftest(self, path: Path, digest: str, value: Any) -> None:
        """Record a conftest's analysis."""
        stat = file_fact(path)
        if stat is not None:
            self.conftests[str(path)] = (stat, digest, value)
            self.dirty = True

    def remember_imports(self, modules: list[str]) -> None:
        """Third-party modules the tests used: the zygote imports them next time."""
        if modules != self.warm:
            self._warm = modules
            self.dirty = True

    def record(self, nodeid: str, outcome: str, duration_s: float) -> None:
        """Remember the latest outcome of a test."""
        self._load()
        self._results[nodeid] = Result(outcome, duration_s)
        self.dirty = True

    def save(self) -> None:
        """Write the index atomically if anything changed."""
        from devcore.serial import write_framed

        if self.snapshots_stale:
            from dxpytest._snapshot import discard_all

            discard_all(self.path.parent)
            self.snapshots_stale = False
        if not self.dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "key": _plain(self.key),
            "files": {path: _entry_to(entry) for path, entry in self.files.items()},
            "conftests": {path: [list(v[0]), v[1], v[2]] for path, v in self.conftests.items()},
            "results": {nodeid: [r.outcome, r.duration_s] for nodeid, r in self.results.items()},
            "warm": list(self.warm),
            "distrusted": sorted(self.distrusted),
        }
        # Not fsynced (two fsyncs cost 10-20 ms at the end of every run): a power cut can only
        # lose the file or leave it corrupt, and a missing or corrupt index is rebuilt.
        write_framed(self.path, data, magic=MAGIC, version=FORMAT_VERSION, durable=False)
        self.dirty = False


class _Results(Mapping[str, Result]):
    """The results of an index, read from its file only when consulted."""

    def __init__(self, index: Index) -> None:
        self._index = index

    def _data(self) -> dict[str, Result]:
        self._index._load()
        return self._index._results

    def __getitem__(self, nodeid: str) -> Result:
        return self._data()[nodeid]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data())

    def __len__(self) -> int:
        return len(self._data())


def _plain(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def _entry_to(entry: FileEntry) -> list[Any]:
    return [
        list(entry.stat),
        entry.digest,
        [list(pair) for pair in entry.chain],
        entry.exact,
        entry.reason,
        [[item.nodeid, list(item.marks), list(item.keywords)] for item in entry.items],
        [list(error) for error in entry.errors],
        [list(skip) for skip in entry.skips],
    ]


def _entry_from(value: list[Any]) -> FileEntry:
    stat, digest, chain, exact, reason, items, errors, skips = value
    return FileEntry(
        stat=tuple(int(value) for value in stat),
        digest=str(digest),
        chain=tuple((str(a), str(b)) for a, b in chain),
        exact=bool(exact),
        reason=str(reason),
        items=[Item(str(n), tuple(m), tuple(k)) for n, m, k in items],
        errors=[(str(a), str(b)) for a, b in errors],
        skips=[(str(a), str(b)) for a, b in skips],
    )

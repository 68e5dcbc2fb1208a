"""A snapshot of a whole collection, reused without reading configuration, walking or parsing.

A warm ``dxpytest --collect-only`` should cost little more than starting the interpreter:
reading one framed file and one ``stat`` per input. The snapshot holds the outcome of a
collection (configuration, plugins, items, errors) under a key made of the command line, the
working directory, the environment variables pytest reads and the interpreter, together with
every file-system fact the outcome was derived from:

* files (test modules, conftests, configuration candidates, virtualenv markers) by
  (mtime_ns, size, inode), or their absence;
* directories whose listing was walked, and the import path, by (mtime_ns, inode): adding,
  removing or renaming an entry changes a directory's mtime;
* directory units (collected whole by pytest) by the summary of their tree.

A snapshot is used only when every fact still holds. It is written only when no input changed
during the collection that made it: an input whose mtime lies within `RACY_WINDOW_NS` of the
session start could change again within the same timestamp tick unseen (git's "racily clean"
files), so such a collection writes no snapshot and the next one tries again.

Beside each snapshot lies its *answer* (`ANSWER_SUFFIX`): the same key and facts with the node
ids as the lines to print, in a plain format that `read_answer` checks with the standard
library alone, so that ``dxpytest --collect-only`` answers without importing pathlib, typing,
msgpack or this package's command line (see `dxpytest._quick`).
"""

from __future__ import annotations

import os
import sys
import time
import zlib

from dxpytest.__about__ import __version__

TYPE_CHECKING = False  # typing costs milliseconds the quick answer does not have
if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path
    from typing import Any

    Fact = tuple[int, ...] | None

MAGIC = b"DXPS"
FORMAT_VERSION = 1
RACY_WINDOW_NS = 2_000_000_000
ENVIRONMENT = (
    "PYTEST_ADDOPTS",
    "PYTEST_PLUGINS",
    "PYTEST_DISABLE_PLUGIN_AUTOLOAD",
    "PYTHONWARNINGS",
    "DXPYTEST_CACHE_DIR",
)
CACHE_NAME = ".dxpytest"
ANSWER_MAGIC = b"DXPA 1"
ANSWER_SUFFIX = ".ids"


def session_key(
    args: Iterable[str],
    invocation_dir: str | os.PathLike[str],
    overrides: Iterable[str],
    plugins: Iterable[str],
    ignore: Iterable[str],
    warning_filters: Iterable[str] = (),
) -> list[Any]:
    """Everything besides the file system that decides a collection."""
    return [
        __version__,
        sys.version,
        sys.executable,
        list(sys.path),
        str(invocation_dir),
        list(args),
        list(overrides),
        list(plugins),
        list(ignore),
        list(warning_filters),
        [os.environ.get(name, "") for name in ENVIRONMENT],
    ]


def snapshot_name(key: list[Any]) -> str:
    """The file name of the snapshot of `key` (the key itself is stored and compared)."""
    return f"collect-{zlib.crc32(repr(key).encode('utf-8', 'surrogatepass')):08x}.bin"


def file_fact(path: str | os.PathLike[str]) -> Fact:
    """(mtime_ns, size, inode) of `path`, or None when it does not exist."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size, info.st_ino)


def directory_fact(path: str) -> Fact:
    """(mtime_ns, inode) of a directory, or None when it does not exist."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_ino)


def directory_stat(path: str | os.PathLike[str]) -> tuple[int, int, int, int]:
    """A cheap summary of a directory tree: newest mtime, total size, number of files and a
    checksum of their relative paths (a rename that keeps mtimes and sizes still shows)."""
    newest = 0
    total = 0
    count = 0
    names = 0
    for base, dirs, files in os.walk(path):
        dirs.sort()
        dirs[:] = [d for d in dirs if d != "__pycache__" and not d.startswith(".")]
        for name in sorted(files):
            if name.endswith(".pyc"):
                continue
            full = os.path.join(base, name)
            info = os.stat(full)
            newest = max(newest, info.st_mtime_ns)
            total += info.st_size
            count += 1
            names = zlib.crc32(os.path.relpath(full, path).encode("utf-8", "surrogateescape"), names)
    return (newest, total, count, names)


def tree_fact(path: str) -> Fact:
    """The summary of a directory tree collected whole (`directory_stat`), or None."""
    return directory_stat(path) if os.path.isdir(path) else None


_FACTS = {"file": file_fact, "directory": directory_fact, "tree": tree_fact}


class Facts:
    """The file-system inputs of one collection, recorded by path while it runs.

    Attributes:
        paths: Per kind ("file", "directory", "tree"), the paths looked at.
        unsupported: Why this collection cannot be snapshotted (empty when it can).
    """

    def __init__(self) -> None:
        self.paths: dict[str, set[str]] = {kind: set() for kind in _FACTS}
        self.unsupported = ""

    def file(self, path: Path | str) -> None:
        """A file whose content or existence mattered."""
        self.paths["file"].add(str(path))

    def directory(self, path: Path | str) -> None:
        """A directory whose listing mattered."""
        self.paths["directory"].add(str(path))

    def tree(self, path: Path | str) -> None:
        """A directory collected whole."""
        self.paths["tree"].add(str(path))

    def settle(self, start_ns: int) -> dict[str, dict[str, Fact]] | None:
        """The current facts, or None when one of them changed after `start_ns` (racy)."""
        limit = start_ns - RACY_WINDOW_NS
        settled: dict[str, dict[str, Fact]] = {}
        for kind, paths in self.paths.items():
            measure = _FACTS[kind]
            settled[kind] = {}
            for path in sorted(paths):
                fact = measure(path)
                if fact is not None and fact[0] >= limit:
                    return None
                settled[kind][path] = fact
        return settled


def holds(facts: dict[str, dict[str, Fact]]) -> bool:
    """True when every recorded fact is still true."""
    for kind, recorded in facts.items():
        measure = _FACTS.get(kind)
        if measure is None:
            return False
        for path, fact in recorded.items():
            current = measure(path)
            if (current is None) != (fact is None) or (
                current is not None and list(current) != list(fact or ())
            ):
                return False
    return True


def candidate_directories(args: Iterable[str], invocation_dir: str | os.PathLike[str]) -> list[str]:
    """Where a snapshot of this invocation may be: ``$DXPYTEST_CACHE_DIR``, else the cache
    directory of the working directory, an argument, or one of their ancestors (the rootdir is
    one of them)."""
    override = os.environ.get("DXPYTEST_CACHE_DIR")
    if override:
        return [override]
    base = os.fspath(invocation_dir)
    found: dict[str, None] = {}
    starts = [base] + [
        os.path.abspath(os.path.join(base, arg.split("::")[0])) for arg in args if not arg.startswith("-")
    ]
    for start in starts:
        directory = start
        while True:
            found.setdefault(os.path.join(directory, CACHE_NAME), None)
            parent = os.path.dirname(directory)
            if parent == directory:
                break
            directory = parent
    return list(found)


def load(key: list[Any], directories: Iterable[str | os.PathLike[str]]) -> dict[str, Any] | None:
    """The outcome stored under `key` if all its facts still hold; stale snapshots are removed."""
    name = snapshot_name(key)
    for directory in directories:
        path = os.path.join(directory, name)
        if not os.path.exists(path):
            continue
        data = _read(path)
        if data is not None and data.get("key") == key and holds(data.get("facts", {})):
            outcome: dict[str, Any] = data["outcome"]
            if read_answer(key, [os.fspath(directory)]) is None:  # missing or damaged
                _write_answer(path, key, data["facts"], [str(item[0]) for item in outcome["items"]])
            return outcome
        _remove(path)
        _remove(_answer_path(path))
    return None


def _read(path: str) -> dict[str, Any] | None:
    from devcore.serial import CorruptFileError, read_framed

    try:
        data = read_framed(path, magic=MAGIC, version=FORMAT_VERSION)
    except (OSError, CorruptFileError):
        return None
    return data if isinstance(data, dict) else None


def _remove(path: str | os.PathLike[str]) -> None:
    try:
        os.unlink(path)
    except OSError:
        return


def _answer_path(snapshot_path: str) -> str:
    return snapshot_path.removesuffix(".bin") + ANSWER_SUFFIX


def save(directory: Path, key: list[Any], facts: Facts, outcome: dict[str, Any], *, start_ns: int) -> bool:
    """Store `outcome` under `key` unless a fact changed during the collection (racy) or the
    collection cannot be snapshotted. Returns True when written."""
    from devcore.serial import write_framed

    if facts.unsupported:
        return False
    directory.mkdir(parents=True, exist_ok=True)  # first, as it may change a walked directory
    settled = facts.settle(start_ns)
    if settled is None:
        return False
    path = str(directory / snapshot_name(key))
    data = {"key": key, "facts": settled, "outcome": outcome}
    write_framed(path, data, magic=MAGIC, version=FORMAT_VERSION, durable=False)
    _write_answer(path, key, settled, [str(item[0]) for item in outcome["items"]])
    return True


def _write_answer(
    snapshot_path: str, key: list[Any], settled: dict[str, dict[str, Fact]], nodeids: list[str]
) -> None:
    """The answer beside a snapshot, unless a path or node id would break its line format."""
    from devcore.files import atomic_write

    lines = [repr(key).encode("utf-8", "surrogatepass")]
    for kind, recorded in settled.items():
        for path, fact in recorded.items():
            encoded = os.fsencode(path)
            if any(char in encoded for char in b"\t\n\r"):
                return
            numbers = b"-" if fact is None else ",".join(map(str, fact)).encode()
            lines.append(b"\t".join((kind.encode(), encoded, numbers)))
    if any("\n" in nodeid or "\r" in nodeid for nodeid in nodeids):
        return
    body = (
        b"\n".join(lines)
        + b"\n\n"
        + "".join(f"{nodeid}\n" for nodeid in nodeids).encode("utf-8", "surrogateescape")
    )
    header = b"%s %08x %d\n" % (ANSWER_MAGIC, zlib.crc32(body), len(body))
    atomic_write(_answer_path(snapshot_path), header + body, durable=False)


def read_answer(key: list[Any], directories: Iterable[str]) -> bytes | None:
    """The node-id lines stored for `key` (UTF-8, one per line) if every fact still holds.

    A missing, foreign, damaged or stale answer gives None (the full command line then collects,
    and replaces or removes it).
    """
    name = _answer_path(snapshot_name(key))
    expected = repr(key).encode("utf-8", "surrogatepass")
    for directory in directories:
        try:
            with open(os.path.join(directory, name), "rb") as stream:
                data = stream.read()
        except OSError:
            continue
        header, _, body = data.partition(b"\n")
        fields = header.split(b" ")
        if fields[:2] != ANSWER_MAGIC.split(b" ") or len(fields) != 4:
            return None
        if fields[3] != str(len(body)).encode() or fields[2] != b"%08x" % zlib.crc32(body):
            return None
        head, _, nodeids = body.partition(b"\n\n")
        lines = head.split(b"\n")
        try:
            if lines[0] != expected or not _answer_holds(lines[1:]):
                return None
        except ValueError:
            return None
        return nodeids
    return None


def _answer_holds(lines: list[bytes]) -> bool:
    for line in lines:
        kind, path, numbers = line.split(b"\t")
        measure = _FACTS.get(kind.decode())
        if measure is None:
            return False
        current = measure(os.fsdecode(path))
        recorded = None if numbers == b"-" else tuple(int(number) for number in numbers.split(b","))
        if current is None or recorded is None:
            if current is not recorded:
                return False
        elif tuple(current) != recorded:
            return False
    return True


def discard_all(directory: Path) -> None:
    """Remove every snapshot (and answer) of a cache directory (the index changed under them)."""
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        if name.startswith("collect-") and name.endswith((".bin", ANSWER_SUFFIX)):
            _remove(directory / name)


def now_ns() -> int:
    """The wall clock in nanoseconds (the same clock file mtimes use)."""
    return time.time_ns()

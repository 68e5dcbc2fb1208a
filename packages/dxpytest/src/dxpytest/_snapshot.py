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
"""

from __future__ import annotations

import os
import sys
import time
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from dxpytest.__about__ import __version__

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
Fact = tuple[int, ...] | None


def session_key(
    args: Iterable[str],
    invocation_dir: Path,
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


def directory_stat(path: Path) -> tuple[int, int, int, int]:
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
    return directory_stat(Path(path)) if os.path.isdir(path) else None


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


def candidate_directories(args: Iterable[str], invocation_dir: Path) -> list[Path]:
    """Where a snapshot of this invocation may be: ``$DXPYTEST_CACHE_DIR``, else the cache
    directory of the working directory, an argument, or one of their ancestors (the rootdir is
    one of them)."""
    override = os.environ.get("DXPYTEST_CACHE_DIR")
    if override:
        return [Path(override)]
    found: dict[Path, None] = {}
    starts = [invocation_dir] + [
        Path(os.path.abspath(invocation_dir / arg.split("::")[0])) for arg in args if not arg.startswith("-")
    ]
    for start in starts:
        for directory in (start, *start.parents):
            found.setdefault(directory / CACHE_NAME, None)
    return list(found)


def load(key: list[Any], directories: Iterable[Path]) -> dict[str, Any] | None:
    """The outcome stored under `key` if all its facts still hold; stale snapshots are removed."""
    name = snapshot_name(key)
    for directory in directories:
        path = directory / name
        if not os.path.exists(path):
            continue
        data = _read(path)
        if data is not None and data.get("key") == key and holds(data.get("facts", {})):
            outcome: dict[str, Any] = data["outcome"]
            return outcome
        _remove(path)
    return None


def _read(path: Path) -> dict[str, Any] | None:
    from devcore.serial import CorruptFileError, read_framed

    try:
        data = read_framed(path, magic=MAGIC, version=FORMAT_VERSION)
    except (OSError, CorruptFileError):
        return None
    return data if isinstance(data, dict) else None


def _remove(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        return


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
    data = {"key": key, "facts": settled, "outcome": outcome}
    write_framed(directory / snapshot_name(key), data, magic=MAGIC, version=FORMAT_VERSION, durable=False)
    return True


def discard_all(directory: Path) -> None:
    """Remove every snapshot of a cache directory (the index changed under them)."""
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        if name.startswith("collect-") and name.endswith(".bin"):
            _remove(directory / name)


def now_ns() -> int:
    """The wall clock in nanoseconds (the same clock file mtimes use)."""
    return time.time_ns()

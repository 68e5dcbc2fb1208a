"""blake3 digests of bytes, files and directory trees."""

from __future__ import annotations

import errno
import fnmatch
import io
import mmap
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

import blake3

StrPath = str | os.PathLike[str]

#: Files at least this large are hashed through mmap with blake3's threads (bytes).
MMAP_THRESHOLD = 8 * 1024 * 1024
_CHUNK = 1024 * 1024
_THREADS_FROM = 1024 * 1024  # bytes in memory from which blake3's threads help
_TREE_FORMAT = b"devcore-tree-v1\x00"
_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # so that a FIFO does not block the walk
_O_BINARY = getattr(os, "O_BINARY", 0)
_blake3 = blake3.blake3


def digest_bytes(data: bytes | bytearray | memoryview) -> bytes:
    """The raw 32-byte blake3 digest of ``data``."""
    if type(data) is bytes and len(data) < _THREADS_FROM:
        return _blake3(data).digest()  # small bytes, the common case: no buffer view, no options
    return _hasher(data).digest()


def _hasher(data: bytes | bytearray | memoryview) -> blake3.blake3:
    """blake3 over ``data``, on all cores when it is large enough for threads to pay."""
    large = memoryview(data).nbytes >= _THREADS_FROM
    return blake3.blake3(data, max_threads=blake3.blake3.AUTO if large else 1)


def hash_bytes(data: bytes | bytearray | memoryview) -> str:
    """Hash bytes with blake3.

    Args:
        data: the bytes to hash (any buffer: bytes, bytearray, memoryview); from 1 MiB,
            on all cores.

    Returns:
        The digest as 64 lowercase hex characters.
    """
    if type(data) is bytes and len(data) < _THREADS_FROM:
        return _blake3(data).hexdigest()  # small bytes, the common case: no buffer view, no options
    return _hasher(data).hexdigest()


def hash_file(path: StrPath, *, use_mmap: bool | None = None) -> str:
    """Hash a file's content with blake3.

    Small files are read in chunks; files of ``MMAP_THRESHOLD`` bytes (8 MiB) or more are
    mapped into memory and hashed by blake3 on all cores. A file mapped into memory must not be
    truncated by another process while it is hashed (the operating system would end this
    process with SIGBUS); editors' atomic saves are safe, as they replace the file.

    Args:
        path: the file to hash.
        use_mmap: force (``True``) or avoid (``False``) the memory-mapped path; ``None`` picks
            it by size.

    Returns:
        The digest as 64 lowercase hex characters.

    Raises:
        OSError: the file cannot be opened or read (``FileNotFoundError``,
            ``IsADirectoryError``, ...).
    """
    with open(path, "rb", buffering=0) as stream:
        return _hash_stream(stream, use_mmap=use_mmap).hexdigest()


def _hash_stream(stream: io.FileIO, *, use_mmap: bool | None) -> blake3.blake3:
    """Hash an open file from its start, mapped or in chunks."""
    size = os.fstat(stream.fileno()).st_size
    if _should_map(size, use_mmap):
        with mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            if hasattr(mapped, "madvise"):  # read a cold file ahead, for both threads' halves
                mapped.madvise(mmap.MADV_WILLNEED)
            return blake3.blake3(mapped, max_threads=blake3.blake3.AUTO)
    hasher = blake3.blake3()
    buffer = bytearray(_CHUNK)
    view = memoryview(buffer)
    while count := stream.readinto(buffer):
        hasher.update(view[:count])
    return hasher


def _should_map(size: int, use_mmap: bool | None) -> bool:
    """Map a file when asked to, or when it is large; an empty file cannot be mapped."""
    if size == 0:
        return False
    if use_mmap is not None:
        return use_mmap
    return size >= MMAP_THRESHOLD


def hash_tree(root: StrPath, *, ignore: Iterable[str] = ()) -> str:
    """Hash a directory tree: the relative paths of its files and their contents.

    The digest does not depend on the order in which the file system lists entries, nor on
    the tree's location or timestamps; it changes when a file is added, removed, renamed or
    edited. Symbolic links to files count with their target's content; a broken link counts
    with the text of its target; directories reached through a link are not entered. Empty
    directories, FIFOs, sockets and devices do not count.

    Args:
        root: the directory to hash.
        ignore: glob patterns (``fnmatch``) matched against each entry's name and its path
            relative to ``root`` (with ``/``); a matching directory is skipped whole.

    Returns:
        The digest as 64 lowercase hex characters.

    Raises:
        NotADirectoryError: ``root`` is not a directory.
        FileNotFoundError: ``root`` does not exist.
    """
    base = Path(root)
    if not base.is_dir():
        if not base.exists():
            raise FileNotFoundError(f"cannot hash tree {base}: no such directory")
        raise NotADirectoryError(f"cannot hash tree {base}: not a directory")
    patterns = tuple(ignore)
    tree = blake3.blake3(_TREE_FORMAT)
    for relative in sorted(_tree_files(base, patterns)):
        entry = _entry_digest(base / relative)
        if entry is None:
            continue
        name = relative.encode("utf-8", "surrogateescape")
        tree.update(len(name).to_bytes(8, "big") + name + entry)
    return tree.hexdigest()


def _entry_digest(path: Path) -> bytes | None:
    """A tagged digest of one entry: file content, or the target of a broken link.

    ``None`` for what is neither a file nor a link (a FIFO, a socket, a device): opening
    one without blocking, it is recognised and left out.
    """
    try:
        fd = os.open(path, os.O_RDONLY | _O_NONBLOCK | _O_BINARY)
    except FileNotFoundError:
        if not path.is_symlink():
            raise
        return b"l" + digest_bytes(os.fsencode(os.readlink(path)))
    except OSError as error:
        if error.errno == errno.ENXIO:  # a socket
            return None
        raise
    with open(fd, "rb", buffering=0) as stream:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return b"f" + _hash_stream(stream, use_mmap=None).digest()


def _tree_files(base: Path, patterns: tuple[str, ...]) -> Iterator[str]:
    """Relative posix paths of the files under ``base`` that no pattern matches."""
    for directory, subdirectories, files in os.walk(base):
        prefix = Path(directory).relative_to(base).as_posix()
        prefix = "" if prefix == "." else prefix + "/"
        subdirectories[:] = [name for name in subdirectories if not _ignored(name, prefix + name, patterns)]
        for name in files:
            if not _ignored(name, prefix + name, patterns):
                yield prefix + name


def _ignored(name: str, relative: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatchcase(name, p) or fnmatch.fnmatchcase(relative, p) for p in patterns)

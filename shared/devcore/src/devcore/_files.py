"""Atomic file writes: a temporary file in the same directory, fsync, rename, fsync of the dir."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from pathlib import Path
from typing import IO, Any, BinaryIO, Literal, TextIO, overload

from devcore._files_names import temporary_name

StrPath = str | os.PathLike[str]

_O_BINARY = getattr(os, "O_BINARY", 0)


def atomic_write(
    path: StrPath,
    data: str | bytes | bytearray | memoryview,
    *,
    encoding: str = "utf-8",
    permissions: int | None = None,
    durable: bool = True,
) -> None:
    """Write a whole file atomically: readers see the old content or the new, never a mix.

    The data goes to a temporary file beside the target, which is flushed to disk and renamed
    over the target; then the directory is flushed so the rename survives a power cut. If
    ``path`` is a symbolic link, the file it points to is replaced and the link kept.

    Args:
        path: the file to write; its directory must exist.
        data: the content; ``str`` is encoded with ``encoding`` (no newline translation).
        encoding: the text encoding for ``str`` data.
        permissions: the mode bits of the new file; by default an existing file keeps its
            own, and a new one gets ``0o666`` less the umask.
        durable: fsync the file and its directory (``False`` keeps atomicity against a
            crashed process but not against a power cut, and is much faster).

    Raises:
        OSError: the directory is missing or not writable; the target is left untouched.
    """
    payload = data.encode(encoding) if isinstance(data, str) else data
    with atomic_writer(path, "wb", permissions=permissions, durable=durable) as stream:
        stream.write(payload)


@overload
def atomic_writer(
    path: StrPath,
    mode: Literal["wb"] = "wb",
    *,
    encoding: None = None,
    newline: None = None,
    permissions: int | None = None,
    durable: bool = True,
) -> AbstractContextManager[BinaryIO]: ...


@overload
def atomic_writer(
    path: StrPath,
    mode: Literal["w"],
    *,
    encoding: str | None = None,
    newline: str | None = None,
    permissions: int | None = None,
    durable: bool = True,
) -> AbstractContextManager[TextIO]: ...


def atomic_writer(
    path: StrPath,
    mode: Literal["wb", "w"] = "wb",
    *,
    encoding: str | None = None,
    newline: str | None = None,
    permissions: int | None = None,
    durable: bool = True,
) -> AbstractContextManager[IO[Any]]:
    """Stream a file that appears atomically when the ``with`` block ends without error.

    The same guarantees as `atomic_write`; if the block raises, the temporary file is
    removed and the target is untouched.

    Args:
        path: the file to write; its directory must exist.
        mode: ``"wb"`` for a binary stream, ``"w"`` for text.
        encoding: text mode only; ``"utf-8"`` when ``None``.
        newline: text mode only, as for `open`.
        permissions: as for `atomic_write`.
        durable: as for `atomic_write`.

    Returns:
        A context manager that yields the open stream.
    """
    if mode not in ("wb", "w"):
        raise ValueError(f"mode must be 'wb' or 'w', not {mode!r}")
    if mode == "wb" and (encoding is not None or newline is not None):
        raise ValueError("encoding and newline apply to text mode only")
    text_options = {"encoding": encoding or "utf-8", "newline": newline} if mode == "w" else {}
    return _atomic_stream(Path(path), mode, text_options, permissions, durable)


@contextmanager
def _atomic_stream(
    path: Path, mode: str, text_options: dict[str, Any], permissions: int | None, durable: bool
) -> Iterator[IO[Any]]:
    target = Path(os.path.realpath(path))
    temp = target.with_name(temporary_name(target.name, "tmp"))
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_BINARY, 0o666)
    try:
        with os.fdopen(fd, mode, **text_options) as stream:
            yield stream
            stream.flush()
            if durable:
                os.fsync(stream.fileno())
        _set_permissions(temp, target, permissions)
        os.replace(temp, target)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    if durable:
        fsync_directory(target.parent)


def _set_permissions(temp: Path, target: Path, permissions: int | None) -> None:
    """Give the new file the asked mode, else the mode of the file it replaces."""
    if permissions is None:
        try:
            permissions = os.stat(target).st_mode & 0o7777
        except FileNotFoundError:
            return
    os.chmod(temp, permissions)


def fsync_directory(directory: Path) -> None:
    """Flush a directory's entries (renames, creations) to disk; a no-op where unsupported."""
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

"""Whole trees built in a sibling staging directory and renamed into place on success."""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from devcore._files import fsync_directory
from devcore._files_names import sweep_stale, temporary_name


@contextmanager
def staged_directory(
    path: str | os.PathLike[str], *, replace: bool = False, durable: bool = True
) -> Iterator[Path]:
    """Build a directory tree out of sight and publish it with one rename.

    The block receives an empty staging directory beside ``path`` (hidden, same file system).
    When the block ends without error the staging directory is renamed to ``path``; when it
    raises, the staging directory is removed and ``path`` is untouched. Leftovers of killed
    processes beside ``path`` are swept on entry (see `sweep_stale`).

    Args:
        path: where the tree appears; missing parent directories are created.
        replace: replace an existing non-empty ``path`` (its old tree is moved aside and
            removed; there is a moment between the two renames when ``path`` is absent).
            Without it an existing ``path`` is kept and `FileExistsError` is raised, which
            is what a cache filled by racing processes wants: the first one wins.
        durable: fsync every file and directory of the tree before the rename, and the
            parent after it.

    Yields:
        The staging directory to fill.

    Raises:
        FileExistsError: ``path`` exists, is not empty, and ``replace`` is false; the staged
            tree is discarded.
    """
    target = Path(path).absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    sweep_stale(target.parent)
    stage = target.with_name(temporary_name(target.name, "staging"))
    stage.mkdir()
    try:
        yield stage
        if durable:
            _fsync_tree(stage)
        _publish(stage, target, replace=replace)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    if durable:
        fsync_directory(target.parent)


def _publish(stage: Path, target: Path, *, replace: bool) -> None:
    try:
        os.rename(stage, target)
    except OSError as error:
        if not _exists_error(error):
            raise
        if not replace:
            raise FileExistsError(errno.EEXIST, "a staged directory's target exists", str(target)) from error
        _swap(stage, target)


def _exists_error(error: OSError) -> bool:
    """Whether a rename failed because the target is taken (by a tree or a file)."""
    return isinstance(error, FileExistsError) or error.errno in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOTDIR)


def _swap(stage: Path, target: Path) -> None:
    """Move the old target aside, put the new tree in place, then remove the old one."""
    trash = target.with_name(temporary_name(target.name, "trash"))
    os.rename(target, trash)
    os.rename(stage, target)
    if trash.is_dir() and not trash.is_symlink():
        shutil.rmtree(trash, ignore_errors=True)
    else:
        trash.unlink()


def _fsync_tree(root: Path) -> None:
    for directory, _subdirectories, files in os.walk(root):
        for name in files:
            file = os.path.join(directory, name)
            if os.path.islink(file):
                continue
            fd = os.open(file, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fsync_directory(Path(directory))

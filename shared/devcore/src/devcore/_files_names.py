"""Names of temporary siblings (files, staging and trash directories) and their sweeping.

A sibling is named ``.<name>.<pid>-<token>.<kind>``: hidden, in the target's directory (so
the final rename stays on one file system), and carrying the writer's process id so that a
leftover of a killed process can be told from the work of a live one.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

KINDS = ("tmp", "staging", "trash")
_TREE_PASSES = 3  # attempts at a tree that something still writes into
_NAME_BUDGET = 100  # bytes: keeps the sibling's name well under the usual 255-byte limit
_PATTERN = re.compile(r"^\.(?P<name>.*)\.(?P<pid>\d+)-[0-9a-f]{8}\.(?P<kind>tmp|staging|trash)$", re.DOTALL)


def temporary_name(name: str, kind: str) -> str:
    """A fresh hidden sibling name for ``name``, of ``kind`` (``tmp``, ``staging``, ``trash``)."""
    return f".{_shortened(name)}.{os.getpid()}-{os.urandom(4).hex()}.{kind}"


def _shortened(name: str) -> str:
    """At most ``_NAME_BUDGET`` bytes of ``name`` once encoded, cut between characters."""
    return name.encode("utf-8", "surrogateescape")[:_NAME_BUDGET].decode("utf-8", "ignore")


def sweep_stale(directory: str | os.PathLike[str], *, older_than_s: float = 300.0) -> list[Path]:
    """Remove the temporary files and staging directories that dead processes left behind.

    Only siblings named by devcore are considered, and only those whose writer process no
    longer runs on this machine and which were last modified more than ``older_than_s``
    seconds ago (so that a process in another PID namespace is not robbed of its work).
    A staging directory that an orphan of the dead writer (a child it started) still writes
    into cannot always be emptied: it is left for a later sweep, never an error.

    Args:
        directory: the directory to sweep (not recursive).
        older_than_s: the minimum age, in seconds, of a leftover to remove.

    Returns:
        The paths removed (not those left because something still writes into them).
    """
    removed = []
    cutoff = time.time() - older_than_s
    with os.scandir(directory) as entries:
        for entry in entries:
            match = _PATTERN.match(entry.name)
            if match is None or _process_alive(int(match["pid"])):
                continue
            try:
                if entry.stat(follow_symlinks=False).st_mtime > cutoff:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    if not _remove_tree(entry.path):
                        continue
                else:
                    os.unlink(entry.path)
            except FileNotFoundError:
                continue  # another sweeper was first
            removed.append(Path(entry.path))
    return removed


def _remove_tree(path: str) -> bool:
    """Remove a directory tree; whether it is gone.

    A writer still adding files makes a pass fail (a directory is no longer empty when it is
    removed, or an entry vanishes mid-walk); a few passes usually win, and the tree is
    otherwise left whole enough for the next sweep.
    """
    import shutil  # only a sweep that finds a leftover tree pays for it

    for _ in range(_TREE_PASSES):
        shutil.rmtree(path, ignore_errors=True)
        if not os.path.lexists(path):
            return True
    return False


def _process_alive(pid: int) -> bool:
    """Whether a process runs with this id; ``True`` where that cannot be asked safely."""
    if os.name != "posix":
        return True  # os.kill would terminate it on Windows
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    return True

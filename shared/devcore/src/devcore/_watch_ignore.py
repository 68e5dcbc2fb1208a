"""Which paths a watcher never reports: ignore patterns and Kubernetes link internals."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable

DEFAULT_IGNORE: tuple[str, ...] = (
    # version control and tool caches
    ".git",
    ".hg",
    ".svn",
    "__pycache__",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    ".tox",
    ".nox",
    ".venv",
    "node_modules",
    "*.pyc",
    "*.pyo",
    # editor swap, backup, lock and probe files
    "*.swp",
    "*.swo",
    "*.swx",
    "*~",
    "4913",
    ".#*",
    "#*#",
    "*.kate-swp",
    "*___jb_tmp___",
    "*___jb_old___",
    ".goutputstream-*",
    ".~lock.*",
    ".DS_Store",
    # temporary files of atomic writers
    "*.tmp",
    "*.part",
    ".*.staging",
    ".*.trash",
)
"""Patterns ignored unless told otherwise: VCS and cache directories, editor swap, backup
and probe files (vim's ``4913``, ``file~``, ``.file.swp``, emacs ``.#file``), temp files
(including the siblings ``devcore.files`` writes through)."""


def is_link_internal(name: str) -> bool:
    """Whether a name is a Kubernetes ConfigMap internal (``..data``, ``..2024_01_01_...``).

    Such entries are never reported; a change to one means the files seen through the
    ``..data`` link may have changed.
    """
    return name.startswith("..")


class IgnoreRules:
    """Compiled ignore patterns.

    A pattern without ``/`` is matched (``fnmatch``, case-sensitive) against every path
    component, so ignoring a directory name ignores everything below it; a pattern with
    ``/`` is matched against the whole path relative to the watched root, in POSIX form.
    """

    def __init__(self, patterns: Iterable[str]) -> None:
        patterns = list(patterns)
        self.patterns = tuple(patterns)
        self._names = _compile(p for p in patterns if "/" not in p)
        self._relative = _compile(p.strip("/") for p in patterns if "/" in p)

    def ignores_name(self, name: str) -> bool:
        """Whether one path component is ignored by a name pattern."""
        return self._names is not None and self._names.match(name) is not None

    def ignores_relative(self, relative: str) -> bool:
        """Whether a ``/``-joined relative path is ignored by a pattern with ``/``."""
        return self._relative is not None and self._relative.match(relative) is not None

    def ignores(self, parts: list[str]) -> bool:
        """Whether a path below its watched root, given as its components, is ignored."""
        return any(self.ignores_name(part) for part in parts) or self.ignores_relative("/".join(parts))


def _compile(patterns: Iterable[str]) -> re.Pattern[str] | None:
    parts = [fnmatch.translate(pattern) for pattern in patterns]
    return re.compile("|".join(parts)) if parts else None

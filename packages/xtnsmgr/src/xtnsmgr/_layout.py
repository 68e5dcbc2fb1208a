"""Where things live in the cache: ``<root>/v1/<interpreter-ABI-platform tag>/<key>/``.

Inside an entry directory::

    entry.bin              the metadata (devcore.serial framed file), published last, atomically
    g<time>-<random>/site  a generation: the installed tree, renamed into place when complete
    g<...>/retired         when a generation stopped being served (removed a day later)
    quarantine/            metadata files that failed validation, kept for inspection
    .<...>.staging         a generation being built (devcore.files.staged_directory)

Locks live in ``<root>/v1/<tag>/locks/<key>.lock`` and are never removed, so that removing an
entry can never separate two lockers onto two different lock files.
"""

from __future__ import annotations

import os
from pathlib import Path

LAYOUT_VERSION = "v1"
METADATA_NAME = "entry.bin"
SITE_NAME = "site"
QUARANTINE_NAME = "quarantine"
RETIRED_NAME = "retired"
LOCKS_NAME = "locks"
_SEP = os.sep


def default_cache_root() -> Path:
    """``XTNSMGR_CACHE_DIR`` if set, else the platform's user cache directory for ``xtnsmgr``."""
    override = os.environ.get("XTNSMGR_CACHE_DIR")
    if override:
        return Path(override).expanduser().absolute()
    from platformdirs import user_cache_path

    return user_cache_path("xtnsmgr", appauthor=False).absolute()


class Layout:
    """The paths of one cache root for one interpreter tag.

    The ``*_text`` twins return plain strings: the hit path builds no ``Path`` objects. A plain
    class, not a dataclass: the hit path of a new process does not import :mod:`dataclasses`.
    """

    __slots__ = ("base", "root", "tag")

    def __init__(self, root: Path, tag: str) -> None:
        self.root = root
        self.tag = tag
        self.base = os.path.join(os.fspath(root), LAYOUT_VERSION, tag)

    def __repr__(self) -> str:
        return f"Layout(root={self.root!r}, tag={self.tag!r})"

    @property
    def tag_directory(self) -> Path:
        """``<root>/v1/<tag>``: every entry of this interpreter."""
        return Path(self.base)

    def metadata_text(self, key: str) -> str:
        """The metadata file of one entry, as a string (``key`` is a digest: joined as is)."""
        return self.base + _SEP + key + _SEP + METADATA_NAME

    def site_text(self, key: str, generation: str) -> str:
        """The installed tree of one generation, as a string (names validated by the metadata)."""
        return self.base + _SEP + key + _SEP + generation + _SEP + SITE_NAME

    def entry(self, key: str) -> Path:
        """The directory of one entry."""
        return self.tag_directory / key

    def metadata(self, key: str) -> Path:
        """The metadata file of one entry."""
        return self.tag_directory / key / METADATA_NAME

    def lock(self, key: str) -> Path:
        """The lock file of one entry."""
        return self.tag_directory / LOCKS_NAME / f"{key}.lock"

    def site(self, key: str, generation: str) -> Path:
        """The installed tree of one generation of an entry."""
        return self.tag_directory / key / generation / SITE_NAME

    def entry_keys(self) -> list[str]:
        """Every entry directory name present (complete or not)."""
        try:
            names = os.listdir(self.tag_directory)
        except FileNotFoundError:
            return []
        return sorted(name for name in names if name != LOCKS_NAME and not name.startswith("."))


def new_generation(now: float) -> str:
    """A fresh generation directory name, sortable by creation time."""
    import secrets

    return f"g{int(now * 1000):012x}-{secrets.token_hex(3)}"


def is_generation(name: str) -> bool:
    """Whether a directory name inside an entry is a generation."""
    return name.startswith("g") and "-" in name

"""Index settings handed to the installer; all but ``offline`` are part of the cache key."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class IndexSettings:
    """Where and how the installer finds distributions.

    Attributes:
        index_url: the package index (``--index-url``); ``None`` keeps the installer's default.
        extra_index_urls: more indexes (``--extra-index-url``).
        find_links: local folders or pages of archives (``--find-links``).
        no_index: ignore every index and use ``find_links`` only (``--no-index``).
        offline: never touch the network (``--offline``); an expired entry is then served stale.
        require_hashes: every requirement must be pinned with a hash (``--require-hashes``).
        compile_bytecode: write the ``.pyc`` file of every module at install time, so that no
            first import compiles (default on; ``--compile-bytecode``, or the import smoke test
            compiles them).
        constraints: constraint lines applied to every resolution (``-c``).
    """

    index_url: str | None = None
    extra_index_urls: tuple[str, ...] = ()
    find_links: tuple[str, ...] = ()
    no_index: bool = False
    offline: bool = False
    require_hashes: bool = False
    compile_bytecode: bool = True
    constraints: tuple[str, ...] = field(default=())

    def key_material(self) -> dict[str, object]:
        """The settings that change what gets installed (everything except ``offline``)."""
        return {
            "index_url": self.index_url,
            "extra_index_urls": list(self.extra_index_urls),
            "find_links": [_absolute_link(link) for link in self.find_links],
            "no_index": self.no_index,
            "require_hashes": self.require_hashes,
            "compile_bytecode": self.compile_bytecode,
            "constraints": sorted(self.constraints),
        }

    @classmethod
    def from_environment(cls) -> IndexSettings:
        """Settings from ``XTNSMGR_INDEX_URL``, ``XTNSMGR_FIND_LINKS`` (``os.pathsep``-separated),
        ``XTNSMGR_NO_INDEX=1``, ``XTNSMGR_OFFLINE=1`` and ``XTNSMGR_COMPILE_BYTECODE=0`` (on by default)."""
        links = os.environ.get("XTNSMGR_FIND_LINKS", "")
        return cls(
            index_url=os.environ.get("XTNSMGR_INDEX_URL") or None,
            find_links=tuple(link for link in links.split(os.pathsep) if link),
            no_index=_flag("XTNSMGR_NO_INDEX"),
            offline=_flag("XTNSMGR_OFFLINE"),
            compile_bytecode=_flag("XTNSMGR_COMPILE_BYTECODE", default=True),
        )


def _flag(name: str, *, default: bool = False) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    return value in {"1", "true", "yes", "on"}


def _absolute_link(link: str) -> str:
    if "://" in link:
        return link
    return str(Path(link).expanduser().resolve())

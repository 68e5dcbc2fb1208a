"""The cache: installation is a cache-miss handler, not a separate concern.

This module is the front (:class:`CacheManager`, :func:`ensure_package`) and the hit path: the
in-process memo, else one metadata read, validation and an append to ``sys.path`` (no
subprocess, no lock). The miss path lives in :mod:`xtnsmgr._miss`, the disk's probing, listing
and garbage collection in :mod:`xtnsmgr._disk`, host detection in :mod:`xtnsmgr._host`; each is
imported when first needed, so a hit loads none of them.
"""

from __future__ import annotations

import builtins
import os
import threading
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path

from devcore import CorruptFileError
from xtnsmgr._duration import Duration, seconds_of
from xtnsmgr._errors import XtnsmgrError
from xtnsmgr._importation import PthPolicy, add_package_to_import_path, append_import_path
from xtnsmgr._keys import interpreter_tag, key_of_material, settings_material
from xtnsmgr._layout import METADATA_NAME, SITE_NAME, Layout, default_cache_root
from xtnsmgr._metadata import Distribution, EntryMetadata, InvalidMetadata, read_metadata
from xtnsmgr._record import NamedTuple
from xtnsmgr._settings import IndexSettings
from xtnsmgr._specification import Specification, parse_specification

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (type checkers know the name)
if TYPE_CHECKING:
    from typing import Literal, TypeAlias

    from xtnsmgr._disk import CacheEntry
    from xtnsmgr._installation import Installer

    Source: TypeAlias = Literal["cache", "install", "stale", "host"]
    SmokeTest: TypeAlias = Literal["find", "import", "off"]
    TtlChoice: TypeAlias = Duration | Literal["default"] | None
    """A time-to-live for one call: a duration, ``None`` (never expires) or ``"default"`` (the manager's)."""

DEFAULT_TTL = timedelta(days=7)
DEFAULT_LOCK_TIMEOUT_S = 900.0


class Installed(NamedTuple):
    """A specification made importable (an immutable record: cheap to build on a disk hit).

    Attributes:
        specification: the specification as given.
        key: the cache key (``None`` when the host satisfies it).
        location: the directory appended to ``sys.path``, as a string (``None`` when the host
            satisfies it); :attr:`path` is the same as a ``Path``.
        distributions: what the entry holds (or the host distribution that satisfied it).
        modules: the top-level modules of the requested distribution(s).
        created: when the entry was installed (epoch seconds).
        last_verified: when the entry was last installed or refreshed (epoch seconds).
        source: ``install`` (this call installed it), ``cache`` (read from disk), ``stale``
            (expired, refresh failed) or ``host`` (the host environment satisfies it).
    """

    specification: str
    key: str | None
    location: str | None
    distributions: tuple[Distribution, ...]
    modules: tuple[str, ...] = ()
    created: float = 0.0
    last_verified: float = 0.0
    source: Source = "cache"

    @property
    def path(self) -> Path | None:
        """The directory appended to ``sys.path`` (``None`` when the host satisfies it)."""
        return None if self.location is None else Path(self.location)

    def version_of(self, name: str) -> str | None:
        """The version of a distribution in this entry, by canonical name."""
        for distribution in self.distributions:
            if distribution.name == name:
                return distribution.version
        return None


_SEP = os.sep


class CacheManager:
    """A cache root with its installer, index settings, time-to-live and clock.

    Args:
        root: the cache root; default ``XTNSMGR_CACHE_DIR`` or the user cache directory.
        installer: installs on a miss; default uv (pip when uv is missing).
        settings: index settings; default :meth:`IndexSettings.from_environment`.
        ttl: how long an entry is served before a refresh is attempted, as a ``timedelta`` or
            seconds (``None``: forever; default 7 days).
        clock: returns the time in epoch seconds (injectable for tests).
        pth_policy: what to do with ``.pth`` files of entries.
        smoke_test: before publishing, ``"import"`` imports each top-level module of the
            requested distribution in a fresh interpreter started beside the installer (catches
            import-time errors and half-linked packages; costs the package's own import time,
            and leaves its ``.pyc`` files in the entry); ``"find"`` only checks in-process,
            executing nothing, that each resolves to real code; ``"off"`` skips it. Default
            ``XTNSMGR_SMOKE_TEST`` or ``"import"``.
        durable: fsync installed trees before publishing them (survives a power cut).
        lock_timeout_s: how long to wait for another installer of the same entry.
    """

    def __init__(
        self,
        root: str | os.PathLike[str] | None = None,
        *,
        installer: Installer | None = None,
        settings: IndexSettings | None = None,
        ttl: Duration | None = DEFAULT_TTL,
        clock: Callable[[], float] = time.time,
        pth_policy: PthPolicy = PthPolicy.PATHS,
        smoke_test: SmokeTest | None = None,
        durable: bool = False,
        lock_timeout_s: float = DEFAULT_LOCK_TIMEOUT_S,
    ) -> None:
        self.root = Path(root).absolute() if root is not None else default_cache_root()
        self.installer = installer
        self.settings = settings if settings is not None else IndexSettings.from_environment()
        self._ttl_s = seconds_of(ttl)
        self.clock = clock
        self.pth_policy = pth_policy
        self.smoke_test: SmokeTest = smoke_test or _smoke_test_from_environment()
        self.durable = durable
        self.lock_timeout_s = lock_timeout_s
        # Built here, not on the first ensure: what every process pays once is a construction cost.
        self._layout = Layout(self.root, interpreter_tag())
        self._memo: dict[str, Installed] = {}
        self._isolated: dict[str, Installed] = {}
        self._keys: dict[str, str] = {}
        self._material = (self.settings, settings_material(self.settings))
        self._host: dict[str, str] | None = None
        self._warned: set[str] = set()

    @property
    def ttl(self) -> timedelta | None:
        """How long an entry is served before a refresh is attempted (``None``: forever)."""
        return None if self._ttl_s is None else timedelta(seconds=self._ttl_s)

    @property
    def layout(self) -> Layout:
        """The paths of this cache for the running interpreter."""
        return self._layout

    # -- ensure -------------------------------------------------------------------------------

    def ensure(
        self,
        specification: str,
        *,
        isolate: bool = False,
        installer: Installer | None = None,
        ttl: TtlChoice = "default",
    ) -> Installed:
        """Make a specification importable in this process, installing it on a miss.

        Args:
            specification: a PEP 508 requirement, a local wheel/sdist path or a URL.
            isolate: use the cache even when the host already satisfies the specification.
            installer: override the manager's installer for this call.
            ttl: override the manager's time-to-live for this call (a ``timedelta`` or seconds;
                ``None``: never expires).

        Returns:
            The entry, on ``sys.path``. A process keeps the entry it got first (a memo).

        Raises:
            ExtensionConfigError: the specification is malformed, or its marker is false on this
                interpreter (never retried).
            ExtensionInstallationError: the install failed and no entry can serve.
        """
        hit = (self._isolated if isolate else self._memo).get(specification)
        if hit is not None:
            return hit
        return self._ensure(specification, isolate, installer, ttl)

    async def aensure(
        self,
        specification: str,
        *,
        isolate: bool = False,
        installer: Installer | None = None,
        ttl: TtlChoice = "default",
    ) -> Installed:
        """The async twin of :meth:`ensure`: a hit stays on the loop, an install runs in a thread."""
        hit = (self._isolated if isolate else self._memo).get(specification)
        if hit is not None:
            return hit
        found = self._lookup(specification, isolate, ttl)
        if found is not None:
            return found
        import asyncio

        return await asyncio.to_thread(self._ensure, specification, isolate, installer, ttl)

    async def aensure_many(
        self, specifications: Sequence[str], *, isolate: bool = False, concurrency: int = 4
    ) -> list[Installed | XtnsmgrError]:
        """Ensure many specifications concurrently (at most ``concurrency`` installs at once).

        Returns:
            One item per specification, in order: the entry, or the error that prevented it.
        """
        import asyncio

        gate = asyncio.Semaphore(max(1, concurrency))

        async def one(specification: str) -> Installed | XtnsmgrError:
            async with gate:
                try:
                    return await self.aensure(specification, isolate=isolate)
                except XtnsmgrError as error:
                    return error

        return list(await asyncio.gather(*(one(spec) for spec in specifications)))

    def _ensure(
        self,
        text: str,
        isolate: bool,
        installer: Installer | None,
        ttl: TtlChoice,
    ) -> Installed:
        """Everything after the memo: host or disk (:meth:`_lookup`), else the miss path."""
        found = self._lookup(text, isolate, ttl)
        if found is not None:
            return found
        return self._install(text, isolate, installer, ttl)

    def _install(self, text: str, isolate: bool, installer: Installer | None, ttl: TtlChoice) -> Installed:
        """The miss path (:mod:`xtnsmgr._miss`), then the entry on ``sys.path`` and in the memo."""
        from xtnsmgr._miss import install_locked

        spec = parse_specification(text)
        meta, source = install_locked(
            self, spec, self._key(spec), installer or self.installer, self._ttl(ttl)
        )
        return self._remember(text, isolate, self._installed(text, meta, source), meta.pth_files)

    def _lookup(self, text: str, isolate: bool, ttl: TtlChoice) -> Installed | None:
        """The hit path after the memo: host, then disk. ``None`` means the miss path must run."""
        spec = parse_specification(text)
        if not isolate:
            host = self._from_host(spec)
            if host is not None:
                return self._remember(text, isolate, host)
        key = self._key(spec)
        layout = self._layout
        try:  # the hit path's one read: open, read, close, then checksum and validation
            meta = read_metadata(layout.base + _SEP + key + _SEP + METADATA_NAME)
        except (FileNotFoundError, CorruptFileError, InvalidMetadata, OSError):
            return None  # missing or corrupt: the miss path sorts it out under the lock
        ttl_s = self._ttl_s if ttl == "default" else seconds_of(ttl)
        if (
            meta.key != key
            or meta.tag != layout.tag
            or (ttl_s is not None and self.clock() - meta.last_verified > ttl_s)
        ):
            return None
        location = layout.base + _SEP + key + _SEP + meta.generation + _SEP + SITE_NAME
        installed = tuple.__new__(  # Installed(...) without the named tuple's Python-level __new__
            Installed,
            (
                text,
                key,
                location,
                meta.distributions,
                meta.modules,
                meta.created,
                meta.last_verified,
                "cache",
            ),
        )
        if meta.pth_files:
            add_package_to_import_path(location, pth_policy=self.pth_policy, pth_files=meta.pth_files)
        else:
            append_import_path(location)
        return (self._isolated if isolate else self._memo).setdefault(text, installed)

    def _remember(
        self, text: str, isolate: bool, installed: Installed, pth_files: tuple[str, ...] = ()
    ) -> Installed:
        if installed.location is not None:
            add_package_to_import_path(installed.location, pth_policy=self.pth_policy, pth_files=pth_files)
        memo = self._isolated if isolate else self._memo
        return memo.setdefault(text, installed)

    def _ttl(self, ttl: TtlChoice) -> float | None:
        return self._ttl_s if ttl == "default" else seconds_of(ttl)

    def _key(self, spec: Specification) -> str:
        settings = self.settings
        if self._material[0] is not settings:  # packed once per settings object; keys follow it
            self._material = (settings, settings_material(settings))
            self._keys.clear()
        key = self._keys.get(spec.identity)
        if key is None:
            key = self._keys[spec.identity] = key_of_material(spec.identity, self._material[1])
        return key

    def _installed(self, text: str, meta: EntryMetadata, source: Source) -> Installed:
        return Installed(
            text,
            meta.key,
            self.layout.site_text(meta.key, meta.generation),
            meta.distributions,
            meta.modules,
            meta.created,
            meta.last_verified,
            source,
        )

    # -- host ---------------------------------------------------------------------------------

    def _from_host(self, spec: Specification) -> Installed | None:
        from xtnsmgr._host import host_version

        version = host_version(spec, self.host_distributions())
        if version is None:
            return None
        return Installed(spec.text, None, None, (Distribution(spec.name or "", version),), source="host")

    def host_distributions(self) -> dict[str, str]:
        """The host environment's distributions (canonical name -> version).

        Read once per manager from the ``*.dist-info`` / ``*.egg-info`` directory names of
        ``sys.path`` (no metadata file is opened), leaving out every cache entry added by
        xtnsmgr; :meth:`forget` reads it again.
        """
        if self._host is None:
            from xtnsmgr._host import host_distributions

            self._host = host_distributions(os.fspath(self.root))
        return self._host

    # -- management ---------------------------------------------------------------------------

    def key_of(self, specification: str) -> str:
        """The cache key of a specification under this manager's settings."""
        return self._key(parse_specification(specification))

    def info(self, specification: str) -> CacheEntry | None:
        """The on-disk entry of a specification, or ``None`` if it has none."""
        key = self.key_of(specification)
        return self._entry(key)

    def list(self) -> builtins.list[CacheEntry]:
        """Every entry of this interpreter's tag, complete or corrupt (not those still being built)."""
        found = (self._entry(key) for key in self.layout.entry_keys())
        return [entry for entry in found if entry is not None]

    def _entry(self, key: str) -> CacheEntry | None:
        from xtnsmgr._disk import entry_of

        return entry_of(self.layout, key, self._ttl_s, self.clock)

    def invalidate(self, specification: str) -> bool:
        """Remove a specification's entry so the next ensure reinstalls it.

        Processes that already use it keep their memo, their imported modules and the tree:
        it is retired, and removed by a later :meth:`clean` or install once
        a day (``RETIRED_GRACE_S``) has passed.

        Returns:
            Whether there was an entry.
        """
        from xtnsmgr._disk import entry_lock, probe, retire_entry

        key = self.key_of(specification)
        for memo in (self._memo, self._isolated):
            memo.pop(specification, None)
        with entry_lock(self.layout.lock(key), self.lock_timeout_s, key):
            _, meta = probe(self.layout, key, None, self.clock)
            return retire_entry(self.layout, key, meta, self.clock())

    def clean(self, *, older_than: Duration | None = None) -> builtins.list[str]:
        """Garbage-collect: corrupt entries, entries not verified for ``older_than``, leftovers.

        Each entry is examined under its lock; one being installed is skipped, never raced.
        A removed entry stops being served at once, but its tree is only retired: processes
        that loaded it keep importing from it until a day (``RETIRED_GRACE_S``) has passed and a
        later clean or install removes it.

        Args:
            older_than: remove entries whose last verification is older than this (a
                ``timedelta`` or seconds); ``None`` removes only corrupt entries, retired
                generations past their grace and staging leftovers.

        Returns:
            The keys of the entries removed (no longer served).
        """
        from xtnsmgr._disk import clean_entries

        return clean_entries(self.layout, seconds_of(older_than), self.clock, durable=self.durable)

    def forget(self) -> None:
        """Drop this process's memo and host snapshot (entries stay on ``sys.path`` and on disk)."""
        self._memo.clear()
        self._isolated.clear()
        self._host = None


def _smoke_test_from_environment() -> SmokeTest:
    value = os.environ.get("XTNSMGR_SMOKE_TEST", "import").strip().lower()
    if value == "find":
        return "find"
    return "off" if value == "off" else "import"


_DEFAULT: CacheManager | None = None
_DEFAULT_GUARD = threading.Lock()


def default_manager() -> CacheManager:
    """The process-wide manager used by the module-level functions (created on first use)."""
    global _DEFAULT
    if _DEFAULT is None:
        with _DEFAULT_GUARD:
            if _DEFAULT is None:
                _DEFAULT = CacheManager()
    return _DEFAULT


def set_default_manager(manager: CacheManager | None) -> None:
    """Replace the process-wide manager (``None`` recreates it from the environment on next use)."""
    global _DEFAULT
    with _DEFAULT_GUARD:
        _DEFAULT = manager


async def ensure_package(
    specification: str,
    *,
    installer: Installer | None = None,
    ttl: TtlChoice = "default",
    isolate: bool = False,
    manager: CacheManager | None = None,
) -> Installed:
    """Make a package importable in this process, installing it into the cache on a miss.

    Args:
        specification: a PEP 508 requirement (``"rich>=13"``), a local wheel or sdist path,
            or a URL.
        installer: the installer for a miss (default uv, else pip).
        ttl: how long before an entry is refreshed (a ``timedelta`` or seconds; ``None``:
            never); default the manager's (7 days).
        isolate: install into the cache even when the host already satisfies it.
        manager: the cache to use; default :func:`default_manager` (``XTNSMGR_CACHE_DIR``).

    Returns:
        The entry, appended to ``sys.path``.

    Raises:
        ExtensionConfigError: the specification is malformed, or its marker is false on this
            interpreter (no retry).
        ExtensionInstallationError: it could not be installed and no entry can serve.
    """
    chosen = manager or _DEFAULT or default_manager()
    return await chosen.aensure(specification, installer=installer, ttl=ttl, isolate=isolate)


def ensure_package_sync(
    specification: str,
    *,
    installer: Installer | None = None,
    ttl: TtlChoice = "default",
    isolate: bool = False,
    manager: CacheManager | None = None,
) -> Installed:
    """The synchronous twin of :func:`ensure_package` (same arguments, same result)."""
    chosen = manager or _DEFAULT or default_manager()
    return chosen.ensure(specification, installer=installer, ttl=ttl, isolate=isolate)

"""The cache: installation is a cache-miss handler, not a separate concern.

Hit path (no subprocess, no lock): the in-process memo, else one metadata read, validation and
an append to ``sys.path``. Miss path: a per-entry lock shared by threads and processes, a
re-check, an install into a staging directory, an import smoke test, an atomic rename of the
new generation, then the metadata written atomically. An expired entry keeps serving until its
replacement is published; if the refresh fails (offline, index down) it is served stale with
one warning.
"""

from __future__ import annotations

import builtins
import contextlib
import os
import re
import shutil
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple

from devcore import CorruptFileError
from xtnsmgr._duration import Duration, seconds_of
from xtnsmgr._errors import ExtensionInstallationError, StaleExtensionWarning, XtnsmgrError
from xtnsmgr._importation import PthPolicy, add_package_to_import_path
from xtnsmgr._keys import interpreter_tag, key_of_material, settings_material
from xtnsmgr._layout import (
    METADATA_NAME,
    QUARANTINE_NAME,
    RETIRED_NAME,
    SITE_NAME,
    Layout,
    default_cache_root,
    is_generation,
    new_generation,
)
from xtnsmgr._metadata import Distribution, EntryMetadata, InvalidMetadata, read_metadata, write_metadata
from xtnsmgr._settings import IndexSettings
from xtnsmgr._specification import Specification, parse_specification

if TYPE_CHECKING:
    from xtnsmgr._installation import Installer

DEFAULT_TTL = timedelta(days=7)
DEFAULT_LOCK_TIMEOUT_S = 900.0
RETIRED_GRACE_S = 24 * 3600.0

Source = Literal["cache", "install", "stale", "host"]
SmokeTest = Literal["find", "import", "off"]
_Status = Literal["fresh", "expired", "missing", "corrupt"]
TtlChoice = Duration | None | Literal["default"]
"""A time-to-live for one call: a duration, ``None`` (never expires) or ``"default"`` (the manager's)."""


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


@dataclass(frozen=True, slots=True)
class CacheEntry:
    """An entry on disk, as listed by :meth:`CacheManager.list`.

    Attributes:
        key: the cache key (the entry's directory name).
        path: the installed tree (``None`` when the metadata is unreadable).
        requirements: what was installed.
        distributions: what the entry holds.
        created: installation time (epoch seconds).
        last_verified: last install or refresh (epoch seconds).
        expired: whether the time-to-live has passed.
        corrupt: whether the metadata failed validation (the entry will be reinstalled).
    """

    key: str
    path: Path | None
    requirements: tuple[str, ...] = ()
    distributions: tuple[Distribution, ...] = ()
    created: float = 0.0
    last_verified: float = 0.0
    expired: bool = False
    corrupt: bool = False


_SEP = os.sep
_LOCKS_GUARD = threading.Lock()
_THREAD_LOCKS: dict[str, threading.Lock] = {}


def _thread_lock(path: Path) -> threading.Lock:
    key = os.fspath(path)
    with _LOCKS_GUARD:
        return _THREAD_LOCKS.setdefault(key, threading.Lock())


@contextlib.contextmanager
def _entry_lock(path: Path, timeout_s: float, what: str) -> Iterator[None]:
    """The entry's lock for this thread and every other thread and process (a waiter that gives
    up raises :class:`ExtensionInstallationError`)."""
    from devcore.files import LockTimeout, file_lock

    gate = _thread_lock(path)
    if not gate.acquire(timeout=timeout_s):
        raise ExtensionInstallationError(what, f"gave up after {timeout_s:g} s waiting for {path}")
    try:
        with contextlib.ExitStack() as stack:
            try:
                stack.enter_context(file_lock(path, timeout_s=timeout_s))
            except LockTimeout:
                raise ExtensionInstallationError(
                    what, f"gave up after {timeout_s:g} s waiting for {path}"
                ) from None
            yield
    finally:
        gate.release()


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
        self._layout: Layout | None = None
        self._memo: dict[str, Installed] = {}
        self._isolated: dict[str, Installed] = {}
        self._keys: dict[str, str] = {}
        self._material: tuple[IndexSettings | None, bytes] = (None, b"")
        self._host: dict[str, str] | None = None
        self._warned: set[str] = set()

    @property
    def ttl(self) -> timedelta | None:
        """How long an entry is served before a refresh is attempted (``None``: forever)."""
        return None if self._ttl_s is None else timedelta(seconds=self._ttl_s)

    @property
    def layout(self) -> Layout:
        """The paths of this cache for the running interpreter."""
        if self._layout is None:
            self._layout = Layout(self.root, interpreter_tag())
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
            ExtensionConfigError: the specification is malformed (never retried).
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
        found = self._lookup(text, isolate, ttl)
        if found is not None:
            return found
        spec = parse_specification(text)
        meta, source = self._install_locked(
            spec, self._key(spec), installer or self.installer, self._ttl(ttl)
        )
        return self._remember(text, isolate, self._installed(text, meta, source), meta.pth_files)

    def _lookup(self, text: str, isolate: bool, ttl: TtlChoice) -> Installed | None:
        """The hit path: host, then disk. ``None`` means the miss path must run."""
        memo = self._isolated if isolate else self._memo
        hit = memo.get(text)
        if hit is not None:
            return hit
        spec = parse_specification(text)
        if not isolate:
            host = self._from_host(spec)
            if host is not None:
                return self._remember(text, isolate, host)
        key = self._keys.get(spec.identity) or self._key(spec)
        layout = self._layout or self.layout
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
        add_package_to_import_path(location, pth_policy=self.pth_policy, pth_files=meta.pth_files)
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
        if spec.kind != "requirement" or spec.name is None or spec.extras or " @ " in spec.target:
            return None
        version = self.host_distributions().get(spec.name)
        if version is None or not _specifier_allows(spec.specifier, version):
            return None
        return Installed(spec.text, None, None, (Distribution(spec.name, version),), source="host")

    def host_distributions(self) -> dict[str, str]:
        """The host environment's distributions (canonical name -> version).

        Read once per manager from the ``*.dist-info`` / ``*.egg-info`` directory names of
        ``sys.path`` (no metadata file is opened), leaving out every cache entry added by
        xtnsmgr; :meth:`forget` reads it again.
        """
        if self._host is None:
            from xtnsmgr._importation import added_import_paths

            ours = {item for items in added_import_paths().values() for item in items}
            root = os.path.join(os.fspath(self.root), "")
            host: dict[str, str] = {}
            for entry in sys.path:
                if entry in ours or os.path.abspath(entry or ".").startswith(root):
                    continue
                for name, version in _installed_in(entry or "."):
                    host.setdefault(name, version)
            self._host = host
        return self._host

    # -- disk ---------------------------------------------------------------------------------

    def _probe(self, key: str, ttl_s: float | None) -> tuple[_Status, EntryMetadata | None]:
        """Read and classify an entry's metadata, checking that its tree is there.

        The hit path (:meth:`_lookup`) skips that ``stat``: it trusts that the generation the
        metadata names exists (a tree is published before its metadata and removed after it,
        under the entry's lock). Every other path checks, so a tree removed by hand is found by
        :meth:`list`, :meth:`clean` and the miss path.
        """
        layout = self.layout
        try:
            meta = read_metadata(layout.metadata_text(key))
        except FileNotFoundError:
            return "missing", None
        except (CorruptFileError, InvalidMetadata, OSError):
            return "corrupt", None
        if meta.key != key or meta.tag != layout.tag:
            return "corrupt", None
        if not os.path.isdir(layout.site_text(key, meta.generation)):
            return "corrupt", None
        if ttl_s is not None and self.clock() - meta.last_verified > ttl_s:
            return "expired", meta
        return "fresh", meta

    def _install_locked(
        self, spec: Specification, key: str, installer: Installer | None, ttl_s: float | None
    ) -> tuple[EntryMetadata, Source]:
        from xtnsmgr._installation import default_installer

        with _entry_lock(self.layout.lock(key), self.lock_timeout_s, spec.text):
            status, meta = self._probe(key, ttl_s)
            if status == "fresh" and meta is not None:
                return meta, "cache"
            if status == "corrupt":
                self._quarantine(key)
            previous = meta if status == "expired" else None
            if previous is not None and self.settings.offline:
                return self._stale(spec, previous, "offline")
            try:
                fresh = self._build(spec, key, installer or default_installer(), previous)
            except ExtensionInstallationError as error:
                if previous is None:
                    with contextlib.suppress(OSError):
                        os.rmdir(self.layout.entry(key))  # leave no empty entry behind
                    raise
                return self._stale(spec, previous, error)
        return fresh, "install"

    def _stale(
        self, spec: Specification, meta: EntryMetadata, reason: object
    ) -> tuple[EntryMetadata, Source]:
        if meta.key not in self._warned:
            self._warned.add(meta.key)
            warnings.warn(
                f"serving expired entry for {spec.text!r} (refresh failed: {reason})",
                StaleExtensionWarning,
                stacklevel=2,
            )
        return meta, "stale"

    def _build(
        self, spec: Specification, key: str, installer: Installer, previous: EntryMetadata | None
    ) -> EntryMetadata:
        from devcore.files import staged_directory
        from xtnsmgr._importation import pth_file_names
        from xtnsmgr._inspection import find_test, missing_files, scan_distributions, top_level_modules
        from xtnsmgr._smoke import SmokeInterpreter

        now = self.clock()
        generation = new_generation(now)
        entry = self.layout.entry(key)
        with (
            staged_directory(entry / generation, durable=self.durable) as stage,
            SmokeInterpreter() if self.smoke_test == "import" else contextlib.nullcontext() as smoke,
        ):  # the smoke interpreter starts now, so its start-up overlaps the install
            site = stage / SITE_NAME
            site.mkdir()
            installer.install([spec.target], site, self.settings)
            modules = top_level_modules(site, [spec.name] if spec.name else None)
            if smoke is not None:
                smoke.start(site, modules)  # it imports while the tree is checked here
            missing = missing_files(site)
            if missing:
                raise ExtensionInstallationError(spec.text, f"incomplete install, missing {missing[:5]}")
            distributions = scan_distributions(site)
            if not distributions:
                raise ExtensionInstallationError(spec.text, "the installer installed no distribution")
            if smoke is not None:
                smoke.wait(spec=spec.text)
            elif self.smoke_test == "find":
                find_test(site, modules)
            pth_files = tuple(pth_file_names(site))
        retired = () if previous is None else (*previous.retired, (previous.generation, now))
        for name, when in retired:
            _mark_retired(self.layout.entry(key) / name, when)
        retired = self._sweep(key, keep=generation, retired=retired, now=now)
        meta = EntryMetadata(
            key=key,
            tag=self.layout.tag,
            requirements=(spec.target,),
            generation=generation,
            distributions=distributions,
            modules=modules,
            pth_files=pth_files,
            created=now,
            last_verified=now,
            installer=getattr(installer, "name", type(installer).__name__),
            retired=retired,
        )
        write_metadata(self.layout.metadata(key), meta, durable=self.durable)
        return meta

    def _sweep(
        self, key: str, *, keep: str | None, retired: tuple[tuple[str, float], ...], now: float
    ) -> tuple[tuple[str, float], ...]:
        """Under the entry's lock: drop orphan generations, retired ones past their grace, staging leftovers.

        A generation that stops being served (replaced by a refresh, invalidated, cleaned) is
        retired, not removed: processes that loaded it keep importing from it for
        :data:`RETIRED_GRACE_S`. Its retirement time is in the metadata's list and in a
        ``retired`` file inside it (which outlives the metadata). Orphans, never published,
        go at once.

        Returns:
            The retired generations kept, with their retirement times.
        """
        from devcore.files import sweep_stale

        known = dict(retired)
        kept = []
        entry = self.layout.entry(key)
        for name in sorted(os.listdir(entry)):
            if not is_generation(name) or name == keep:
                continue
            since = known.get(name)
            if since is None:
                since = _retired_since(entry / name)
            if since is not None and now - since < RETIRED_GRACE_S:
                kept.append((name, since))
            else:
                shutil.rmtree(entry / name, ignore_errors=True)
        sweep_stale(entry, older_than_s=0)  # a stage an orphan still writes into is left for later
        return tuple(kept)

    def _quarantine(self, key: str) -> None:
        source = self.layout.metadata(key)
        if not source.exists():
            return
        target = self.layout.entry(key) / QUARANTINE_NAME
        target.mkdir(exist_ok=True)
        os.replace(source, target / f"entry-{new_generation(self.clock())}.bin")

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
        status, meta = self._probe(key, self._ttl_s)
        if status == "missing":
            return None
        if meta is None:
            return CacheEntry(key, None, corrupt=True)
        return CacheEntry(
            key=key,
            path=self.layout.site(key, meta.generation),
            requirements=meta.requirements,
            distributions=meta.distributions,
            created=meta.created,
            last_verified=meta.last_verified,
            expired=status == "expired",
        )

    def invalidate(self, specification: str) -> bool:
        """Remove a specification's entry so the next ensure reinstalls it.

        Processes that already use it keep their memo, their imported modules and the tree:
        it is retired, and removed by a later :meth:`clean` or install once
        :data:`RETIRED_GRACE_S` has passed.

        Returns:
            Whether there was an entry.
        """
        key = self.key_of(specification)
        for memo in (self._memo, self._isolated):
            memo.pop(specification, None)
        with _entry_lock(self.layout.lock(key), self.lock_timeout_s, key):
            _, meta = self._probe(key, None)
            return self._retire_entry(key, meta, self.clock())

    def clean(self, *, older_than: Duration | None = None) -> builtins.list[str]:
        """Garbage-collect: corrupt entries, entries not verified for ``older_than``, leftovers.

        Each entry is examined under its lock; one being installed is skipped, never raced.
        A removed entry stops being served at once, but its tree is only retired: processes
        that loaded it keep importing from it until :data:`RETIRED_GRACE_S` has passed and a
        later clean or install removes it.

        Args:
            older_than: remove entries whose last verification is older than this (a
                ``timedelta`` or seconds); ``None`` removes only corrupt entries, retired
                generations past their grace and staging leftovers.

        Returns:
            The keys of the entries removed (no longer served).
        """
        from devcore.files import LockTimeout, file_lock

        older_than_s = seconds_of(older_than)
        removed = []
        now = self.clock()
        for key in self.layout.entry_keys():
            try:
                with file_lock(self.layout.lock(key), timeout_s=0):
                    _, meta = self._probe(key, None)
                    too_old = (
                        meta is not None
                        and older_than_s is not None
                        and now - meta.last_verified > older_than_s
                    )
                    if meta is None or too_old:
                        if self._retire_entry(key, meta, now):
                            removed.append(key)
                    else:
                        self._prune(key, meta, now)
            except LockTimeout:
                continue
        return removed

    def _prune(self, key: str, meta: EntryMetadata, now: float) -> None:
        kept = self._sweep(key, keep=meta.generation, retired=meta.retired, now=now)
        if kept != meta.retired:
            write_metadata(self.layout.metadata(key), meta._replace(retired=kept), durable=self.durable)
        shutil.rmtree(self.layout.entry(key) / QUARANTINE_NAME, ignore_errors=True)

    def _retire_entry(self, key: str, meta: EntryMetadata | None, now: float) -> bool:
        """Under the entry's lock: stop serving an entry; its generations are retired, not removed.

        Returns:
            Whether there was something to stop serving (metadata, or an entry left empty).
        """
        entry = self.layout.entry(key)
        if not entry.exists():
            return False
        metadata = self.layout.metadata(key)
        published = metadata.exists()
        retired: tuple[tuple[str, float], ...] = ()
        if meta is not None:
            retired = (*meta.retired, (meta.generation, now))
            for name, when in retired:
                _mark_retired(entry / name, when)
        metadata.unlink(missing_ok=True)
        shutil.rmtree(entry / QUARANTINE_NAME, ignore_errors=True)
        if self._sweep(key, keep=None, retired=retired, now=now):
            return published
        shutil.rmtree(entry, ignore_errors=True)
        return True

    def forget(self) -> None:
        """Drop this process's memo and host snapshot (entries stay on ``sys.path`` and on disk)."""
        self._memo.clear()
        self._isolated.clear()
        self._host = None


_SEPARATORS = re.compile(r"[-_.]+")


def _mark_retired(generation: Path, when: float) -> None:
    """Record in a generation when it stopped being served (kept if already recorded)."""
    marker = generation / RETIRED_NAME
    if generation.is_dir() and not marker.exists():
        marker.write_text(repr(when), encoding="ascii")


def _retired_since(generation: Path) -> float | None:
    """When a generation stopped being served, or ``None`` for an orphan that never was."""
    try:
        return float((generation / RETIRED_NAME).read_text(encoding="ascii"))
    except (OSError, ValueError):
        return None


def _installed_in(directory: str) -> list[tuple[str, str]]:
    """(canonical name, version) of each distribution whose metadata directory sits in ``directory``."""
    try:
        names = os.listdir(directory)
    except OSError:
        return []
    found = []
    for name in names:
        if name.endswith(".dist-info"):
            stem = name[: -len(".dist-info")]
        elif name.endswith(".egg-info"):
            stem = name[: -len(".egg-info")].split("-py", 1)[0]
        else:
            continue
        distribution, _, version = stem.partition("-")
        if distribution and version:
            found.append((_SEPARATORS.sub("-", distribution).lower(), version))
    return found


def _smoke_test_from_environment() -> SmokeTest:
    value = os.environ.get("XTNSMGR_SMOKE_TEST", "import").strip().lower()
    if value == "find":
        return "find"
    return "off" if value == "off" else "import"


def _specifier_allows(specifier: str, version: str) -> bool:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import InvalidVersion

    try:
        return SpecifierSet(specifier).contains(version, prereleases=True)
    except (InvalidSpecifier, InvalidVersion):
        return False


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
        ExtensionConfigError: the specification is malformed (no retry).
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

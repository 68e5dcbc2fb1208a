"""The miss path: under the entry's lock, re-check, install into a staging directory, smoke-test, publish.

The new generation is renamed into place when complete, then the metadata is written
atomically. An expired entry keeps serving until its replacement is published; if the refresh
fails (offline, index down) it is served stale with one warning.
"""

from __future__ import annotations

import contextlib
import os
import warnings
from typing import TYPE_CHECKING

from xtnsmgr._disk import entry_lock, mark_retired, probe, quarantine, sweep
from xtnsmgr._errors import ExtensionInstallationError, StaleExtensionWarning
from xtnsmgr._layout import SITE_NAME, new_generation
from xtnsmgr._metadata import EntryMetadata, write_metadata
from xtnsmgr._specification import Specification, require_matching_marker

if TYPE_CHECKING:
    from xtnsmgr._cachemgr import CacheManager, Source
    from xtnsmgr._installation import Installer
    from xtnsmgr._settings import IndexSettings


def install_locked(
    manager: CacheManager, spec: Specification, key: str, installer: Installer | None, ttl_s: float | None
) -> tuple[EntryMetadata, Source]:
    """The entry of ``key``: found fresh under the lock, installed, or served stale if a refresh fails.

    Raises:
        ExtensionConfigError: the requirement's marker is false on this interpreter.
        ExtensionInstallationError: the install failed and no expired entry can serve.
    """
    from xtnsmgr._installation import default_installer

    require_matching_marker(spec)
    layout = manager.layout
    with entry_lock(layout.lock(key), manager.lock_timeout_s, spec.text):
        status, meta = probe(layout, key, ttl_s, manager.clock)
        if status == "fresh" and meta is not None:
            return meta, "cache"
        if status == "corrupt":
            quarantine(layout, key, manager.clock())
        previous = meta if status == "expired" else None
        if previous is not None and manager.settings.offline:
            return _stale(manager, spec, previous, "offline")
        try:
            fresh = _build(manager, spec, key, installer or default_installer(), previous)
        except ExtensionInstallationError as error:
            if previous is None:
                with contextlib.suppress(OSError):
                    os.rmdir(layout.entry(key))  # leave no empty entry behind
                raise
            return _stale(manager, spec, previous, error)
    return fresh, "install"


def _stale(
    manager: CacheManager, spec: Specification, meta: EntryMetadata, reason: object
) -> tuple[EntryMetadata, Source]:
    if meta.key not in manager._warned:
        manager._warned.add(meta.key)
        warnings.warn(
            f"serving expired entry for {spec.text!r} (refresh failed: {reason})",
            StaleExtensionWarning,
            stacklevel=2,
        )
    return meta, "stale"


def _bytecode_plan(manager: CacheManager) -> tuple[IndexSettings, bool]:
    """The installer's settings, and whether the smoke interpreters compile the bytecode instead.

    The import smoke test compiles what it executes anyway, and two interpreters started beside
    the install compile a tree sooner than the installer's step after it, so the installer skips
    that step unless hash-checked ``.pyc`` files are asked for (only the installer writes those).
    """
    from xtnsmgr._smoke import compiles_as_the_installer

    settings = manager.settings
    if not settings.compile_bytecode or not compiles_as_the_installer():
        return settings, False
    return settings.replace(compile_bytecode=False), True


def _build(
    manager: CacheManager,
    spec: Specification,
    key: str,
    installer: Installer,
    previous: EntryMetadata | None,
) -> EntryMetadata:
    from devcore.files import staged_directory
    from xtnsmgr._importation import pth_file_names
    from xtnsmgr._inspection import find_test, missing_files, scan_distributions, top_level_modules
    from xtnsmgr._smoke import SmokeInterpreter

    layout = manager.layout
    now = manager.clock()
    generation = new_generation(now)
    entry = layout.entry(key)
    settings, compiling = _bytecode_plan(manager)
    importing = manager.smoke_test == "import"
    with (
        staged_directory(entry / generation, durable=manager.durable) as stage,
        SmokeInterpreter(compile_bytecode=compiling)
        if importing or compiling
        else contextlib.nullcontext() as smoke,
    ):  # the smoke interpreters start now, so their start-up overlaps the install
        site = stage / SITE_NAME
        site.mkdir()
        installer.install([spec.target], site, settings)
        modules = top_level_modules(site, [spec.name] if spec.name else None)
        if smoke is not None:  # it imports (or only compiles) while the tree is checked here
            smoke.start(site, modules if importing else ())
        missing = missing_files(site)
        if missing:
            raise ExtensionInstallationError(spec.text, f"incomplete install, missing {missing[:5]}")
        distributions = scan_distributions(site)
        if not distributions:
            raise ExtensionInstallationError(spec.text, "the installer installed no distribution")
        if manager.smoke_test == "find":
            find_test(site, modules)
        if smoke is not None:
            smoke.wait(spec=spec.text)
        pth_files = tuple(pth_file_names(site))
    retired = () if previous is None else (*previous.retired, (previous.generation, now))
    for name, when in retired:
        mark_retired(entry / name, when)
    retired = sweep(layout, key, keep=generation, retired=retired, now=now)
    meta = EntryMetadata(
        key=key,
        tag=layout.tag,
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
    write_metadata(layout.metadata(key), meta, durable=manager.durable)
    return meta

"""Registering a host's extensions: ensure every external package concurrently, check that no two
bring different versions of one distribution, and only then import each and call its ``register``.

One failing extension is reported and skipped; the others load.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType, ModuleType
from typing import Any, Literal

from xtnsmgr._cachemgr import CacheManager, Installed, default_manager
from xtnsmgr._errors import (
    ExtensionConfigError,
    ExtensionConflictError,
    ExtensionRegistrationError,
    XtnsmgrError,
)
from xtnsmgr._importation import import_processor_module

_logger = logging.getLogger("xtnsmgr")
_KNOWN_KEYS = frozenset({"name", "package", "enabled", "arguments", "module", "register"})


@dataclass(frozen=True, slots=True)
class ExtensionConfig:
    """One extension of a host configuration.

    Attributes:
        name: the extension's name; also its module unless ``module`` is given.
        package: the specification that provides it (PEP 508, path or URL); ``None`` for a
            built-in extension that the host ships.
        enabled: disabled extensions are neither installed nor imported.
        arguments: passed to the registration function.
        module: the module to import (default: ``name``, under ``builtin_package`` for built-ins).
        register: the registration function's name in that module; ``None`` imports only.
    """

    name: str
    package: str | None = None
    enabled: bool = True
    arguments: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    module: str | None = None
    register: str | None = "register"


@dataclass(frozen=True, slots=True)
class LoadedExtension:
    """An extension that imported and registered.

    Attributes:
        name: its configured name.
        module: the imported module.
        result: what its registration function returned (``None`` when import-only).
        installed: the cache entry that provided it (``None`` for a built-in one).
    """

    name: str
    module: ModuleType
    result: object
    installed: Installed | None


@dataclass(slots=True)
class RegistrationReport:
    """The outcome of :func:`register_extensions`.

    Attributes:
        loaded: extensions imported and registered, by name, in configuration order.
        failed: extensions skipped, by name, with the error that stopped them.
        shadowed: distributions an extension brings that the host already has in another
            version (the host's wins): distribution -> {extension -> version it brought}.
    """

    loaded: dict[str, LoadedExtension] = field(default_factory=dict)
    failed: dict[str, XtnsmgrError] = field(default_factory=dict)
    shadowed: dict[str, dict[str, str]] = field(default_factory=dict)


def parse_extension_configs(items: Iterable[Mapping[str, Any] | ExtensionConfig]) -> list[ExtensionConfig]:
    """Validate a host configuration: a list of ``{name, package?, enabled, arguments}`` mappings.

    Raises:
        ExtensionConfigError: an entry is malformed or a name repeats (the entry is named).
    """
    configs: list[ExtensionConfig] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        config = item if isinstance(item, ExtensionConfig) else _parse_config(index, item)
        if config.name in seen:
            raise ExtensionConfigError(config.name, "extension listed twice")
        seen.add(config.name)
        configs.append(config)
    return configs


def _parse_config(index: int, item: object) -> ExtensionConfig:
    where = f"extensions[{index}]"
    if not isinstance(item, Mapping):
        raise ExtensionConfigError(where, "not a mapping")
    unknown = set(item) - _KNOWN_KEYS
    if unknown:
        raise ExtensionConfigError(where, f"unknown keys {sorted(map(str, unknown))}")
    name = item.get("name")
    if not isinstance(name, str) or not name:
        raise ExtensionConfigError(where, "'name' must be a non-empty string")
    package, module, register = item.get("package"), item.get("module"), item.get("register", "register")
    enabled, arguments = item.get("enabled", True), item.get("arguments", {})
    checks = {
        "package": package is None or (isinstance(package, str) and bool(package.strip())),
        "module": module is None or (isinstance(module, str) and bool(module)),
        "register": register is None or (isinstance(register, str) and register.isidentifier()),
        "enabled": isinstance(enabled, bool),
        "arguments": isinstance(arguments, Mapping),
    }
    for key, ok in checks.items():
        if not ok:
            raise ExtensionConfigError(f"{where} ({name})", f"bad {key!r}: {item.get(key)!r}")
    return ExtensionConfig(name, package, enabled, MappingProxyType(dict(arguments)), module, register)


def discover_entry_points(group: str) -> list[ExtensionConfig]:
    """Extensions advertised as entry points of ``group`` (``name = "module:register_function"``).

    Packages already ensured are on ``sys.path``, so their entry points are found too.
    """
    from importlib.metadata import entry_points

    found = []
    for point in sorted(entry_points(group=group), key=lambda p: p.name):
        module, _, attribute = point.value.partition(":")
        found.append(
            ExtensionConfig(point.name, module=module.strip(), register=attribute.strip() or "register")
        )
    return found


def find_conflicts(installed: Mapping[str, Installed]) -> dict[str, dict[str, str]]:
    """Distributions that two or more extensions bring in different versions.

    Args:
        installed: extension name -> its cache entry.

    Returns:
        distribution -> {extension -> version}, only for distributions with several versions.
    """
    by_distribution: dict[str, dict[str, str]] = {}
    for extension, entry in installed.items():
        if entry.source == "host":
            continue
        for distribution in entry.distributions:
            by_distribution.setdefault(distribution.name, {})[extension] = distribution.version
    return {name: by_ext for name, by_ext in by_distribution.items() if len(set(by_ext.values())) > 1}


def _shadowed(installed: Mapping[str, Installed], host: Mapping[str, str]) -> dict[str, dict[str, str]]:
    shadowed: dict[str, dict[str, str]] = {}
    for extension, entry in installed.items():
        if entry.source == "host":
            continue
        for distribution in entry.distributions:
            if host.get(distribution.name, distribution.version) != distribution.version:
                shadowed.setdefault(distribution.name, {})[extension] = distribution.version
    return shadowed


async def register_extensions(
    configuration: Iterable[Mapping[str, Any] | ExtensionConfig],
    *,
    manager: CacheManager | None = None,
    builtin_package: str | None = None,
    entry_point_group: str | None = None,
    on_conflict: Literal["raise", "skip"] = "raise",
    concurrency: int = 4,
) -> RegistrationReport:
    """Load a host's extensions.

    Every enabled extension with a ``package`` is ensured concurrently; then version conflicts
    between their entries are detected *before anything is imported*; then each extension is
    imported and its registration function called with its ``arguments`` mapping.

    Args:
        configuration: a list of ``{name, package?, enabled, arguments, module?, register?}``.
        manager: the cache; default :func:`default_manager`.
        builtin_package: where built-in extensions (no ``package``) live, e.g. ``"myhost.extensions"``.
        entry_point_group: also load extensions advertised under this entry-point group
            (the configuration wins on a name clash; a disabled name stays disabled).
        on_conflict: ``"raise"`` an :class:`ExtensionConflictError` naming every conflict,
            or ``"skip"`` the extensions involved (reported in ``failed``).
        concurrency: installs at once.

    Returns:
        What loaded and what failed, by name.

    Raises:
        ExtensionConfigError: the configuration itself is malformed.
        ExtensionConflictError: extensions need different versions of one distribution
            (``on_conflict="raise"``); nothing was imported.
    """
    configs = parse_extension_configs(configuration)
    cache = manager or default_manager()
    report = RegistrationReport()
    active = [config for config in configs if config.enabled]
    external = [config for config in active if config.package]
    results = await cache.aensure_many([c.package or "" for c in external], concurrency=concurrency)
    installed: dict[str, Installed] = {}
    for config, result in zip(external, results, strict=True):
        if isinstance(result, Installed):
            installed[config.name] = result
        else:
            _fail(report, config.name, result)
    _check_conflicts(report, installed, on_conflict)
    report.shadowed = _shadowed(installed, cache.host_distributions())
    if entry_point_group:
        names = {config.name for config in configs}
        active += [point for point in discover_entry_points(entry_point_group) if point.name not in names]
    for config in active:
        if config.name in report.failed:
            continue
        _load(report, config, installed.get(config.name), builtin_package)
    return report


def register_extensions_sync(
    configuration: Sequence[Mapping[str, Any] | ExtensionConfig], **options: Any
) -> RegistrationReport:
    """The synchronous twin of :func:`register_extensions` (runs its own event loop)."""
    return asyncio.run(register_extensions(configuration, **options))


def _check_conflicts(
    report: RegistrationReport, installed: dict[str, Installed], on_conflict: Literal["raise", "skip"]
) -> None:
    conflicts = find_conflicts(installed)
    if not conflicts:
        return
    error = ExtensionConflictError(conflicts)
    if on_conflict == "raise":
        raise error
    for by_ext in conflicts.values():
        for extension in by_ext:
            installed.pop(extension, None)
            _fail(report, extension, error)


def _load(
    report: RegistrationReport, config: ExtensionConfig, installed: Installed | None, builtin: str | None
) -> None:
    module_name = config.module or (
        f"{builtin}.{config.name}" if builtin and config.package is None else config.name
    )
    try:
        module = import_processor_module(module_name)
        result = _register(config, module)
    except XtnsmgrError as error:
        _fail(report, config.name, error)
        return
    except Exception as error:  # an extension's own bug must not take the host down
        _fail(
            report, config.name, ExtensionRegistrationError(config.name, f"{type(error).__name__}: {error}")
        )
        return
    report.loaded[config.name] = LoadedExtension(config.name, module, result, installed)
    _logger.info("registered extension %s", config.name)


def _register(config: ExtensionConfig, module: ModuleType) -> object:
    if config.register is None:
        return None
    function = getattr(module, config.register, None)
    if not callable(function):
        raise ExtensionRegistrationError(config.name, f"module {module.__name__} has no {config.register}()")
    try:
        return function(dict(config.arguments))
    except Exception as error:
        raise ExtensionRegistrationError(config.name, f"{type(error).__name__}: {error}") from error


def _fail(report: RegistrationReport, name: str, error: XtnsmgrError) -> None:
    report.failed[name] = error
    _logger.error("extension %s skipped: %s", name, error)

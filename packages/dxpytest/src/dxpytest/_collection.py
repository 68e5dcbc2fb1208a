"""Collection through the index: static where exact, pytest (in warm workers) where dynamic."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dxpytest._config import PytestConfig, argument_path, load_config
from dxpytest._discovery import Unit, Walker, initial_arguments, nodeid_of, split_arguments
from dxpytest._ids import IdOptions, Undecidable
from dxpytest._index import FileEntry, Index, Item, digest_path, unit_stat
from dxpytest._plugins import PluginSet, detect_plugins
from dxpytest._static import ConftestInfo, Fixture, ModuleContext, analyze_conftest, collect_module

Collector = Callable[[list[str]], dict[str, dict[str, Any]]]


@dataclass
class Collection:
    """The outcome of collection: items in pytest's order, and what it took."""

    config: PytestConfig
    plugins: PluginSet
    index: Index
    units: list[Unit]
    items: list[Item] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    skips: list[tuple[str, str]] = field(default_factory=list)
    selectors: list[str] = field(default_factory=list)
    exact_files: int = 0
    dynamic_files: int = 0
    reused_files: int = 0
    dynamic_reasons: dict[str, str] = field(default_factory=dict)


def cache_dir(rootdir: Path) -> Path:
    """Where the index lives: ``$DXPYTEST_CACHE_DIR`` or ``<rootdir>/.dxpytest``."""
    override = os.environ.get("DXPYTEST_CACHE_DIR")
    return Path(override) if override else rootdir / ".dxpytest"


def _addopts_plugins(config: PytestConfig) -> tuple[list[str], list[str]]:
    """Plugins enabled (`-p name`) and disabled (`-p no:name`) in ``addopts``."""
    enabled: list[str] = []
    disabled: list[str] = []
    options = list(config.addopts)
    for position, option in enumerate(options):
        value = None
        if option == "-p" and position + 1 < len(options):
            value = options[position + 1]
        elif option.startswith("-p") and len(option) > 2:
            value = option[2:]
        if value is not None:
            (disabled if value.startswith("no:") else enabled).append(value.removeprefix("no:"))
    return enabled, disabled


class _Conftests:
    """Conftest analyses, cached in the index by stat and digest."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self.memo: dict[Path, tuple[str, ConftestInfo]] = {}

    def get(self, path: Path) -> tuple[str, ConftestInfo]:
        if path in self.memo:
            return self.memo[path]
        cached = self.index.conftest_entry(path)
        if cached is not None:
            digest, value = cached
            info = _info_from(value)
        else:
            digest = digest_path(path)
            info = analyze_conftest(path.read_bytes())
            self.index.store_conftest(path, digest, _info_to(info))
        self.memo[path] = (digest, info)
        return digest, info

    def info(self, path: Path) -> ConftestInfo:
        return self.get(path)[1]


def _info_to(info: ConftestInfo) -> list[Any]:
    fixtures = [[f.name, list(f.argnames), f.parametrized, f.autouse] for f in info.fixtures.values()]
    return [fixtures, info.dynamic, list(info.collect_ignore), list(info.collect_ignore_glob)]


def _info_from(value: list[Any]) -> ConftestInfo:
    fixtures, dynamic, ignore, ignore_glob = value
    return ConftestInfo(
        fixtures={f[0]: Fixture(f[0], tuple(f[1]), bool(f[2]), bool(f[3])) for f in fixtures},
        dynamic=dynamic,
        collect_ignore=tuple(ignore),
        collect_ignore_glob=tuple(ignore_glob),
    )


def prepare(
    args: list[str],
    invocation_dir: Path,
    overrides: list[str],
    cli_plugins: tuple[str, ...] | list[str] = (),
    ignore: tuple[str, ...] | list[str] = (),
) -> Collection:
    """Read configuration, plugins and the index, and find the units to collect."""
    config = load_config(args, invocation_dir, overrides)
    enabled, disabled = _addopts_plugins(config)
    enabled += [name for name in cli_plugins if not name.startswith("no:")]
    disabled += [name.removeprefix("no:") for name in cli_plugins if name.startswith("no:")]
    plugins = detect_plugins(blocked=disabled)
    index = Index(cache_dir(config.rootdir) / "index.bin", (config.key(), plugins.key(), tuple(enabled)))
    conftests = _Conftests(index)
    walker = Walker(config, conftests.info, tuple(argument_path(path, invocation_dir) for path in ignore))
    paths, selectors = split_arguments(initial_arguments(args, config, invocation_dir), invocation_dir)
    collection = Collection(config, plugins, index, walker.units(paths))
    collection.selectors = [_selector_nodeid(s, invocation_dir, config.rootdir) for s in selectors]
    collection.dynamic_reasons.update(_global_reasons(plugins, enabled))
    setattr(collection, "_conftests", conftests)  # noqa: B010
    return collection


def _global_reasons(plugins: PluginSet, enabled: list[str]) -> dict[str, str]:
    reasons = {}
    if plugins.unknown:
        reasons["*"] = f"plugins that may hook collection: {', '.join(plugins.unknown)}"
    others = [name for name in enabled if name not in ("pytester", "xdist", "hypothesispytest")]
    if others:
        reasons["*"] = f"-p {' '.join(others)} in addopts"
    return reasons


def _selector_nodeid(selector: str, invocation_dir: Path, rootdir: Path) -> str:
    head, sep, rest = selector.partition("::")
    path = argument_path(head, invocation_dir)
    return nodeid_of(path, rootdir) + sep + rest


def _context(collection: Collection, chain: list[ConftestInfo]) -> ModuleContext:
    config = collection.config
    fixtures: dict[str, Fixture] = {}
    for info in chain:
        fixtures.update(info.fixtures)
    plugin_fixtures = set(collection.plugins.fixtures)
    enabled, _ = _addopts_plugins(config)
    if "pytester" in enabled:
        plugin_fixtures |= {"pytester", "testdir", "linecomp", "LineMatcher"}
    return ModuleContext(
        python_classes=config.python_classes,
        python_functions=config.python_functions,
        collect_imported_tests=config.collect_imported_tests,
        ids=IdOptions(
            escape=config.escape_ids, long_str_strategy=config.long_str_strategy, strict=config.strict_ids
        ),
        fixtures=fixtures,
        plugin_fixtures=frozenset(plugin_fixtures),
        async_plugin=collection.plugins.async_plugin,
        hypothesis_plugin=collection.plugins.hypothesis,
    )


def _analyze(collection: Collection, unit: Unit) -> tuple[FileEntry | None, str]:
    """Statically collect one unit; (entry, "") when exact, (None, reason) when dynamic."""
    conftests: _Conftests = getattr(collection, "_conftests")  # noqa: B009
    chain = [conftests.get(path) for path in unit.conftests]
    chain_key = tuple((str(path), digest) for path, (digest, _) in zip(unit.conftests, chain, strict=True))
    entry = collection.index.lookup(unit.path, chain_key)
    if entry is not None:
        collection.reused_files += 1
        return entry, ""
    reason = collection.dynamic_reasons.get("*", "")
    if str(unit.path) in collection.index.distrusted:
        reason = "pytest contradicted the static result"
    if unit.directory:
        reason = "a conftest changes how files are found"
    reason = reason or next((info.dynamic for _, info in chain if info.dynamic), None) or ""
    stat = unit_stat(unit.path)
    if reason or stat is None:
        return None, reason or "vanished"
    source = unit.path.read_bytes()
    try:
        static = collect_module(source, unit.nodeid, _context(collection, [info for _, info in chain]))
    except Undecidable as undecidable:
        return None, undecidable.reason
    from devcore.hashing import hash_bytes

    items = [Item(item.nodeid, item.marks) for item in static]
    entry = FileEntry(stat, hash_bytes(source), chain_key, True, "", items)
    collection.index.store(unit.path, entry)
    return entry, ""


def collect(collection: Collection, collector: Callable[[], Collector]) -> Collection:
    """Fill `collection.items`; dynamic units go to `collector()` (a warm worker pool)."""
    entries: list[FileEntry | None] = []
    dynamic: list[Unit] = []
    for unit in collection.units:
        entry, reason = _analyze(collection, unit)
        entries.append(entry)
        if entry is None:
            dynamic.append(unit)
            collection.dynamic_reasons[unit.nodeid] = reason
        elif entry.exact:
            collection.exact_files += 1
        else:
            collection.dynamic_files += 1
    if dynamic:
        results = collector()([str(unit.path) for unit in dynamic])
        conftests: _Conftests = getattr(collection, "_conftests")  # noqa: B009
        for unit in dynamic:
            result = results.get(str(unit.path), {"items": [], "errors": [[unit.nodeid, "not collected"]]})
            chain_key = tuple((str(path), conftests.get(path)[0]) for path in unit.conftests)
            stat = unit_stat(unit.path)
            entry = FileEntry(
                stat or (0, 0, 0),
                digest_path(unit.path),
                chain_key,
                False,
                collection.dynamic_reasons.get(unit.nodeid, ""),
                [Item(str(n), tuple(m), tuple(k)) for n, m, k in result.get("items", [])],
                [(str(a), str(b)) for a, b in result.get("errors", [])],
                [(str(a), str(b)) for a, b in result.get("skips", [])],
            )
            if stat is not None and not entry.errors:
                collection.index.store(unit.path, entry)
            entries[collection.units.index(unit)] = entry
            collection.dynamic_files += 1
    for entry in entries:
        assert entry is not None
        collection.items.extend(entry.items)
        collection.errors.extend(entry.errors)
        collection.skips.extend(entry.skips)
    return collection

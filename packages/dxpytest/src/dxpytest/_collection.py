"""Collection through the index: static where exact, pytest (in warm workers) where dynamic."""

from __future__ import annotations

import dataclasses
import glob
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dxpytest import _snapshot
from dxpytest._config import PytestConfig, argument_path, config_candidates, load_config
from dxpytest._discovery import Unit, Walker, initial_arguments, nodeid_of, split_arguments
from dxpytest._index import FileEntry, Index, Item, digest_path, unit_stat
from dxpytest._plugins import PYTESTER_FIXTURES, PluginSet, detect_plugins

if TYPE_CHECKING:
    from dxpytest._records import ConftestInfo, ModuleContext

Collector = Callable[[list[str], dict[str, dict[str, Any]]], dict[str, dict[str, Any]]]
"""Collects paths in workers: (paths, per path the COLLECT fields besides ``paths``) → per path
its result (see `dxpytest._protocol.Kind.COLLECTED`)."""


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
    from_snapshot: bool = False
    recording: _Recording | None = None


@dataclass
class _Recording:
    """What a collection needs to leave a snapshot of itself behind."""

    key: list[Any]
    facts: _snapshot.Facts
    start_ns: int


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
            from dxpytest._conftest import analyze_conftest

            digest = digest_path(path)
            info = analyze_conftest(path.read_bytes())
            self.index.store_conftest(path, digest, _info_to(info))
        self.memo[path] = (digest, info)
        return digest, info

    def info(self, path: Path) -> ConftestInfo:
        return self.get(path)[1]


def _info_to(info: ConftestInfo) -> list[Any]:
    fixtures = [[f.name, list(f.argnames), f.parametrized, f.autouse] for f in info.fixtures.values()]
    return [
        fixtures,
        info.dynamic,
        list(info.collect_ignore),
        list(info.collect_ignore_glob),
        info.runtime_ignore,
        info.ignore_hook,
    ]


def _info_from(value: list[Any]) -> ConftestInfo:
    from dxpytest._records import ConftestInfo, Fixture

    fixtures, dynamic, ignore, ignore_glob, runtime_ignore, ignore_hook = value
    return ConftestInfo(
        fixtures={f[0]: Fixture(f[0], tuple(f[1]), bool(f[2]), bool(f[3])) for f in fixtures},
        dynamic=dynamic,
        collect_ignore=tuple(ignore),
        collect_ignore_glob=tuple(ignore_glob),
        runtime_ignore=str(runtime_ignore),
        ignore_hook=bool(ignore_hook),
    )


def prepare(
    args: list[str],
    invocation_dir: Path,
    overrides: list[str],
    cli_plugins: tuple[str, ...] | list[str] = (),
    ignore: tuple[str, ...] | list[str] = (),
    *,
    warning_filters: tuple[str, ...] | list[str] = (),
    snapshot: bool = True,
) -> Collection:
    """Read configuration, plugins and the index, and find the units to collect.

    With `snapshot` (the default), a snapshot of an earlier identical collection whose inputs
    are all unchanged answers at once (`Collection.from_snapshot`; `collect` then has nothing
    to do), and a new collection records what it needs to leave one behind. `warning_filters`
    (``-W``) are part of the keys: as errors, warnings can fail the collection of a file.
    """
    start_ns = _snapshot.now_ns()
    key = _snapshot.session_key(args, invocation_dir, overrides, cli_plugins, ignore, warning_filters)
    if snapshot:
        outcome = _snapshot.load(key, _snapshot.candidate_directories(args, invocation_dir))
        if outcome is not None:
            return _restore(outcome, cli_plugins, warning_filters)
    facts = _snapshot.Facts()
    for path in config_candidates(args, invocation_dir):
        facts.file(path)
    config = load_config(args, invocation_dir, overrides)
    enabled, disabled = _addopts_plugins(config)
    enabled += [name for name in cli_plugins if not name.startswith("no:")]
    disabled += [name.removeprefix("no:") for name in cli_plugins if name.startswith("no:")]
    plugins = detect_plugins(blocked=disabled)
    for entry in sys.path:
        facts.directory(os.path.abspath(entry))
    index = Index(
        cache_dir(config.rootdir) / "index.bin",
        (config.key(), plugins.key(), tuple(enabled), tuple(warning_filters)),
    )
    conftests = _Conftests(index)
    walker = Walker(
        config, conftests.info, tuple(argument_path(path, invocation_dir) for path in ignore), facts
    )
    initial = initial_arguments(args, config, invocation_dir)
    if not args:
        _testpaths_facts(config, invocation_dir, facts)
    paths, selectors = split_arguments(initial, invocation_dir)
    collection = Collection(config, plugins, index, walker.units(paths))
    collection.selectors = [_selector_nodeid(s, invocation_dir, config.rootdir) for s in selectors]
    collection.dynamic_reasons.update(_global_reasons(plugins, enabled))
    if snapshot:
        collection.recording = _Recording(key, facts, start_ns)
    setattr(collection, "_conftests", conftests)  # noqa: B010
    return collection


def _testpaths_facts(config: PytestConfig, invocation_dir: Path, facts: _snapshot.Facts) -> None:
    """`testpaths` globs are expanded against directory listings we do not record."""
    if invocation_dir != config.rootdir:
        return
    for pattern in config.testpaths:
        if glob.has_magic(pattern):
            facts.unsupported = f"testpaths pattern {pattern!r}"
        else:
            facts.file(config.rootdir / pattern)


def _outcome(collection: Collection) -> dict[str, Any]:
    """The part of a collection a snapshot keeps."""
    plugins = collection.plugins
    return {
        "config": {f.name: getattr(collection.config, f.name) for f in dataclasses.fields(collection.config)},
        "plugins": {f.name: getattr(plugins, f.name) for f in dataclasses.fields(plugins)},
        "items": [[item.nodeid, list(item.marks), list(item.keywords)] for item in collection.items],
        "skips": [list(skip) for skip in collection.skips],
        "selectors": list(collection.selectors),
        "counts": [collection.exact_files, collection.dynamic_files, len(collection.units)],
        "reasons": dict(collection.dynamic_reasons),
    }


def _restore(
    outcome: dict[str, Any],
    cli_plugins: tuple[str, ...] | list[str],
    warning_filters: tuple[str, ...] | list[str],
) -> Collection:
    """A collection from a snapshot's outcome; its index is read only if something asks."""
    config = PytestConfig(**outcome["config"])
    plugins = PluginSet(**outcome["plugins"])
    enabled, _ = _addopts_plugins(config)
    enabled += [name for name in cli_plugins if not name.startswith("no:")]
    index = Index(
        cache_dir(config.rootdir) / "index.bin",
        (config.key(), plugins.key(), tuple(enabled), tuple(warning_filters)),
    )
    exact, dynamic, files = outcome["counts"]
    return Collection(
        config,
        plugins,
        index,
        [],
        items=[Item(str(n), tuple(m), tuple(k)) for n, m, k in outcome["items"]],
        skips=[(str(a), str(b)) for a, b in outcome["skips"]],
        selectors=[str(selector) for selector in outcome["selectors"]],
        exact_files=exact,
        dynamic_files=dynamic,
        reused_files=files,
        dynamic_reasons=dict(outcome["reasons"]),
        from_snapshot=True,
    )


def _leave_snapshot(collection: Collection) -> None:
    recording = collection.recording
    if recording is None or collection.errors:
        return
    conftests: _Conftests = getattr(collection, "_conftests")  # noqa: B009
    for unit in collection.units:
        if unit.directory:
            recording.facts.tree(unit.path)
        else:
            recording.facts.file(unit.path)
    for path in conftests.memo:
        recording.facts.file(path)
    from devcore.serial import SerialError

    try:
        _snapshot.save(
            cache_dir(collection.config.rootdir),
            recording.key,
            recording.facts,
            _outcome(collection),
            start_ns=recording.start_ns,
        )
    except (OSError, SerialError):
        return


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
    from dxpytest._ids import IdOptions
    from dxpytest._records import Fixture, ModuleContext

    config = collection.config
    fixtures: dict[str, Fixture] = {}
    for info in chain:
        fixtures.update(info.fixtures)
    plugin_fixtures = set(collection.plugins.fixtures)
    enabled, _ = _addopts_plugins(config)
    if "pytester" in enabled:
        plugin_fixtures.update(PYTESTER_FIXTURES)
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


def _analyze(collection: Collection, unit: Unit) -> tuple[FileEntry | None, str, bool]:
    """Statically collect one unit: (entry, "", reused) when exact or cached, (None, reason, False)
    when dynamic. A new entry of a unit whose ignoring pytest decides is stored only after the
    verdict (`collect`)."""
    conftests: _Conftests = getattr(collection, "_conftests")  # noqa: B009
    chain = [conftests.get(path) for path in unit.conftests]
    chain_key = tuple((str(path), digest) for path, (digest, _) in zip(unit.conftests, chain, strict=True))
    entry = collection.index.lookup(unit.path, chain_key)
    if entry is not None:
        collection.reused_files += 1
        return entry, "", True
    reason = collection.dynamic_reasons.get("*", "")
    if str(unit.path) in collection.index.distrusted:
        reason = "pytest contradicted the static result"
    if unit.directory:
        reason = "a conftest changes how files are found"
    reason = reason or next((info.dynamic for _, info in chain if info.dynamic), None) or ""
    stat = unit_stat(unit.path)
    if reason or stat is None:
        return None, reason or "vanished", False
    from dxpytest._ids import Undecidable
    from dxpytest._static import collect_module

    source = unit.path.read_bytes()
    try:
        static = collect_module(source, unit.nodeid, _context(collection, [info for _, info in chain]))
    except Undecidable as undecidable:
        return None, undecidable.reason, False
    from devcore.hashing import hash_bytes

    items = [Item(item.nodeid, item.marks) for item in static]
    entry = FileEntry(stat, hash_bytes(source), chain_key, True, "", items)
    if unit.ignore_from is None:
        collection.index.store(unit.path, entry)
    return entry, "", False


def _request(unit: Unit, *, verdict_only: bool) -> dict[str, Any]:
    """The COLLECT fields besides the path: where pytest's ignore hooks are asked from."""
    if unit.ignore_from is None:
        return {}
    return {"ignore_from": str(unit.ignore_from), "verdict_only": verdict_only}


def collect(collection: Collection, collector: Callable[[], Collector]) -> Collection:
    """Fill `collection.items`; units that need pytest go to `collector()` (a warm worker pool):
    dynamic units to be collected, and static ones below a conftest that decides at run time
    what is ignored, for the verdict alone.

    A collection answered from a snapshot is complete already.
    """
    if collection.from_snapshot:
        return collection
    entries: list[FileEntry | None] = []
    pending: list[Unit] = []
    requests: dict[str, dict[str, Any]] = {}
    collect_pending: Collector | None = None
    for unit in collection.units:
        entry, reason, reused = _analyze(collection, unit)
        entries.append(entry)
        if entry is None:
            collection.dynamic_reasons[unit.nodeid] = reason
            requests[str(unit.path)] = _request(unit, verdict_only=False)
        elif unit.ignore_from is not None and not reused:
            requests[str(unit.path)] = _request(unit, verdict_only=True)
        elif entry.exact:
            collection.exact_files += 1
        else:
            collection.dynamic_files += 1
        if str(unit.path) in requests:
            pending.append(unit)
            if collect_pending is None:
                collect_pending = collector()  # the workers start now and boot during the analysis
    if collect_pending is not None:
        results = collect_pending([str(unit.path) for unit in pending], requests)
        for unit in pending:
            position = collection.units.index(unit)
            entries[position] = _settle(collection, unit, entries[position], results.get(str(unit.path)))
    for entry in entries:
        assert entry is not None
        collection.items.extend(entry.items)
        collection.errors.extend(entry.errors)
        collection.skips.extend(entry.skips)
    _leave_snapshot(collection)
    return collection


def _settle(
    collection: Collection, unit: Unit, static: FileEntry | None, result: dict[str, Any] | None
) -> FileEntry:
    """The entry of a unit pytest was asked about: its static entry when pytest does not ignore
    it and was asked for the verdict only, else what pytest collected (nothing when ignored)."""
    if result is None:
        result = {"items": [], "errors": [[unit.nodeid, "not collected"]], "collected": True}
    if static is not None and not result.get("ignored") and not result.get("collected", True):
        collection.exact_files += 1
        collection.index.store(unit.path, static)
        return static
    conftests: _Conftests = getattr(collection, "_conftests")  # noqa: B009
    chain_key = tuple((str(path), conftests.get(path)[0]) for path in unit.conftests)
    stat = unit_stat(unit.path)
    reason = collection.dynamic_reasons.get(unit.nodeid, "")
    if result.get("ignored"):
        reason = "ignored by pytest_ignore_collect or collect_ignore"
    entry = FileEntry(
        stat or (0, 0, 0),
        digest_path(unit.path),
        chain_key,
        False,
        reason,
        [Item(str(n), tuple(m), tuple(k)) for n, m, k in result.get("items", [])],
        [(str(a), str(b)) for a, b in result.get("errors", [])],
        [(str(a), str(b)) for a, b in result.get("skips", [])],
    )
    if stat is not None and not entry.errors:
        collection.index.store(unit.path, entry)
    collection.dynamic_files += 1
    return entry

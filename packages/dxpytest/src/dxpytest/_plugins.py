"""The installed pytest plugins (entry points ``pytest11``), read without importing them.

Plugins we know contribute only fixtures and marks; any other plugin may hook collection, so
its presence makes every file dynamic (collected by pytest itself).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

# distribution name → fixtures it provides (none of them parametrized)
KNOWN_PLUGINS: dict[str, frozenset[str]] = {
    "hypothesis": frozenset(),
    "pytest-xdist": frozenset({"worker_id", "testrun_uid"}),
    "pytest-cov": frozenset({"cov", "no_cover"}),
    "pytest-timeout": frozenset(),
    "pytest-mock": frozenset({"mocker", "class_mocker", "module_mocker", "package_mocker", "session_mocker"}),
    "pytest-benchmark": frozenset({"benchmark", "benchmark_weave"}),
    "pytest-rerunfailures": frozenset(),
    "pytest-env": frozenset(),
    "pytest-randomly": frozenset(),
    "anyio": frozenset(
        {"anyio_backend", "anyio_backend_name", "anyio_backend_options", "free_tcp_port", "free_udp_port"}
    ),
    "pytest-asyncio": frozenset({"event_loop_policy", "unused_tcp_port", "unused_tcp_port_factory"}),
    "platformdirs": frozenset({"platformdirs_isolated"}),
    "dxpytest": frozenset(),
}
ASYNC_PLUGINS = frozenset({"anyio", "pytest-asyncio", "pytest-trio"})
# Fixtures of pytest's own pytester plugin (``-p pytester`` or ``pytest_plugins = ["pytester"]``).
PYTESTER_FIXTURES = ("pytester", "testdir", "linecomp", "LineMatcher")


@dataclass(frozen=True)
class PluginSet:
    """The plugin facts that matter for static collection."""

    distributions: tuple[tuple[str, str], ...]  # (name, version), sorted
    fixtures: frozenset[str]
    unknown: tuple[str, ...]
    async_plugin: bool
    hypothesis: bool

    def key(self) -> tuple[object, ...]:
        """What invalidates the index when it changes."""
        return (self.distributions,)


def _normalize(name: str) -> str:
    return name.lower().replace("_", "-")


def detect_plugins(blocked: list[str] | None = None) -> PluginSet:
    """Read the ``pytest11`` entry points of the current environment, less the `blocked` ones
    (``-p no:NAME`` takes an entry-point name or a distribution name)."""
    from importlib.metadata import entry_points

    if os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD"):
        return PluginSet((), frozenset(), (), False, False)
    found: dict[str, str] = {}
    blocked_names = {_normalize(name) for name in blocked or []}
    for entry_point in entry_points(group="pytest11"):
        dist = entry_point.dist
        name = _normalize(dist.name) if dist is not None else entry_point.name
        if _normalize(entry_point.name) in blocked_names or name in blocked_names:
            continue
        found[name] = dist.version if dist is not None else ""
    fixtures: set[str] = set()
    unknown: list[str] = []
    for name in found:
        if name in KNOWN_PLUGINS:
            fixtures |= KNOWN_PLUGINS[name]
        else:
            unknown.append(name)
    return PluginSet(
        distributions=tuple(sorted(found.items())),
        fixtures=frozenset(fixtures),
        unknown=tuple(sorted(unknown)),
        async_plugin=bool(ASYNC_PLUGINS & found.keys()),
        hypothesis="hypothesis" in found,
    )

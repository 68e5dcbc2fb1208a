"""The records of static collection: what a fixture, a conftest and a module's context tell it,
and the items it gives.

They live apart from the analysis so that the index and the collection can build and read them
without importing the parser.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from dxpytest._ids import IdOptions


@dataclass(frozen=True)
class Fixture:
    """A fixture definition as far as collection cares: its dependencies and params."""

    name: str
    argnames: tuple[str, ...]
    parametrized: bool
    autouse: bool


@dataclass
class ConftestInfo:
    """What a ``conftest.py`` contributes to collection of the files below it."""

    fixtures: dict[str, Fixture] = field(default_factory=dict)
    dynamic: str | None = None
    collect_ignore: tuple[str, ...] = ()
    collect_ignore_glob: tuple[str, ...] = ()
    runtime_ignore: str = ""
    ignore_hook: bool = False


@dataclass(frozen=True)
class StaticItem:
    """One collected test: its node id and the names of its marks."""

    nodeid: str
    marks: tuple[str, ...]


@dataclass(frozen=True)
class ModuleContext:
    """Everything outside the module that decides its collection."""

    python_classes: tuple[str, ...] = ("Test",)
    python_functions: tuple[str, ...] = ("test",)
    collect_imported_tests: bool = True
    ids: IdOptions = field(default_factory=IdOptions)
    fixtures: Mapping[str, Fixture] = field(default_factory=dict)
    plugin_fixtures: frozenset[str] = frozenset()
    async_plugin: bool = False
    hypothesis_plugin: bool = False

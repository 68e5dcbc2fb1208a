"""Finding test files the way pytest walks directories, without importing anything.

Directories are visited in pytest's order (entries sorted by name, ``__init__.py`` first in
packages), skipping ``__pycache__``, virtual environments, ``norecursedirs`` and the
``collect_ignore``/``collect_ignore_glob`` lists of conftest files. A directory whose conftest
changes how files are found (``pytest_collect_file``, plugins...) becomes one unit that pytest
collects as a whole.

A conftest that decides at run time only what is *ignored* (a ``pytest_ignore_collect`` hook, or
``collect_ignore`` lists computed at import) does not stop the walk: the files below it become
units marked `Unit.ignore_from`, and a worker asks pytest's ignore hooks about each before it
collects it. A ``pytest_ignore_collect`` hook can also keep what pytest's defaults ignore
(``norecursedirs``, virtualenvs, ``--ignore``); where the walk skipped such an entry below one,
the hook's directory is collected whole instead.
"""

from __future__ import annotations

import fnmatch
import glob
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from dxpytest._config import PytestConfig, argument_path
from dxpytest._snapshot import Facts

if TYPE_CHECKING:
    from dxpytest._records import ConftestInfo

WALK_REASONS = (
    "pytest_collect_file",
    "pytest_collect_directory",
    "pytest_pycollect_makemodule",
    "pytest_collection",
    "pytest_plugins",
    "pytest_addhooks",
    "star import",
    "syntax error",
    "imports pytest_",
    "conditionally defines",
    "assigns pytest_",
)


@dataclass(frozen=True)
class Unit:
    """A test file, or a directory that pytest must collect as a whole.

    Attributes:
        path: Absolute path of the file or directory.
        nodeid: Its node id (path relative to the rootdir, ``/``-separated).
        conftests: The conftest files that apply, outermost first.
        directory: True for a directory unit.
        ignore_from: The initial path below which pytest's ignore hooks decide whether this
            unit is collected (every path from there down to the unit is asked); None when the
            walk decided.
    """

    path: Path
    nodeid: str
    conftests: tuple[Path, ...]
    directory: bool = False
    ignore_from: Path | None = None


def fnmatch_ex(pattern: str, path: PurePath) -> bool:
    """pytest's path matching: the name alone, or the whole path when the pattern has a ``/``."""
    if os.sep not in pattern:
        return fnmatch.fnmatch(path.name, pattern)
    name = str(path)
    if path.is_absolute() and not os.path.isabs(pattern):
        pattern = f"*{os.sep}{pattern}"
    return fnmatch.fnmatch(name, pattern)


def nodeid_of(path: Path, rootdir: Path) -> str:
    """The node id of a path: relative to the rootdir with ``/`` separators."""
    try:
        return path.relative_to(rootdir).as_posix()
    except ValueError:
        return Path(os.path.relpath(path, rootdir)).as_posix()


def initial_arguments(args: list[str], config: PytestConfig, invocation_dir: Path) -> list[str]:
    """The arguments pytest collects: the given ones, else ``testpaths`` (from the rootdir), else ``.``."""
    if args:
        return args
    if invocation_dir == config.rootdir and config.testpaths:
        expanded: list[str] = []
        for pattern in config.testpaths:
            expanded.extend(sorted(glob.iglob(str(config.rootdir / pattern), recursive=True)))
        if expanded:
            return expanded
    return [str(invocation_dir)]


def _is_walk_dynamic(info: ConftestInfo) -> bool:
    return info.dynamic is not None and any(reason in info.dynamic for reason in WALK_REASONS)


class Walker:
    """Walks directories for test files; conftest analysis is supplied (and cached) by the caller.

    Every file and directory the walk depends on is noted in `facts` (for the snapshot).
    """

    def __init__(
        self,
        config: PytestConfig,
        conftest: Callable[[Path], ConftestInfo],
        ignore: tuple[Path, ...] = (),
        facts: Facts | None = None,
    ) -> None:
        self.config = config
        self.conftest = conftest
        self.ignore = set(ignore)
        self.facts = facts if facts is not None else Facts()
        self.confcutdir = config.inifile.parent if config.inifile else config.rootdir
        self.hook_skips = 0  # entries skipped where a pytest_ignore_collect hook could keep them

    def conftest_chain(self, directory: Path) -> tuple[Path, ...]:
        """Conftest files from the confcutdir down to `directory`."""
        chain: list[Path] = []
        for parent in reversed((directory, *directory.parents)):
            if parent != self.confcutdir and self.confcutdir not in parent.parents:
                continue
            candidate = parent / "conftest.py"
            self.facts.file(candidate)
            if candidate.is_file():
                chain.append(candidate)
        return tuple(chain)

    def units(self, paths: list[Path]) -> list[Unit]:
        """The units under the initial `paths` (files or directories), in pytest's order."""
        result: list[Unit] = []
        seen: set[Path] = set()
        for path in paths:
            for unit in self._initial(path):
                if unit.path not in seen:
                    seen.add(unit.path)
                    result.append(unit)
        return result

    def _initial(self, path: Path) -> Iterator[Unit]:
        self.facts.file(path)
        if path.is_file():
            if path.suffix == ".py":
                yield self._unit(path)
            return
        if not path.is_dir():
            return
        blocked = self._dynamic_ancestor(path)
        skips = self.hook_skips
        units = [] if blocked is not None else list(self._walk(path, path))
        if blocked is not None or self.hook_skips != skips:
            yield self._directory_unit(path, path)
            return
        yield from units

    def _dynamic_ancestor(self, directory: Path) -> Path | None:
        for conftest in self.conftest_chain(directory):
            if _is_walk_dynamic(self.conftest(conftest)):
                return conftest.parent
        return None

    def _unit(self, path: Path, root: Path | None = None) -> Unit:
        chain = self.conftest_chain(path.parent)
        ignore_from = root if root is not None and self._any(chain, "runtime_ignore") else None
        return Unit(path, nodeid_of(path, self.config.rootdir), chain, ignore_from=ignore_from)

    def _directory_unit(self, directory: Path, root: Path) -> Unit:
        ignore_from = None
        if directory != root and self._any(self.conftest_chain(directory.parent), "runtime_ignore"):
            ignore_from = root
        nodeid = nodeid_of(directory, self.config.rootdir)
        return Unit(directory, nodeid, self.conftest_chain(directory), True, ignore_from)

    def _any(self, chain: tuple[Path, ...], flag: str) -> bool:
        return any(getattr(self.conftest(conftest), flag) for conftest in chain)

    def _walk(self, directory: Path, root: Path) -> Iterator[Unit]:
        conftest = directory / "conftest.py"
        if conftest.is_file():
            info = self.conftest(conftest)
            if _is_walk_dynamic(info):
                yield self._directory_unit(directory, root)
                return
            if info.ignore_hook and directory != root:
                skips = self.hook_skips
                units = list(self._entries(directory, root))
                yield from [self._directory_unit(directory, root)] if self.hook_skips != skips else units
                return
        yield from self._entries(directory, root)

    def _entries(self, directory: Path, root: Path) -> Iterator[Unit]:
        self.facts.directory(directory)
        try:
            entries = list(os.scandir(directory))
        except OSError:
            return
        package = any(entry.name == "__init__.py" for entry in entries)
        entries.sort(key=(lambda e: (e.name != "__init__.py", e.name)) if package else (lambda e: e.name))
        for entry in entries:
            path = Path(entry.path)
            if entry.is_dir():
                if not self._ignored_directory(path):
                    yield from self._walk(path, root)
                elif path.name != "__pycache__":
                    self._skipped(directory)
            elif (
                entry.is_file()
                and path.suffix == ".py"
                and any(fnmatch_ex(pattern, path) for pattern in self.config.python_files)
            ):
                if not self._ignored(path):
                    yield self._unit(path, root)
                else:
                    self._skipped(directory)

    def _skipped(self, directory: Path) -> None:
        if self._any(self.conftest_chain(directory), "ignore_hook"):
            self.hook_skips += 1

    def _ignored_directory(self, path: Path) -> bool:
        if path.name == "__pycache__" or self._ignored(path):
            return True
        self.facts.file(path / "pyvenv.cfg")
        self.facts.file(path / "conda-meta" / "history")
        if (path / "pyvenv.cfg").is_file() or (path / "conda-meta" / "history").is_file():
            return True
        return any(fnmatch_ex(pattern, path) for pattern in self.config.norecursedirs)

    def _ignored(self, path: Path) -> bool:
        if path in self.ignore:
            return True
        chain = self.conftest_chain(path.parent)
        if self._any(chain, "runtime_ignore"):
            return False  # pytest's ignore hooks decide, in a worker (`Unit.ignore_from`)
        for conftest in reversed(chain):
            info = self.conftest(conftest)
            if info.collect_ignore:
                if path in {conftest.parent / entry for entry in info.collect_ignore}:
                    return True
                break
        for conftest in reversed(chain):
            info = self.conftest(conftest)
            if info.collect_ignore_glob:
                return any(
                    fnmatch.fnmatch(str(path), str(conftest.parent / pattern))
                    for pattern in info.collect_ignore_glob
                )
        return False


def split_arguments(args: list[str], invocation_dir: Path) -> tuple[list[Path], list[str]]:
    """Split command-line arguments into the paths to walk and the node-id/glob selectors.

    A plain path selects everything under it; ``file.py::name`` and patterns with ``*``/``?``
    select by node id within their file or directory.
    """
    paths: list[Path] = []
    selectors: list[str] = []
    for arg in args:
        path = argument_path(arg, invocation_dir)
        if "::" in arg:
            selectors.append(arg)
        elif any(char in arg for char in "*?"):
            selectors.append(arg)
            path = Path(os.path.abspath(invocation_dir / arg.split("*")[0].split("?")[0]))
            path = path if path.is_dir() else path.parent
        paths.append(path)
    return paths, selectors

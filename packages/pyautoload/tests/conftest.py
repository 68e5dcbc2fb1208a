"""Helpers: throw-away trees (Zeitwerk's ``with_files``) and loaders that clean up after themselves.

Every test leaves ``sys.modules``, ``sys.meta_path`` and ``sys.path_importer_cache`` as it found
them, and unregisters the loaders it made.
"""

from __future__ import annotations

import importlib
import os
import sys
import textwrap
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from types import ModuleType

import pytest

import pyautoload


def write_tree(root: Path, files: Mapping[str, str | None]) -> Path:
    """Write ``{"app/models/user.py": "class User: pass", "app/empty/": None}`` below ``root``."""
    for relative, content in files.items():
        path = root / relative
        if relative.endswith("/"):
            path.mkdir(parents=True, exist_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content or ""))
    importlib.invalidate_caches()
    return root


@pytest.fixture
def tree_writer() -> Callable[[Path, Mapping[str, str | None]], Path]:
    """``write_tree`` itself, for tests that make many trees (hypothesis examples)."""
    return write_tree


@pytest.fixture
def with_files(tmp_path: Path) -> Callable[[Mapping[str, str | None]], Path]:
    """Write a tree below a fresh directory and return that directory."""

    def make(files: Mapping[str, str | None]) -> Path:
        return write_tree(tmp_path, files)

    return make


@pytest.fixture(autouse=True)
def clean_import_state(tmp_path: Path) -> Iterator[None]:
    """Restore sys.modules, sys.meta_path and sys.path_importer_cache; unregister new loaders."""
    modules = set(sys.modules)
    meta_path = list(sys.meta_path)
    importer_cache = set(sys.path_importer_cache)
    loaders = set(map(id, pyautoload.loaders()))
    yield
    for loader in pyautoload.loaders():
        if id(loader) not in loaders:
            loader.unregister()
    for name in set(sys.modules) - modules:
        if name.split(".")[0] != "pyautoload":  # its lazily imported parts stay, as in any process
            del sys.modules[name]
    sys.meta_path[:] = meta_path
    for key in set(sys.path_importer_cache) - importer_cache:
        del sys.path_importer_cache[key]


@pytest.fixture
def new_loader() -> Callable[..., pyautoload.Loader]:
    """``new_loader({"/abs/dir": "app"}, setup=True, **Loader options)``."""
    made: list[pyautoload.Loader] = []

    def make(
        roots: Mapping[str | Path, str] | None = None, *, setup: bool = True, **options: object
    ) -> pyautoload.Loader:
        loader = pyautoload.Loader(**options)  # type: ignore[arg-type]
        for directory, namespace in (roots or {}).items():
            loader.push_dir(directory, namespace=namespace)
        if setup:
            loader.setup()
        made.append(loader)
        return loader

    yield make  # type: ignore[misc]
    for loader in made:
        loader.unregister()


class Project:
    """A throw-away tree with one loader over it (Zeitwerk's ``with_setup``)."""

    def __init__(self, root: Path, loader: pyautoload.Loader) -> None:
        self.root = root
        self.loader = loader

    def path(self, relative: str) -> str:
        """The absolute path of ``relative`` below the tree."""
        return str(self.root / relative)

    def module(self, name: str = "app") -> ModuleType:
        """Import ``name`` (through the finder) and return it."""
        return importlib.import_module(name)

    def loaded_files(self) -> set[str]:
        """The files of the tree executed so far, relative to the tree (Zeitwerk's ``required?``)."""
        prefix = str(self.root) + os.sep
        found = set()
        for module in list(sys.modules.values()):
            file = getattr(module, "__file__", None)
            if isinstance(file, str) and file.startswith(prefix):
                found.add(file[len(prefix) :])
        return found


@pytest.fixture
def project(
    tmp_path: Path, new_loader: Callable[..., pyautoload.Loader], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Project]:
    """``project(files, roots={"app": "app"}, ignore=..., collapse=..., ...)``: write, configure, set up.

    Paths in ``roots``, ``ignore``, ``collapse`` and ``do_not_eager_load`` are relative to the tree;
    ``sys_path`` directories of the tree are put on ``sys.path`` (for packages of "other
    distributions"); ``inflect`` goes to the inflector before ``setup()``.
    """

    def make(
        files: Mapping[str, str | None],
        *,
        roots: Mapping[str, str] | None = None,
        ignore: Iterable[str] = (),
        collapse: Iterable[str] = (),
        do_not_eager_load: Iterable[str] = (),
        inflect: Mapping[str, str] | None = None,
        sys_path: Iterable[str] = (),
        setup: bool = True,
        **options: object,
    ) -> Project:
        write_tree(tmp_path, files)
        for directory in sys_path:
            monkeypatch.syspath_prepend(str(tmp_path / directory))
        loader = new_loader(
            {tmp_path / d: ns for d, ns in ({"app": "app"} if roots is None else roots).items()},
            setup=False,
            **options,
        )
        loader.ignore(*(str(tmp_path / p) for p in ignore))
        loader.collapse(*(str(tmp_path / p) for p in collapse))
        loader.do_not_eager_load(*(str(tmp_path / p) for p in do_not_eager_load))
        if inflect:
            loader.inflector.inflect(inflect)
        if setup:
            loader.setup()
        return Project(tmp_path, loader)

    return make

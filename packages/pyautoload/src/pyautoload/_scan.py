"""Scanning one namespace level: which children a set of directories gives.

A level is the union of the namespace's directories (several roots, collapsed directories)
read in order, so the first root wins for a shadowed file. Hidden entries, ``__pycache__``,
private files (``_x.py``, which includes ``__init__.py``), non-identifiers, ignored paths and
the directories of other roots never become children.

A plain subdirectory (no ``x.py`` beside it) becomes a *pending* entry without being read: whether
it has an ``__init__.py`` or any ``.py`` file is checked by ``settle`` when the name is first used,
imported or listed, so setting up a root costs one directory listing however many namespaces it
holds. ``x.py`` beside ``x/`` is checked at once (it can conflict with ``x/__init__.py``).
"""

from __future__ import annotations

import os
from keyword import iskeyword

from pyautoload._registry import EXPLICIT, FILE, NAMESPACE, PACKAGE, PENDING, ROOT_DIRS, Entry

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pyautoload._loader import Loader


def listing(directory: str) -> list[tuple[str, str, bool]]:
    """Return ``(name, abspath, is_dir)`` of a directory's visible entries, sorted by name."""
    try:
        with os.scandir(directory) as it:
            found = [(e.name, e.path, e.is_dir()) for e in it if not e.name.startswith(".")]
    except (FileNotFoundError, NotADirectoryError):
        return []
    found.sort()
    return found


def under(path: str, directory: str) -> bool:
    """Whether ``path`` is ``directory`` or inside it (both absolute)."""
    return path == directory or path.startswith(directory + os.sep)


def is_module_name(name: str) -> bool:
    """Whether a basename can be a module name (an identifier that is not a keyword)."""
    return name.isidentifier() and not iskeyword(name)


def has_python_files(directory: str, loader: Loader) -> bool:
    """Whether a directory holds a managed ``.py`` file, at any depth (stops at the first)."""
    subdirs = []
    try:
        with os.scandir(directory) as it:
            for entry in it:
                name = entry.name
                if name.startswith(".") or name == "__pycache__":
                    continue
                if entry.is_dir():
                    subdirs.append(entry.path)
                elif name.endswith(".py") and not loader.is_ignored(entry.path):
                    return True
    except (FileNotFoundError, NotADirectoryError):
        return False
    return any(
        path not in ROOT_DIRS and not loader.is_ignored(path) and has_python_files(path, loader)
        for path in subdirs
    )


class _Level:
    """The files and directories of one namespace level, before they become entries."""

    def __init__(self, dirs: list[str]) -> None:
        self.search = list(dirs)
        self.files: dict[str, str] = {}
        self.subdirs: dict[str, list[str]] = {}

    def add_dir(self, name: str, path: str, loader: Loader) -> None:
        if name == "__pycache__" or not is_module_name(name) or path in ROOT_DIRS:
            return
        if loader.is_ignored(path):
            return
        if loader.is_collapsed(path):
            self.search.append(path)
            return
        self.subdirs.setdefault(name, []).append(path)

    def add_file(self, name: str, path: str, loader: Loader) -> None:
        base = name[:-3]
        if base.startswith("_") or not is_module_name(base) or loader.is_ignored(path):
            return
        first = self.files.setdefault(base, path)
        if first != path:
            loader.trace(f"file {path} is shadowed by {first}")


def scan(namespace: Entry, loader: Loader) -> list[Entry]:
    """Read a namespace's directories and return its children.

    Collapsed directories found on the way are appended to ``namespace.dirs``.

    Raises:
        ConflictError: ``x.py`` and ``x/__init__.py`` both define module ``x``.
    """
    level = _Level(namespace.dirs)
    index = 0
    while index < len(level.search):
        for name, path, is_dir in listing(level.search[index]):
            if is_dir:
                level.add_dir(name, path, loader)
            elif name.endswith(".py"):
                level.add_file(name, path, loader)
        index += 1
    namespace.dirs = level.search
    return [
        _entry(namespace, base, level, loader) for base in sorted(level.files.keys() | level.subdirs.keys())
    ]


def _attribute(base: str, file: str, loader: Loader) -> str | None:
    """The expected name of a file, or ``None`` (logged) if the inflector gives no identifier."""
    name = loader.inflector.camelize(base, file)
    if name.isidentifier():
        return name
    loader.trace(f"{file} inflects to {name!r}, which is not a Python name; it defines nothing")
    return None


def _contents(dirs: list[str], loader: Loader) -> tuple[list[str], str | None]:
    """The directories that hold managed ``.py`` files, and the first managed ``__init__.py``."""
    kept: list[str] = []
    first_init: str | None = None
    for path in dirs:
        init = os.path.join(path, "__init__.py")
        has_init = os.path.isfile(init) and not loader.is_ignored(init)
        if has_init or has_python_files(path, loader):
            kept.append(path)
            if has_init and first_init is None:
                first_init = init
    return kept, first_init


def settle(entry: Entry, loader: Loader) -> bool:
    """Check a pending directory entry: make it a namespace or a package, or say it is empty.

    Call under ``_registry.LOCK``. Returns whether the entry is a module.
    """
    if entry.kind != PENDING:
        return True
    dirs, init = _contents(entry.dirs, loader)
    if not dirs:
        return False
    entry.dirs = dirs
    entry.file = init
    entry.kind = PACKAGE if init else NAMESPACE
    return True


def _entry(namespace: Entry, base: str, level: _Level, loader: Loader) -> Entry:
    module = f"{namespace.module}.{base}"
    file = level.files.get(base)
    candidates = level.subdirs.get(base)
    if candidates is None:
        assert file is not None
        return Entry(module, FILE, loader, file=file, attribute=_attribute(base, file, loader))
    if file is None:
        return Entry(module, PENDING, loader, dirs=candidates)
    dirs, init = _contents(candidates, loader)
    if not dirs:
        return Entry(module, FILE, loader, file=file, attribute=_attribute(base, file, loader))
    if init is not None:
        from pyautoload._errors import ConflictError

        raise ConflictError(
            f"pyautoload: {file} and {init} both define module {module}; "
            "keep one (an explicit namespace file, or the package's __init__.py)",
            path=file,
            other=init,
        )
    return Entry(module, EXPLICIT, loader, file=file, dirs=dirs, attribute=_attribute(base, file, loader))

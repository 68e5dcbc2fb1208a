"""Putting cache entries on the import path of the running process, and taking them off again.

Entries are *appended* to ``sys.path``, so a distribution the host already has always wins: an
extension's ``pip`` or ``typing_extensions`` can never replace the host's. ``.pth`` files of an
entry add their path lines; their ``import`` lines run only on explicit opt-in
(:attr:`PthPolicy.EXECUTE`, which behaves like :func:`site.addsitedir`).
"""

from __future__ import annotations

import enum
import importlib
import os
import sys
import threading
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

from xtnsmgr._errors import ExtensionImportError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (type checkers know the name)
if TYPE_CHECKING:
    import logging

_lock = threading.RLock()
_added: dict[str, list[str]] = {}  # entry directory -> every sys.path item added for it


class PthPolicy(enum.Enum):
    """What to do with the ``.pth`` files of an entry.

    Attributes:
        PATHS: add the path lines; skip (and log) ``import`` lines. The default.
        EXECUTE: add path lines and execute ``import`` lines, exactly like :func:`site.addsitedir`.
        IGNORE: leave ``.pth`` files alone.
    """

    PATHS = "paths"
    EXECUTE = "execute"
    IGNORE = "ignore"


def add_package_to_import_path(
    path: str | os.PathLike[str],
    *,
    pth_policy: PthPolicy = PthPolicy.PATHS,
    pth_files: Iterable[str] | None = None,
) -> list[str]:
    """Append an installed tree to ``sys.path`` and process its ``.pth`` files.

    Appending never shadows what the host already imports. Calling it twice is harmless.

    Args:
        path: the directory the installer populated (``--target``).
        pth_policy: how to treat ``.pth`` files (see :class:`PthPolicy`).
        pth_files: the ``.pth`` file names to process, when the caller already knows them;
            ``None`` lists the directory.

    Returns:
        The ``sys.path`` items added by this call (empty if ``path`` was already there).
    """
    entry = os.fspath(path)
    with _lock:
        if entry in sys.path:
            return []
        sys.path.append(entry)
        added = [entry]
        if pth_policy is not PthPolicy.IGNORE and (pth_files is None or pth_files):
            added += process_pth_files(entry, policy=pth_policy, names=pth_files)
        _added.setdefault(entry, []).extend(added)
    return added


def append_import_path(entry: str) -> None:
    """:func:`add_package_to_import_path` for a tree without ``.pth`` files (the cache's hit path)."""
    with _lock:
        if entry not in sys.path:
            sys.path.append(entry)
            _added.setdefault(entry, []).append(entry)


def process_pth_files(
    path: str | os.PathLike[str],
    *,
    policy: PthPolicy = PthPolicy.PATHS,
    names: Iterable[str] | None = None,
) -> list[str]:
    """Process the ``.pth`` files of a directory, in name order.

    Args:
        path: the directory holding the ``.pth`` files.
        policy: :attr:`PthPolicy.PATHS` adds existing directories named by path lines;
            :attr:`PthPolicy.EXECUTE` also executes lines starting with ``import`` (as
            :func:`site.addsitedir` does); :attr:`PthPolicy.IGNORE` does nothing.
        names: the file names to process; ``None`` lists ``path`` for ``*.pth`` (hidden files skipped).

    Returns:
        The directories appended to ``sys.path``.
    """
    if policy is PthPolicy.IGNORE:
        return []
    directory = os.fspath(path)
    if names is None:
        names = pth_file_names(directory)
    added: list[str] = []
    for name in sorted(names):
        added += _process_pth_file(directory, name, policy)
    return added


def pth_file_names(directory: str | os.PathLike[str]) -> list[str]:
    """The ``.pth`` files of a directory that :mod:`site` would read (hidden ones skipped)."""
    try:
        names = os.listdir(directory)
    except OSError:
        return []
    return sorted(name for name in names if name.endswith(".pth") and not name.startswith("."))


def _process_pth_file(directory: str, name: str, policy: PthPolicy) -> list[str]:
    try:
        raw = Path(directory, name).read_bytes()
    except OSError:
        return []
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        _logger().warning("skipping %s: not UTF-8", os.path.join(directory, name))
        return []
    added: list[str] = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith(("import ", "import\t")):
            if policy is PthPolicy.EXECUTE:
                exec(line)
            else:
                _logger().info("not executing import line of %s (PthPolicy.PATHS)", name)
            continue
        candidate = os.path.abspath(os.path.join(directory, line.rstrip()))
        if candidate not in sys.path and os.path.exists(candidate):
            sys.path.append(candidate)
            added.append(candidate)
    return added


def _logger() -> logging.Logger:
    import logging  # only on the rare paths that log: the hit path stays light

    return logging.getLogger("xtnsmgr")


def remove_package_from_import_path(path: str | os.PathLike[str]) -> list[str]:
    """Take an entry off ``sys.path`` and evict every module imported from it.

    A namespace package keeps living while it still has a portion elsewhere.

    Args:
        path: the directory given to :func:`add_package_to_import_path`.

    Returns:
        The names of the evicted modules.
    """
    entry = os.fspath(path)
    with _lock:
        items = _added.pop(entry, [entry])
        roots = tuple(os.path.join(os.path.abspath(item), "") for item in items)
        evicted = [name for name, module in list(sys.modules.items()) if _loaded_from(module, roots)]
        for item in items:
            while item in sys.path:
                sys.path.remove(item)
            sys.path_importer_cache.pop(item, None)
        for name in evicted:
            del sys.modules[name]
        importlib.invalidate_caches()
    return evicted


def cleanup_import_paths() -> list[str]:
    """Remove every entry added by :func:`add_package_to_import_path` (at host shutdown or in tests).

    Returns:
        The entries removed.
    """
    with _lock:
        entries = list(_added)
        for entry in entries:
            remove_package_from_import_path(entry)
    return entries


def added_import_paths() -> dict[str, list[str]]:
    """Every entry added so far, with the ``sys.path`` items it brought."""
    with _lock:
        return {entry: list(items) for entry, items in _added.items()}


def import_processor_module(name: str) -> ModuleType:
    """Import an extension module by dotted name.

    Raises:
        ExtensionImportError: it cannot be found, or importing it raised ``ImportError``.
    """
    try:
        return importlib.import_module(name)
    except ImportError as error:
        raise ExtensionImportError(name, str(error)) from error


def _loaded_from(module: ModuleType | None, roots: tuple[str, ...]) -> bool:
    if module is None:
        return False
    file = getattr(module, "__file__", None)
    if isinstance(file, str):
        return file.startswith(roots)
    locations = getattr(module, "__path__", None)
    if locations is None:
        return False
    try:
        portions = [os.path.join(os.path.abspath(item), "") for item in locations]
    except TypeError:
        return False
    return bool(portions) and all(portion.startswith(roots) for portion in portions)

"""Reading what an installer put into a directory: distributions, top-level modules, completeness."""

from __future__ import annotations

import os
from collections.abc import Iterable
from importlib.machinery import (
    BYTECODE_SUFFIXES,
    EXTENSION_SUFFIXES,
    SOURCE_SUFFIXES,
    ExtensionFileLoader,
    FileFinder,
    ModuleSpec,
    SourceFileLoader,
    SourcelessFileLoader,
)
from pathlib import Path

from xtnsmgr._errors import ExtensionInstallationError
from xtnsmgr._metadata import Distribution


def dist_info_directories(site: Path) -> list[Path]:
    """The ``*.dist-info`` directories of an installed tree, sorted."""
    return sorted(path for path in site.glob("*.dist-info") if path.is_dir())


def scan_distributions(site: Path) -> tuple[Distribution, ...]:
    """Every distribution in an installed tree, with its ``RECORD`` digest."""
    from packaging.utils import canonicalize_name

    from devcore.hashing import hash_file

    found = []
    for info in dist_info_directories(site):
        name, version = _name_and_version(info)
        record = info / "RECORD"
        digest = hash_file(record) if record.is_file() else ""
        found.append(Distribution(canonicalize_name(name), version, digest))
    return tuple(sorted(found, key=lambda d: d.name))


def _name_and_version(info: Path) -> tuple[str, str]:
    headers: dict[str, str] = {}
    metadata = info / "METADATA"
    if metadata.is_file():
        with metadata.open(encoding="utf-8", errors="replace") as stream:
            for line in stream:
                if not line.strip():
                    break
                key, _, value = line.partition(":")
                headers.setdefault(key.strip().lower(), value.strip())
    stem = info.name.removesuffix(".dist-info")
    fallback_name, _, fallback_version = stem.partition("-")
    return headers.get("name") or fallback_name, headers.get("version") or fallback_version


def record_paths(info: Path) -> list[str]:
    """The relative paths a distribution's ``RECORD`` lists (empty if it has none)."""
    try:
        text = (info / "RECORD").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return [line.rsplit(",", 2)[0].strip('"') for line in text.splitlines() if line.strip()]


def missing_files(site: Path) -> list[str]:
    """Files that a ``RECORD`` of the tree lists but that are absent (a half-finished install)."""
    present = _tree_files(site)  # one scandir per directory instead of one stat per file
    missing = []
    for info in dist_info_directories(site):
        for relative in record_paths(info):
            if relative.startswith("..") or os.path.isabs(relative):
                continue
            if relative not in present and not (site / relative).exists():
                missing.append(relative)
    return missing


def _tree_files(root: Path) -> set[str]:
    found: set[str] = set()
    for directory, _, files in os.walk(root):
        prefix = os.path.relpath(directory, root).replace(os.sep, "/")
        found.update(name if prefix == "." else f"{prefix}/{name}" for name in files)
    return found


def top_level_modules(site: Path, names: Iterable[str] | None = None) -> tuple[str, ...]:
    """The importable roots of the given distributions (all of them when ``names`` is ``None``).

    A package is named by its shallowest ``__init__.py``; a PEP 420 portion (no ``__init__.py``
    at its top) by its first regular subpackage, e.g. ``ns.part``.
    """
    from packaging.utils import canonicalize_name

    wanted = None if names is None else {canonicalize_name(name) for name in names}
    modules: set[str] = set()
    for info in dist_info_directories(site):
        name, _ = _name_and_version(info)
        if wanted is not None and canonicalize_name(name) not in wanted:
            continue
        modules.update(_modules_of(record_paths(info)))
    return tuple(sorted(_roots(modules)))


def _modules_of(paths: Iterable[str]) -> set[str]:
    modules = set()
    for relative in paths:
        parts = relative.split("/")
        if parts[0].endswith((".dist-info", ".data")) or ".." in parts or "__pycache__" in parts:
            continue
        if parts[-1] == "__init__.py" and len(parts) > 1:
            dotted = parts[:-1]
        elif len(parts) == 1 and parts[0].endswith((".py", ".so", ".pyd")):
            dotted = [parts[0].split(".", 1)[0]]
        else:
            continue
        if all(part.isidentifier() for part in dotted):
            modules.add(".".join(dotted))
    return modules


def _roots(modules: set[str]) -> set[str]:
    return {m for m in modules if not any(m.startswith(other + ".") for other in modules)}


def find_test(site: Path, modules: Iterable[str]) -> None:
    """Check, without executing anything, that each module resolves to real code in ``site``.

    This catches what a killed or half-finished install leaves: a package directory that
    would import as an empty namespace package, or a module file that is missing.

    Raises:
        ExtensionInstallationError: a module cannot be found or is only an empty directory.
    """
    for name in modules:
        spec = _find(site, name)
        if spec is None or spec.origin is None or not os.path.isfile(spec.origin):
            raise ExtensionInstallationError(name, f"find smoke test failed: {name} has no code in {site}")


def _find(site: Path, name: str) -> ModuleSpec | None:
    locations = [str(site)]
    spec = None
    for depth in range(1, name.count(".") + 2):
        prefix = ".".join(name.split(".")[:depth])
        spec = next((s for path in locations if (s := _finder(path).find_spec(prefix)) is not None), None)
        if spec is None:
            return None
        locations = list(spec.submodule_search_locations or [])
    return spec


def _finder(path: str) -> FileFinder:
    """A finder for one directory, kept out of ``sys.path_importer_cache``."""
    return FileFinder(
        path,
        (ExtensionFileLoader, EXTENSION_SUFFIXES),
        (SourceFileLoader, SOURCE_SUFFIXES),
        (SourcelessFileLoader, BYTECODE_SUFFIXES),
    )

"""Host detection: is a requirement already satisfied by the host environment?

The host's distributions are read from the ``*.dist-info`` / ``*.egg-info`` directory names of
``sys.path`` (no metadata file is opened), leaving out the cache's own entries.
"""

from __future__ import annotations

import os
import re
import sys

from xtnsmgr._specification import Specification

_SEPARATORS = re.compile(r"[-_.]+")


def host_distributions(cache_root: str) -> dict[str, str]:
    """The host environment's distributions (canonical name -> version), first on ``sys.path`` wins.

    Args:
        cache_root: the cache root; entries under it (and every entry xtnsmgr added) are not the host.
    """
    from xtnsmgr._importation import added_import_paths

    ours = {item for items in added_import_paths().values() for item in items}
    root = os.path.join(cache_root, "")
    host: dict[str, str] = {}
    for entry in sys.path:
        if entry in ours or os.path.abspath(entry or ".").startswith(root):
            continue
        for name, version in _installed_in(entry or "."):
            host.setdefault(name, version)
    return host


def host_version(spec: Specification, host: dict[str, str]) -> str | None:
    """The host's version of a plain requirement when it satisfies it, else ``None``.

    Only a requirement by name (no extras, no URL) can be satisfied by the host.
    """
    if spec.kind != "requirement" or spec.name is None or spec.extras or " @ " in spec.target:
        return None
    version = host.get(spec.name)
    if version is None or not _specifier_allows(spec.specifier, version):
        return None
    return version


def _installed_in(directory: str) -> list[tuple[str, str]]:
    """(canonical name, version) of each distribution whose metadata directory sits in ``directory``."""
    try:
        names = os.listdir(directory)
    except OSError:
        return []
    found = []
    for name in names:
        if name.endswith(".dist-info"):
            stem = name[: -len(".dist-info")]
        elif name.endswith(".egg-info"):
            stem = name[: -len(".egg-info")].split("-py", 1)[0]
        else:
            continue
        distribution, _, version = stem.partition("-")
        if distribution and version:
            found.append((_SEPARATORS.sub("-", distribution).lower(), version))
    return found


def _specifier_allows(specifier: str, version: str) -> bool:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import InvalidVersion

    try:
        return SpecifierSet(specifier).contains(version, prereleases=True)
    except (InvalidSpecifier, InvalidVersion):
        return False

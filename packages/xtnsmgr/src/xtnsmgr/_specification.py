"""Parsing what a host asks for: a PEP 508 requirement, a local wheel or sdist, or a URL."""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

from xtnsmgr._errors import ExtensionConfigError
from xtnsmgr._record import NamedTuple

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (type checkers know the name)
if TYPE_CHECKING:
    import re
    from typing import Literal, TypeAlias

    SpecificationKind: TypeAlias = Literal["requirement", "path", "url"]

_ARCHIVE_SUFFIXES = (".whl", ".tar.gz", ".tgz", ".zip", ".tar.bz2", ".tar.xz")
_NAMED_URL = r"^[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?\s*@"
_SEPARATORS = r"[-_.]+"
_BARE_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"
_SIMPLE_CLAUSE = r"(==|!=|>=|<=|~=|>|<)\s*([0-9]+(?:\.[0-9]+)*)"
_SIMPLE_REQUIREMENT = (
    r"^(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*"
    r"(?P<clauses>(?:==|!=|>=|<=|~=|>|<)\s*[0-9]+(?:\.[0-9]+)*(?:\s*,\s*(?:==|!=|>=|<=|~=|>|<)\s*[0-9]+(?:\.[0-9]+)*)*)?\s*$"
)
_URL_SCHEMES = frozenset({"http", "https", "file"})
_ARCHIVE_NAME = r"^(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._]*[A-Za-z0-9])?)-(?P<version>[0-9][^-]*?)(?:-.*)?$"


@functools.cache
def _regex(pattern: str) -> re.Pattern[str]:
    """A pattern compiled on first use: a plain name, the common case, needs none (nor ``re``)."""
    import re

    return re.compile(pattern)


class Specification(NamedTuple):
    """A parsed extension specification (an immutable record: cheap to build on a disk hit).

    Attributes:
        text: the specification as given.
        kind: ``requirement``, ``path`` or ``url``.
        target: what the installer receives: the normalized requirement, an absolute path or the URL.
        name: the canonical distribution name when it can be known before installing.
        specifier: the version specifier of a requirement (``""`` otherwise).
        extras: the requested extras of a requirement.
        identity: what the cache key digests (a local file includes its content digest).
    """

    text: str
    kind: SpecificationKind
    target: str
    name: str | None
    specifier: str = ""
    extras: tuple[str, ...] = ()
    identity: str = ""


def parse_specification(text: str) -> Specification:
    """Parse a specification: a PEP 508 requirement, a local wheel/sdist path, or a URL.

    Args:
        text: e.g. ``"rich>=13"``, ``"./dist/tool-1.0-py3-none-any.whl"`` or
            ``"https://example.org/tool-1.0.tar.gz"``.

    Returns:
        The parsed specification.

    Raises:
        ExtensionConfigError: the text is none of the three forms (it is named in the error).
    """
    if (
        type(text) is str
        and text.isascii()
        and text.replace("-", "").isalnum()
        and text[0] != "-"
        and text[-1] != "-"
        and "--" not in text
    ):  # a plain name (letters, digits, single inner dashes), the common case: its lowercase is canonical
        name = text.lower()
        # Specification(...) without the named tuple's Python-level __new__ (this is the hit path)
        return tuple.__new__(Specification, (text, "requirement", name, name, "", (), "requirement:" + name))
    if (
        type(text) is str
        and _regex(_BARE_NAME).fullmatch(text)
        and not text.lower().endswith(_ARCHIVE_SUFFIXES)
    ):
        name = _regex(_SEPARATORS).sub("-", text).lower()  # a bare name with dots or underscores
        return tuple.__new__(Specification, (text, "requirement", name, name, "", (), "requirement:" + name))
    if not isinstance(text, str) or not text.strip():
        raise ExtensionConfigError(text, "empty specification")
    stripped = text.strip()
    if _regex(_NAMED_URL).match(stripped) is None:
        if "://" in stripped:
            return _parse_url(text, stripped)
        if _looks_like_path(stripped):
            return _parse_path(text, stripped)
    try:
        return _with_text(_parse_requirement(stripped), text)
    except ExtensionConfigError as error:
        raise ExtensionConfigError(text, error.reason) from None


def _with_text(spec: Specification, text: str) -> Specification:
    if spec.text == text:
        return spec
    return Specification(text, spec.kind, spec.target, spec.name, spec.specifier, spec.extras, spec.identity)


def _looks_like_path(text: str) -> bool:
    if text.startswith(("/", "./", "../", "~", ".\\", "..\\")) or os.sep in text or "/" in text:
        return True
    return text.lower().endswith(_ARCHIVE_SUFFIXES)


def _parse_url(original: str, text: str) -> Specification:
    parts = urlsplit(text)
    if parts.scheme not in _URL_SCHEMES:
        raise ExtensionConfigError(original, f"unsupported URL scheme {parts.scheme!r}")
    if parts.scheme != "file" and not parts.netloc:
        raise ExtensionConfigError(original, "URL has no host")
    if any(ch.isspace() for ch in text):
        raise ExtensionConfigError(original, "URL contains whitespace")
    filename = unquote(parts.path.rsplit("/", 1)[-1])
    return Specification(original, "url", text, _name_from_archive(filename), identity=f"url:{text}")


def _parse_path(original: str, text: str) -> Specification:
    from devcore.hashing import hash_file

    try:
        path = Path(text).expanduser().resolve()
    except (RuntimeError, OSError, ValueError) as error:
        raise ExtensionConfigError(original, f"not a usable path: {error}") from None
    if not path.is_file():
        raise ExtensionConfigError(original, f"no such wheel or sdist file: {path}")
    if not path.name.lower().endswith(_ARCHIVE_SUFFIXES):
        raise ExtensionConfigError(original, f"not a wheel or sdist: {path.name}")
    digest = hash_file(path)
    return Specification(
        original, "path", str(path), _name_from_archive(path.name), identity=f"path:{path}#blake3={digest}"
    )


def _name_from_archive(filename: str) -> str | None:
    from packaging.utils import canonicalize_name

    for suffix in _ARCHIVE_SUFFIXES:
        if filename.lower().endswith(suffix):
            match = _regex(_ARCHIVE_NAME).match(filename[: -len(suffix)])
            return canonicalize_name(match["name"]) if match else None
    return None


@functools.lru_cache(maxsize=4096)
def _parse_requirement(text: str) -> Specification:
    return _parse_simple_requirement(text) or _parse_full_requirement(text)


def _parse_simple_requirement(text: str) -> Specification | None:
    """The common case (a name and plain numeric clauses) without loading ``packaging``.

    Gives exactly what :func:`_parse_full_requirement` gives, or ``None`` to defer to it.
    """
    match = _regex(_SIMPLE_REQUIREMENT).match(text)
    if match is None:
        return None
    if match["clauses"] is None:  # a bare name, the most common specification
        name = _regex(_SEPARATORS).sub("-", match["name"]).lower()
        return Specification(text, "requirement", name, name, "", identity=f"requirement:{name}")
    clauses: set[str] = set()
    canonical: set[tuple[str, str]] = set()
    for operator, version in _regex(_SIMPLE_CLAUSE).findall(match["clauses"] or ""):
        if operator == "~=" and "." not in version:
            return None
        if operator + version not in clauses:
            clauses.add(operator + version)
            canonical.add(_canonical_clause(operator, version))
    if len(canonical) != len(clauses):
        return None  # equal clauses spelled differently (==1, ==1.0): packaging keeps one of them
    name = _regex(_SEPARATORS).sub("-", match["name"]).lower()
    normalized = name + ",".join(sorted(clauses))
    return Specification(
        text, "requirement", normalized, name, ",".join(sorted(clauses)), identity=f"requirement:{normalized}"
    )


def _canonical_clause(operator: str, version: str) -> tuple[str, str]:
    parts = [str(int(part)) for part in version.split(".")]
    while operator != "~=" and len(parts) > 1 and parts[-1] == "0":
        parts.pop()
    return operator, ".".join(parts)


def _parse_full_requirement(text: str) -> Specification:
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    try:
        requirement = Requirement(text)
    except InvalidRequirement as error:
        raise ExtensionConfigError(text, str(error).splitlines()[0]) from None
    name = canonicalize_name(requirement.name)
    extras = tuple(sorted(canonicalize_name(extra) for extra in requirement.extras))
    specifier = str(requirement.specifier)
    normalized = name + (f"[{','.join(extras)}]" if extras else "") + specifier
    if requirement.url:
        normalized += f" @ {requirement.url}"
    if requirement.marker is not None:
        normalized += f" ; {requirement.marker}"
    return Specification(
        text, "requirement", normalized, name, specifier, extras, identity=f"requirement:{normalized}"
    )


def require_matching_marker(spec: Specification) -> None:
    """Refuse a requirement whose environment marker is false here: no install could satisfy it
    in this interpreter (pip and uv would skip it and install nothing).

    Raises:
        ExtensionConfigError: the marker is false for the running interpreter (it is named).
    """
    if spec.kind != "requirement" or " ; " not in spec.target:
        return
    import platform

    from packaging.requirements import Requirement

    marker = Requirement(spec.target).marker
    if marker is not None and not marker.evaluate():
        here = f"{platform.python_implementation()} {platform.python_version()} on {sys.platform}"
        raise ExtensionConfigError(spec.text, f"its marker '{marker}' is false on this interpreter ({here})")

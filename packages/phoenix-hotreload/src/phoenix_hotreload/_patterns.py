"""Subscription patterns over dotted config paths: hierarchy, glob and regex."""

from __future__ import annotations

import re
from collections.abc import Callable
from fnmatch import fnmatchcase

from phoenix_hotreload._frozen import split_path

Matcher = Callable[[str], bool]

_GLOB_CHARS = frozenset("*?[")


def compile_pattern(pattern: str | re.Pattern[str]) -> Matcher:
    """A predicate over changed paths for one subscription pattern.

    - a compiled regex, or a string starting with ``re:``, must match the whole path;
    - a string with ``*``, ``?`` or ``[`` is a glob over dot-separated segments (``*`` is one
      segment, ``**`` any number); it matches a path, the path's descendants and the path's
      ancestors that could contain a match (``db.*`` sees ``db.pool.size`` and ``db``);
    - any other string is a path in the hierarchy: it matches itself, everything below it and
      everything above it (``db.pool`` sees ``db.pool.size`` and a replaced ``db``);
      ``""`` matches every path.
    """
    if isinstance(pattern, re.Pattern):
        return _regex(pattern)
    if pattern.startswith("re:"):
        return _regex(re.compile(pattern[3:]))
    if any(char in _GLOB_CHARS for char in pattern):
        segments = split_path(pattern)
        return lambda path: _glob_related(segments, split_path(path))
    return _hierarchy(pattern)


def plain_path(pattern: str | re.Pattern[str]) -> str | None:
    """The path of a hierarchy pattern, ``None`` for globs and regexes."""
    if isinstance(pattern, re.Pattern) or pattern.startswith("re:"):
        return None
    return None if any(char in _GLOB_CHARS for char in pattern) else pattern


def hierarchy_head(pattern: str | re.Pattern[str]) -> str | None:
    """The first segment of a non-empty hierarchy pattern: every path it matches starts with
    it (or is the root); ``None`` for the root pattern, globs and regexes."""
    path = plain_path(pattern)
    return path.split(".", 1)[0] if path else None


def _regex(compiled: re.Pattern[str]) -> Matcher:
    return lambda path: compiled.fullmatch(path) is not None


def _hierarchy(pattern: str) -> Matcher:
    """The path itself, its descendants and its ancestors (string tests: this runs for every
    changed path of every version, once per subscription)."""
    if not pattern:
        return lambda path: True
    below = pattern + "."

    def related(path: str) -> bool:
        return not path or path == pattern or path.startswith(below) or pattern.startswith(path + ".")

    return related


def _glob_related(pattern: tuple[str, ...], path: tuple[str, ...]) -> bool:
    """True when ``path`` or an ancestor matches, or ``path`` is an ancestor of a possible match."""
    return any(_glob_match(pattern, path[:end]) for end in range(len(path), 0, -1)) or _glob_prefix(
        pattern, path
    )


def _glob_match(pattern: tuple[str, ...], path: tuple[str, ...]) -> bool:
    if not pattern:
        return not path
    head, rest = pattern[0], pattern[1:]
    if head == "**":
        return any(_glob_match(rest, path[skip:]) for skip in range(len(path) + 1))
    return bool(path) and fnmatchcase(path[0], head) and _glob_match(rest, path[1:])


def _glob_prefix(pattern: tuple[str, ...], path: tuple[str, ...]) -> bool:
    """Whether some path below ``path`` (strictly) could match ``pattern`` before any ``**``."""
    if not path:
        return bool(pattern)
    if not pattern:
        return False
    head, rest = pattern[0], pattern[1:]
    return head != "**" and fnmatchcase(path[0], head) and _glob_prefix(rest, path[1:])

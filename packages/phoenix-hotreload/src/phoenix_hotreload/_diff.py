"""Differences between two configuration trees, path by path."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from phoenix_hotreload._frozen import thaw

_ABSENT: Any = object()
_SCALARS = frozenset({str, int, float, bool, type(None)})


@dataclass(frozen=True, slots=True)
class Change:
    """One path whose value differs.

    Attributes:
        path: dotted config path of a leaf (or of a value whose type changed).
        old: the value before (``None`` when the path was added).
        new: the value after (``None`` when the path was removed).
        kind: ``"added"``, ``"removed"`` or ``"changed"``.
    """

    path: str
    old: Any
    new: Any
    kind: str

    def to_json(self) -> dict[str, Any]:
        """The change as a JSON-ready dictionary."""
        return {"path": self.path, "kind": self.kind, "old": _jsonable(self.old), "new": _jsonable(self.new)}


@dataclass(frozen=True, slots=True)
class Diff:
    """Added, removed and changed paths between two configurations, in path order."""

    added: tuple[Change, ...] = ()
    removed: tuple[Change, ...] = ()
    changed: tuple[Change, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def __iter__(self) -> Iterator[Change]:
        return iter(sorted((*self.added, *self.removed, *self.changed), key=lambda c: c.path))

    @property
    def paths(self) -> tuple[str, ...]:
        """Every path that differs, sorted."""
        return tuple(change.path for change in self)

    def to_json(self) -> dict[str, list[dict[str, Any]]]:
        """The diff as JSON-ready data: ``{"added": [...], "removed": [...], "changed": [...]}``."""
        return {
            "added": [c.to_json() for c in self.added],
            "removed": [c.to_json() for c in self.removed],
            "changed": [c.to_json() for c in self.changed],
        }

    def to_text(self) -> str:
        """The diff for people: one line per path, ``+`` added, ``-`` removed, ``~`` changed."""
        lines = []
        for change in self:
            if change.kind == "added":
                lines.append(f"+ {change.path} = {_show(change.new)}")
            elif change.kind == "removed":
                lines.append(f"- {change.path} (was {_show(change.old)})")
            else:
                lines.append(f"~ {change.path}: {_show(change.old)} -> {_show(change.new)}")
        return "\n".join(lines) if lines else "(no differences)"


def diff_trees(old: Any, new: Any) -> Diff:
    """Compare two trees; mappings are walked, anything else is compared whole.

    Subtrees shared between the two (structural sharing) are skipped without a look inside.
    """
    added: list[Change] = []
    removed: list[Change] = []
    changed: list[Change] = []
    _walk(old, new, "", added, removed, changed)
    key = _path_key
    return Diff(
        tuple(sorted(added, key=key)), tuple(sorted(removed, key=key)), tuple(sorted(changed, key=key))
    )


def _path_key(change: Change) -> str:
    return change.path


def _walk(
    old: Any, new: Any, prefix: str, added: list[Change], removed: list[Change], changed: list[Change]
) -> None:
    if old is new:
        return
    if type(old) in _SCALARS or type(new) in _SCALARS:  # most leaves: no ABC checks
        if type(old) is not type(new) or old != new:
            changed.append(Change(prefix, old, new, "changed"))
        return
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        for key in old:
            path = f"{prefix}.{key}" if prefix else str(key)
            if key in new:
                _walk(old[key], new[key], path, added, removed, changed)
            else:
                removed.extend(Change(p, v, None, "removed") for p, v in _leaves(old[key], path))
        for key in new:
            if key not in old:
                path = f"{prefix}.{key}" if prefix else str(key)
                added.extend(Change(p, None, v, "added") for p, v in _leaves(new[key], path))
        return
    if type(old) is not type(new) or old != new:
        changed.append(Change(prefix, old, new, "changed"))


def _leaves(tree: Any, prefix: str) -> Iterator[tuple[str, Any]]:
    if isinstance(tree, Mapping) and tree:
        for key, value in tree.items():
            yield from _leaves(value, f"{prefix}.{key}")
    else:
        yield prefix, tree


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(thaw(value), default=_default))


def _default(value: Any) -> Any:
    if isinstance(value, set | frozenset):
        return sorted(value, key=repr)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def _show(value: Any) -> str:
    return json.dumps(_jsonable(value))

"""Deep-frozen configuration trees with structural sharing.

A tree is made of `FrozenDict` (mappings), tuples (sequences), frozensets (sets) and immutable
scalars. `freeze` converts parsed data into such a tree; given the previous tree, it reuses every
subtree that did not change, so a one-key edit allocates only the mappings on the path to that
key (copy-on-write with structural sharing).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

_MISSING: Final = object()


class FrozenDict(Mapping[str, Any]):
    """An immutable, hashable mapping; the node type of every configuration tree."""

    __slots__ = ("_data", "_hash")

    def __init__(self, data: dict[str, Any] | None = None) -> None:
        self._data: dict[str, Any] = data if data is not None else {}
        self._hash: int | None = None

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self._data.items()))
        return self._hash

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if isinstance(other, FrozenDict):
            return self._data == other._data
        if isinstance(other, Mapping):
            return self._data == dict(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"FrozenDict({self._data!r})"


EMPTY: Final = FrozenDict()


def freeze(value: Any, previous: Any = _MISSING) -> Any:
    """Deep-freeze ``value``, reusing unchanged subtrees of ``previous``.

    Objects shared inside ``value`` (YAML aliases) stay shared in the frozen tree.

    Args:
        value: parsed data: dicts, lists, tuples, sets and scalars.
        previous: an earlier frozen tree to share structure with.

    Returns:
        The frozen tree; ``previous`` itself when nothing changed.
    """
    return _freeze(value, previous, {})


_SCALARS: Final = frozenset({str, int, float, bool, type(None)})


def _freeze(value: Any, previous: Any, memo: dict[int, Any]) -> Any:
    if type(value) in _SCALARS:  # most leaves: no ABC checks
        return previous if type(previous) is type(value) and previous == value else value
    if isinstance(value, Mapping):
        return _freeze_mapping(value, previous, memo)
    if isinstance(value, list | tuple):
        return _freeze_sequence(value, previous, memo)
    if isinstance(value, set | frozenset):
        frozen_set = frozenset(value)
        return previous if _same(previous, frozen_set) else frozen_set
    return previous if _same(previous, value) else value


def _freeze_mapping(value: Mapping[Any, Any], previous: Any, memo: dict[int, Any]) -> Any:
    key = id(value)
    if key in memo and previous is _MISSING:
        return memo[key]
    old = previous if isinstance(previous, FrozenDict) else EMPTY
    children = {str(k): _freeze(v, old.get(str(k), _MISSING), memo) for k, v in value.items()}
    reused = isinstance(previous, FrozenDict) and len(children) == len(old)
    if reused and all(k in old and old[k] is v for k, v in children.items()):
        result: Any = previous
    else:
        result = FrozenDict(children)
    memo[key] = result
    return result


def _freeze_sequence(value: list[Any] | tuple[Any, ...], previous: Any, memo: dict[int, Any]) -> Any:
    key = id(value)
    if key in memo and previous is _MISSING:
        return memo[key]
    old = previous if isinstance(previous, tuple) else ()
    items = tuple(_freeze(v, old[i] if i < len(old) else _MISSING, memo) for i, v in enumerate(value))
    same = isinstance(previous, tuple) and len(items) == len(old)
    result = previous if same and all(a is b for a, b in zip(items, old, strict=True)) else items
    memo[key] = result
    return result


def _same(previous: Any, value: Any) -> bool:
    if previous is _MISSING or type(previous) is not type(value):
        return False
    try:
        return bool(previous == value)
    except Exception:
        return False


def thaw(value: Any) -> Any:
    """Plain ``dict`` / ``list`` copy of a frozen tree (for validation and JSON)."""
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [thaw(v) for v in value]
    if isinstance(value, frozenset):
        return set(value)
    return value


def split_path(path: str) -> tuple[str, ...]:
    """The segments of a dotted config path (``"db.pool.size"``); ``""`` is the root."""
    return tuple(path.split(".")) if path else ()


def lookup(tree: Any, path: str, default: Any = _MISSING) -> Any:
    """The value at a dotted ``path`` of ``tree``; sequence items are addressed by index.

    Raises:
        KeyError: when the path is absent and no default is given.
    """
    node = tree
    for segment in split_path(path):
        if isinstance(node, Mapping) and segment in node:
            node = node[segment]
        elif (
            isinstance(node, tuple)
            and segment.lstrip("-").isdigit()
            and -len(node) <= int(segment) < len(node)
        ):
            node = node[int(segment)]
        elif default is _MISSING:
            raise KeyError(path)
        else:
            return default
    return node

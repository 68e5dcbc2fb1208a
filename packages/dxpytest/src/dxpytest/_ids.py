"""pytest's parametrize ids, computed from literal values (pytest's ``IdMaker`` rules).

Each value becomes: its explicit id; else str/bytes escaped to ASCII (long ones by the
``parametrize_long_str_id_strategy``); None, bool and numbers by ``str``; anything else the
argument name and the index. Duplicates get a counter suffix (``_`` before it when the id ends
in a digit). Anything that needs a run-time value raises `Undecidable`.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass

_NON_PRINTABLE = {i: f"\\x{i:02x}" for i in range(128) if i not in range(32, 127)}
_NON_PRINTABLE.update({ord("\t"): "\\t", ord("\r"): "\\r", ord("\n"): "\\n"})


class Undecidable(Exception):
    """The static result would be a guess: the file must be collected by pytest itself."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Fallback:
    """A value pytest cannot turn into an id (lists, dicts, objects): ``argname`` + index."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "Fallback()"


FALLBACK = Fallback()
IdValue = str | bytes | int | float | complex | bool | None | Fallback


@dataclass(frozen=True)
class ParameterSet:
    """One row of a parametrization: its values and the explicit id, if any."""

    values: tuple[IdValue, ...]
    explicit_id: str | None = None


@dataclass(frozen=True)
class IdOptions:
    """The configuration settings that change ids."""

    escape: bool = True
    long_str_strategy: str = "short"
    strict: bool = False


def ascii_escaped(value: str | bytes) -> str:
    r"""pytest's escaping: non-ASCII and non-printable characters as ``\x..``/``\u....``."""
    if isinstance(value, bytes):
        text = value.decode("ascii", "backslashreplace")
    else:
        text = value.encode("unicode_escape").decode("ascii")
    return text.translate(_NON_PRINTABLE)


def _escaped(value: str | bytes, options: IdOptions) -> str:
    if not options.escape:
        if isinstance(value, bytes):
            raise Undecidable("bytes id with escaping disabled")
        return value
    return ascii_escaped(value)


def _id_from_value(value: IdValue, options: IdOptions) -> str | None:
    if isinstance(value, Fallback):
        return None
    if isinstance(value, str | bytes):
        return _escaped(value, options)
    return str(value)


def _auto_id(value: IdValue, argname: str, index: int, options: IdOptions) -> str:
    if isinstance(value, str | bytes) and len(value) > 100:
        strategy = options.long_str_strategy
        if strategy == "legacy":
            return _escaped(value, options)
        if strategy == "sha256":
            encoded = value.encode("utf-8") if isinstance(value, str) else value
            return hashlib.sha256(encoded).hexdigest()
        if strategy != "short":
            raise Undecidable(f"parametrize_long_str_id_strategy={strategy}")
        return f"{argname}{index}"
    made = _id_from_value(value, options)
    return f"{argname}{index}" if made is None else made


def _resolve(
    argnames: tuple[str, ...],
    rows: list[ParameterSet],
    ids: tuple[IdValue, ...] | None,
    options: IdOptions,
) -> list[str]:
    resolved: list[str] = []
    for index, row in enumerate(rows):
        if row.explicit_id is not None:
            resolved.append(_escaped(row.explicit_id, options))
        elif ids is not None and index < len(ids) and ids[index] is not None:
            made = _id_from_value(ids[index], options)
            if made is None:
                raise Undecidable("unsupported value in ids=")
            resolved.append(made)
        else:
            if len(row.values) != len(argnames):
                raise Undecidable("parameter set length differs from argnames")
            resolved.append(
                "-".join(
                    _auto_id(value, name, index, options)
                    for value, name in zip(row.values, argnames, strict=True)
                )
            )
    return resolved


def make_ids(
    argnames: tuple[str, ...],
    rows: list[ParameterSet],
    ids: tuple[IdValue, ...] | None = None,
    options: IdOptions | None = None,
) -> list[str]:
    """Return pytest's unique ids for one ``parametrize`` call.

    Args:
        argnames: The parametrized argument names.
        rows: The parameter sets, in order.
        ids: The literal ``ids=`` list, if given.
        options: Settings from the configuration.

    Returns:
        One id per row, made unique as pytest does.

    Raises:
        Undecidable: pytest would fail collection or needs a run-time value.
    """
    options = options or IdOptions()
    resolved = _resolve(argnames, rows, ids, options)
    if len(resolved) == len(set(resolved)):
        return resolved
    if options.strict:
        raise Undecidable("duplicate ids with strict_parametrization_ids")
    counts = Counter(resolved)
    suffixes: defaultdict[str, int] = defaultdict(int)
    for index, made in enumerate(resolved):
        if counts[made] > 1:
            separator = "_" if made and made[-1].isdigit() else ""
            candidate = f"{made}{separator}{suffixes[made]}"
            while candidate in set(resolved):
                suffixes[made] += 1
                candidate = f"{made}{separator}{suffixes[made]}"
            resolved[index] = candidate
            suffixes[made] += 1
    return resolved

"""Choosing which collected tests run: node ids and globs, ``-k``, ``-m``, ``--lf``/``--ff``, shards."""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping

from dxpytest._errors import UsageError
from dxpytest._expression import Expression, keyword_matcher, mark_matcher
from dxpytest._index import Item, Result

DEFAULT_DURATION_S = 0.005


def keyword_names(item: Item) -> set[str]:
    """The names ``-k`` matches against: path parts below the rootdir, node names, marks, extras."""
    path, *rest = item.nodeid.split("::")
    return {*path.split("/"), *rest, *item.marks, *item.keywords}


def matches_selector(nodeid: str, selector: str) -> bool:
    """pytest's node-id argument matching, plus ``*``/``?`` globs over node ids."""
    if any(char in selector for char in "*?"):
        return fnmatch.fnmatchcase(nodeid, selector)
    return nodeid == selector or nodeid.startswith((f"{selector}::", f"{selector}["))


def by_selectors(items: list[Item], selectors: list[str], plain_prefixes: list[str]) -> list[Item]:
    """Items matched by a node-id selector, or lying under a plain path argument."""
    if not selectors:
        return items

    def under_plain(nodeid: str) -> bool:
        return any(
            prefix in ("", ".") or nodeid.startswith((f"{prefix}/", f"{prefix}::")) or nodeid == prefix
            for prefix in plain_prefixes
        )

    return [
        item
        for item in items
        if under_plain(item.nodeid) or any(matches_selector(item.nodeid, s) for s in selectors)
    ]


def by_expressions(items: list[Item], keyword: str | None, markexpr: str | None) -> list[Item]:
    """Items whose names satisfy ``-k`` and whose marks satisfy ``-m``."""
    keyword_expression = Expression(keyword) if keyword else None
    mark_expression = Expression(markexpr) if markexpr else None
    chosen = []
    for item in items:
        if keyword_expression and not keyword_expression.evaluate(keyword_matcher(keyword_names(item))):
            continue
        if mark_expression and not mark_expression.evaluate(mark_matcher(set(item.marks))):
            continue
        chosen.append(item)
    return chosen


def failed_nodeids(results: Mapping[str, Result]) -> set[str]:
    """Tests whose last outcome was a failure or an error."""
    return {nodeid for nodeid, result in results.items() if result.outcome in ("failed", "error")}


def last_failed(items: list[Item], results: Mapping[str, Result]) -> list[Item]:
    """``--lf``: only the tests that failed last time (all of them when none did)."""
    failed = failed_nodeids(results)
    chosen = [item for item in items if item.nodeid in failed]
    return chosen or items


def failed_first(items: list[Item], results: Mapping[str, Result]) -> list[Item]:
    """``--ff``: the tests that failed last time first, then the rest, each in collection order."""
    failed = failed_nodeids(results)
    return [item for item in items if item.nodeid in failed] + [
        item for item in items if item.nodeid not in failed
    ]


def parse_shard(text: str) -> tuple[int, int]:
    """``K/N`` → (K, N) with 1 ≤ K ≤ N.

    Raises:
        UsageError: Not of that form.
    """
    head, sep, tail = text.partition("/")
    try:
        index, total = int(head), int(tail)
    except ValueError:
        index, total = 0, 0
    if not sep or total < 1 or not 1 <= index <= total:
        raise UsageError(f"--shard expects K/N with 1 <= K <= N, got {text!r}", argument=text)
    return index, total


def shard(items: list[Item], index: int, total: int, results: Mapping[str, Result]) -> list[Item]:
    """Shard `index` of `total`: the longest tests first onto the lightest shard (by recorded
    durations), so shards take about the same time; order within a shard is collection order."""
    known = [r.duration_s for r in results.values() if r.duration_s > 0]
    default = sorted(known)[len(known) // 2] if known else DEFAULT_DURATION_S

    def duration(item: Item) -> float:
        result = results.get(item.nodeid)
        return result.duration_s if result and result.duration_s > 0 else default

    loads = [0.0] * total
    owner: dict[str, int] = {}
    for item in sorted(items, key=lambda i: (-duration(i), i.nodeid)):
        lightest = min(range(total), key=lambda s: (loads[s], s))
        owner[item.nodeid] = lightest
        loads[lightest] += duration(item)
    return [item for item in items if owner[item.nodeid] == index - 1]

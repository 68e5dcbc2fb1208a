from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from phoenix_hotreload import diff_trees
from phoenix_hotreload._frozen import freeze, split_path, thaw

leaves = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.sampled_from(["a", "b"]))
keys = st.sampled_from(["a", "b", "c", "d"])
trees = st.recursive(
    leaves, lambda children: st.dictionaries(keys, children, min_size=1, max_size=3), max_leaves=12
)
configs = st.dictionaries(keys, trees, max_size=4)


def test_added_removed_and_changed_paths() -> None:
    old = freeze({"db": {"host": "a", "port": 1}, "gone": {"x": 1, "y": 2}})
    new = freeze({"db": {"host": "b", "port": 1, "user": "u"}})
    diff = diff_trees(old, new)
    assert [c.path for c in diff.added] == ["db.user"]
    assert [c.path for c in diff.removed] == ["gone.x", "gone.y"]
    assert [(c.path, c.old, c.new) for c in diff.changed] == [("db.host", "a", "b")]
    assert diff.paths == ("db.host", "db.user", "gone.x", "gone.y")
    assert diff.to_text().splitlines() == [
        '~ db.host: "a" -> "b"',
        '+ db.user = "u"',
        "- gone.x (was 1)",
        "- gone.y (was 2)",
    ]
    assert json.loads(json.dumps(diff.to_json()))["changed"][0] == {
        "path": "db.host",
        "kind": "changed",
        "old": "a",
        "new": "b",
    }


def test_a_type_change_is_one_changed_path() -> None:
    diff = diff_trees(freeze({"db": {"port": 1}}), freeze({"db": "sqlite://"}))
    assert [(c.path, c.kind) for c in diff] == [("db", "changed")]
    assert not diff_trees(freeze({"a": 1}), freeze({"a": 1}))
    assert diff_trees(freeze({}), freeze({})).to_text() == "(no differences)"


def test_bool_and_int_are_different_values() -> None:
    assert diff_trees(freeze({"a": 1}), freeze({"a": True})).paths == ("a",)


def _apply(tree: Any, path: str, value: Any, remove: bool) -> None:
    *parents, last = split_path(path)
    node = tree
    for segment in parents:
        node = node.setdefault(segment, {})
        if not isinstance(node, dict):
            return
    if remove:
        node.pop(last, None)
    else:
        node[last] = value


def _prune_empty(tree: Any) -> Any:
    if isinstance(tree, dict):
        pruned = {k: _prune_empty(v) for k, v in tree.items()}
        return {k: v for k, v in pruned.items() if v != {} or not isinstance(v, dict)}
    return tree


@given(configs, configs)
def test_applying_a_diff_to_the_old_tree_gives_the_new_one(old: dict[str, Any], new: dict[str, Any]) -> None:
    diff = diff_trees(freeze(old), freeze(new))
    patched = thaw(freeze(old))
    for change in diff.removed:
        _apply(patched, change.path, None, remove=True)
    for change in (*diff.changed, *diff.added):
        _apply(patched, change.path, thaw(change.new), remove=False)
    assert _prune_empty(patched) == _prune_empty(new)
    assert not diff_trees(freeze(new), freeze(new))

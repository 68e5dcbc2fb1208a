from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from phoenix_hotreload import FrozenDict
from phoenix_hotreload._frozen import freeze, lookup, thaw

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8), st.floats(allow_nan=False))
trees = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=30,
)
configs = st.dictionaries(st.text(min_size=1, max_size=5), trees, max_size=6)


@given(configs)
def test_freeze_then_thaw_round_trips(data: dict[str, object]) -> None:
    assert thaw(freeze(data)) == data


@given(configs, configs)
def test_freezing_against_a_previous_tree_gives_the_same_value(
    old: dict[str, object], new: dict[str, object]
) -> None:
    assert thaw(freeze(new, freeze(old))) == new


def test_frozen_trees_cannot_be_changed() -> None:
    tree = freeze({"db": {"hosts": ["a", "b"]}})
    with pytest.raises(TypeError):
        tree["db"] = 1  # type: ignore[index]
    assert isinstance(tree["db"]["hosts"], tuple)
    assert hash(tree) == hash(freeze({"db": {"hosts": ["a", "b"]}}))


def test_a_one_key_change_shares_every_other_subtree() -> None:
    data = {f"section{i}": {f"key{j}": j for j in range(10)} for i in range(20)}
    old = freeze(data)
    data["section3"] = {**data["section3"], "key4": -1}
    new = freeze(data, old)
    assert new is not old
    assert new["section3"] is not old["section3"]
    assert all(new[f"section{i}"] is old[f"section{i}"] for i in range(20) if i != 3)
    assert freeze(thaw(new), new) is new


def test_aliased_objects_stay_shared() -> None:
    shared = {"size": 5}
    tree = freeze({"a": shared, "b": shared})
    assert tree["a"] is tree["b"]


def test_lookup_walks_mappings_and_sequences() -> None:
    tree = freeze({"db": {"replicas": [{"host": "r1"}, {"host": "r2"}]}})
    assert lookup(tree, "db.replicas.1.host") == "r2"
    assert lookup(tree, "db.missing", None) is None
    assert lookup(tree, "") is tree
    with pytest.raises(KeyError):
        lookup(tree, "db.replicas.7")


def test_frozen_dict_equals_plain_mappings() -> None:
    assert FrozenDict({"a": 1}) == {"a": 1}
    assert FrozenDict({"a": 1}) != {"a": 2}

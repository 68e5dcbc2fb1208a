from __future__ import annotations

import math

import pytest
from _pytest.mark.structures import ParameterSet as PytestParameterSet
from _pytest.python import IdMaker
from hypothesis import given
from hypothesis import strategies as st

from dxpytest._ids import FALLBACK, IdOptions, ParameterSet, Undecidable, ascii_escaped, make_ids

scalars = st.one_of(
    st.text(max_size=120),
    st.binary(max_size=20),
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
    st.complex_numbers(allow_nan=False),
)


def pytest_ids(
    argnames: list[str], rows: list[tuple[object, ...]], ids: list[object] | None = None
) -> list[str]:
    single = len(argnames) == 1
    sets = [PytestParameterSet.extract_from(row[0] if single else row, force_tuple=single) for row in rows]
    maker = IdMaker(argnames, sets, None, ids, None, nodeid=None)
    return list(maker.make_unique_parameterset_ids())  # type: ignore[arg-type]


@given(st.lists(st.tuples(scalars, scalars), min_size=1, max_size=8))
def test_ids_match_pytest_for_literal_values(rows: list[tuple[object, object]]) -> None:
    ours = make_ids(("a", "b"), [ParameterSet(tuple(row)) for row in rows])  # type: ignore[arg-type]
    assert ours == pytest_ids(["a", "b"], rows)


@given(st.lists(st.sampled_from(["x", "x", "y", "1", "a1", "a", ""]), min_size=1, max_size=10))
def test_duplicate_ids_get_pytests_suffixes(values: list[str]) -> None:
    ours = make_ids(("v",), [ParameterSet((value,)) for value in values])
    assert ours == pytest_ids(["v"], [(value,) for value in values])


@given(st.lists(st.one_of(st.text(max_size=10), st.none(), st.integers()), min_size=3, max_size=3))
def test_explicit_ids_list(ids: list[object]) -> None:
    rows = [(1,), (2,), (3,)]
    ours = make_ids(("v",), [ParameterSet(row) for row in rows], tuple(ids))  # type: ignore[arg-type]
    assert ours == pytest_ids(["v"], rows, ids)


def test_unsupported_values_fall_back_to_argname_and_index() -> None:
    assert make_ids(("a", "b"), [ParameterSet((FALLBACK, 1)), ParameterSet((2, FALLBACK))]) == [
        "a0-1",
        "2-b1",
    ]
    assert pytest_ids(["a", "b"], [([1], 1), (2, {})]) == ["a0-1", "2-b1"]


def test_long_strings_follow_the_strategy() -> None:
    long = "x" * 101
    assert make_ids(("s",), [ParameterSet((long,))]) == ["s0"]
    assert make_ids(("s",), [ParameterSet((long,))], options=IdOptions(long_str_strategy="legacy")) == [long]
    with pytest.raises(Undecidable):
        make_ids(("s",), [ParameterSet((long,))], options=IdOptions(long_str_strategy="disallow"))


def test_strict_ids_reject_duplicates() -> None:
    with pytest.raises(Undecidable):
        make_ids(("v",), [ParameterSet((1,)), ParameterSet((1,))], options=IdOptions(strict=True))


@given(st.text())
def test_ascii_escaped_is_ascii(text: str) -> None:
    escaped = ascii_escaped(text)
    assert escaped.isascii()
    assert all(char.isprintable() for char in escaped)


def test_nan_and_infinity_are_strs() -> None:
    assert make_ids(("f",), [ParameterSet((math.inf,)), ParameterSet((-math.inf,))]) == ["inf", "-inf"]

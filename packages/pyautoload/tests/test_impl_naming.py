"""The naming rule of directories and files: identifiers that are not keywords, on any Python."""

from __future__ import annotations

import keyword

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pyautoload._discover import _KEYWORDS, is_module_name


def test_the_keyword_table_is_this_pythons() -> None:
    assert frozenset(keyword.kwlist) == _KEYWORDS


@pytest.mark.parametrize("name", [*keyword.kwlist])
def test_keywords_are_not_module_names(name: str) -> None:
    assert not is_module_name(name)


@pytest.mark.parametrize("name", [*keyword.softkwlist, "models", "html_parser", "v2", "_x", "Ünïcode"])
def test_soft_keywords_and_identifiers_are_module_names(name: str) -> None:
    assert is_module_name(name)


@given(st.text(max_size=12))
def test_agrees_with_the_language(name: str) -> None:
    assert is_module_name(name) == (name.isidentifier() and not keyword.iskeyword(name))

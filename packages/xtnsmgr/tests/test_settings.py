from __future__ import annotations

import copy
import pickle

import pytest

from xtnsmgr import IndexSettings


def test_settings_are_values_compared_and_hashed_by_their_fields() -> None:
    first = IndexSettings(find_links=("/wheels",), no_index=True)
    assert first == IndexSettings(find_links=("/wheels",), no_index=True)
    assert hash(first) == hash(IndexSettings(find_links=("/wheels",), no_index=True))
    assert first != IndexSettings(find_links=("/wheels",))
    assert first != tuple(getattr(first, name) for name in IndexSettings.__match_args__)
    assert repr(first).startswith(
        "IndexSettings(index_url=None, extra_index_urls=(), find_links=('/wheels',)"
    )


def test_settings_are_immutable() -> None:
    settings = IndexSettings()
    with pytest.raises(AttributeError, match="immutable"):
        settings.offline = True  # type: ignore[misc]
    with pytest.raises(AttributeError, match="immutable"):
        del settings.offline  # type: ignore[misc]
    assert settings.offline is False


def test_replace_gives_a_changed_copy() -> None:
    settings = IndexSettings(index_url="https://example.org/simple", compile_bytecode=True)
    changed = settings.replace(compile_bytecode=False)
    assert changed == IndexSettings(index_url="https://example.org/simple", compile_bytecode=False)
    assert settings.compile_bytecode is True
    replace = getattr(copy, "replace", IndexSettings.replace)  # copy.replace from Python 3.13
    assert replace(settings, no_index=True) == IndexSettings(
        index_url="https://example.org/simple", no_index=True
    )
    with pytest.raises(TypeError):
        settings.replace(colour="blue")


def test_settings_pickle_and_match_by_position() -> None:
    settings = IndexSettings(None, ("https://extra",), ("/wheels",), True, constraints=("a<2",))
    assert pickle.loads(pickle.dumps(settings)) == settings
    match settings:
        case IndexSettings(None, extra, links, True):
            assert (extra, links) == (("https://extra",), ("/wheels",))
        case _:
            pytest.fail("positional pattern did not match")

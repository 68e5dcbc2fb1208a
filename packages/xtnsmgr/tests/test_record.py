from __future__ import annotations

import pickle
import typing

import pytest

from xtnsmgr import _record

NAMED_TUPLES = [typing.NamedTuple, _record.NamedTuple]


def declare(base: type) -> type:
    class Entry(base):  # type: ignore[misc, valid-type]
        """An entry."""

        name: str
        version: str = "0"
        tags: tuple[str, ...] = ()

        @property
        def label(self) -> str:
            return f"{self.name}=={self.version}"

        def tagged(self, tag: str) -> bool:
            return tag in self.tags

    return Entry


@pytest.mark.parametrize("base", NAMED_TUPLES)
def test_a_record_is_the_named_tuple_typing_builds(base: type) -> None:
    entry = declare(base)("rich", tags=("ui",))
    reference = declare(typing.NamedTuple)("rich", tags=("ui",))
    assert entry == reference == ("rich", "0", ("ui",))
    assert repr(entry) == repr(reference)
    assert type(entry).__mro__[1:] == (tuple, object)
    assert type(entry)._fields == ("name", "version", "tags")
    assert type(entry)._field_defaults == {"version": "0", "tags": ()}
    assert type(entry).__doc__ == "An entry."
    assert typing.get_type_hints(type(entry)) == typing.get_type_hints(type(reference))
    assert type(entry).__module__ == __name__
    assert type(entry).__qualname__ == "declare.<locals>.Entry"
    assert (entry.label, entry.tagged("ui"), entry.tagged("cli")) == ("rich==0", True, False)
    assert entry._replace(version="13")._asdict() == {"name": "rich", "version": "13", "tags": ("ui",)}
    with pytest.raises(AttributeError):
        entry.name = "other"


def test_records_of_the_package_pickle() -> None:
    from xtnsmgr import Distribution, parse_specification

    for record in (Distribution("rich", "13.7.0", "ab"), parse_specification("Rich>=13")):
        assert pickle.loads(pickle.dumps(record)) == record


@pytest.mark.parametrize("base", NAMED_TUPLES)
def test_a_field_without_default_after_one_with_is_refused(base: type) -> None:
    with pytest.raises(TypeError):

        class Broken(base):  # type: ignore[misc, valid-type]
            first: str = ""
            second: str

"""The public surface of ``pyautoload``, pinned: it changes only on purpose."""

from __future__ import annotations

import pytest

import pyautoload


def test_public_surface_is_pinned() -> None:
    assert sorted(pyautoload.__all__) == [
        "CircularImportError",
        "ConflictError",
        "DirectoryNotFound",
        "Entry",
        "Error",
        "Inflector",
        "InvalidNamespace",
        "Loader",
        "NameError",
        "NotManaged",
        "NullInflector",
        "PackageInflector",
        "PyautoloadError",
        "Registry",
        "SetupRequired",
        "__version__",
        "all_dirs",
        "eager_load_all",
        "eager_load_namespace",
        "loaders",
    ]


def test_every_public_name_exists() -> None:
    for name in pyautoload.__all__:
        assert hasattr(pyautoload, name), name


def test_error_is_the_root_of_the_hierarchy() -> None:
    assert pyautoload.Error is pyautoload.PyautoloadError
    for name in [
        "CircularImportError",
        "ConflictError",
        "DirectoryNotFound",
        "InvalidNamespace",
        "NameError",
        "NotManaged",
        "SetupRequired",
    ]:
        assert issubclass(getattr(pyautoload, name), pyautoload.Error)


def test_names_resolve_lazily_and_stay_cached() -> None:
    assert set(pyautoload.__all__) <= set(dir(pyautoload))
    loader_class = pyautoload.Loader
    assert vars(pyautoload)["Loader"] is loader_class
    assert pyautoload.Loader.__module__ == "pyautoload._loader"


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError) as info:
        pyautoload.Nothing  # noqa: B018
    assert info.value.name == "Nothing"

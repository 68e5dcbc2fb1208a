"""Why ``pyautoload.NameError`` is an ``ImportError`` and not also an ``AttributeError``.

The issue asks for both bases. CPython refuses them in every way a class can get them, and the
contexts where the error reaches users decide the base: each test below is one of them.
"""

# ruff: noqa: B018 - a bare attribute access is the autoload under test

from __future__ import annotations

import importlib

import pytest

import pyautoload

BROKEN = {"app/models/html_parser.py": "class HTMLParser: pass\n"}
EXPLANATION = "did you mean HTMLParser?"


@pytest.mark.parametrize("bases", [(ImportError, AttributeError), (AttributeError, ImportError)])
def test_cpython_refuses_both_bases(bases: tuple[type, ...]) -> None:
    with pytest.raises(TypeError, match="lay-out conflict"):
        type("Both", bases, {})


def test_cpython_refuses_both_through_a_custom_mro() -> None:
    class BothMeta(type):
        def mro(cls) -> list[type]:
            return [cls, ImportError, AttributeError, Exception, BaseException, object]

    with pytest.raises(TypeError, match="unsuitable layout"):
        BothMeta("Both", (ImportError,), {})


def test_cpython_refuses_both_by_assigning_bases() -> None:
    class Late(ImportError):
        pass

    with pytest.raises(TypeError, match="lay-out conflict"):
        Late.__bases__ = (ImportError, AttributeError)


def test_the_error_is_an_import_error_and_a_pyautoload_error() -> None:
    assert issubclass(pyautoload.NameError, ImportError)
    assert issubclass(pyautoload.NameError, pyautoload.Error)
    assert not issubclass(pyautoload.NameError, AttributeError)


def test_attribute_access_raises_it_with_the_explanation(with_files, new_loader) -> None:
    root = with_files(BROKEN)
    new_loader({root / "app": "app"})
    import app

    with pytest.raises(ImportError, match=EXPLANATION) as info:
        app.models.HtmlParser
    assert type(info.value) is pyautoload.NameError


def test_from_import_keeps_the_explanation(with_files, new_loader) -> None:
    root = with_files(BROKEN)
    new_loader({root / "app": "app"})
    with pytest.raises(pyautoload.NameError, match=EXPLANATION):
        from app.models import HtmlParser  # noqa: F401


def test_relative_from_import_inside_the_tree_keeps_it(with_files, new_loader) -> None:
    root = with_files({**BROKEN, "app/models/page.py": "from . import HtmlParser\nclass Page: pass\n"})
    new_loader({root / "app": "app"})
    import app

    with pytest.raises(pyautoload.NameError, match=EXPLANATION):
        app.models.Page


def test_getattr_with_a_default_does_not_hide_a_broken_file(with_files, new_loader) -> None:
    root = with_files(BROKEN)
    new_loader({root / "app": "app"})
    import app

    with pytest.raises(pyautoload.NameError, match=EXPLANATION):
        getattr(app.models, "HtmlParser", None)


def test_hasattr_does_not_hide_a_broken_file(with_files, new_loader) -> None:
    root = with_files(BROKEN)
    new_loader({root / "app": "app"})
    import app

    with pytest.raises(pyautoload.NameError, match=EXPLANATION):
        hasattr(app.models, "HtmlParser")


def test_a_name_without_a_file_is_a_plain_attribute_error(with_files, new_loader) -> None:
    root = with_files(BROKEN)
    new_loader({root / "app": "app"})
    import app

    assert not hasattr(app.models, "Missing")
    assert getattr(app.models, "Missing", "default") == "default"
    with pytest.raises(AttributeError) as info:
        app.models.Missing
    assert not isinstance(info.value, pyautoload.Error)
    with pytest.raises(ImportError, match="cannot import name 'Missing'"):
        from app.models import Missing  # noqa: F401


def test_an_attribute_error_subclass_would_lose_the_explanation(with_files) -> None:
    """The alternative base, shown on a plain module: ``from`` replaces the error by its own."""
    root = with_files(
        {
            "lib/plain.py": "class Explained(AttributeError): pass\n"
            "def __getattr__(name):\n    raise Explained('the explanation of ' + name)\n"
        }
    )
    import sys

    sys.path.insert(0, str(root / "lib"))
    try:
        plain = importlib.import_module("plain")
        with pytest.raises(ImportError) as info:
            from plain import Anything  # noqa: F401
        assert "the explanation" not in str(info.value)
        assert info.value.__context__ is None
        assert not hasattr(plain, "Anything")  # and hasattr would hide a broken file
    finally:
        sys.path.remove(str(root / "lib"))

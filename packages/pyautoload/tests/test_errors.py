"""Feature 6: errors that explain (Zeitwerk: test_exceptions, test_conflicting_directory)."""

# ruff: noqa: B018 - a bare attribute access is the autoload under test

from __future__ import annotations

import importlib
import sys

import pytest

import pyautoload


def test_missing_name_raises_name_error_with_context(with_files, new_loader) -> None:
    root = with_files(
        {"app/models/html_parser.py": "class HTMLParser: pass\nclass ParseError(Exception): pass\n"}
    )
    new_loader({root / "app": "app"})
    import app

    with pytest.raises(pyautoload.NameError) as info:
        app.models.HtmlParser
    error = info.value
    assert isinstance(error, ImportError)
    assert isinstance(error, pyautoload.Error)
    assert error.name == "app.models.HtmlParser"
    assert error.path == str(root / "app/models/html_parser.py")
    assert error.module == "app.models.html_parser"
    assert error.expected == "HtmlParser"
    assert error.defined == ("HTMLParser", "ParseError")
    assert error.suggestion == "HTMLParser"
    assert error.inflect_hint == "loader.inflector.inflect({'html_parser': 'HTMLParser'})"
    message = str(error)
    for part in [
        str(root / "app/models/html_parser.py"),
        "HtmlParser",
        "HTMLParser, ParseError",
        "did you mean HTMLParser?",
        "inflect({'html_parser': 'HTMLParser'})",
    ]:
        assert part in message


def test_the_explanation_survives_from_import(with_files, new_loader) -> None:
    root = with_files({"app/models/html_parser.py": "class HTMLParser: pass"})
    new_loader({root / "app": "app"})
    with pytest.raises(pyautoload.NameError, match="did you mean HTMLParser"):
        from app.models import HtmlParser  # noqa: F401


def test_typo_suggestion_without_inflect_hint(with_files, new_loader) -> None:
    root = with_files({"app/user_account.py": "class UserAcount: pass"})
    new_loader({root / "app": "app"})
    import app

    with pytest.raises(pyautoload.NameError) as info:
        app.UserAccount
    assert info.value.suggestion == "UserAcount"
    assert info.value.inflect_hint is None
    assert "inflect" not in str(info.value)


def test_no_suggestion_when_nothing_is_close(with_files, new_loader) -> None:
    root = with_files({"app/user.py": "X = 1\n"})
    new_loader({root / "app": "app"})
    import app

    with pytest.raises(pyautoload.NameError) as info:
        app.User
    assert info.value.suggestion is None
    assert "did you mean" not in str(info.value)
    assert "it defines: X" in str(info.value)


def test_empty_file_says_it_defines_nothing(with_files, new_loader) -> None:
    root = with_files({"app/user.py": ""})
    new_loader({root / "app": "app"})
    import app

    with pytest.raises(pyautoload.NameError, match="no public names"):
        app.User


def test_imported_names_are_not_listed_as_defined(with_files, new_loader) -> None:
    root = with_files(
        {
            "app/user.py": "import os\nfrom pathlib import Path\nfrom json import dumps\nLIMIT = 3\n_private = 1\n"
        }
    )
    new_loader({root / "app": "app"})
    import app

    with pytest.raises(pyautoload.NameError) as info:
        app.User
    assert info.value.defined == ("LIMIT",)


def test_name_error_is_not_cached_and_fixing_the_file_works(with_files, new_loader, tree_writer) -> None:
    root = with_files({"app/user.py": "class Usr: pass"})
    new_loader({root / "app": "app"})
    import app

    with pytest.raises(pyautoload.NameError):
        app.User
    with pytest.raises(pyautoload.NameError):
        app.User
    assert "User" not in vars(app)


def test_hasattr_surfaces_a_broken_file(with_files, new_loader) -> None:
    root = with_files({"app/user.py": "class Usr: pass"})
    new_loader({root / "app": "app"})
    import app

    with pytest.raises(pyautoload.NameError):
        hasattr(app, "User")


def test_errors_inside_the_file_propagate_unchanged(with_files, new_loader) -> None:
    root = with_files({"app/broken.py": "raise ValueError('bad config')"})
    new_loader({root / "app": "app"})
    import app

    with pytest.raises(ValueError, match="bad config"):
        app.Broken
    assert "app.broken" not in sys.modules
    assert "Broken" not in vars(app)


def test_syntax_errors_propagate(with_files, new_loader) -> None:
    root = with_files({"app/broken.py": "class Broken(:\n"})
    new_loader({root / "app": "app"})
    import app

    with pytest.raises(SyntaxError):
        app.Broken


def test_circular_autoload_reports_the_chain(with_files, new_loader) -> None:
    root = with_files(
        {
            "app/a.py": "from app import B\nclass A: pass\n",
            "app/b.py": "from app import C\nclass B: pass\n",
            "app/c.py": "from app import A\nclass C: pass\n",
        }
    )
    new_loader({root / "app": "app"})
    import app

    with pytest.raises(pyautoload.CircularImportError) as info:
        app.A
    error = info.value
    assert error.chain == ("app.A", "app.B", "app.C", "app.A")
    assert error.paths[0] == str(root / "app/a.py")
    message = str(error)
    assert "app.A" in message
    assert "→ app.B" in message
    assert "→ app.C" in message
    assert "needed again" in message
    assert isinstance(error, ImportError)


def test_self_reference_while_loading_is_circular(with_files, new_loader) -> None:
    root = with_files({"app/a.py": "import app\nX = app.A\nclass A: pass\n"})
    new_loader({root / "app": "app"})
    import app

    with pytest.raises(pyautoload.CircularImportError) as info:
        app.A
    assert info.value.chain == ("app.A", "app.A")


def test_circular_through_a_plain_import_is_reported(with_files, new_loader) -> None:
    root = with_files(
        {
            "app/a.py": "import app.b\nclass A: pass\n",
            "app/b.py": "from app import A\nclass B: pass\n",
        }
    )
    new_loader({root / "app": "app"})
    import app

    with pytest.raises(pyautoload.CircularImportError) as info:
        app.A
    assert info.value.chain[-1] == "app.A"


def test_mutual_references_inside_functions_are_fine(with_files, new_loader) -> None:
    root = with_files(
        {
            "app/a.py": "import app\nclass A:\n    def partner(self):\n        return app.B\n",
            "app/b.py": "import app\nclass B:\n    def partner(self):\n        return app.A\n",
        }
    )
    new_loader({root / "app": "app"})
    import app

    assert app.A().partner() is app.B
    assert app.B().partner() is app.A


def test_conflict_error_names_both_files(with_files, new_loader) -> None:
    root = with_files({"app/hotel.py": "", "app/hotel/__init__.py": ""})
    new_loader({root / "app": "app"})
    with pytest.raises(pyautoload.ConflictError) as info:
        importlib.import_module("app")
    assert str(root / "app/hotel.py") in str(info.value)
    assert str(root / "app/hotel/__init__.py") in str(info.value)


def test_not_managed_and_setup_required_carry_context(with_files, new_loader) -> None:
    root = with_files({"app/x.py": "class X: pass", "elsewhere.py": ""})
    loader = new_loader({root / "app": "app"}, setup=False)
    with pytest.raises(pyautoload.SetupRequired) as setup_info:
        loader.load_file(root / "app/x.py")
    assert setup_info.value.action == "load_file()"
    loader.setup()
    with pytest.raises(pyautoload.NotManaged) as info:
        loader.load_file(root / "elsewhere.py")
    assert info.value.target == str(root / "elsewhere.py")
    assert isinstance(info.value, LookupError)

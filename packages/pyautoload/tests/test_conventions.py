"""Feature 2, conventions: files define CamelCase names in their package (Zeitwerk: test_autovivification, test_top_level, test_utf8)."""

# ruff: noqa: B018 - a bare attribute access is the autoload under test

from __future__ import annotations

import importlib
import sys

import pytest

import pyautoload


def test_a_file_defines_its_camelized_name(with_files, new_loader) -> None:
    root = with_files({"app/models/html_parser.py": "class HtmlParser: pass"})
    new_loader({root / "app": "app"})
    import app

    assert app.models.HtmlParser.__qualname__ == "HtmlParser"


def test_from_import_resolves(with_files, new_loader) -> None:
    root = with_files({"app/models/html_parser.py": "class HtmlParser: pass"})
    new_loader({root / "app": "app"})
    from app.models import HtmlParser

    assert HtmlParser.__module__ == "app.models.html_parser"


def test_relative_from_import_inside_the_tree(with_files, new_loader) -> None:
    root = with_files(
        {
            "app/models/user.py": "from . import Post\nclass User:\n    post = Post\n",
            "app/models/post.py": "class Post: pass",
        }
    )
    new_loader({root / "app": "app"})
    import app

    assert app.models.User.post is app.models.Post


def test_the_name_is_cached_in_the_package_dict(with_files, new_loader) -> None:
    root = with_files({"app/models/user.py": "class User: pass"})
    new_loader({root / "app": "app"})
    import app

    assert "User" not in vars(app.models)
    user = app.models.User
    assert vars(app.models)["User"] is user


def test_each_file_executes_once(with_files, new_loader) -> None:
    root = with_files(
        {
            "app/counter.py": "import builtins\nbuiltins._pal_runs = getattr(builtins, '_pal_runs', 0) + 1\nclass Counter: pass\n"
        }
    )
    new_loader({root / "app": "app"})
    import builtins

    import app

    for _ in range(5):
        assert app.Counter
    assert builtins._pal_runs == 1  # type: ignore[attr-defined]
    del builtins._pal_runs  # type: ignore[attr-defined]


def test_nothing_is_imported_until_used(with_files, new_loader) -> None:
    root = with_files({"app/a.py": "raise RuntimeError('must not run')", "app/b.py": "class B: pass"})
    new_loader({root / "app": "app"})
    import app

    assert app.B
    assert "app.a" not in sys.modules


def test_any_value_can_be_the_expected_name(with_files, new_loader) -> None:
    root = with_files(
        {
            "app/settings.py": "Settings = {'debug': True}",
            "app/answer.py": "Answer = 42",
            "app/helper.py": "def Helper():\n    return 'hi'\n",
        }
    )
    new_loader({root / "app": "app"})
    import app

    assert app.Settings == {"debug": True}
    assert app.Answer == 42
    assert app.Helper() == "hi"


def test_deeply_nested_names(with_files, new_loader) -> None:
    root = with_files({"app/a/b/c/d/deep_thing.py": "class DeepThing: pass"})
    new_loader({root / "app": "app"})
    import app

    assert app.a.b.c.d.DeepThing.__module__ == "app.a.b.c.d.deep_thing"


def test_missing_attribute_is_a_plain_attribute_error(with_files, new_loader) -> None:
    root = with_files({"app/user.py": "class User: pass"})
    new_loader({root / "app": "app"})
    import app

    with pytest.raises(AttributeError) as info:
        app.Nope
    assert not isinstance(info.value, pyautoload.Error)
    assert info.value.name == "Nope"
    assert not hasattr(app, "Nope")


def test_leaf_module_names_are_not_autoloaded_as_attributes(with_files, new_loader) -> None:
    root = with_files({"app/user.py": "class User: pass"})
    new_loader({root / "app": "app"})
    import app

    assert not hasattr(app, "user")
    assert app.User
    assert app.user.User is app.User  # set by the import system once imported


def test_dir_lists_autoloadable_names(with_files, new_loader) -> None:
    root = with_files({"app/user.py": "class User: pass", "app/models/post.py": "class Post: pass"})
    new_loader({root / "app": "app"})
    import app

    names = dir(app)
    assert "User" in names
    assert "models" in names
    assert "Post" in dir(app.models)


def test_unicode_identifiers(with_files, new_loader) -> None:
    root = with_files({"app/café.py": "class Café: pass"})
    new_loader({root / "app": "app"})
    import app

    assert app.Café.__name__ == "Café"


@pytest.mark.parametrize("name", ["my-file.py", "1st.py", "class.py", "notes.txt", "data.json", "README"])
def test_files_that_cannot_be_modules_are_skipped(with_files, new_loader, name: str) -> None:
    root = with_files({f"app/{name}": "raise RuntimeError", "app/ok.py": "class Ok: pass"})
    loader = new_loader({root / "app": "app"})
    assert loader.expected_name_at(root / "app" / name) is None
    assert list(loader.all_expected_names().values()) == ["app", "app.Ok"]


def test_compiled_only_files_are_not_managed(with_files, new_loader) -> None:
    root = with_files({"app/native.so": "", "app/ok.py": "class Ok: pass"})
    loader = new_loader({root / "app": "app"})
    assert loader.expected_name_at(root / "app/native.so") is None


def test_names_with_the_same_letters_coexist(with_files, new_loader) -> None:
    root = with_files({"app/user.py": "class User: pass", "app/users.py": "class Users: pass"})
    new_loader({root / "app": "app"})
    import app

    assert app.User is not app.Users


def test_two_files_inflected_to_one_name_first_wins(with_files, new_loader) -> None:
    root = with_files(
        {"app/a_b.py": "class AB: pass\nFROM = 'a_b'", "app/ab.py": "class AB: pass\nFROM = 'ab'"}
    )
    lines: list[str] = []
    loader = new_loader({root / "app": "app"}, setup=False, logger=lines.append)
    loader.inflector.inflect({"a_b": "AB", "ab": "AB"})
    loader.setup()
    import app

    assert sys.modules[app.AB.__module__].FROM == "a_b"
    assert any("both define app.AB" in line for line in lines)


def test_namespace_name_equal_to_expected_name_with_null_inflector(with_files, new_loader) -> None:
    root = with_files({"app/User.py": "class User: pass"})
    new_loader({root / "app": "app"}, inflector=pyautoload.NullInflector())
    import app

    assert isinstance(app.User, type)
    assert importlib.import_module("app.User").User is app.User


def test_package_inflector_in_a_loader(with_files, new_loader) -> None:
    root = with_files({"lib/version.py": "VERSION = '2.0'", "lib/sub/version.py": "class Version: pass"})
    new_loader({root / "lib": "mylib"}, inflector=pyautoload.PackageInflector(root / "lib"))
    import mylib

    assert mylib.VERSION == "2.0"
    assert mylib.sub.Version.__name__ == "Version"


def test_acronyms_in_a_loader(with_files, new_loader) -> None:
    root = with_files({"app/api/html_parser.py": "class HTMLParser: pass"})
    new_loader({root / "app": "app"}, inflector=pyautoload.Inflector(acronyms={"HTML"}))
    import app

    assert app.api.HTMLParser.__name__ == "HTMLParser"


def test_private_and_dunder_files_define_nothing(with_files, new_loader) -> None:
    root = with_files(
        {"app/_private.py": "class Private: pass", "app/__main__.py": "", "app/ok.py": "class Ok: pass"}
    )
    loader = new_loader({root / "app": "app"})
    import app

    assert not hasattr(app, "Private")
    assert loader.expected_name_at(root / "app/_private.py") is None
    assert importlib.import_module("app._private").Private.__name__ == "Private"


def test_an_inflection_that_is_not_a_python_name_defines_nothing(with_files, new_loader) -> None:
    root = with_files({"app/odd.py": "X = 1", "app/ok.py": "class Ok: pass"})
    lines: list[str] = []
    loader = new_loader({root / "app": "app"}, setup=False, logger=lines.append)
    loader.inflector.inflect({"odd": "Not-A-Name"})
    loader.setup()
    import app

    assert loader.expected_name_at(root / "app/odd.py") is None
    assert app.Ok.__name__ == "Ok"
    assert importlib.import_module("app.odd").X == 1
    assert any("not a Python name" in line for line in lines)

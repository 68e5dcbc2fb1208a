"""Feature 6: errors that explain (Zeitwerk: test_exceptions, test_conflicting_directory)."""

# ruff: noqa: B018 - a bare attribute access is the autoload under test

from __future__ import annotations

import importlib
import pickle
import sys
from pathlib import Path

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


# -- more of Zeitwerk's test_exceptions ------------------------------------------------------------


@pytest.mark.parametrize("namespace", ["app", "host.app"])
def test_name_error_in_a_nested_namespace_names_everything(project, namespace: str) -> None:
    p = project(
        {"site/host/__init__.py": "", "app/m/user.py": "class Usr: pass"},
        roots={"app": namespace},
        sys_path=["site"],
    )
    with pytest.raises(pyautoload.NameError) as info:
        p.module(namespace).m.User
    assert info.value.name == f"{namespace}.m.User"
    assert info.value.module == f"{namespace}.m.user"
    assert f"(as {namespace}.m.User)" in str(info.value)


def test_eager_loading_raises_name_error_for_a_file_without_its_name(project) -> None:
    p = project({"app/a.py": "class A: pass", "app/m/b.py": "B = None if False else 1\ndel B\n"})
    with pytest.raises(pyautoload.NameError) as info:
        p.loader.eager_load()
    assert info.value.path == p.path("app/m/b.py")
    assert info.value.defined == ()


def test_eager_load_dir_raises_name_error(project) -> None:
    p = project({"app/m/b.py": "class C: pass"})
    with pytest.raises(pyautoload.NameError) as info:
        p.loader.eager_load_dir(p.path("app/m"))
    assert info.value.suggestion is None
    assert info.value.defined == ("C",)


def test_an_error_raised_by_the_file_is_not_wrapped(project) -> None:
    p = project({"app/boom.py": "raise KeyError('inside')"})
    with pytest.raises(KeyError, match="inside"):
        p.module().Boom


def test_an_import_error_inside_the_file_keeps_its_identity(project) -> None:
    p = project({"app/needs.py": "import module_that_does_not_exist_anywhere\nclass Needs: pass\n"})
    with pytest.raises(ModuleNotFoundError) as info:
        p.module().Needs
    assert not isinstance(info.value, pyautoload.Error)
    assert info.value.name == "module_that_does_not_exist_anywhere"


def test_a_failed_file_can_be_retried_after_it_is_fixed(project) -> None:
    p = project({"app/flaky.py": "raise RuntimeError('first')"})
    with pytest.raises(RuntimeError):
        p.module().Flaky
    (p.root / "app/flaky.py").write_text("class Flaky: pass\n")
    assert p.module().Flaky.__name__ == "Flaky"


@pytest.mark.parametrize(
    ("source", "expected_defined"),
    [
        ("class A: pass\nclass B: pass\n", ("A", "B")),
        ("def helper(): pass\n", ("helper",)),
        ("VALUE = 1\n_HIDDEN = 2\n", ("VALUE",)),
        ("from os.path import join\nJOINED = join('a', 'b')\n", ("JOINED",)),
        ("import json\n", ()),
    ],
)
def test_defined_names_in_the_explanation(project, source: str, expected_defined: tuple[str, ...]) -> None:
    p = project({"app/thing.py": source})
    with pytest.raises(pyautoload.NameError) as info:
        p.module().Thing
    assert info.value.defined == expected_defined


@pytest.mark.parametrize(
    ("basename", "defines", "hint"),
    [
        ("html_parser", "HTMLParser", "loader.inflector.inflect({'html_parser': 'HTMLParser'})"),
        ("api_client", "APIClient", "loader.inflector.inflect({'api_client': 'APIClient'})"),
        ("my_sql", "MySQL", "loader.inflector.inflect({'my_sql': 'MySQL'})"),
        ("oauth", "OAuth", "loader.inflector.inflect({'oauth': 'OAuth'})"),
    ],
)
def test_inflect_hint_for_case_mismatches(project, basename: str, defines: str, hint: str) -> None:
    p = project({f"app/{basename}.py": f"class {defines}: pass"})
    expected = pyautoload.Inflector().camelize(basename, "")
    with pytest.raises(pyautoload.NameError) as info:
        getattr(p.module(), expected)
    assert info.value.inflect_hint == hint
    assert info.value.suggestion == defines


def test_the_inflect_hint_fixes_the_error(project) -> None:
    p = project({"app/html_parser.py": "class HTMLParser: pass"})
    loader = p.loader
    with pytest.raises(pyautoload.NameError) as info:
        p.module().HtmlParser
    exec(info.value.inflect_hint, {"loader": loader})
    loader.unregister()
    fresh = pyautoload.Loader(inflector=loader.inflector)
    fresh.push_dir(p.path("app"), namespace="fixed_app")
    fresh.setup()
    try:
        assert p.module("fixed_app").HTMLParser.__name__ == "HTMLParser"
    finally:
        fresh.unregister()


def test_name_error_is_an_import_error_with_name_and_path(project) -> None:
    p = project({"app/x.py": ""})
    with pytest.raises(ImportError) as info:
        p.module().X
    assert info.value.name == "app.X"
    assert info.value.path == p.path("app/x.py")


def test_name_error_pickles_with_its_context(project) -> None:
    p = project({"app/x.py": "class Y: pass"})
    with pytest.raises(pyautoload.NameError) as info:
        p.module().X
    again = pickle.loads(pickle.dumps(info.value))
    assert type(again) is pyautoload.NameError
    assert str(again) == str(info.value)
    for attribute in ("name", "path", "module", "expected", "defined", "suggestion", "inflect_hint"):
        assert getattr(again, attribute) == getattr(info.value, attribute), attribute


def test_circular_import_error_pickles_with_its_chain(project) -> None:
    p = project({"app/a.py": "from app import A\nclass A: pass\n"})
    with pytest.raises(pyautoload.CircularImportError) as info:
        p.module().A
    again = pickle.loads(pickle.dumps(info.value))
    assert (again.chain, again.paths, again.name, str(again)) == (
        info.value.chain,
        info.value.paths,
        info.value.name,
        str(info.value),
    )


@pytest.mark.parametrize(
    ("error", "attributes"),
    [
        (pyautoload.ConflictError("m", path="/a", other="/b"), ("path", "other")),
        (pyautoload.DirectoryNotFound("/missing"), ("path",)),
        (pyautoload.InvalidNamespace("a-b", "why"), ("namespace",)),
        (pyautoload.NotManaged("/x.py", "why"), ("target",)),
        (pyautoload.SetupRequired("eager_load()"), ("action",)),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else None,
)
def test_every_error_pickles(error: Exception, attributes: tuple[str, ...]) -> None:
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error)
    assert str(again) == str(error)
    for attribute in attributes:
        assert getattr(again, attribute) == getattr(error, attribute)


def test_an_inflection_that_is_not_a_python_name_defines_nothing_in_a_subdirectory(project) -> None:
    p = project({"app/m/odd.py": "X = 1", "app/m/ok.py": "class Ok: pass"}, inflect={"odd": "not a name"})
    assert p.module().m.Ok.__name__ == "Ok"
    assert p.loader.expected_name_at(p.path("app/m/odd.py")) is None


# -- circular imports ------------------------------------------------------------------------------


def test_circular_import_in_a_nested_namespace(project) -> None:
    p = project(
        {
            "app/m/a.py": "from app.m import B\nclass A: pass\n",
            "app/m/b.py": "from app.m import A\nclass B: pass\n",
        }
    )
    with pytest.raises(pyautoload.CircularImportError) as info:
        p.module().m.A
    assert info.value.chain == ("app.m.A", "app.m.B", "app.m.A")
    assert info.value.paths == (p.path("app/m/a.py"), p.path("app/m/b.py"), p.path("app/m/a.py"))


def test_circular_import_through_eager_load(project) -> None:
    p = project(
        {"app/a.py": "from app import B\nclass A: pass\n", "app/b.py": "from app import A\nclass B: pass\n"}
    )
    with pytest.raises(pyautoload.CircularImportError):
        p.loader.eager_load()


def test_circular_import_across_namespaces(project) -> None:
    p = project(
        {
            "app/models/user.py": "import app\nclass User(app.services.Base): pass\n",
            "app/services/base.py": "import app\nclass Base:\n    model = app.models.User\n",
        }
    )
    with pytest.raises(pyautoload.CircularImportError) as info:
        p.module().models.User
    assert info.value.chain[0] == "app.models.User"
    assert "app.services.Base" in info.value.chain


def test_after_a_circular_error_other_names_still_load(project) -> None:
    p = project(
        {
            "app/a.py": "from app import A\nclass A: pass\n",
            "app/ok.py": "class Ok: pass",
        }
    )
    with pytest.raises(pyautoload.CircularImportError):
        p.module().A
    assert p.module().Ok.__name__ == "Ok"


def test_a_lazy_reference_breaks_the_cycle(project) -> None:
    p = project(
        {
            "app/a.py": "import app\nclass A:\n    @staticmethod\n    def other():\n        return app.B\n",
            "app/b.py": "from app import A\nclass B(A): pass\n",
        }
    )
    assert p.module().B.other() is p.module().B
    assert issubclass(p.module().B, p.module().A)


def test_the_chain_message_lists_each_step_on_its_own_line(project) -> None:
    p = project(
        {"app/a.py": "from app import B\nclass A: pass\n", "app/b.py": "from app import A\nclass B: pass\n"}
    )
    with pytest.raises(pyautoload.CircularImportError) as info:
        p.module().A
    lines = str(info.value).splitlines()
    assert lines[0] == "pyautoload: circular import while autoloading app.A:"
    assert lines[1].strip() == f"app.A ({p.path('app/a.py')})"
    assert lines[2].strip() == f"→ app.B ({p.path('app/b.py')})"
    assert lines[3].strip().startswith(f"→ app.A ({p.path('app/a.py')})")


# -- the other errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "base"),
    [
        ("NameError", ImportError),
        ("CircularImportError", ImportError),
        ("DirectoryNotFound", FileNotFoundError),
        ("InvalidNamespace", ValueError),
        ("NotManaged", LookupError),
        ("ConflictError", pyautoload.Error),
        ("SetupRequired", pyautoload.Error),
    ],
)
def test_builtin_bases_of_the_errors(name: str, base: type) -> None:
    error_class = getattr(pyautoload, name)
    assert issubclass(error_class, base)
    assert issubclass(error_class, pyautoload.Error)


@pytest.mark.parametrize("action", ["eager_load", "eager_load_dir", "eager_load_namespace", "load_file"])
def test_setup_required_names_the_call(project, action: str) -> None:
    p = project({"app/x.py": ""}, setup=False)
    args = {
        "eager_load": (),
        "eager_load_dir": (p.path("app"),),
        "eager_load_namespace": ("app",),
        "load_file": (p.path("app/x.py"),),
    }
    with pytest.raises(pyautoload.SetupRequired) as info:
        getattr(p.loader, action)(*args[action])
    assert info.value.action == f"{action}()"
    assert f"before {action}()" in str(info.value)


def test_directory_not_found_message_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(pyautoload.DirectoryNotFound) as info:
        pyautoload.Loader().push_dir(tmp_path / "nope", namespace="app")
    assert str(tmp_path / "nope") in str(info.value)


def test_invalid_namespace_message_says_why(tmp_path: Path) -> None:
    with pytest.raises(pyautoload.InvalidNamespace, match="dotted name"):
        pyautoload.Loader().push_dir(tmp_path, namespace="not valid")


def test_conflict_error_of_two_loaders_names_both_tags(project, new_loader) -> None:
    p = project({"app/x.py": ""}, tag="first")
    with pytest.raises(pyautoload.ConflictError) as info:
        new_loader({p.root / "app": "app"}, tag="second")
    assert "'first'" in str(info.value)
    assert "'second'" in str(info.value)
    assert info.value.path == p.path("app")


def test_conflict_in_a_collapsed_directory(project) -> None:
    p = project(
        {"app/flat/hotel.py": "", "app/hotel/__init__.py": "", "app/hotel/x.py": ""},
        collapse=["app/flat"],
    )
    with pytest.raises(pyautoload.ConflictError) as info:
        p.module()
    assert {info.value.path, info.value.other} == {
        p.path("app/flat/hotel.py"),
        p.path("app/hotel/__init__.py"),
    }


def test_conflict_across_two_roots(project) -> None:
    p = project(
        {"one/hotel.py": "", "two/hotel/__init__.py": "", "two/hotel/x.py": ""},
        roots={"one": "app", "two": "app"},
    )
    with pytest.raises(pyautoload.ConflictError):
        p.module()


def test_an_explicit_namespace_whose_body_fails_can_be_retried(project) -> None:
    p = project({"app/hotel.py": "raise RuntimeError('closed')", "app/hotel/room.py": "class Room: pass"})
    with pytest.raises(RuntimeError, match="closed"):
        p.module().Hotel
    assert "app.hotel" not in sys.modules
    (p.root / "app/hotel.py").write_text("class Hotel: pass\n")
    assert p.module().Hotel.__name__ == "Hotel"
    assert p.module().hotel.Room.__name__ == "Room"


def test_a_package_whose_init_fails_can_be_retried(project) -> None:
    p = project({"app/pkg/__init__.py": "raise RuntimeError('not yet')", "app/pkg/x.py": "class X: pass"})
    with pytest.raises(RuntimeError, match="not yet"):
        p.module().pkg
    (p.root / "app/pkg/__init__.py").write_text("READY = True\n")
    assert p.module().pkg.READY is True
    assert p.module().pkg.X.__name__ == "X"


def test_dunder_probes_on_namespaces_are_plain_attribute_errors(project) -> None:
    p = project({"app/x.py": "class X: pass"})
    app = p.module()
    for probe in ("__wrapped__", "__all__", "__version__", "_private"):
        with pytest.raises(AttributeError):
            getattr(app, probe)
    assert "app.x" not in sys.modules

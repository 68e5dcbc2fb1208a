"""Feature 2: conventions and inflection.

Zeitwerk: test_top_level, test_autovivification, test_utf8, test_private_constants, test_inflector,
test_gem_inflector, test_null_inflector, test_custom_inflector, loader/file_system/test_ls (the
scanner fed random names).
"""

# ruff: noqa: B018 - a bare attribute access is the autoload under test

from __future__ import annotations

import importlib
import keyword
import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pyautoload
from pyautoload._discover import is_module_name as module_name_rule


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


# -- Zeitwerk: test_inflector, test_gem_inflector, test_null_inflector, test_custom_inflector -----


@pytest.mark.parametrize(
    ("basename", "expected"),
    [
        ("user", "User"),
        ("users_controller", "UsersController"),
        ("html_parser", "HtmlParser"),
        ("point_3d_value", "Point3dValue"),
        ("api_v2", "ApiV2"),
        ("x", "X"),
        ("snake_case_with_many_parts", "SnakeCaseWithManyParts"),
        ("already_CamelCase", "AlreadyCamelcase"),
    ],
)
def test_default_camelize(basename: str, expected: str) -> None:
    assert pyautoload.Inflector().camelize(basename, f"/abs/{basename}.py") == expected


@pytest.mark.parametrize(
    ("basename", "expected"),
    [
        ("html_parser", "HTMLParser"),
        ("api_client", "APIClient"),
        ("json_api", "JsonAPI"),
        ("html", "HTML"),
        ("htmlx_parser", "HtmlxParser"),
    ],
)
def test_acronyms(basename: str, expected: str) -> None:
    inflector = pyautoload.Inflector(acronyms={"HTML", "api"})
    assert inflector.camelize(basename, "/abs") == expected
    assert inflector.acronyms == frozenset({"HTML", "API"})


def test_add_acronyms_later() -> None:
    inflector = pyautoload.Inflector()
    inflector.add_acronyms("SQL")
    assert inflector.camelize("sql_query", "/abs") == "SQLQuery"


def test_inflect_overrides_exact_basenames() -> None:
    inflector = pyautoload.Inflector()
    inflector.inflect({"html_parser": "HTMLParser", "mysql_adapter": "MySQLAdapter"})
    assert inflector.camelize("html_parser", "/abs") == "HTMLParser"
    assert inflector.camelize("mysql_adapter", "/abs") == "MySQLAdapter"
    assert inflector.camelize("html_parser_x", "/abs") == "HtmlParserX"
    assert inflector.overrides == {"html_parser": "HTMLParser", "mysql_adapter": "MySQLAdapter"}


def test_overrides_win_over_acronyms() -> None:
    inflector = pyautoload.Inflector(acronyms={"HTML"}, overrides={"html_parser": "HtmlParser"})
    assert inflector.camelize("html_parser", "/abs") == "HtmlParser"


def test_package_inflector_maps_the_root_version_file(tmp_path: Path) -> None:
    inflector = pyautoload.PackageInflector(tmp_path)
    assert inflector.camelize("version", str(tmp_path / "version.py")) == "VERSION"
    assert inflector.camelize("version", str(tmp_path / "sub" / "version.py")) == "Version"
    assert inflector.camelize("user", str(tmp_path / "user.py")) == "User"


def test_null_inflector_keeps_basenames() -> None:
    inflector = pyautoload.NullInflector()
    assert inflector.camelize("html_parser", "/abs") == "html_parser"
    assert inflector.camelize("User", "/abs") == "User"
    inflector.inflect({"a": "B"})
    assert inflector.camelize("a", "/abs") == "B"


class ByDirectory(pyautoload.Inflector):
    def camelize(self, basename: str, abspath: str) -> str:
        if "/legacy/" in abspath:
            return basename.upper()
        return super().camelize(basename, abspath)


def test_custom_inflector_sees_the_absolute_path(with_files, new_loader) -> None:
    root = with_files(
        {"app/legacy/old_thing.py": "OLD_THING = 1", "app/new_thing.py": "class NewThing: pass"}
    )
    new_loader({root / "app": "app"}, inflector=ByDirectory())
    import app

    assert app.legacy.OLD_THING == 1
    assert app.NewThing.__name__ == "NewThing"


def test_custom_inflector_through_the_loader_attribute(with_files, new_loader) -> None:
    root = with_files({"app/html_parser.py": "class HTMLParser: pass"})
    loader = new_loader({root / "app": "app"}, setup=False)
    loader.inflector.inflect({"html_parser": "HTMLParser"})
    loader.setup()
    import app

    assert app.HTMLParser.__name__ == "HTMLParser"


segments = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)
snake_names = st.lists(segments, min_size=1, max_size=5).map("_".join)


@given(snake_names)
def test_camelize_is_an_identifier_without_underscores(basename: str) -> None:
    name = pyautoload.Inflector().camelize(basename, "/abs")
    assert name.isidentifier()
    assert "_" not in name
    assert name[0].isupper()
    assert name.lower() == basename.replace("_", "")


@given(snake_names)
def test_camelize_round_trips_to_snake_case(basename: str) -> None:
    name = pyautoload.Inflector().camelize(basename, "/abs")
    parts, current = [], ""
    for char in name:
        if char.isupper() and current:
            parts.append(current)
            current = ""
        current += char.lower()
    parts.append(current)
    assert "_".join(parts) == basename


@given(st.text(max_size=30))
def test_camelize_never_fails_on_any_text(basename: str) -> None:
    result = pyautoload.Inflector(acronyms={"HTML"}).camelize(basename, "/abs")
    assert isinstance(result, str)
    assert len(result) <= len(basename) + 1


@given(snake_names, st.sets(segments, max_size=3))
def test_acronym_segments_come_out_upper_case(basename: str, acronyms: set[str]) -> None:
    name = pyautoload.Inflector(acronyms=acronyms).camelize(basename, "/abs")
    assert name.lower() == basename.replace("_", "")
    for part in basename.split("_"):
        if part in acronyms:
            assert part.upper() in name


# -- Zeitwerk: loader/file_system/test_ls, fed random file names ----------------------------------


name_chars = st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"], exclude_characters="/\\\x00")
basenames = st.text(name_chars, min_size=1, max_size=12).filter(lambda n: n not in {".", ".."})
suffixes = st.sampled_from([".py", ".py", ".txt", "", ".pyc", ".so"])
paths = st.lists(st.tuples(st.lists(basenames, max_size=2), basenames, suffixes), min_size=1, max_size=10)


def is_dotted_name(name: str) -> bool:
    return all(part.isidentifier() for part in name.split("."))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(paths)
def test_any_file_names_give_valid_names_or_nothing(tmp_path_factory, entries) -> None:
    root = tmp_path_factory.mktemp("random") / "app"
    root.mkdir()
    written = []
    for dirs, base, suffix in entries:
        path = root.joinpath(*dirs, base + suffix)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.is_dir():
                continue
            path.write_text("")
        except OSError:  # a name the file system refuses, or a file where a directory is wanted
            continue
        written.append(str(path))
    loader = pyautoload.Loader()
    loader.push_dir(root, namespace="app")
    conflict: pyautoload.ConflictError | None = None
    names: dict[str, str] = {}
    try:
        names = loader.all_expected_names()
    except pyautoload.ConflictError as error:  # x.py beside x/__init__.py: a real conflict
        conflict = error
    finally:
        loader.unregister()
    if conflict is not None:
        assert os.path.isfile(conflict.path)
        assert os.path.isfile(conflict.other)
        return
    assert names[str(root)] == "app"
    for path, name in names.items():
        assert is_dotted_name(name), (path, name)
        assert name.startswith("app")
        assert path == str(root) or path.startswith(str(root) + os.sep)
        if os.path.isfile(path):
            assert path.endswith(".py")
            assert is_module_name(os.path.basename(path)[:-3])
            assert not os.path.basename(path).startswith("_")
    for path in written:
        parts = os.path.relpath(path, root).split(os.sep)
        if all(is_module_name(part) for part in parts[:-1]) and path.endswith(".py"):
            stem = parts[-1][:-3]
            expected = pyautoload.Inflector().camelize(stem, path)
            if is_module_name(stem) and not stem.startswith("_") and is_module_name(expected):
                assert path in names, path
    assert "app" not in sys.modules


def is_module_name(part: str) -> bool:
    return part.isidentifier() and not keyword.iskeyword(part) and part != "__pycache__"


@settings(max_examples=300)
@given(st.one_of(st.sampled_from([*keyword.kwlist, *keyword.softkwlist, "models", "x1", "_x"]), basenames))
def test_module_name_rule_is_identifier_and_not_keyword(name: str) -> None:
    assert module_name_rule(name) == (name.isidentifier() and not keyword.iskeyword(name))


# -- Zeitwerk: test_top_level and test_autovivification, in a top-level and in a nested namespace ----

NAMESPACES = ["app", "host.app"]  # Zeitwerk's (Object) and (Namespace) variants


@pytest.fixture
def in_namespace(project):
    """``in_namespace(files, ns)``: files below ``app/`` managed as ``ns`` (``host`` is a package)."""

    def make(files: dict[str, str | None], namespace: str, **options: object):
        files = {**files, "site/host/__init__.py": ""}
        return project(files, roots={"app": namespace}, sys_path=["site"], **options)

    return make


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_a_constant_in_a_top_level_file(in_namespace, namespace: str) -> None:
    p = in_namespace({"app/x.py": "X = 1"}, namespace)
    assert p.module(namespace).X == 1


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_a_class_in_a_top_level_file(in_namespace, namespace: str) -> None:
    p = in_namespace({"app/user.py": "class User: pass"}, namespace)
    assert p.module(namespace).User.__module__ == f"{namespace}.user"


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_several_top_level_names(in_namespace, namespace: str) -> None:
    p = in_namespace({f"app/n{i}.py": f"class N{i}: pass" for i in range(5)}, namespace)
    module = p.module(namespace)
    assert [getattr(module, f"N{i}").__name__ for i in range(5)] == [f"N{i}" for i in range(5)]


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_a_name_in_an_auto_created_namespace(in_namespace, namespace: str) -> None:
    p = in_namespace({"app/admin/user.py": "class User: pass"}, namespace)
    admin = p.module(namespace).admin
    assert admin.__name__ == f"{namespace}.admin"
    assert admin.User.__module__ == f"{namespace}.admin.user"


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_several_levels_in_a_row(in_namespace, namespace: str) -> None:
    p = in_namespace({"app/a/b/c/x.py": "X = 'deep'"}, namespace)
    assert p.module(namespace).a.b.c.X == "deep"


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_several_names_from_one_namespace(in_namespace, namespace: str) -> None:
    p = in_namespace(
        {"app/admin/user.py": "class User: pass", "app/admin/role.py": "class Role: pass"}, namespace
    )
    admin = p.module(namespace).admin
    assert {admin.User.__name__, admin.Role.__name__} == {"User", "Role"}


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_an_auto_created_namespace_is_not_explicit(in_namespace, namespace: str) -> None:
    p = in_namespace({"app/admin/user.py": "class User: pass"}, namespace)
    p.module(namespace).admin
    entry = p.loader.registry.get(f"{namespace}.admin")
    assert entry.kind == "namespace"
    assert entry.file is None
    assert entry.name is None


@pytest.mark.parametrize(
    "files",
    [
        {"app/empty/": None},
        {"app/empty/deeper/deepest/": None},
        {"app/empty/readme.md": "", "app/empty/data.json": "{}"},
        {"app/empty/sub/readme.md": ""},
        {"app/empty/x.pyc": "", "app/empty/x.pyi": ""},
    ],
    ids=["empty", "empty-recursively", "non-python", "non-python-recursively", "compiled-and-stubs"],
)
def test_no_namespace_for_directories_without_python_files(project, files) -> None:
    p = project({**files, "app/x.py": "class X: pass"})
    app = p.module()
    assert not hasattr(app, "empty")
    assert "app.empty" not in p.loader.registry
    assert p.loader.expected_name_at(p.path("app/empty")) is None


def test_no_namespace_when_every_python_file_is_ignored(project) -> None:
    p = project({"app/gen/a.py": "", "app/gen/b.py": "", "app/x.py": ""}, ignore=["app/gen/*.py"])
    assert not hasattr(p.module(), "gen")


def test_no_namespace_when_python_files_are_only_below_ignored_directories(project) -> None:
    p = project({"app/gen/skip/a.py": "", "app/x.py": ""}, ignore=["app/gen/skip"])
    assert not hasattr(p.module(), "gen")


def test_anything_but_python_files_and_visible_directories_is_ignored(project) -> None:
    p = project(
        {
            "app/x.py": "class X: pass",
            "app/x.txt": "",
            "app/.y.py": "raise RuntimeError",
            "app/z.pyc": "",
            "app/.hidden/w.py": "raise RuntimeError",
            "app/Makefile": "",
        }
    )
    assert p.loader.all_expected_names() == {p.path("app"): "app", p.path("app/x.py"): "app.X"}


@pytest.mark.parametrize(
    ("basename", "value", "expected"),
    [
        ("answer", "Answer = 42", 42),
        ("settings", "Settings = {'a': 1}", {"a": 1}),
        ("greeting", "Greeting = 'hi'", "hi"),
        ("primes", "Primes = (2, 3, 5)", (2, 3, 5)),
        ("nothing", "Nothing = None", None),
        ("flag", "Flag = False", False),
    ],
)
def test_the_expected_name_may_be_any_value(project, basename: str, value: str, expected: object) -> None:
    p = project({f"app/{basename}.py": value})
    assert getattr(p.module(), basename.capitalize()) == expected
    assert basename.capitalize() in vars(p.module())


def test_a_value_that_is_none_is_cached_too(project) -> None:
    p = project(
        {
            "app/nothing.py": "import builtins\nbuiltins._pal_n = getattr(builtins, '_pal_n', 0) + 1\nNothing = None\n"
        }
    )
    import builtins

    try:
        assert p.module().Nothing is None
        assert p.module().Nothing is None
        assert builtins._pal_n == 1  # type: ignore[attr-defined]
    finally:
        del builtins._pal_n  # type: ignore[attr-defined]


def test_a_file_may_define_more_than_its_expected_name(project) -> None:
    p = project({"app/user.py": "class User: pass\nclass Helper: pass\nLIMIT = 3\n"})
    app = p.module()
    assert app.User.__name__ == "User"
    assert not hasattr(app, "Helper")  # only the expected name is published
    assert sys.modules["app.user"].LIMIT == 3


def test_a_name_set_by_hand_wins_over_the_autoload(project) -> None:
    p = project({"app/user.py": "raise RuntimeError('must not run')"})
    app = p.module()
    app.User = "mine"
    assert app.User == "mine"
    assert "app.user" not in sys.modules


def test_deleting_a_cached_name_autoloads_it_again_from_the_module(project) -> None:
    p = project({"app/user.py": "class User: pass"})
    app = p.module()
    user = app.User
    del app.User
    assert app.User is user


def test_getattr_with_a_default_on_a_missing_name(project) -> None:
    p = project({"app/user.py": "class User: pass"})
    assert getattr(p.module(), "Missing", "fallback") == "fallback"


def test_hasattr_loads_the_name(project) -> None:
    p = project({"app/user.py": "class User: pass"})
    assert hasattr(p.module(), "User")
    assert "User" in vars(p.module())


def test_a_subclass_in_another_file(project) -> None:
    p = project(
        {
            "app/models/base.py": "class Base:\n    kind = 'base'\n",
            "app/models/user.py": "from app.models import Base\nclass User(Base): pass\n",
        }
    )
    models = p.module().models
    assert issubclass(models.User, models.Base)
    assert models.User.kind == "base"


def test_class_bodies_can_use_names_of_other_namespaces(project) -> None:
    p = project(
        {
            "app/models/user.py": "import app\nclass User:\n    mailer = app.services.Mailer\n",
            "app/services/mailer.py": "class Mailer: pass",
        }
    )
    assert p.module().models.User.mailer is p.module().services.Mailer


def test_decorated_and_dataclass_and_enum_values(project) -> None:
    p = project(
        {
            "app/point.py": "from dataclasses import dataclass\n@dataclass\nclass Point:\n    x: int\n",
            "app/color.py": "import enum\nclass Color(enum.Enum):\n    RED = 1\n",
            "app/twice.py": "import functools\n@functools.cache\ndef Twice(n):\n    return 2 * n\n",
        }
    )
    app = p.module()
    assert app.Point(1).x == 1
    assert app.Color.RED.value == 1
    assert app.Twice(4) == 8


def test_typing_annotations_with_future_import(project) -> None:
    p = project(
        {
            "app/user.py": "from __future__ import annotations\nimport typing\nclass User:\n    post: app.Post\nif typing.TYPE_CHECKING:\n    import app\n",
            "app/post.py": "class Post: pass",
        }
    )
    import typing

    assert typing.get_type_hints(p.module().User, globalns={"app": p.module()})["post"] is p.module().Post


# -- Zeitwerk: test_private_constants ------------------------------------------------------------


@pytest.mark.parametrize("basename", ["_helpers", "__version", "_Private", "__main__", "__init__"])
def test_private_files_define_no_name_but_import(project, basename: str) -> None:
    p = project({f"app/{basename}.py": "VALUE = 1", "app/x.py": "class X: pass"})
    assert p.loader.expected_name_at(p.path(f"app/{basename}.py")) is None
    if basename != "__init__":
        assert importlib.import_module(f"app.{basename}").VALUE == 1


def test_a_directory_with_a_leading_underscore_is_a_namespace(project) -> None:
    p = project({"app/_internal/tool.py": "class Tool: pass"})
    assert p.module("app._internal").Tool.__name__ == "Tool"
    assert p.loader.registry.get("app._internal").kind == "namespace"


def test_an_underscore_inside_a_name_is_public(project) -> None:
    p = project({"app/user_name.py": "class UserName: pass"})
    assert p.module().UserName.__name__ == "UserName"


# -- Zeitwerk: test_utf8 ---------------------------------------------------------------------------


def test_root_directories_with_accented_letters(project) -> None:
    p = project({"café/x.py": "class X: pass"}, roots={"café": "app"})
    assert p.module().X.__name__ == "X"
    assert p.module().__path__ == [p.path("café")]


def test_names_with_accented_letters_in_the_middle(project) -> None:
    p = project({"app/sí_señor.py": "class SíSeñor: pass"})
    assert p.module().SíSeñor.__name__ == "SíSeñor"


def test_names_that_start_with_a_greek_letter(project) -> None:
    p = project({"app/ωmega.py": "class Ωmega: pass"})
    assert p.module().Ωmega.__name__ == "Ωmega"


def test_auto_created_namespaces_that_start_with_a_greek_letter(project) -> None:
    p = project({"app/λambda/x.py": "class X: pass"})
    assert p.module().λambda.X.__name__ == "X"


def test_explicit_namespaces_that_start_with_a_greek_letter(project) -> None:
    p = project({"app/λambda.py": "class Λambda: pass", "app/λambda/x.py": "class X: pass"})
    assert p.module().Λambda.__name__ == "Λambda"
    assert p.module().λambda.X.__name__ == "X"


def test_non_ascii_namespace(project) -> None:
    p = project({"app/x.py": "class X: pass"}, roots={"app": "aplicación"})
    assert p.module("aplicación").X.__module__ == "aplicación.x"


# -- more of Zeitwerk's test_inflector -------------------------------------------------------------


@pytest.mark.parametrize(
    ("basename", "expected"),
    [
        ("a", "A"),
        ("ab", "Ab"),
        ("a_b", "AB"),
        ("user_v2", "UserV2"),
        ("v2_user", "V2User"),
        ("x1_y2_z3", "X1Y2Z3"),
        ("oauth2", "Oauth2"),
        ("trailing_", "Trailing"),
        ("double__underscore", "DoubleUnderscore"),
        ("ÉCOLE_normale", "ÉcoleNormale"),
        ("straße", "Straße"),
    ],
)
def test_camelize_edge_shapes(basename: str, expected: str) -> None:
    assert pyautoload.Inflector().camelize(basename, "/abs") == expected


@pytest.mark.parametrize(
    ("acronyms", "basename", "expected"),
    [
        ({"API"}, "api", "API"),
        ({"API"}, "rest_api_client", "RestAPIClient"),
        ({"API", "JSON"}, "json_api", "JSONAPI"),
        ({"Id"}, "user_id", "UserID"),
        ({"HTTP"}, "https_client", "HttpsClient"),
        ({"HTML5"}, "html5_parser", "HTML5Parser"),
    ],
)
def test_acronyms_apply_to_whole_segments_only(acronyms: set[str], basename: str, expected: str) -> None:
    assert pyautoload.Inflector(acronyms=acronyms).camelize(basename, "/abs") == expected


def test_inflect_later_calls_add_and_replace() -> None:
    inflector = pyautoload.Inflector()
    inflector.inflect({"a": "One"})
    inflector.inflect({"b": "Two", "a": "Uno"})
    assert inflector.overrides == {"a": "Uno", "b": "Two"}
    assert inflector.camelize("a", "/abs") == "Uno"


def test_overrides_property_is_a_copy() -> None:
    inflector = pyautoload.Inflector(overrides={"x": "Y"})
    inflector.overrides["x"] = "Z"  # type: ignore[index]
    assert inflector.camelize("x", "/abs") == "Y"


def test_overrides_are_exact_basenames_not_paths() -> None:
    inflector = pyautoload.Inflector(overrides={"models/user": "Person"})
    assert inflector.camelize("user", "/abs/models/user.py") == "User"


def test_package_inflector_with_acronyms_and_overrides(tmp_path: Path) -> None:
    inflector = pyautoload.PackageInflector(tmp_path, acronyms={"CLI"}, overrides={"main": "Entry"})
    assert inflector.camelize("version", str(tmp_path / "version.py")) == "VERSION"
    assert inflector.camelize("cli_app", str(tmp_path / "cli_app.py")) == "CLIApp"
    assert inflector.camelize("main", str(tmp_path / "main.py")) == "Entry"


def test_package_inflector_accepts_a_relative_root(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    inflector = pyautoload.PackageInflector("lib")
    assert inflector.camelize("version", str(tmp_path / "lib/version.py")) == "VERSION"


def test_package_inflector_ignores_other_version_files(tmp_path: Path) -> None:
    inflector = pyautoload.PackageInflector(tmp_path / "lib")
    assert inflector.camelize("version", str(tmp_path / "other/version.py")) == "Version"


@given(st.text(max_size=20))
def test_null_inflector_is_the_identity(basename: str) -> None:
    assert pyautoload.NullInflector().camelize(basename, "/abs") == basename


@given(snake_names, st.text(alphabet="ABCXYZ", min_size=1, max_size=5))
def test_overrides_always_win(basename: str, name: str) -> None:
    inflector = pyautoload.Inflector(acronyms={basename.split("_")[0]}, overrides={basename: name})
    assert inflector.camelize(basename, "/abs") == name


@given(snake_names)
def test_camelize_is_deterministic_and_path_independent(basename: str) -> None:
    inflector = pyautoload.Inflector()
    assert inflector.camelize(basename, "/a/b.py") == inflector.camelize(basename, "/c/d/e.py")


def test_inflect_after_setup_applies_to_levels_read_later(project) -> None:
    p = project({"app/x.py": "class X: pass", "app/sub/html_view.py": "class HTMLView: pass"})
    p.module().X
    p.loader.inflector.inflect({"html_view": "HTMLView"})
    assert p.module().sub.HTMLView.__name__ == "HTMLView"


def test_each_loader_has_its_own_inflector(project, new_loader) -> None:
    p = project(
        {"a/html_view.py": "class HTMLView: pass", "b/html_view.py": "class HtmlView: pass"},
        roots={"a": "ns_a"},
        inflect={"html_view": "HTMLView"},
    )
    new_loader({p.root / "b": "ns_b"})
    assert p.module("ns_a").HTMLView.__name__ == "HTMLView"
    assert p.module("ns_b").HtmlView.__name__ == "HtmlView"


def test_custom_camelize_sees_absolute_paths_of_files(project) -> None:
    seen: list[tuple[str, str]] = []

    class Recording(pyautoload.Inflector):
        def camelize(self, basename: str, abspath: str) -> str:
            seen.append((basename, abspath))
            return super().camelize(basename, abspath)

    p = project({"app/models/user.py": "class User: pass"}, inflector=Recording())
    p.module().models.User
    assert ("user", p.path("app/models/user.py")) in seen
    assert all(os.path.isabs(path) for _, path in seen)


def test_custom_inflector_that_is_not_a_subclass(project) -> None:
    class Upper:
        def camelize(self, basename: str, abspath: str) -> str:
            return basename.upper()

    p = project({"app/limit.py": "LIMIT = 10"}, inflector=Upper())
    assert p.module().LIMIT == 10


def test_null_inflector_for_files_named_like_their_class(project) -> None:
    p = project(
        {"app/Models/UserAccount.py": "class UserAccount: pass"}, inflector=pyautoload.NullInflector()
    )
    assert p.module().Models.UserAccount.__module__ == "app.Models.UserAccount"


@pytest.mark.parametrize("basename", ["none", "true", "false"])
def test_a_file_whose_name_inflects_to_a_keyword_defines_nothing(project, basename: str) -> None:
    lines: list[str] = []
    p = project({f"app/{basename}.py": "VALUE = 1", "app/x.py": "class X: pass"}, logger=lines.append)
    assert p.loader.expected_name_at(p.path(f"app/{basename}.py")) is None
    p.loader.eager_load()  # no file can define None, True or False: it must not be expected to
    assert importlib.import_module(f"app.{basename}").VALUE == 1
    assert any("not a Python name" in line for line in lines)


@pytest.mark.parametrize("override", ["class", "None", "not-a-name", "1st", ""])
def test_an_override_to_a_name_no_file_can_define_defines_nothing(project, override: str) -> None:
    p = project({"app/odd.py": "VALUE = 1"}, inflect={"odd": override})
    assert p.loader.expected_name_at(p.path("app/odd.py")) is None
    p.loader.eager_load()

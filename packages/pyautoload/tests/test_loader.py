"""Feature 1: the loader and the finder.

Zeitwerk: test_push_dir, loader/test_tag, test_multiple_loaders, test_require_interaction and
test_ruby_compatibility (here: import statements, importlib, pkgutil, runpy), test_marshal (pickle),
test_unregister, test_for_gem (``Loader.for_package``).
"""

from __future__ import annotations

import importlib
import importlib.machinery
import os
import sys
import threading
from pathlib import Path

import pytest

import pyautoload
from pyautoload._finder import FINDER


def test_push_dir_then_setup_resolves_names(with_files, new_loader) -> None:
    root = with_files({"app/user.py": "class User: pass"})
    new_loader({root / "app": "app"})
    import app

    assert app.User.__name__ == "User"
    assert app.User.__module__ == "app.user"


def test_push_dir_accepts_pathlike_and_str(with_files, new_loader) -> None:
    root = with_files({"a/x.py": "class X: pass", "b/y.py": "class Y: pass"})
    loader = new_loader({root / "a": "ns_a", str(root / "b"): "ns_b"})
    assert loader.dirs() == [str(root / "a"), str(root / "b")]
    assert importlib.import_module("ns_a").X.__name__ == "X"
    assert importlib.import_module("ns_b").Y.__name__ == "Y"


def test_push_dir_of_a_missing_directory_raises(tmp_path: Path) -> None:
    loader = pyautoload.Loader()
    with pytest.raises(pyautoload.DirectoryNotFound) as info:
        loader.push_dir(tmp_path / "missing", namespace="app")
    assert info.value.path == str(tmp_path / "missing")
    assert isinstance(info.value, FileNotFoundError)


def test_push_dir_of_a_file_raises(tmp_path: Path) -> None:
    (tmp_path / "f.py").write_text("")
    with pytest.raises(pyautoload.DirectoryNotFound):
        pyautoload.Loader().push_dir(tmp_path / "f.py", namespace="app")


@pytest.mark.parametrize("namespace", ["", "1app", "app.", "a-b", "class", "app..x", "app.def"])
def test_push_dir_rejects_invalid_namespaces(tmp_path: Path, namespace: str) -> None:
    with pytest.raises(pyautoload.InvalidNamespace) as info:
        pyautoload.Loader().push_dir(tmp_path, namespace=namespace)
    assert info.value.namespace == namespace
    assert isinstance(info.value, ValueError)


def test_the_same_directory_in_two_loaders_conflicts(with_files, new_loader) -> None:
    root = with_files({"app/x.py": "class X: pass"})
    new_loader({root / "app": "app"})
    with pytest.raises(pyautoload.ConflictError, match="manages already"):
        new_loader({root / "app": "other"})


def test_the_same_directory_under_two_namespaces_conflicts(with_files) -> None:
    root = with_files({"app/x.py": "class X: pass"})
    loader = pyautoload.Loader()
    loader.push_dir(root / "app", namespace="app")
    loader.push_dir(root / "app", namespace="app")  # the same pair again is fine
    with pytest.raises(pyautoload.ConflictError):
        loader.push_dir(root / "app", namespace="web")
    loader.unregister()


def test_setup_is_idempotent(with_files, new_loader) -> None:
    root = with_files({"app/x.py": "class X: pass"})
    loader = new_loader({root / "app": "app"})
    calls = []
    loader.on_setup(lambda: calls.append(1))
    loader.setup()
    loader.setup()
    assert calls == [1]  # on_setup registered after setup runs at once, not again
    assert sys.meta_path.count(FINDER) == 1


def test_setup_from_many_threads_runs_once(with_files, new_loader) -> None:
    root = with_files({"app/x.py": "class X: pass"})
    loader = new_loader({root / "app": "app"}, setup=False)
    calls = []
    loader.on_setup(lambda: calls.append(threading.get_ident()))
    barrier = threading.Barrier(16)

    def run() -> None:
        barrier.wait()
        loader.setup()

    threads = [threading.Thread(target=run) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(calls) == 1
    assert loader.is_set_up


def test_one_finder_for_all_loaders_just_before_path_finder(with_files, new_loader) -> None:
    root = with_files({"a/x.py": "class X: pass", "b/y.py": "class Y: pass"})
    new_loader({root / "a": "ns_a"})
    new_loader({root / "b": "ns_b"})
    assert sys.meta_path.count(FINDER) == 1
    index = sys.meta_path.index(FINDER)
    assert sys.meta_path[index + 1] is importlib.machinery.PathFinder


def test_finder_claims_only_registered_names(with_files, new_loader) -> None:
    root = with_files({"app/x.py": "class X: pass"})
    new_loader({root / "app": "app"})
    assert FINDER.find_spec("json") is None
    assert FINDER.find_spec("app.nothing_here") is None
    assert FINDER.find_spec("app") is not None


def test_files_get_path_finder_specs(with_files, new_loader) -> None:
    root = with_files({"app/models/user.py": "class User: pass"})
    new_loader({root / "app": "app"})
    import app.models.user

    spec = app.models.user.__spec__
    assert type(spec.loader) is importlib.machinery.SourceFileLoader
    assert spec.origin == str(root / "app/models/user.py")
    assert app.models.user.__file__ == str(root / "app/models/user.py")
    assert app.models.user.__cached__ is not None


def test_namespaces_get_a_real_path(with_files, new_loader) -> None:
    root = with_files({"app/models/user.py": "class User: pass"})
    new_loader({root / "app": "app"})
    import app

    assert app.__path__ == [str(root / "app")]
    assert type(app.__path__) is list
    assert app.models.__path__ == [str(root / "app/models")]
    assert app.__spec__.submodule_search_locations == [str(root / "app")]


def test_modules_stay_importable_by_name(with_files, new_loader) -> None:
    root = with_files({"app/models/html_parser.py": "class HtmlParser: pass"})
    new_loader({root / "app": "app"})
    from app.models import html_parser

    assert html_parser.HtmlParser.__module__ == "app.models.html_parser"
    import app.models

    assert app.models.HtmlParser is html_parser.HtmlParser


def test_plain_import_then_attribute_gives_the_same_object(with_files, new_loader) -> None:
    root = with_files({"app/user.py": "class User: pass"})
    new_loader({root / "app": "app"})
    user_module = importlib.import_module("app.user")
    import app

    assert app.User is user_module.User


def test_unregister_forgets_roots_and_removes_the_finder(with_files) -> None:
    root = with_files({"app/x.py": "class X: pass"})
    loader = pyautoload.Loader()
    loader.push_dir(root / "app", namespace="app")
    loader.setup()
    assert loader in pyautoload.loaders()
    loader.unregister()
    assert loader not in pyautoload.loaders()
    assert FINDER not in sys.meta_path or pyautoload.loaders()
    assert str(root / "app") not in pyautoload.all_dirs()
    assert FINDER.find_spec("app") is None


def test_after_unregister_the_directory_can_be_pushed_again(with_files, new_loader) -> None:
    root = with_files({"app/x.py": "class X: pass"})
    first = new_loader({root / "app": "app"})
    first.unregister()
    second = new_loader({root / "app": "app"})
    assert second.dirs() == [str(root / "app")]


def test_push_dir_after_setup_is_set_up_at_once(with_files, new_loader) -> None:
    root = with_files({"a/x.py": "class X: pass", "b/y.py": "class Y: pass"})
    loader = new_loader({root / "a": "ns_a"})
    loader.push_dir(root / "b", namespace="ns_b")
    assert importlib.import_module("ns_b").Y.__name__ == "Y"


def test_two_roots_share_a_namespace(with_files, new_loader) -> None:
    root = with_files({"one/x.py": "class X: pass", "two/y.py": "class Y: pass"})
    new_loader({root / "one": "app", root / "two": "app"})
    import app

    assert app.__path__ == [str(root / "one"), str(root / "two")]
    assert app.X.__name__ == "X"
    assert app.Y.__name__ == "Y"


def test_two_loaders_share_a_root_namespace(with_files, new_loader) -> None:
    root = with_files({"one/x.py": "class X: pass", "two/y.py": "class Y: pass"})
    new_loader({root / "one": "app"})
    new_loader({root / "two": "app"})
    import app

    assert app.X.__name__ == "X"
    assert app.Y.__name__ == "Y"


def test_namespace_below_an_existing_package(with_files, new_loader, monkeypatch) -> None:
    root = with_files(
        {"lib/acme/__init__.py": "FLAG = 1\n", "plugins/csv_export.py": "class CsvExport: pass"}
    )
    monkeypatch.syspath_prepend(str(root / "lib"))
    new_loader({root / "plugins": "acme.plugins"})
    import acme.plugins

    assert acme.FLAG == 1
    assert acme.plugins.CsvExport.__module__ == "acme.plugins.csv_export"


def test_namespace_below_a_plain_module_is_rejected(with_files, new_loader, monkeypatch) -> None:
    root = with_files({"lib/single.py": "", "plugins/x.py": "class X: pass"})
    monkeypatch.syspath_prepend(str(root / "lib"))
    with pytest.raises(pyautoload.InvalidNamespace, match="not a package"):
        new_loader({root / "plugins": "single.plugins"})


def test_for_package_manages_the_package_directory(with_files, monkeypatch) -> None:
    root = with_files(
        {
            "site/mylib/__init__.py": "import pyautoload\nloader = pyautoload.Loader.for_package(__name__)\nloader.setup()\n",
            "site/mylib/version.py": "VERSION = '1.0'\n",
            "site/mylib/client.py": "class Client: pass\n",
            "site/mylib/io/reader.py": "class Reader: pass\n",
        }
    )
    monkeypatch.syspath_prepend(str(root / "site"))
    import mylib

    assert mylib.VERSION == "1.0"
    assert mylib.Client.__name__ == "Client"
    assert mylib.io.Reader.__module__ == "mylib.io.reader"
    assert mylib.loader.dirs() == [str(root / "site/mylib")]
    assert mylib.loader.tag == "mylib"


def test_for_package_needs_a_package() -> None:
    with pytest.raises(pyautoload.InvalidNamespace):
        pyautoload.Loader.for_package("json.decoder")


def test_repr_names_tag_and_roots(with_files, new_loader) -> None:
    root = with_files({"app/x.py": ""})
    loader = new_loader({root / "app": "app"}, tag="web")
    assert "web" in repr(loader)
    assert str(root / "app") in repr(loader)


def test_unregister_takes_the_autoloads_off_the_modules(with_files) -> None:
    root = with_files(
        {"app/x.py": "class X: pass", "app/y.py": "class Y: pass", "app/sub/z.py": "class Z: pass"}
    )
    loader = pyautoload.Loader()
    loader.push_dir(root / "app", namespace="app")
    loader.setup()
    import app

    x = app.X
    app.sub  # noqa: B018
    loader.unregister()
    assert app.X is x  # resolved names stay
    assert "__getattr__" not in vars(app)
    assert "__getattr__" not in vars(app.sub)
    assert not hasattr(app, "Y")


def test_unregister_restores_a_packages_own_getattr(with_files, monkeypatch) -> None:
    root = with_files(
        {
            "site/lib/__init__.py": "def __getattr__(name):\n    if name == 'dynamic':\n        return 1\n    raise AttributeError(name)\n",
            "ext/x.py": "class X: pass",
        }
    )
    monkeypatch.syspath_prepend(str(root / "site"))
    import lib

    own = vars(lib)["__getattr__"]
    loader = pyautoload.Loader()
    loader.push_dir(root / "ext", namespace="lib")
    loader.setup()
    assert lib.X.__name__ == "X"
    assert lib.dynamic == 1
    loader.unregister()
    assert vars(lib)["__getattr__"] is own


class RecordingHook:
    """A typeguard-style import hook: asks PathFinder itself and swaps in its own SourceFileLoader."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def find_spec(self, fullname, path=None, target=None):
        if not fullname.startswith("app."):
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is not None and isinstance(spec.loader, importlib.machinery.SourceFileLoader):
            hook = self

            class Instrumenting(importlib.machinery.SourceFileLoader):
                def exec_module(self, module) -> None:
                    hook.seen.append(module.__name__)
                    module.INSTRUMENTED = True
                    super().exec_module(module)

            spec.loader = Instrumenting(spec.loader.name, spec.loader.path)
            return spec
        return None


def test_path_based_import_hooks_see_autoloaded_files(with_files, new_loader) -> None:
    root = with_files({"app/models/user.py": "class User: pass", "app/models/post.py": "class Post: pass"})
    new_loader({root / "app": "app"})
    hook = RecordingHook()
    sys.meta_path.insert(0, hook)
    import app

    assert app.models.User.__name__ == "User"
    from app.models import Post

    assert Post.__name__ == "Post"
    assert hook.seen == ["app.models.user", "app.models.post"]
    assert sys.modules["app.models.user"].INSTRUMENTED is True


def test_root_below_another_loaders_namespace_is_an_attribute(with_files, new_loader) -> None:
    root = with_files({"app/x.py": "class X: pass", "plugins/csv_export.py": "class CsvExport: pass"})
    new_loader({root / "app": "app"})
    new_loader({root / "plugins": "app.plugins"})
    import app

    assert app.X.__name__ == "X"
    assert app.plugins.CsvExport.__module__ == "app.plugins.csv_export"


def test_unregistering_the_inner_root_unlinks_it(with_files, new_loader) -> None:
    root = with_files({"app/x.py": "class X: pass", "plugins/csv_export.py": "class CsvExport: pass"})
    new_loader({root / "app": "app"})
    inner = new_loader({root / "plugins": "app.plugins"})
    inner.unregister()
    import app

    assert not hasattr(app, "plugins")


# -- Zeitwerk: test_push_dir ------------------------------------------------------------------------


@pytest.mark.parametrize("namespace", ["app", "App", "_app", "app2", "café", "web_front", "ns.deeper"])
def test_push_dir_accepts_dotted_identifiers(tmp_path: Path, namespace: str) -> None:
    loader = pyautoload.Loader()
    loader.push_dir(tmp_path, namespace=namespace)
    assert loader.namespaces() == {str(tmp_path): namespace}


def test_several_root_directories_with_their_own_namespaces(project) -> None:
    p = project(
        {"a/x.py": "class X: pass", "b/y.py": "class Y: pass", "c/z.py": "class Z: pass"},
        roots={"a": "ns_a", "b": "ns_b", "c": "ns_c"},
    )
    assert [p.module(ns).__name__ for ns in ("ns_a", "ns_b", "ns_c")] == ["ns_a", "ns_b", "ns_c"]
    assert p.module("ns_c").Z.__module__ == "ns_c.z"
    assert p.loader.dirs() == [p.path("a"), p.path("b"), p.path("c")]


def test_several_roots_some_of_them_ignored(project) -> None:
    p = project(
        {"a/x.py": "class X: pass", "b/y.py": "raise RuntimeError('ignored root')"},
        roots={"a": "app", "b": "app"},
        ignore=["b"],
    )
    app = p.module()
    assert app.X.__name__ == "X"
    assert not hasattr(app, "Y")
    assert p.loader.all_expected_names() == {p.path("a"): "app", p.path("a/x.py"): "app.X"}


def test_an_ignored_root_defines_nothing_but_a_nested_root_in_it_does(project) -> None:
    p = project(
        {"a/x.py": "class X: pass", "b/y.py": "raise RuntimeError", "b/inner/z.py": "class Z: pass"},
        roots={"a": "app", "b": "app", "b/inner": "inner"},
        ignore=["b"],
    )
    assert p.loader.expected_name_at(p.path("b/y.py")) is None
    assert p.loader.expected_name_at(p.path("b")) is None
    assert p.loader.expected_name_at(p.path("b/inner/z.py")) == "inner.Z"
    assert p.module("inner").Z.__name__ == "Z"
    p.loader.eager_load()
    assert p.loaded_files() == {"a/x.py", "b/inner/z.py"}


def test_push_dir_resolves_relative_paths_against_the_working_directory(project, monkeypatch) -> None:
    p = project({"app/x.py": "class X: pass"}, roots={}, setup=False)
    monkeypatch.chdir(p.root)
    p.loader.push_dir("app", namespace="app")
    p.loader.setup()
    assert p.loader.dirs() == [p.path("app")]
    assert p.module().X.__name__ == "X"


def test_push_dir_through_a_symlink_keeps_the_link_path(project) -> None:
    p = project({"real/x.py": "class X: pass"}, roots={}, setup=False)
    os.symlink(p.path("real"), p.path("link"))
    p.loader.push_dir(p.path("link"), namespace="app")
    p.loader.setup()
    app = p.module()
    assert app.__path__ == [p.path("link")]
    assert app.X.__name__ == "X"


def test_namespace_below_a_missing_parent_is_an_import_error(project) -> None:
    with pytest.raises(ImportError):
        project({"b/y.py": "class Y: pass"}, roots={"b": "nowhere_pkg.front"})


def test_push_dir_keeps_the_order_of_roots_for_one_namespace(project) -> None:
    p = project(
        {"z/x.py": "class X:\n    origin = 'z'\n", "a/x.py": "class X:\n    origin = 'a'\n"},
        roots={"z": "app", "a": "app"},
    )
    assert p.module().X.origin == "z"
    assert p.module().__path__ == [p.path("z"), p.path("a")]


# -- Zeitwerk: test_tag -----------------------------------------------------------------------------


def test_tag_defaults_to_the_first_namespace(project) -> None:
    p = project({"a/x.py": "", "b/y.py": ""}, roots={"a": "first", "b": "second"}, setup=False)
    assert p.loader.tag == "first"


def test_tag_without_roots_is_a_placeholder() -> None:
    assert pyautoload.Loader().tag == "loader"


def test_tag_can_be_given_and_changed(project) -> None:
    lines: list[str] = []
    p = project({"app/x.py": "class X: pass"}, tag="web", logger=lines.append, setup=False)
    assert p.loader.tag == "web"
    p.loader.tag = "api"
    p.loader.setup()
    assert p.loader.tag == "api"
    assert lines
    assert all(line.startswith("pyautoload@api: ") for line in lines)


# -- Zeitwerk: test_multiple_loaders -----------------------------------------------------------------


def test_multiple_independent_loaders(project, new_loader) -> None:
    p = project({"a/x.py": "class X: pass", "b/y.py": "class Y: pass"}, roots={"a": "ns_a"})
    new_loader({p.root / "b": "ns_b"})
    assert p.module("ns_a").X.__module__ == "ns_a.x"
    assert p.module("ns_b").Y.__module__ == "ns_b.y"
    assert len([loader for loader in pyautoload.loaders() if loader.dirs()]) >= 2


def test_multiple_dependent_loaders(project, new_loader) -> None:
    p = project(
        {
            "a/x.py": "import ns_b\nclass X:\n    partner = ns_b.Y\n",
            "b/y.py": "import ns_a\nclass Y:\n    def partner(self):\n        return ns_a.X\n",
        },
        roots={"a": "ns_a"},
    )
    new_loader({p.root / "b": "ns_b"})
    x = p.module("ns_a").X
    assert x.partner is p.module("ns_b").Y
    assert x.partner().partner() is x


def test_a_name_of_another_loaders_file_is_not_taken_over(project, new_loader) -> None:
    lines: list[str] = []
    p = project(
        {"one/x.py": "class X:\n    origin = 1\n", "two/x.py": "class X:\n    origin = 2\n"},
        roots={"one": "app"},
    )
    other = new_loader({p.root / "two": "app"}, logger=lines.append)
    assert p.module().X.origin == 1
    assert other.registry.file_of("app.X") is None
    assert any("belongs to loader 'app'" in line for line in lines)


# -- Zeitwerk: test_require_interaction (plain import statements) ------------------------------------


def test_a_file_imported_by_name_is_still_autoloadable(project) -> None:
    p = project({"app/user.py": "class User: pass"})
    module = importlib.import_module("app.user")
    assert p.module().User is module.User
    assert p.loader.registry.get("app.User").autoloaded


def test_importing_a_deep_module_creates_the_namespaces_on_the_way(project) -> None:
    p = project({"app/a/b/c/thing.py": "class Thing: pass"})
    importlib.import_module("app.a.b.c.thing")
    for name in ("app", "app.a", "app.a.b", "app.a.b.c"):
        assert sys.modules[name].__path__ == [p.path(name.replace(".", "/"))]
    assert sys.modules["app.a.b.c"].Thing.__name__ == "Thing"


@pytest.mark.parametrize(
    "statement", ["import app.models.user", "from app.models import user", "from app.models.user import User"]
)
def test_import_statements_of_managed_files(project, statement: str) -> None:
    p = project({"app/models/user.py": "class User: pass"})
    exec(statement, {})
    assert p.module().models.User.__module__ == "app.models.user"
    assert p.loaded_files() == {"app/models/user.py"}


def test_files_deep_below_the_visited_level_are_managed(project) -> None:
    p = project({"app/x.py": "class X: pass", "app/a/b/y.py": "class Y: pass"})
    p.module().X  # noqa: B018 - only the root level was read
    importlib.import_module("app.a.b.y")
    assert p.loader.registry.get("app.a.b.Y").loaded
    assert sys.modules["app.a.b"].Y.__name__ == "Y"
    assert p.loader.registry.get("app.a.b").kind == "namespace"


def test_importing_an_explicit_namespace_runs_its_file(project) -> None:
    p = project({"app/hotel.py": "class Hotel: pass", "app/hotel/room.py": "class Room: pass"})
    hotel = importlib.import_module("app.hotel")
    assert hotel.__file__ == p.path("app/hotel.py")
    assert hotel.Hotel.__name__ == "Hotel"
    assert hotel.Room.__name__ == "Room"
    assert p.module().Hotel is hotel.Hotel


def test_importing_a_child_of_an_explicit_namespace_runs_the_namespace_first(project) -> None:
    p = project(
        {
            "app/hotel.py": "import builtins\nbuiltins._pal_order.append('hotel')\nclass Hotel: pass\n",
            "app/hotel/room.py": "import builtins\nbuiltins._pal_order.append('room')\nclass Room: pass\n",
        }
    )
    import builtins

    builtins._pal_order = []  # type: ignore[attr-defined]
    try:
        importlib.import_module("app.hotel.room")
        assert builtins._pal_order == ["hotel", "room"]  # type: ignore[attr-defined]
    finally:
        del builtins._pal_order  # type: ignore[attr-defined]
    assert p.loaded_files() == {"app/hotel.py", "app/hotel/room.py"}


def test_find_spec_answers_without_importing(project) -> None:
    import importlib.util

    p = project({"app/models/user.py": "class User: pass"})
    spec = importlib.util.find_spec("app.models.user")
    assert spec is not None
    assert spec.origin == p.path("app/models/user.py")
    assert "app.models.user" not in sys.modules
    assert importlib.util.find_spec("app.models.nothing") is None


def test_module_attributes_of_a_namespace(project) -> None:
    p = project({"app/models/user.py": "class User: pass"})
    models = p.module("app.models")
    assert models.__name__ == "app.models"
    assert models.__package__ == "app.models"
    assert models.__spec__.name == "app.models"
    assert models.__spec__.origin is None
    assert models.__loader__ is models.__spec__.loader


def test_module_attributes_of_a_file(project) -> None:
    p = project({"app/models/user.py": "class User: pass"})
    user = p.module("app.models.user")
    assert user.__package__ == "app.models"
    assert user.__spec__.parent == "app.models"
    assert not hasattr(user, "__path__")


def test_pkgutil_lists_the_modules_of_a_namespace(project) -> None:
    import pkgutil

    p = project({"app/user.py": "", "app/models/post.py": "", "app/_private.py": ""})
    listed = {info.name: info.ispkg for info in pkgutil.iter_modules(p.module().__path__)}
    assert listed == {"user": False, "_private": False}  # pkgutil lists packages with __init__ only


def test_importlib_reload_of_an_autoloaded_file(project) -> None:
    p = project({"app/counter.py": "class Counter:\n    version = 1\n"})
    first = p.module().Counter
    (p.root / "app/counter.py").write_text("class Counter:\n    version = 2\n")
    module = importlib.reload(sys.modules["app.counter"])
    assert module.Counter.version == 2
    assert p.module().Counter is first  # the cached name is the loader's business (reloading issue)


def test_runpy_runs_a_managed_module(project) -> None:
    import runpy

    p = project(
        {
            "app/tool.py": "from app import Helper\nRESULT = Helper.VALUE\n",
            "app/helper.py": "class Helper:\n    VALUE = 7\n",
        }
    )
    result = runpy.run_module("app.tool", run_name="__main__")
    assert result["RESULT"] == 7
    assert p.module().Helper.VALUE == 7


def test_instances_of_autoloaded_classes_pickle(project) -> None:
    import pickle

    p = project({"app/models/point.py": "class Point:\n    def __init__(self, x):\n        self.x = x\n"})
    point = p.module().models.Point(3)
    again = pickle.loads(pickle.dumps(point))
    assert type(again) is p.module().models.Point
    assert again.x == 3


def test_unpickling_in_a_fresh_process_imports_through_the_finder(project) -> None:
    import pickle
    import subprocess

    p = project({"app/models/point.py": "class Point:\n    def __init__(self, x):\n        self.x = x\n"})
    data = pickle.dumps(p.module().models.Point(5))
    script = (
        "import pickle, sys, pyautoload\n"
        "loader = pyautoload.Loader()\n"
        f"loader.push_dir({p.path('app')!r}, namespace='app')\n"
        "loader.setup()\n"
        "point = pickle.loads(sys.stdin.buffer.read())\n"
        "print(point.x, type(point).__module__, 'Point' in vars(sys.modules['app.models']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], input=data, capture_output=True, check=True, timeout=120
    )
    assert result.stdout.decode().split() == ["5", "app.models.point", "False"]


# -- Zeitwerk: test_unregister, test_for_gem ---------------------------------------------------------


def test_unregister_removes_the_loader_from_process_state(project) -> None:
    p = project({"app/x.py": "class X: pass"})
    p.loader.unregister()
    assert p.loader not in pyautoload.loaders()
    assert not p.loader.is_set_up
    assert list(p.loader.registry) == []
    assert p.path("app") not in pyautoload.all_dirs()


def test_after_unregister_imported_namespaces_stay_plain_packages(project) -> None:
    p = project({"app/x.py": "class X: pass", "app/y.py": "class Y: pass"})
    p.module().X  # noqa: B018
    p.loader.unregister()
    y = importlib.import_module("app.y")  # found by PathFinder through the real __path__
    assert type(y.__spec__.loader) is importlib.machinery.SourceFileLoader
    assert "Y" not in vars(p.module())
    assert FINDER.find_spec("app.y") is None


def test_unregister_of_a_loader_never_set_up(project) -> None:
    p = project({"app/x.py": ""}, setup=False)
    p.loader.unregister()
    assert p.path("app") not in pyautoload.all_dirs()
    assert FINDER.find_spec("app") is None


def test_the_finder_stays_while_one_loader_is_left(project, new_loader) -> None:
    p = project({"a/x.py": "class X: pass", "b/y.py": "class Y: pass"}, roots={"a": "ns_a"})
    other = new_loader({p.root / "b": "ns_b"})
    other.unregister()
    assert FINDER in sys.meta_path
    assert p.module("ns_a").X.__name__ == "X"


def test_for_package_accepts_the_module_object(with_files, monkeypatch) -> None:
    root = with_files(
        {
            "site/kit/__init__.py": "import sys, pyautoload\nloader = pyautoload.Loader.for_package(sys.modules[__name__])\nloader.setup()\n",
            "site/kit/tool.py": "class Tool: pass\n",
        }
    )
    monkeypatch.syspath_prepend(str(root / "site"))
    import kit

    assert kit.Tool.__module__ == "kit.tool"
    assert isinstance(kit.loader.inflector, pyautoload.PackageInflector)


def test_for_package_options_override_the_defaults(with_files, monkeypatch) -> None:
    root = with_files(
        {
            "site/kit/__init__.py": "import pyautoload\nloader = pyautoload.Loader.for_package(__name__, tag='custom', inflector=pyautoload.NullInflector())\nloader.setup()\n",
            "site/kit/version.py": "version = '3'\n",
        }
    )
    monkeypatch.syspath_prepend(str(root / "site"))
    import kit

    assert kit.loader.tag == "custom"
    assert kit.version == "3"


def test_for_package_twice_for_the_same_package_conflicts(with_files, monkeypatch) -> None:
    root = with_files({"site/kit/__init__.py": "", "site/kit/tool.py": "class Tool: pass\n"})
    monkeypatch.syspath_prepend(str(root / "site"))
    import kit

    first = pyautoload.Loader.for_package(kit)
    first.setup()
    try:
        with pytest.raises(pyautoload.ConflictError):
            pyautoload.Loader.for_package("kit")
    finally:
        first.unregister()


def test_for_package_does_not_run_the_init_again(with_files, monkeypatch) -> None:
    root = with_files(
        {
            "site/kit/__init__.py": "import builtins, pyautoload\nbuiltins._pal_inits = getattr(builtins, '_pal_inits', 0) + 1\npyautoload.Loader.for_package(__name__).setup()\n",
            "site/kit/tool.py": "class Tool: pass\n",
        }
    )
    monkeypatch.syspath_prepend(str(root / "site"))
    import builtins

    import kit

    try:
        assert kit.Tool.__name__ == "Tool"
        assert builtins._pal_inits == 1  # type: ignore[attr-defined]
    finally:
        del builtins._pal_inits  # type: ignore[attr-defined]


# -- the path machinery's clients see autoloaded files (pytest's assertion rewriting, coverage) ---------


def clean_env() -> dict[str, str]:
    """The environment for a child interpreter, without the parent's coverage or pytest hooks."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("COVERAGE_", "PYTEST_"))}


def test_pytest_rewrites_assertions_in_autoloaded_files(with_files) -> None:
    import subprocess

    root = with_files(
        {
            "proj/app/checks.py": "def Checks(value):\n    assert value == 2\n",
            "proj/conftest.py": (
                "import os, pytest, pyautoload\n"
                "pytest.register_assert_rewrite('app')\n"
                "loader = pyautoload.Loader()\n"
                "loader.push_dir(os.path.join(os.path.dirname(__file__), 'app'), namespace='app')\n"
                "loader.setup()\n"
            ),
            "proj/test_use.py": "import app\n\ndef test_it():\n    app.Checks(1)\n",
        }
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:randomly",
            "-p",
            "no:cacheprovider",
            str(root / "proj"),
        ],
        cwd=root / "proj",
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "assert 1 == 2" in result.stdout  # the rewritten assertion explains itself


def test_coverage_measures_autoloaded_files(with_files) -> None:
    """coverage.py reports the lines an autoloaded file ran, under the file's real path."""
    import json
    import subprocess

    root = with_files(
        {
            "app/models/user.py": "class User:\n    def name(self):\n        return 'ada'\n\n    def unused(self):\n        return 1\n",
            "run.py": (
                "import sys, pyautoload\n"
                "loader = pyautoload.Loader()\n"
                "loader.push_dir(sys.argv[1], namespace='app')\n"
                "loader.setup()\n"
                "import app\n"
                "app.models.User().name()\n"
            ),
        }
    )
    data, report = root / ".coverage", root / "coverage.json"
    for command in (
        ["run", f"--data-file={data}", f"--source={root / 'app'}", str(root / "run.py"), str(root / "app")],
        ["json", f"--data-file={data}", "-o", str(report)],
    ):
        subprocess.run(
            [sys.executable, "-m", "coverage", *command],
            cwd=root,
            env=clean_env(),
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
    files = json.loads(report.read_text())["files"]
    measured = files[str(Path("app", "models", "user.py"))]
    assert measured["executed_lines"] == [1, 2, 3, 5]
    assert measured["missing_lines"] == [6]


# -- more of Zeitwerk's test_ruby_compatibility, in Python's terms ------------------------------------


def test_dir_lists_autoloadable_names_without_loading_them(project) -> None:
    p = project({"app/user.py": "raise RuntimeError('must not run')", "app/m/x.py": "raise RuntimeError"})
    names = dir(p.module())
    assert {"User", "m"} <= set(names)
    assert p.loaded_files() == set()


def test_deleting_a_name_never_loaded_does_not_autoload(project) -> None:
    p = project({"app/user.py": "raise RuntimeError('must not run')"})
    with pytest.raises(AttributeError):
        del p.module().User
    assert p.loaded_files() == set()


def test_a_file_that_needs_its_own_name_while_imported_by_name_is_circular(project) -> None:
    p = project({"app/user.py": "import app\nHELPER = app.User\nclass User: pass\n"})
    with pytest.raises(pyautoload.CircularImportError):
        importlib.import_module("app.user")
    assert "User" not in vars(p.module())


def test_relative_import_through_importlib_gives_the_same_module(project) -> None:
    p = project({"app/m/user.py": "class User: pass"})
    relative = importlib.import_module(".user", "app.m")
    assert relative is importlib.import_module("app.m.user")
    assert p.module().m.User is relative.User

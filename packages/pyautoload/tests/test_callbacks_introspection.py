"""Feature 5: callbacks, introspection and the registry.

Zeitwerk: test_on_setup, test_on_load, test_on_unload, test_callbacks, test_all_dirs,
test_all_expected_cpaths, test_cpath_expected_at; the registry is pyautoload's own.
"""

# ruff: noqa: B018 - a bare attribute access is the autoload under test

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pyautoload

# -- callbacks ----------------------------------------------------------------------------------


def test_on_setup_runs_at_setup(with_files, new_loader) -> None:
    root = with_files({"app/x.py": "class X: pass"})
    loader = new_loader({root / "app": "app"}, setup=False)
    calls: list[str] = []

    @loader.on_setup
    def ready() -> None:
        calls.append("ready")

    assert calls == []
    loader.setup()
    assert calls == ["ready"]


def test_on_setup_callbacks_run_in_order_and_can_autoload(with_files, new_loader) -> None:
    root = with_files({"app/x.py": "class X: pass"})
    loader = new_loader({root / "app": "app"}, setup=False)
    seen: list[object] = []
    loader.on_setup(lambda: seen.append(1))
    loader.on_setup(lambda: seen.append(__import__("app").X))
    loader.setup()
    assert seen[0] == 1
    assert seen[1] is __import__("app").X


def test_on_load_for_one_name(with_files, new_loader) -> None:
    root = with_files({"app/models/user.py": "class User: pass", "app/models/post.py": "class Post: pass"})
    loader = new_loader({root / "app": "app"})
    calls: list[tuple[str, object, str]] = []
    loader.on_load(lambda *args: calls.append(args), "app.models.User")
    import app

    app.models.Post
    user = app.models.User
    app.models.User
    assert calls == [("app.models.User", user, str(root / "app/models/user.py"))]


def test_on_load_catch_all_sees_every_name_and_namespace(with_files, new_loader) -> None:
    root = with_files(
        {
            "app/models/user.py": "class User: pass",
            "app/hotel.py": "class Hotel: pass",
            "app/hotel/room.py": "class Room: pass",
        }
    )
    loader = new_loader({root / "app": "app"})
    names: list[str] = []

    @loader.on_load
    def record(name: str, value: object, path: str) -> None:
        names.append(name)

    import app

    app.models.User
    app.hotel.Room
    assert names == ["app", "app.models", "app.models.User", "app.hotel", "app.hotel.Room"]


def test_on_load_of_a_namespace_gets_the_module_and_directory(with_files, new_loader) -> None:
    root = with_files({"app/models/user.py": "class User: pass"})
    loader = new_loader({root / "app": "app"})
    calls: list[tuple[str, object, str]] = []
    loader.on_load(lambda *args: calls.append(args), "app.models")
    import app

    app.models
    assert calls == [("app.models", app.models, str(root / "app/models"))]


def test_named_callbacks_run_before_catch_all(with_files, new_loader) -> None:
    root = with_files({"app/x.py": "class X: pass"})
    loader = new_loader({root / "app": "app"})
    order: list[str] = []
    loader.on_load(lambda *_: order.append("any"))
    loader.on_load(lambda *_: order.append("named"), "app.X")
    import app

    app.X
    assert order[-2:] == ["named", "any"]


def test_on_load_during_eager_load(with_files, new_loader) -> None:
    root = with_files({"app/a.py": "class A: pass", "app/b.py": "class B: pass"})
    loader = new_loader({root / "app": "app"})
    names: list[str] = []
    loader.on_load(lambda name, value, path: names.append(name))
    loader.eager_load()
    assert {"app.A", "app.B"} <= set(names)


def test_on_load_is_per_loader(with_files, new_loader) -> None:
    root = with_files({"one/x.py": "class X: pass", "two/y.py": "class Y: pass"})
    first = new_loader({root / "one": "ns_one"})
    new_loader({root / "two": "ns_two"})
    names: list[str] = []
    first.on_load(lambda name, value, path: names.append(name))
    __import__("ns_two").Y
    __import__("ns_one").X
    assert "ns_two.Y" not in names
    assert "ns_one.X" in names


def test_on_unload_callbacks_are_kept_for_reloading(with_files, new_loader) -> None:
    root = with_files({"app/x.py": "class X: pass"})
    loader = new_loader({root / "app": "app"})
    first = loader.on_unload(lambda *_: None, "app.X")
    second = loader.on_unload(lambda *_: None)
    loader.on_unload(lambda *_: None, "app.Y")
    assert loader.unload_callbacks("app.X") == [first, second]
    assert len(loader.unload_callbacks("app.Z")) == 1


def test_callbacks_are_usable_as_decorators(new_loader) -> None:
    loader = new_loader({}, setup=False)

    @loader.on_load
    def any_load(name: str, value: object, path: str) -> None: ...

    @loader.on_setup
    def setup() -> None: ...

    assert callable(any_load)
    assert callable(setup)


def test_on_setup_after_setup_runs_at_once(new_loader) -> None:
    loader = new_loader({})
    calls: list[int] = []
    loader.on_setup(lambda: calls.append(1))
    assert calls == [1]
    assert isinstance(loader, pyautoload.Loader)


# -- introspection and the registry ------------------------------------------------------------------

TREE = {
    "app/user.py": "class User: pass",
    "app/models/post.py": "class Post: pass",
    "app/hotel.py": "class Hotel: pass",
    "app/hotel/room.py": "class Room: pass",
    "app/services/__init__.py": "",
    "app/services/mailer.py": "class Mailer: pass",
}


def test_dirs_and_namespaces(with_files, new_loader) -> None:
    root = with_files({"a/x.py": "", "b/y.py": ""})
    loader = new_loader({root / "a": "app", root / "b": "web.front"}, setup=False)
    assert loader.dirs() == [str(root / "a"), str(root / "b")]
    assert loader.namespaces() == {str(root / "a"): "app", str(root / "b"): "web.front"}


def test_all_dirs_spans_loaders_that_are_set_up(with_files, new_loader) -> None:
    root = with_files({"a/x.py": "", "b/y.py": "", "c/z.py": ""})
    new_loader({root / "a": "ns_a"})
    new_loader({root / "b": "ns_b"})
    new_loader({root / "c": "ns_c"}, setup=False)
    dirs = pyautoload.all_dirs()
    assert str(root / "a") in dirs
    assert str(root / "b") in dirs
    assert str(root / "c") not in dirs


def test_expected_name_at(with_files, new_loader) -> None:
    root = with_files(TREE)
    loader = new_loader({root / "app": "app"})
    app = root / "app"
    assert loader.expected_name_at(app) == "app"
    assert loader.expected_name_at(app / "user.py") == "app.User"
    assert loader.expected_name_at(str(app / "models")) == "app.models"
    assert loader.expected_name_at(app / "models/post.py") == "app.models.Post"
    assert loader.expected_name_at(app / "hotel.py") == "app.Hotel"
    assert loader.expected_name_at(app / "hotel") == "app.hotel"
    assert loader.expected_name_at(app / "hotel/room.py") == "app.hotel.Room"
    assert loader.expected_name_at(app / "services") == "app.services"
    assert loader.expected_name_at(app / "services/__init__.py") is None
    assert loader.expected_name_at(app / "missing.py") is None
    assert loader.expected_name_at(root) is None


def test_expected_name_at_works_before_setup_and_imports_nothing(with_files, new_loader) -> None:

    root = with_files(TREE)
    loader = new_loader({root / "app": "app"}, setup=False)
    assert loader.expected_name_at(root / "app/models/post.py") == "app.models.Post"
    assert "app" not in sys.modules


def test_expected_name_at_relative_path(with_files, new_loader, monkeypatch) -> None:
    root = with_files(TREE)
    loader = new_loader({root / "app": "app"})
    monkeypatch.chdir(root)
    assert loader.expected_name_at("app/user.py") == "app.User"


def test_all_expected_names(with_files, new_loader) -> None:
    root = with_files(TREE)
    loader = new_loader({root / "app": "app"})
    app = str(root / "app")
    assert loader.all_expected_names() == {
        app: "app",
        f"{app}/hotel": "app.hotel",
        f"{app}/hotel.py": "app.Hotel",
        f"{app}/hotel/room.py": "app.hotel.Room",
        f"{app}/models": "app.models",
        f"{app}/models/post.py": "app.models.Post",
        f"{app}/services": "app.services",
        f"{app}/services/mailer.py": "app.services.Mailer",
        f"{app}/user.py": "app.User",
    }


def test_registry_tells_discovered_from_loaded(with_files, new_loader) -> None:
    root = with_files(TREE)
    loader = new_loader({root / "app": "app"})
    import app

    app.User
    registry = loader.registry
    loaded = {entry.module for entry in registry.loaded()}
    discovered = {entry.module for entry in registry.discovered()}
    assert loaded == {"app", "app.user"}
    assert {"app.models", "app.hotel", "app.services"} <= discovered
    assert registry.get("app.User").autoloaded
    assert not registry.get("app.Hotel").autoloaded
    assert len(registry) == len(list(registry))


def test_registry_parent_and_children(with_files, new_loader) -> None:
    root = with_files(TREE)
    loader = new_loader({root / "app": "app"})
    loader.all_expected_names()
    registry = loader.registry
    assert [e.module for e in registry.children("app.hotel")] == ["app.hotel.room"]
    assert registry.parent("app.hotel.Room").module == "app.hotel"
    assert registry.parent("app") is None
    assert "app.models.Post" in registry
    assert "app.models.post" in registry
    assert "app.Nope" not in registry


def test_registry_kinds_and_paths(with_files, new_loader) -> None:
    root = with_files(TREE)
    loader = new_loader({root / "app": "app"})
    loader.all_expected_names()
    kinds = {entry.module: entry.kind for entry in loader.registry}
    assert kinds == {
        "app": "root",
        "app.user": "file",
        "app.models": "namespace",
        "app.models.post": "file",
        "app.hotel": "explicit",
        "app.hotel.room": "file",
        "app.services": "package",
        "app.services.mailer": "file",
    }
    hotel = loader.registry.get("app.hotel")
    assert hotel.path == str(root / "app/hotel.py")
    assert hotel.dirs == [str(root / "app/hotel")]
    assert hotel.name == "app.Hotel"
    assert loader.registry.get("app.models").name is None
    assert "explicit" in repr(hotel)


def test_registry_which_file_defines_which_name(with_files, new_loader) -> None:
    root = with_files(TREE)
    loader = new_loader({root / "app": "app"})
    loader.all_expected_names()
    registry = loader.registry
    assert registry.file_of("app.models.Post") == str(root / "app/models/post.py")
    assert registry.name_defined_by(root / "app/models/post.py") == "app.models.Post"
    assert registry.name_defined_by(root / "app/services/__init__.py") is None
    assert registry.file_of("app.Nope") is None
    assert registry.names()["app.hotel.Room"] == str(root / "app/hotel/room.py")


def test_registry_is_filled_level_by_level(with_files, new_loader) -> None:
    root = with_files(TREE)
    loader = new_loader({root / "app": "app"})
    import app

    assert "app.models.post" not in loader.registry
    app.models
    assert "app.models.post" in loader.registry


# -- property: the names the tree promises are the names that load -------------------------------

identifiers = st.sampled_from(["alpha", "beta", "gamma_ray", "delta", "x", "html_parser", "api_v2"])
trees = st.dictionaries(
    st.lists(identifiers, min_size=1, max_size=3).map(lambda parts: "/".join(parts)),
    st.booleans(),
    min_size=1,
    max_size=8,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(trees)
def test_expected_names_are_what_loads(tmp_path_factory, tree_writer, trees: dict[str, bool]) -> None:

    root = tmp_path_factory.mktemp("tree")
    files = {}
    for relative, with_init in trees.items():
        files[f"app/{relative}.py"] = None
        if with_init and "/" in relative:
            files[f"app/{relative.rpartition('/')[0]}/__init__.py"] = ""
    tree_writer(root, files)
    inflector = pyautoload.Inflector()
    for path in files:
        if path.endswith("__init__.py"):
            continue
        name = inflector.camelize(Path(path).stem, str(root / path))
        (root / path).write_text(f"class {name}: pass\n")
    # a file and a directory of the same name make an explicit namespace; drop clashing __init__
    for path in list(files):
        if path.endswith("/__init__.py") and (root / (path[: -len("/__init__.py")] + ".py")).exists():
            (root / path).unlink()
    # ``x.py`` beside ``x/x.py``: the body of namespace x defines X, which x/x.py is expected to
    # define too, so that file could never be reached: a conflict, reported when x loads
    shadowed = sorted(
        f"app/{r}/{r.rpartition('/')[2]}.py" for r in trees if f"{r}/{r.rpartition('/')[2]}" in trees
    )
    loader = pyautoload.Loader()
    loader.push_dir(root / "app", namespace="app")
    before = set(sys.modules)
    try:
        loader.setup()
        expected = loader.all_expected_names()
        for path, name in expected.items():
            assert loader.expected_name_at(path) == name
        if shadowed:
            with pytest.raises(pyautoload.ConflictError) as caught:
                loader.eager_load()
            assert caught.value.other in {str(root / path) for path in shadowed}
            return
        loader.eager_load()
        for path, name in expected.items():
            module_name, _, attribute = name.rpartition(".")
            if os.path.isdir(path):
                assert name in sys.modules
            else:
                assert vars(sys.modules[module_name])[attribute].__name__ == attribute
        py_files = {str(p) for p in (root / "app").rglob("*.py") if p.name != "__init__.py"}
        assert py_files == {p for p in expected if p.endswith(".py")}
    finally:
        loader.unregister()
        for name in set(sys.modules) - before:
            if name.split(".")[0] != "pyautoload":
                del sys.modules[name]


def test_introspection_reads_the_directories_setup_left_unread(with_files, new_loader) -> None:
    root = with_files(
        {
            "app/a/b/c.py": "class C: pass",
            "app/pkg/__init__.py": "",
            "app/pkg/thing.py": "class Thing: pass",
            "app/empty/deeper/": None,
            "app/assets/logo.svg": "<svg/>",
        }
    )
    loader = new_loader({root / "app": "app"})
    import app  # noqa: F401 - reads app/, lists its subdirectories without reading them

    kinds = {entry.module: entry.kind for entry in loader.registry}
    assert kinds == {"app": "root", "app.a": "namespace", "app.pkg": "package"}
    assert len(loader.registry) == 3
    assert "app.empty" not in loader.registry
    assert "app.a" in loader.registry
    assert loader.registry.children("app") == [loader.registry.get("app.a"), loader.registry.get("app.pkg")]
    names = loader.all_expected_names()
    assert names[str(root / "app/a/b/c.py")] == "app.a.b.C"
    assert names[str(root / "app/pkg/thing.py")] == "app.pkg.Thing"
    assert str(root / "app/empty") not in names
    assert loader.expected_name_at(root / "app/empty/deeper") is None
    assert all(entry.kind != "pending" for entry in loader.registry)


def test_dir_of_a_namespace_lists_only_real_children(with_files, new_loader) -> None:
    root = with_files({"app/a/x.py": "class X: pass", "app/empty/": None, "app/y.py": "class Y: pass"})
    new_loader({root / "app": "app"})
    import app

    listed = dir(app)
    assert {"a", "Y"} <= set(listed)
    assert "empty" not in listed


# -- more of Zeitwerk's test_on_setup and test_on_load ----------------------------------------------


def test_on_setup_callbacks_fire_in_order(project) -> None:
    p = project({"app/x.py": ""}, setup=False)
    order: list[int] = []
    for i in range(4):
        p.loader.on_setup(lambda i=i: order.append(i))
    p.loader.setup()
    assert order == [0, 1, 2, 3]


def test_on_setup_callback_that_raises_propagates(project) -> None:
    p = project({"app/x.py": ""}, setup=False)

    def broken() -> None:
        raise RuntimeError("boom")

    p.loader.on_setup(broken)
    with pytest.raises(RuntimeError, match="boom"):
        p.loader.setup()


def test_on_load_for_a_name_never_loaded_is_never_called(project) -> None:
    p = project({"app/x.py": "class X: pass", "app/y.py": "class Y: pass"})
    calls: list[str] = []
    p.loader.on_load(lambda name, value, path: calls.append(name), "app.Y")
    p.module().X
    assert calls == []


def test_on_load_order_without_namespaces(project) -> None:
    p = project({"app/a.py": "class A: pass", "app/b.py": "class B: pass"})
    calls: list[str] = []
    p.loader.on_load(lambda name, value, path: calls.append(name))
    p.module().B
    p.module().A
    assert calls == ["app", "app.B", "app.A"]


def test_on_load_order_through_an_auto_created_namespace(project) -> None:
    p = project({"app/m/x.py": "class X: pass"})
    calls: list[str] = []
    p.loader.on_load(lambda name, value, path: calls.append(name))
    p.module().m.X
    assert calls == ["app", "app.m", "app.m.X"]


def test_on_load_order_through_an_explicit_namespace(project) -> None:
    p = project({"app/hotel.py": "class Hotel: pass", "app/hotel/room.py": "class Room: pass"})
    calls: list[str] = []
    p.loader.on_load(lambda name, value, path: calls.append(name))
    p.module().Hotel
    p.module().hotel.Room
    assert calls == ["app", "app.hotel", "app.Hotel", "app.hotel.Room"]


def test_on_load_arguments_for_a_file(project) -> None:
    p = project({"app/m/user.py": "class User: pass"})
    calls: list[tuple[str, object, str]] = []
    p.loader.on_load(lambda *args: calls.append(args), "app.m.User")
    user = p.module().m.User
    assert calls == [("app.m.User", user, p.path("app/m/user.py"))]


def test_on_load_catch_all_for_an_auto_created_namespace(project) -> None:
    p = project({"app/m/user.py": "class User: pass"})
    calls: list[tuple[str, object, str]] = []
    p.loader.on_load(lambda *args: calls.append(args))
    m = p.module().m
    assert ("app.m", m, p.path("app/m")) in calls


def test_on_load_catch_all_for_an_explicit_namespace(project) -> None:
    p = project({"app/hotel.py": "class Hotel: pass", "app/hotel/room.py": ""})
    calls: list[tuple[str, object, str]] = []
    p.loader.on_load(lambda *args: calls.append(args))
    hotel = p.module("app.hotel")
    assert ("app.hotel", hotel, p.path("app/hotel.py")) in calls


def test_several_catch_all_callbacks_run_in_order(project) -> None:
    p = project({"app/x.py": "class X: pass"})
    order: list[int] = []
    for i in range(3):
        p.loader.on_load(lambda *_, i=i: order.append(i))
    p.module().X
    assert order[-3:] == [0, 1, 2]


def test_several_named_callbacks_run_in_order(project) -> None:
    p = project({"app/x.py": "class X: pass"})
    order: list[int] = []
    for i in range(3):
        p.loader.on_load(lambda *_, i=i: order.append(i), "app.X")
    p.module().X
    assert order == [0, 1, 2]


@pytest.mark.parametrize("kind", ["namespace", "explicit"])
def test_on_load_of_a_namespace_sees_its_children_available(project, kind: str) -> None:
    files = {"app/m/x.py": "class X: pass"}
    if kind == "explicit":
        files["app/m.py"] = "class M: pass"
    p = project(files)
    seen: list[object] = []
    p.loader.on_load(lambda name, value, path: seen.append(value.X), "app.m")
    p.module("app.m")
    assert seen == [p.module("app.m").X]


@pytest.mark.parametrize("kind", ["namespace", "explicit"])
def test_catch_all_on_load_of_a_namespace_sees_its_children_available(project, kind: str) -> None:
    files = {"app/m/x.py": "class X: pass"}
    if kind == "explicit":
        files["app/m.py"] = "class M: pass"
    p = project(files)
    seen: list[object] = []
    p.loader.on_load(lambda name, value, path: seen.append(value.X) if name == "app.m" else None)
    p.module("app.m")
    assert seen == [p.module("app.m").X]


def test_on_load_is_reentrant_for_namespaces(project) -> None:
    p = project({"app/a/x.py": "class X: pass", "app/b/y.py": "class Y: pass"})
    calls: list[str] = []

    def touch_b(name: str, value: object, path: str) -> None:
        calls.append(name)
        if name == "app.a":
            p.module().b.Y

    p.loader.on_load(touch_b)
    p.module().a
    assert calls == ["app", "app.a", "app.b", "app.b.Y"]


def test_on_load_runs_for_a_plain_import_of_a_namespace(project) -> None:
    p = project({"app/m/x.py": "class X: pass"})
    calls: list[str] = []
    p.loader.on_load(lambda name, value, path: calls.append(name), "app.m")
    __import__("app.m.x")
    assert calls == ["app.m"]


def test_on_load_callback_that_raises_propagates_and_keeps_the_value(project) -> None:
    p = project({"app/x.py": "class X: pass"})

    def broken(name: str, value: object, path: str) -> None:
        raise RuntimeError("callback failed")

    p.loader.on_load(broken, "app.X")
    with pytest.raises(RuntimeError, match="callback failed"):
        p.module().X
    assert "X" in vars(p.module())  # the value was cached before the callback ran


def test_on_load_with_a_name_of_another_loader_never_fires(project, new_loader) -> None:
    p = project({"one/x.py": "class X: pass", "two/y.py": "class Y: pass"}, roots={"one": "ns_one"})
    new_loader({p.root / "two": "ns_two"})
    calls: list[str] = []
    p.loader.on_load(lambda name, value, path: calls.append(name), "ns_two.Y")
    p.module("ns_two").Y
    assert calls == []


def test_on_load_sees_the_value_of_a_package_with_init(project) -> None:
    p = project({"app/pkg/__init__.py": "FLAG = 1\n", "app/pkg/x.py": ""})
    calls: list[tuple[str, object, str]] = []
    p.loader.on_load(lambda *args: calls.append(args), "app.pkg")
    pkg = p.module("app.pkg")
    assert calls == [("app.pkg", pkg, p.path("app/pkg/__init__.py"))]


# -- Zeitwerk: test_callbacks (on_file_autoloaded / on_dir_autoloaded) --------------------------------


@pytest.mark.parametrize("namespace", ["app", "host.app"])
def test_autoloading_a_file_records_it_in_the_registry(project, namespace: str) -> None:
    p = project(
        {"site/host/__init__.py": "", "app/x.py": "class X: pass"},
        roots={"app": namespace},
        sys_path=["site"],
    )
    p.module(namespace).X
    entry = p.loader.registry.get(f"{namespace}.X")
    assert entry.loaded
    assert entry.autoloaded
    assert entry in p.loader.registry.loaded()


@pytest.mark.parametrize("namespace", ["app", "host.app"])
def test_importing_a_file_records_it_as_loaded_not_autoloaded(project, namespace: str) -> None:
    p = project(
        {"site/host/__init__.py": "", "app/x.py": "class X: pass"},
        roots={"app": namespace},
        sys_path=["site"],
    )
    __import__(f"{namespace}.x")
    entry = p.loader.registry.get(f"{namespace}.X")
    assert entry.loaded
    assert not entry.autoloaded


@pytest.mark.parametrize("namespace", ["app", "host.app"])
def test_autoloading_a_directory_records_it(project, namespace: str) -> None:
    p = project(
        {"site/host/__init__.py": "", "app/m/x.py": "class X: pass"},
        roots={"app": namespace},
        sys_path=["site"],
    )
    p.module(namespace).m
    entry = p.loader.registry.get(f"{namespace}.m")
    assert entry.loaded
    assert entry.kind == "namespace"
    assert entry not in p.loader.registry.discovered()


# -- Zeitwerk: test_all_dirs -----------------------------------------------------------------------


def test_all_dirs_without_loaders_with_roots(new_loader) -> None:
    mine = new_loader({})
    assert all(directory not in mine.dirs() for directory in pyautoload.all_dirs())
    assert mine.dirs() == []


def test_all_dirs_in_order_of_loaders_and_roots(project, new_loader) -> None:
    p = project({"a/x.py": "", "b/y.py": "", "c/z.py": ""}, roots={"a": "ns_a", "b": "ns_b"})
    new_loader({p.root / "c": "ns_c"})
    dirs = [d for d in pyautoload.all_dirs() if d.startswith(str(p.root))]
    assert dirs == [p.path("a"), p.path("b"), p.path("c")]


def test_all_dirs_forgets_unregistered_loaders(project) -> None:
    p = project({"a/x.py": ""}, roots={"a": "ns_a"})
    p.loader.unregister()
    assert p.path("a") not in pyautoload.all_dirs()


# -- Zeitwerk: test_all_expected_cpaths --------------------------------------------------------------


def test_all_expected_names_without_roots(new_loader) -> None:
    assert new_loader({}).all_expected_names() == {}


def test_all_expected_names_with_a_dotted_namespace(project) -> None:
    p = project(
        {"site/host/__init__.py": "", "app/x.py": "", "app/m/y.py": ""},
        roots={"app": "host.app"},
        sys_path=["site"],
    )
    assert p.loader.all_expected_names() == {
        p.path("app"): "host.app",
        p.path("app/m"): "host.app.m",
        p.path("app/m/y.py"): "host.app.m.Y",
        p.path("app/x.py"): "host.app.X",
    }


def test_all_expected_names_leaves_out_ignored_and_hidden(project) -> None:
    p = project(
        {"app/x.py": "", "app/i.py": "", "app/idir/y.py": "", "app/.h.py": "", "app/.hd/z.py": ""},
        ignore=["app/i.py", "app/idir"],
    )
    assert p.loader.all_expected_names() == {p.path("app"): "app", p.path("app/x.py"): "app.X"}


def test_all_expected_names_leaves_out_directories_without_python(project) -> None:
    p = project({"app/x.py": "", "app/assets/logo.svg": "", "app/empty/": None})
    assert set(p.loader.all_expected_names()) == {p.path("app"), p.path("app/x.py")}


def test_all_expected_names_keeps_the_first_of_shadowed_files(project) -> None:
    p = project({"one/x.py": "", "two/x.py": ""}, roots={"one": "app", "two": "app"})
    names = p.loader.all_expected_names()
    assert names[p.path("one/x.py")] == "app.X"
    assert p.path("two/x.py") not in names
    assert names[p.path("two")] == "app"


def test_all_expected_names_with_collapsed_directories(project) -> None:
    p = project({"app/m/flat/x.py": ""}, collapse=["app/m/flat"])
    assert p.loader.all_expected_names() == {
        p.path("app"): "app",
        p.path("app/m"): "app.m",
        p.path("app/m/flat"): "app.m",
        p.path("app/m/flat/x.py"): "app.m.X",
    }


def test_all_expected_names_before_setup_claims_nothing(project) -> None:
    p = project({"app/x.py": "", "app/m/y.py": ""}, setup=False)
    assert p.path("app/m/y.py") in p.loader.all_expected_names()
    assert "app" not in sys.modules
    assert p.loader.registry.get("app.m.Y") is not None
    with pytest.raises(ModuleNotFoundError):
        __import__("app")


def test_all_expected_names_then_setup_agree(project) -> None:
    p = project({"app/x.py": "class X: pass", "app/m/y.py": "class Y: pass"}, setup=False)
    before = p.loader.all_expected_names()
    p.loader.setup()
    assert p.loader.all_expected_names() == before
    assert p.module().m.Y.__name__ == "Y"


def test_all_expected_names_sees_configuration_changed_before_setup(project) -> None:
    p = project({"app/x.py": "", "app/y.py": ""}, setup=False)
    assert p.path("app/y.py") in p.loader.all_expected_names()
    p.loader.ignore(p.path("app/y.py"))
    assert p.path("app/y.py") not in p.loader.all_expected_names()


# -- Zeitwerk: test_cpath_expected_at ---------------------------------------------------------------


@pytest.mark.parametrize("as_path", [str, Path])
@pytest.mark.parametrize("namespace", ["app", "host.app"])
def test_expected_name_at_a_root(project, namespace: str, as_path) -> None:
    p = project({"site/host/__init__.py": "", "app/x.py": ""}, roots={"app": namespace}, sys_path=["site"])
    assert p.loader.expected_name_at(as_path(p.path("app"))) == namespace


@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        ("app/x.py", "X"),
        ("app/m", "m"),
        ("app/m/y.py", "m.Y"),
        ("app/m/n", "m.n"),
        ("app/m/n/z.py", "m.n.Z"),
        ("app/hotel.py", "Hotel"),
        ("app/hotel", "hotel"),
    ],
)
@pytest.mark.parametrize("namespace", ["app", "host.app"])
def test_expected_name_at_files_and_directories(
    project, namespace: str, relative: str, expected: str
) -> None:
    p = project(
        {
            "site/host/__init__.py": "",
            "app/x.py": "",
            "app/m/y.py": "",
            "app/m/n/z.py": "",
            "app/hotel.py": "",
            "app/hotel/r.py": "",
        },
        roots={"app": namespace},
        sys_path=["site"],
    )
    assert p.loader.expected_name_at(p.path(relative)) == f"{namespace}.{expected}"


def test_expected_name_at_a_hidden_root(project) -> None:
    p = project({".rd/x.py": ""}, roots={".rd": "app"})
    assert p.loader.expected_name_at(p.path(".rd")) == "app"
    assert p.loader.expected_name_at(p.path(".rd/x.py")) == "app.X"


@pytest.mark.parametrize(
    "relative",
    [
        "app/missing.py",
        "app/missing",
        "app/notes.txt",
        "app/ign.py",
        "app/ign_dir/x.py",
        "app/ign_dir",
        "app/.hidden.py",
        "app/.hidden_dir/x.py",
        "app/1bad.py",
        "app/bad-dir/x.py",
        "elsewhere/x.py",
        "app/m/__init__.py",
    ],
)
def test_expected_name_at_gives_none(project, relative: str) -> None:
    p = project(
        {
            "app/x.py": "",
            "app/notes.txt": "",
            "app/ign.py": "",
            "app/ign_dir/x.py": "",
            "app/.hidden.py": "",
            "app/.hidden_dir/x.py": "",
            "app/1bad.py": "",
            "app/bad-dir/x.py": "",
            "elsewhere/x.py": "",
            "app/m/__init__.py": "",
        },
        ignore=["app/ign.py", "app/ign_dir"],
    )
    assert p.loader.expected_name_at(p.path(relative)) is None


def test_expected_name_at_in_collapsed_directories(project) -> None:
    p = project({"app/m/flat/x.py": "", "app/flat2/y.py": ""}, collapse=["app/m/flat", "app/flat2"])
    assert p.loader.expected_name_at(p.path("app/m/flat/x.py")) == "app.m.X"
    assert p.loader.expected_name_at(p.path("app/flat2")) == "app"
    assert p.loader.expected_name_at(p.path("app/flat2/y.py")) == "app.Y"


def test_expected_name_at_passes_file_paths_to_the_inflector(project) -> None:
    seen: list[str] = []

    class Recording(pyautoload.Inflector):
        def camelize(self, basename: str, abspath: str) -> str:
            seen.append(abspath)
            return super().camelize(basename, abspath)

    p = project({"app/m/x.py": ""}, inflector=Recording())
    p.loader.expected_name_at(p.path("app/m/x.py"))
    assert p.path("app/m/x.py") in seen


def test_expected_name_at_of_a_file_of_another_loader(project, new_loader) -> None:
    p = project({"app/x.py": "", "other/y.py": ""})
    new_loader({p.root / "other": "other"})
    assert p.loader.expected_name_at(p.path("other/y.py")) is None


# -- the registry ---------------------------------------------------------------------------------


def test_registry_get_accepts_module_and_expected_names(project) -> None:
    p = project({"app/m/user.py": "class User: pass"})
    p.loader.all_expected_names()
    assert p.loader.registry.get("app.m.user") is p.loader.registry.get("app.m.User")


def test_registry_of_a_loader_before_setup_is_empty(project) -> None:
    p = project({"app/x.py": ""}, setup=False)
    assert len(p.loader.registry) == 0
    assert p.loader.registry.names() == {}


def test_registry_names_map_names_to_files(project) -> None:
    p = project({"app/x.py": "", "app/m/y.py": "", "app/hotel.py": "", "app/hotel/r.py": ""})
    p.loader.all_expected_names()
    assert p.loader.registry.names() == {
        "app.Hotel": p.path("app/hotel.py"),
        "app.X": p.path("app/x.py"),
        "app.hotel.R": p.path("app/hotel/r.py"),
        "app.m.Y": p.path("app/m/y.py"),
    }


def test_registry_children_of_a_collapsed_namespace(project) -> None:
    p = project({"app/m/flat/x.py": "", "app/m/y.py": ""}, collapse=["app/m/flat"])
    p.loader.all_expected_names()
    assert [e.module for e in p.loader.registry.children("app.m")] == ["app.m.x", "app.m.y"]


def test_registry_children_of_a_leaf_are_empty(project) -> None:
    p = project({"app/x.py": ""})
    p.loader.all_expected_names()
    assert p.loader.registry.children("app.x") == []


def test_registry_parent_of_a_root_below_a_package_is_outside(project) -> None:
    p = project({"site/host/__init__.py": "", "app/x.py": ""}, roots={"app": "host.app"}, sys_path=["site"])
    p.loader.all_expected_names()
    assert p.loader.registry.parent("host.app") is None
    assert p.loader.registry.parent("host.app.X").module == "host.app"


def test_registry_entries_are_sorted_by_module(project) -> None:
    p = project({"app/b.py": "", "app/a/z.py": "", "app/c.py": ""})
    p.loader.all_expected_names()
    modules = [e.module for e in p.loader.registry]
    assert modules == sorted(modules)


def test_registry_loaded_and_discovered_partition_the_entries(project) -> None:
    p = project({"app/a.py": "class A: pass", "app/b.py": "class B: pass", "app/m/c.py": "class C: pass"})
    p.module().A
    registry = p.loader.registry
    loaded = {e.module for e in registry.loaded()}
    discovered = {e.module for e in registry.discovered()}
    assert loaded.isdisjoint(discovered)
    assert loaded | discovered == {e.module for e in registry}


def test_registry_name_defined_by_accepts_relative_paths(project, monkeypatch) -> None:
    p = project({"app/x.py": ""})
    p.loader.all_expected_names()
    monkeypatch.chdir(p.root)
    assert p.loader.registry.name_defined_by("app/x.py") == "app.X"


def test_registry_after_unregister_is_empty(project) -> None:
    p = project({"app/x.py": ""})
    p.loader.all_expected_names()
    p.loader.unregister()
    assert list(p.loader.registry) == []
    assert "app.X" not in p.loader.registry


def test_registry_contains_rejects_non_strings(project) -> None:
    p = project({"app/x.py": ""})
    assert 42 not in p.loader.registry
    assert None not in p.loader.registry


def test_entry_path_of_a_namespace_is_its_first_directory(project) -> None:
    p = project({"one/m/x.py": "", "two/m/y.py": ""}, roots={"one": "app", "two": "app"})
    p.loader.all_expected_names()
    entry = p.loader.registry.get("app.m")
    assert entry.path == p.path("one/m")
    assert entry.dirs == [p.path("one/m"), p.path("two/m")]
    assert entry.parent == "app"
    assert entry.is_namespace


def test_on_load_registered_before_setup_fires_after_it(project) -> None:
    p = project({"app/x.py": "class X: pass"}, setup=False)
    calls: list[str] = []
    p.loader.on_load(lambda name, value, path: calls.append(name))
    p.loader.setup()
    p.module().X
    assert calls == ["app", "app.X"]


def test_on_load_for_the_root_namespace(project) -> None:
    p = project({"app/x.py": ""})
    calls: list[tuple[str, object, str]] = []
    p.loader.on_load(lambda *args: calls.append(args), "app")
    app = p.module()
    assert calls == [("app", app, p.path("app"))]


def test_on_load_is_not_called_for_names_set_by_hand(project) -> None:
    p = project({"app/x.py": "raise RuntimeError"})
    calls: list[str] = []
    p.loader.on_load(lambda name, value, path: calls.append(name), "app.X")
    p.module().X = 1
    assert p.module().X == 1
    assert calls == []

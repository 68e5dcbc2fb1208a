"""Feature 5, introspection (Zeitwerk: test_all_dirs, test_all_expected_cpaths, test_cpath_expected_at, registry)."""

# ruff: noqa: B018 - a bare attribute access is the autoload under test

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pyautoload

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
    import sys

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
    import sys

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
    loader = pyautoload.Loader()
    loader.push_dir(root / "app", namespace="app")
    before = set(sys.modules)
    try:
        loader.setup()
        expected = loader.all_expected_names()
        for path, name in expected.items():
            assert loader.expected_name_at(path) == name
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

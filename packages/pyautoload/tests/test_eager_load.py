"""Feature 4: eager loading.

Zeitwerk: test_eager_load, test_eager_load_dir, test_eager_load_namespace, test_load_file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

import pyautoload

TREE = {
    "app/user.py": "class User: pass",
    "app/models/post.py": "class Post: pass",
    "app/models/comments/comment.py": "class Comment: pass",
    "app/hotel.py": "class Hotel: pass",
    "app/hotel/room.py": "class Room: pass",
    "app/services/__init__.py": "",
    "app/services/mailer.py": "class Mailer: pass",
}
ALL_MODULES = {
    "app.user",
    "app.models.post",
    "app.models.comments.comment",
    "app.hotel",
    "app.hotel.room",
    "app.services.mailer",
}


def loaded(prefix: str = "app") -> set[str]:
    return {name for name in sys.modules if name.startswith(prefix + ".")}


def test_eager_load_loads_everything_and_caches_names(with_files, new_loader) -> None:
    root = with_files(TREE)
    loader = new_loader({root / "app": "app"})
    loader.eager_load()
    assert loaded() >= ALL_MODULES
    app = sys.modules["app"]
    for name in ["User", "Hotel", "models", "hotel", "services"]:
        assert name in vars(app)
    assert "Comment" in vars(app.models.comments)
    assert "Mailer" in vars(app.services)


def test_eager_load_requires_setup(with_files, new_loader) -> None:
    root = with_files(TREE)
    loader = new_loader({root / "app": "app"}, setup=False)
    with pytest.raises(pyautoload.SetupRequired):
        loader.eager_load()


def test_eager_load_is_idempotent(with_files, new_loader) -> None:
    root = with_files(
        {"app/x.py": "import builtins\nbuiltins._pal_x = getattr(builtins, '_pal_x', 0) + 1\nclass X: pass\n"}
    )
    loader = new_loader({root / "app": "app"})
    loader.eager_load()
    loader.eager_load()
    import builtins

    assert builtins._pal_x == 1  # type: ignore[attr-defined]
    del builtins._pal_x  # type: ignore[attr-defined]


def test_eager_load_skips_ignored_files(with_files, new_loader) -> None:
    root = with_files({**TREE, "app/broken.py": "raise RuntimeError('ignored')"})
    loader = new_loader({root / "app": "app"}, setup=False)
    loader.ignore(root / "app/broken.py")
    loader.setup()
    loader.eager_load()
    assert "app.broken" not in sys.modules


def test_do_not_eager_load_a_file(with_files, new_loader) -> None:
    root = with_files({**TREE, "app/heavy.py": "class Heavy: pass"})
    loader = new_loader({root / "app": "app"})
    loader.do_not_eager_load(root / "app/heavy.py")
    loader.eager_load()
    assert "app.heavy" not in sys.modules
    import app

    assert app.Heavy.__name__ == "Heavy"  # still autoloadable


def test_do_not_eager_load_a_directory(with_files, new_loader) -> None:
    root = with_files(TREE)
    loader = new_loader({root / "app": "app"})
    loader.do_not_eager_load(root / "app/models")
    loader.eager_load()
    assert "app.models.post" not in sys.modules
    assert "app.models.comments.comment" not in sys.modules
    assert "app.user" in sys.modules


def test_force_loads_the_exclusions(with_files, new_loader) -> None:
    root = with_files(TREE)
    loader = new_loader({root / "app": "app"})
    loader.do_not_eager_load(root / "app/models")
    loader.eager_load(force=True)
    assert loaded() >= ALL_MODULES


def test_eager_load_with_collapsed_directories(with_files, new_loader) -> None:
    root = with_files({"app/booking/actions/create.py": "class Create: pass"})
    loader = new_loader({root / "app": "app"}, setup=False)
    loader.collapse(root / "app/booking/actions")
    loader.setup()
    loader.eager_load()
    assert "Create" in vars(sys.modules["app.booking"])


def test_eager_load_stops_at_the_first_error(with_files, new_loader) -> None:
    root = with_files({"app/a.py": "class A: pass", "app/b.py": "class Wrong: pass"})
    loader = new_loader({root / "app": "app"})
    with pytest.raises(pyautoload.NameError):
        loader.eager_load()
    assert not loader.eager_loaded


def test_eager_load_dir(with_files, new_loader) -> None:
    root = with_files(TREE)
    loader = new_loader({root / "app": "app"})
    loader.eager_load_dir(root / "app/models")
    assert loaded() >= {"app.models.post", "app.models.comments.comment"}
    assert "app.user" not in sys.modules
    assert "app.hotel.room" not in sys.modules


def test_eager_load_dir_of_a_root(with_files, new_loader) -> None:
    root = with_files(TREE)
    loader = new_loader({root / "app": "app"})
    loader.eager_load_dir(root / "app")
    assert loaded() >= ALL_MODULES


def test_eager_load_dir_honours_exclusions(with_files, new_loader) -> None:
    root = with_files(TREE)
    loader = new_loader({root / "app": "app"})
    loader.do_not_eager_load(root / "app/models/comments")
    loader.eager_load_dir(root / "app/models")
    assert "app.models.post" in sys.modules
    assert "app.models.comments.comment" not in sys.modules


def test_eager_load_dir_outside_the_roots_raises(with_files, new_loader, tmp_path) -> None:
    root = with_files({**TREE, "elsewhere/x.py": ""})
    loader = new_loader({root / "app": "app"})
    with pytest.raises(pyautoload.NotManaged):
        loader.eager_load_dir(root / "elsewhere")
    with pytest.raises(pyautoload.DirectoryNotFound):
        loader.eager_load_dir(root / "app/missing")


def test_eager_load_dir_of_a_directory_in_a_collapsed_one(with_files, new_loader) -> None:
    root = with_files(
        {"app/booking/actions/create.py": "class Create: pass", "app/booking/other.py": "class Other: pass"}
    )
    loader = new_loader({root / "app": "app"}, setup=False)
    loader.collapse(root / "app/booking/actions")
    loader.setup()
    loader.eager_load_dir(root / "app/booking/actions")
    assert "app.booking.create" in sys.modules
    assert "app.booking.other" not in sys.modules


def test_eager_load_namespace(with_files, new_loader) -> None:
    root = with_files(TREE)
    loader = new_loader({root / "app": "app"})
    import app

    loader.eager_load_namespace(app.models)
    assert loaded() >= {"app.models.post", "app.models.comments.comment"}
    assert "app.user" not in sys.modules


def test_eager_load_namespace_by_name_and_of_the_root(with_files, new_loader) -> None:
    root = with_files(TREE)
    loader = new_loader({root / "app": "app"})
    loader.eager_load_namespace("app")
    assert loaded() >= ALL_MODULES


def test_eager_load_namespace_of_an_explicit_namespace(with_files, new_loader) -> None:
    root = with_files(TREE)
    loader = new_loader({root / "app": "app"})
    loader.eager_load_namespace("app.hotel")
    assert "Room" in vars(sys.modules["app.hotel"])
    assert "app.user" not in sys.modules


def test_eager_load_namespace_above_the_root(with_files, new_loader, monkeypatch) -> None:
    root = with_files({"lib/acme/__init__.py": "", "plugins/x.py": "class X: pass"})
    monkeypatch.syspath_prepend(str(root / "lib"))
    loader = new_loader({root / "plugins": "acme.plugins"})
    loader.eager_load_namespace("acme")
    assert "acme.plugins.x" in sys.modules


def test_eager_load_namespace_unknown_does_nothing(with_files, new_loader) -> None:
    root = with_files(TREE)
    loader = new_loader({root / "app": "app"})
    loader.eager_load_namespace("app.nothing")
    loader.eager_load_namespace("json")
    assert loaded() == set()


def test_module_level_eager_load_all(with_files, new_loader) -> None:
    root = with_files({"a/x.py": "class X: pass", "b/y.py": "class Y: pass"})
    new_loader({root / "a": "ns_a"})
    new_loader({root / "b": "ns_b"})
    new_loader({}, setup=False)
    pyautoload.eager_load_all()
    assert {"ns_a.x", "ns_b.y"} <= set(sys.modules)


def test_module_level_eager_load_namespace_across_loaders(with_files, new_loader) -> None:
    root = with_files(
        {"one/models/x.py": "class X: pass", "two/y.py": "class Y: pass", "three/z.py": "class Z: pass"}
    )
    new_loader({root / "one": "app"})
    new_loader({root / "two": "app"})
    new_loader({root / "three": "other"})
    pyautoload.eager_load_namespace("app")
    assert {"app.models.x", "app.y"} <= set(sys.modules)
    assert "other.z" not in sys.modules


def test_load_file(with_files, new_loader) -> None:
    root = with_files(TREE)
    loader = new_loader({root / "app": "app"})
    value = loader.load_file(root / "app/models/post.py")
    assert value is sys.modules["app.models"].Post
    assert "app.user" not in sys.modules


def test_load_file_of_an_explicit_namespace(with_files, new_loader) -> None:
    root = with_files(TREE)
    loader = new_loader({root / "app": "app"})
    assert loader.load_file(root / "app/hotel.py").__name__ == "Hotel"


@pytest.mark.parametrize(
    "relative", ["app/_private.py", "app/ignored.py", "app/models", "outside.py", "app/notes.txt"]
)
def test_load_file_refuses_unmanaged_paths(with_files, new_loader, relative) -> None:
    root = with_files(
        {**TREE, "app/_private.py": "", "app/ignored.py": "", "outside.py": "", "app/notes.txt": ""}
    )
    loader = new_loader({root / "app": "app"}, setup=False)
    loader.ignore(root / "app/ignored.py")
    loader.setup()
    with pytest.raises(pyautoload.NotManaged):
        loader.load_file(root / relative)


def test_load_file_of_a_shadowed_file_raises(with_files, new_loader) -> None:
    root = with_files({"one/x.py": "class X: pass", "two/x.py": "class X: pass"})
    loader = new_loader({root / "one": "app", root / "two": "app"})
    with pytest.raises(pyautoload.NotManaged):
        loader.load_file(root / "two/x.py")


def test_environment_switch_eager_loads_at_setup(with_files) -> None:
    root = with_files(TREE)
    script = textwrap.dedent(
        f"""
        import json, sys, pyautoload
        loader = pyautoload.Loader()
        loader.push_dir({str(root / "app")!r}, namespace="app")
        loader.setup()
        print(json.dumps(sorted(n for n in sys.modules if n.startswith("app."))))
        """
    )
    env = {**os.environ, "PYAUTOLOAD_EAGER": "1"}
    eager = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True, timeout=120
    )
    env["PYAUTOLOAD_EAGER"] = "0"
    lazy = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True, timeout=120
    )
    assert set(json.loads(eager.stdout)) >= ALL_MODULES
    assert json.loads(lazy.stdout) == []


# -- more of Zeitwerk's test_eager_load ------------------------------------------------------------

MIXED = {
    "app/x.py": "class X: pass",
    "app/m/n.py": "class N: pass",
    "app/m/n/a.py": "class A: pass",
    "app/m/n/p/q/z.py": "class Z: pass",
    "app/skip/y.py": "class Y: pass",
}
MIXED_FILES = {"app/x.py", "app/m/n.py", "app/m/n/a.py", "app/m/n/p/q/z.py", "app/skip/y.py"}


@pytest.mark.parametrize("namespace", ["app", "host.app"])
def test_eager_load_all_loads_independent_loaders(project, new_loader, namespace: str) -> None:
    p = project(
        {**MIXED, "site/host/__init__.py": "", "lib/other/thing.py": "class Thing: pass"},
        roots={"app": namespace},
        sys_path=["site"],
    )
    new_loader({p.root / "lib": "lib"})
    pyautoload.eager_load_all()
    assert p.loaded_files() >= MIXED_FILES | {"lib/other/thing.py"}


def test_eager_load_all_with_dependent_loaders(project, new_loader) -> None:
    p = project(
        {
            "one/a.py": "import ns_two\nclass A:\n    partner = ns_two.B\n",
            "two/b.py": "class B: pass",
            "two/c.py": "import ns_one\nclass C:\n    partner = ns_one.A\n",
        },
        roots={"one": "ns_one"},
    )
    new_loader({p.root / "two": "ns_two"})
    pyautoload.eager_load_all()
    assert p.loaded_files() == {"one/a.py", "two/b.py", "two/c.py"}
    assert p.module("ns_two").C.partner.partner is p.module("ns_two").B


def test_eager_load_all_skips_loaders_not_set_up(project, new_loader) -> None:
    p = project({"one/a.py": "class A: pass", "two/b.py": "raise RuntimeError"}, roots={"one": "ns_one"})
    new_loader({p.root / "two": "ns_two"}, setup=False)
    pyautoload.eager_load_all()
    assert p.loaded_files() == {"one/a.py"}


@pytest.mark.parametrize(
    ("excluded", "not_loaded"),
    [
        (["app"], MIXED_FILES),
        (["app/skip"], {"app/skip/y.py"}),
        (["app/x.py"], {"app/x.py"}),
        (["app/m/n/p"], {"app/m/n/p/q/z.py"}),
        (["app/x.py", "app/skip"], {"app/x.py", "app/skip/y.py"}),
    ],
)
def test_opting_out_still_autoloads(project, excluded: list[str], not_loaded: set[str]) -> None:
    p = project(MIXED, do_not_eager_load=excluded)
    p.loader.eager_load()
    assert p.loaded_files() == MIXED_FILES - not_loaded
    app = p.module()
    assert [app.X, app.m.N, app.m.n.A, app.m.n.p.q.Z, app.skip.Y] == [
        app.x.X,
        app.m.n.N,
        app.m.n.a.A,
        app.m.n.p.q.z.Z,
        app.skip.y.Y,
    ]
    assert p.loaded_files() == MIXED_FILES


def test_an_opted_out_root_sharing_a_namespace_does_not_stop_the_other(project) -> None:
    p = project(
        {"one/x.py": "class X: pass", "two/y.py": "class Y: pass"},
        roots={"one": "app", "two": "app"},
        do_not_eager_load=["one"],
    )
    p.loader.eager_load()
    assert p.loaded_files() == {"two/y.py"}
    assert p.module().X.__name__ == "X"


def test_an_opted_out_subdirectory_does_not_stop_a_shared_namespace(project) -> None:
    p = project(
        {"one/m/x.py": "class X: pass", "two/m/y.py": "class Y: pass"},
        roots={"one": "app", "two": "app"},
        do_not_eager_load=["one/m"],
    )
    p.loader.eager_load()
    assert p.loaded_files() == {"two/m/y.py"}
    assert p.module().m.X.__name__ == "X"


@pytest.mark.parametrize("excluded", [["app"], ["app/m"], ["app/x.py"], ["app/m/n/a.py"]])
def test_force_loads_every_exclusion(project, excluded: list[str]) -> None:
    p = project(MIXED, do_not_eager_load=excluded)
    p.loader.eager_load(force=True)
    assert p.loaded_files() == MIXED_FILES


@pytest.mark.parametrize("ignored", [["app/skip"], ["app/m/n"], ["app/x.py"], ["app/m/n/a.py"]])
def test_force_still_honours_ignore(project, ignored: list[str]) -> None:
    p = project(MIXED, ignore=ignored)
    p.loader.eager_load(force=True)
    loaded = p.loaded_files()
    for path in ignored:
        assert not any(f == path or f.startswith(path + "/") for f in loaded), path


def test_files_are_eager_loaded_in_lexicographic_order(project) -> None:
    files = {
        f"app/{name}.py": f"import builtins\nbuiltins._pal_order.append({name!r})\nclass {name.capitalize()}: pass\n"
        for name in ["delta", "alpha", "charlie", "bravo"]
    }
    p = project(files)
    import builtins

    builtins._pal_order = []  # type: ignore[attr-defined]
    try:
        p.loader.eager_load()
        assert builtins._pal_order == ["alpha", "bravo", "charlie", "delta"]  # type: ignore[attr-defined]
    finally:
        del builtins._pal_order  # type: ignore[attr-defined]


def test_eager_load_through_a_symlinked_file(project) -> None:
    p = project({"elsewhere/real.py": "class Linked: pass", "app/x.py": "class X: pass"})
    os.symlink(p.path("elsewhere/real.py"), p.path("app/linked.py"))
    p.loader.eager_load()
    assert "Linked" in vars(p.module())


def test_eager_load_through_a_symlinked_directory(project) -> None:
    p = project({"elsewhere/y.py": "class Y: pass", "app/x.py": "class X: pass"}, setup=False)
    os.symlink(p.path("elsewhere"), p.path("app/sub"))
    p.loader.setup()
    p.loader.eager_load()
    assert "Y" in vars(p.module().sub)


def test_eager_load_after_some_names_were_used(project) -> None:
    p = project(MIXED)
    x = p.module().X
    p.loader.eager_load()
    assert p.module().X is x
    assert p.loaded_files() == MIXED_FILES


def test_eager_load_of_a_loader_without_roots(new_loader) -> None:
    loader = new_loader({})
    loader.eager_load()
    assert loader.eager_loaded


def test_eager_load_retries_after_the_error_is_fixed(project) -> None:
    p = project({"app/a.py": "class A: pass", "app/b.py": "class Wrong: pass"})
    with pytest.raises(pyautoload.NameError):
        p.loader.eager_load()
    (p.root / "app/b.py").write_text("class B: pass\n")
    del sys.modules["app.b"]
    p.loader.eager_load()
    assert p.loader.eager_loaded
    assert p.module().B.__name__ == "B"


# -- more of Zeitwerk's test_eager_load_dir ---------------------------------------------------------


def test_eager_load_dir_accepts_str_and_paths(project) -> None:
    p = project(MIXED)
    p.loader.eager_load_dir(str(p.root / "app/m"))
    p.loader.eager_load_dir(p.root / "app/skip")
    assert p.loaded_files() == MIXED_FILES - {"app/x.py"}


def test_eager_load_dir_skips_excluded_files_and_directories(project) -> None:
    p = project(MIXED, do_not_eager_load=["app/x.py", "app/m/n"])
    p.loader.eager_load_dir(p.path("app"))
    assert p.loaded_files() == {"app/m/n.py", "app/skip/y.py"}  # n.py is outside the excluded n/


def test_eager_load_dir_skips_excluded_ancestors(project) -> None:
    p = project(MIXED, do_not_eager_load=["app/m"])
    p.loader.eager_load_dir(p.path("app/m/n"))
    assert p.loaded_files() == set()


def test_eager_load_dir_loads_an_excluded_explicit_namespace_file_if_its_subtree_is_not(project) -> None:
    p = project(MIXED, do_not_eager_load=["app/m/n.py"])
    p.loader.eager_load_dir(p.path("app"))
    assert {"app/m/n/a.py", "app/m/n/p/q/z.py"} <= p.loaded_files()


def test_eager_load_dir_does_not_load_intermediate_files_of_an_excluded_target(project) -> None:
    p = project(
        {"app/excluded.py": "class Excluded: pass", "app/excluded/n/x.py": "class X: pass"},
        do_not_eager_load=["app/excluded"],
    )
    p.loader.eager_load_dir(p.path("app/excluded/n"))
    assert "app/x.py" not in p.loaded_files()
    assert p.loaded_files() <= {"app/excluded.py"}


def test_eager_load_dir_skips_ignored_descendants(project) -> None:
    p = project(MIXED, ignore=["app/x.py", "app/m/n"])
    p.loader.eager_load_dir(p.path("app"))
    assert p.loaded_files() == {"app/m/n.py", "app/skip/y.py"}  # n.py is a plain file now


def test_eager_load_dir_of_a_shadowed_root_loads_nothing(project) -> None:
    p = project(
        {"one/x.py": "class X: pass", "two/x.py": "raise RuntimeError"}, roots={"one": "app", "two": "app"}
    )
    p.loader.eager_load_dir(p.path("two"))
    assert p.loaded_files() == set()


def test_eager_load_dir_of_one_root_leaves_the_other_namespace(project) -> None:
    p = project(
        {"one/x.py": "class X: pass", "two/y.py": "class Y: pass"}, roots={"one": "ns_one", "two": "ns_two"}
    )
    p.loader.eager_load_dir(p.path("one"))
    assert p.loaded_files() == {"one/x.py"}


def test_eager_load_dir_of_one_root_leaves_the_other_root_of_the_same_namespace(project) -> None:
    p = project(
        {"one/x.py": "class X: pass", "two/y.py": "class Y: pass"}, roots={"one": "app", "two": "app"}
    )
    p.loader.eager_load_dir(p.path("two"))
    assert p.loaded_files() == {"two/y.py"}


def test_eager_load_dir_of_an_ignored_directory_loads_nothing(project) -> None:
    p = project(MIXED, ignore=["app/m"])
    p.loader.eager_load_dir(p.path("app/m"))
    assert p.loaded_files() == set()


def test_eager_load_dir_of_a_directory_below_an_ignored_one_loads_nothing(project) -> None:
    p = project(MIXED, ignore=["app/m"])
    p.loader.eager_load_dir(p.path("app/m/n"))
    assert p.loaded_files() == set()


def test_eager_load_dir_leaves_nested_roots_alone(project) -> None:
    p = project(
        {"app/x.py": "class X: pass", "app/lib/y.py": "class Y: pass"}, roots={"app": "app", "app/lib": "lib"}
    )
    p.loader.eager_load_dir(p.path("app"))
    assert "app/x.py" in p.loaded_files()
    assert "app.lib" not in sys.modules


def test_eager_load_dir_of_a_nested_root(project) -> None:
    p = project(
        {"app/x.py": "class X: pass", "app/lib/y.py": "class Y: pass"}, roots={"app": "app", "app/lib": "lib"}
    )
    p.loader.eager_load_dir(p.path("app/lib"))
    assert p.loaded_files() == {"app/lib/y.py"}


def test_eager_load_dir_skips_hidden_directories(project) -> None:
    p = project({"app/x.py": "class X: pass", "app/.hidden/y.py": "raise RuntimeError"})
    p.loader.eager_load_dir(p.path("app"))
    assert p.loaded_files() == {"app/x.py"}


def test_eager_load_dir_can_be_called_from_a_loaded_file(project) -> None:
    p = project(
        {
            "app/boot.py": "import app\napp.LOADER.eager_load_dir(app.__path__[0] + '/models')\nclass Boot: pass\n",
            "app/models/user.py": "class User: pass",
        }
    )
    p.module().LOADER = p.loader
    assert p.module().Boot.__name__ == "Boot"
    assert "User" in vars(p.module().models)


def test_eager_load_dir_ignores_non_python_files(project) -> None:
    p = project({"app/x.py": "class X: pass", "app/notes.txt": "", "app/data/table.csv": ""})
    p.loader.eager_load_dir(p.path("app"))
    assert p.loaded_files() == {"app/x.py"}


def test_eager_load_dir_of_a_file_is_an_error(project) -> None:
    p = project(MIXED)
    with pytest.raises(pyautoload.DirectoryNotFound):
        p.loader.eager_load_dir(p.path("app/x.py"))


def test_eager_load_dir_outside_the_roots_reads_nothing(project) -> None:
    p = project({**MIXED, "outside/x.py": "raise RuntimeError"})
    with pytest.raises(pyautoload.NotManaged) as info:
        p.loader.eager_load_dir(p.path("outside"))
    assert info.value.target == p.path("outside")
    assert "app" not in sys.modules


def test_eager_load_dir_before_setup(project) -> None:
    p = project(MIXED, setup=False)
    with pytest.raises(pyautoload.SetupRequired):
        p.loader.eager_load_dir(p.path("app"))


# -- more of Zeitwerk's test_eager_load_namespace --------------------------------------------------


@pytest.mark.parametrize("target", ["app", "app.m", "app.m.n", "app.m.n.p", "app.skip"])
def test_eager_load_namespace_loads_exactly_its_subtree(project, target: str) -> None:
    p = project(MIXED)
    p.loader.eager_load_namespace(target)
    prefix = target.replace(".", "/")
    expected = {f for f in MIXED_FILES if f.startswith(prefix + "/")}
    assert p.loaded_files() - {"app/m/n.py"} == expected - {"app/m/n.py"}


def test_eager_load_namespace_with_several_roots(project) -> None:
    p = project(
        {"one/m/x.py": "class X: pass", "two/m/y.py": "class Y: pass", "two/z.py": "class Z: pass"},
        roots={"one": "app", "two": "app"},
    )
    p.loader.eager_load_namespace("app.m")
    assert p.loaded_files() == {"one/m/x.py", "two/m/y.py"}


def test_eager_load_namespace_with_collapsed_directories(project) -> None:
    p = project({"app/m/flat/x.py": "class X: pass", "app/y.py": "class Y: pass"}, collapse=["app/m/flat"])
    p.loader.eager_load_namespace("app.m")
    assert p.loaded_files() == {"app/m/flat/x.py"}


def test_eager_load_namespace_of_a_nested_root(project) -> None:
    p = project(
        {"app/x.py": "class X: pass", "app/lib/y.py": "class Y: pass"}, roots={"app": "app", "app/lib": "lib"}
    )
    p.loader.eager_load_namespace("lib")
    assert p.loaded_files() == {"app/lib/y.py"}


def test_eager_load_namespace_of_the_outer_root_leaves_a_nested_root(project) -> None:
    p = project(
        {"app/x.py": "class X: pass", "app/lib/y.py": "class Y: pass"}, roots={"app": "app", "app/lib": "lib"}
    )
    p.loader.eager_load_namespace("app")
    assert p.loaded_files() == {"app/x.py"}


def test_eager_load_namespace_skips_ignored_files(project) -> None:
    p = project(MIXED, ignore=["app/m/n/a.py"])
    p.loader.eager_load_namespace("app.m")
    assert "app/m/n/a.py" not in p.loaded_files()
    assert "app/m/n/p/q/z.py" in p.loaded_files()


def test_eager_load_namespace_skips_shadowed_files(project) -> None:
    p = project(
        {"one/x.py": "class X: pass", "two/x.py": "raise RuntimeError"}, roots={"one": "app", "two": "app"}
    )
    p.loader.eager_load_namespace("app")
    assert p.loaded_files() == {"one/x.py"}


@pytest.mark.parametrize(
    ("excluded", "target", "loaded"),
    [
        (["app"], "app", set()),
        (["app/m"], "app", {"app/x.py", "app/skip/y.py"}),
        (["app/m"], "app.m", set()),
        (["app/m/n/p"], "app.m", {"app/m/n.py", "app/m/n/a.py"}),
        (["app/m"], "app.m.n.p", {"app/m/n.py"}),  # importing app.m.n.p runs its parent's body
    ],
    ids=["root", "ancestor-of-excluded", "self-excluded", "descendant-excluded", "below-excluded"],
)
def test_eager_load_namespace_honours_exclusions(project, excluded, target, loaded) -> None:
    p = project(MIXED, do_not_eager_load=excluded)
    p.loader.eager_load_namespace(target)
    assert p.loaded_files() == loaded


def test_eager_load_namespace_does_not_load_other_loaders_names(project, new_loader) -> None:
    p = project({"one/m/x.py": "class X: pass", "two/m/y.py": "raise RuntimeError"}, roots={"one": "app"})
    new_loader({p.root / "two": "app"})
    p.loader.eager_load_namespace("app.m")
    assert p.loaded_files() == {"one/m/x.py"}


def test_eager_load_namespace_of_a_module_object(project) -> None:
    p = project(MIXED)
    p.loader.eager_load_namespace(p.module().m)
    assert "app/m/n/p/q/z.py" in p.loaded_files()
    assert "app/x.py" not in p.loaded_files()


def test_eager_load_namespace_before_setup(project) -> None:
    p = project(MIXED, setup=False)
    with pytest.raises(pyautoload.SetupRequired):
        p.loader.eager_load_namespace("app")


def test_eager_load_namespace_after_eager_load_is_a_no_op(project) -> None:
    p = project(MIXED)
    p.loader.eager_load()
    before = set(sys.modules)
    p.loader.eager_load_namespace("app.m")
    assert set(sys.modules) == before


def test_broadcast_eager_load_namespace_skips_loaders_not_set_up(project, new_loader) -> None:
    p = project({"one/x.py": "class X: pass", "two/y.py": "raise RuntimeError"}, roots={"one": "app"})
    new_loader({p.root / "two": "app"}, setup=False)
    pyautoload.eager_load_namespace("app")
    assert p.loaded_files() == {"one/x.py"}


def test_broadcast_eager_load_namespace_of_a_module_object(project, new_loader) -> None:
    p = project({"one/m/x.py": "class X: pass", "two/m/y.py": "class Y: pass"}, roots={"one": "app"})
    new_loader({p.root / "two": "app"})
    pyautoload.eager_load_namespace(p.module("app.m"))
    assert p.loaded_files() == {"one/m/x.py", "two/m/y.py"}


# -- more of Zeitwerk's test_load_file -------------------------------------------------------------


@pytest.mark.parametrize("namespace", ["app", "host.app"])
def test_load_file_of_a_top_level_file(project, namespace: str) -> None:
    p = project(
        {"site/host/__init__.py": "", "app/x.py": "X = 'top'"}, roots={"app": namespace}, sys_path=["site"]
    )
    assert p.loader.load_file(p.path("app/x.py")) == "top"
    assert {f for f in p.loaded_files() if f.startswith("app/")} == {"app/x.py"}


@pytest.mark.parametrize("namespace", ["app", "host.app"])
def test_load_file_of_a_nested_file(project, namespace: str) -> None:
    p = project(
        {"site/host/__init__.py": "", "app/m/n/x.py": "X = 'deep'"},
        roots={"app": namespace},
        sys_path=["site"],
    )
    assert p.loader.load_file(p.root / "app/m/n/x.py") == "deep"
    assert "X" in vars(sys.modules[f"{namespace}.m.n"])


def test_load_file_in_a_collapsed_directory(project) -> None:
    p = project({"app/m/flat/x.py": "class X: pass"}, collapse=["app/m/flat"])
    assert p.loader.load_file(p.path("app/m/flat/x.py")) is p.module().m.X


@pytest.mark.parametrize(
    "relative",
    [
        "app/missing.py",
        "app/m",
        "app/notes.txt",
        "app/ignored_dir/x.py",
        "app/.hidden.py",
        "app/.hidden_dir/x.py",
        "app/__init__.py",
    ],
)
def test_load_file_refuses(project, relative: str) -> None:
    p = project(
        {
            "app/m/x.py": "class X: pass",
            "app/notes.txt": "",
            "app/ignored_dir/x.py": "",
            "app/.hidden.py": "",
            "app/.hidden_dir/x.py": "",
            "app/__init__.py": "",
        },
        ignore=["app/ignored_dir"],
    )
    with pytest.raises(pyautoload.NotManaged) as info:
        p.loader.load_file(p.path(relative))
    assert info.value.target == p.path(relative)


def test_load_file_in_a_hidden_root(project) -> None:
    p = project({".rd/n/x.py": "X = 1"}, roots={".rd": "app"})
    assert p.loader.load_file(p.path(".rd/n/x.py")) == 1


def test_load_file_of_another_loaders_file(project, new_loader) -> None:
    p = project({"app/x.py": "class X: pass", "other/y.py": "class Y: pass"})
    new_loader({p.root / "other": "other"})
    with pytest.raises(pyautoload.NotManaged):
        p.loader.load_file(p.path("other/y.py"))
    assert "other.y" not in sys.modules


def test_load_file_of_an_unmanaged_file_imports_nothing(project) -> None:
    p = project({"app/x.py": "", "external/m/x.py": ""})
    with pytest.raises(pyautoload.NotManaged):
        p.loader.load_file(p.path("external/m/x.py"))
    assert p.loaded_files() == set()


def test_load_file_twice_gives_the_same_value(project) -> None:
    p = project({"app/x.py": "class X: pass"})
    assert p.loader.load_file(p.path("app/x.py")) is p.loader.load_file(p.path("app/x.py"))


def test_load_file_that_does_not_define_its_name(project) -> None:
    p = project({"app/x.py": "class Y: pass"})
    with pytest.raises(pyautoload.NameError):
        p.loader.load_file(p.path("app/x.py"))


def test_load_file_runs_on_load_callbacks(project) -> None:
    p = project({"app/x.py": "class X: pass"})
    seen: list[str] = []
    p.loader.on_load(lambda name, value, path: seen.append(name), "app.X")
    p.loader.load_file(p.path("app/x.py"))
    assert seen == ["app.X"]


@pytest.mark.parametrize(
    ("value", "eager"), [("1", True), ("true", True), ("on", True), ("0", False), ("", False), ("no", False)]
)
def test_environment_switch_in_process(project, monkeypatch, value: str, eager: bool) -> None:
    monkeypatch.setenv("PYAUTOLOAD_EAGER", value)
    p = project(MIXED)
    assert p.loader.eager_loaded is eager
    assert (p.loaded_files() == MIXED_FILES) is eager


def test_environment_switch_reports_a_broken_file_at_setup(project, monkeypatch) -> None:
    monkeypatch.setenv("PYAUTOLOAD_EAGER", "1")
    with pytest.raises(pyautoload.NameError):
        project({"app/x.py": "class Y: pass"})


def test_load_file_in_an_ignored_root(project) -> None:
    p = project(
        {"app/x.py": "", "ignored_root/x.py": ""},
        roots={"app": "app", "ignored_root": "other"},
        ignore=["ignored_root"],
    )
    with pytest.raises(pyautoload.NotManaged):
        p.loader.load_file(p.path("ignored_root/x.py"))


def test_environment_switch_with_a_library_that_sets_itself_up(with_files, monkeypatch) -> None:
    root = with_files(
        {
            "site/kit/__init__.py": "import pyautoload\nloader = pyautoload.Loader.for_package(__name__)\nloader.setup()\n",
            "site/kit/version.py": "VERSION = '1'\n",
            "site/kit/tools/hammer.py": "from kit import VERSION\nclass Hammer:\n    version = VERSION\n",
        }
    )
    monkeypatch.syspath_prepend(str(root / "site"))
    monkeypatch.setenv("PYAUTOLOAD_EAGER", "1")
    import kit

    assert "Hammer" in vars(kit.tools)  # loaded while kit/__init__.py ran
    assert kit.tools.Hammer.version == "1"
    assert kit.loader.eager_loaded


def test_opting_out_of_an_explicit_namespace_directory_still_loads_its_file(project) -> None:
    p = project(MIXED, do_not_eager_load=["app/m/n"])
    p.loader.eager_load()
    assert p.loaded_files() == MIXED_FILES - {"app/m/n/a.py", "app/m/n/p/q/z.py"}


def test_opting_out_of_both_file_and_directory_of_an_explicit_namespace(project) -> None:
    p = project(MIXED, do_not_eager_load=["app/m/n", "app/m/n.py"])
    p.loader.eager_load()
    assert p.loaded_files() == {"app/x.py", "app/skip/y.py"}


def test_eager_load_dir_with_an_excluded_explicit_namespace_directory(project) -> None:
    p = project(MIXED, do_not_eager_load=["app/m/n"])
    p.loader.eager_load_dir(p.path("app"))
    assert p.loaded_files() == {"app/x.py", "app/m/n.py", "app/skip/y.py"}

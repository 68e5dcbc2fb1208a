"""Feature 4: eager loading (Zeitwerk: test_eager_load, test_eager_load_dir, test_eager_load_namespace, test_load_file)."""

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

"""Feature 5, callbacks (Zeitwerk: test_on_setup, test_on_load, test_on_unload, test_callbacks)."""

# ruff: noqa: B018 - a bare attribute access is the autoload under test

from __future__ import annotations

import pyautoload


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

"""``Loader.unload()`` and the ``on_unload`` callbacks (Zeitwerk: test_unload, test_on_unload)."""

# ruff: noqa: B018 - a bare attribute access is the autoload under test

from __future__ import annotations

import importlib
import sys

import pytest

import pyautoload

TREE = {
    "app/models/user.py": "class User: pass\n",
    "app/models/post.py": "class Post: pass\n",
    "app/hotel.py": "class Hotel: pass\n",
    "app/hotel/room.py": "class Room: pass\n",
    "app/_private.py": "SECRET = 1\n",
}


def app_modules() -> list[str]:
    return sorted(name for name in sys.modules if name == "app" or name.startswith("app."))


def test_unload_takes_back_every_module_and_name(with_files, new_loader) -> None:
    root = with_files(TREE)
    loader = new_loader({root / "app": "app"})
    import app

    old_user, old_room, old_hotel = app.models.User, app.hotel.Room, app.Hotel
    models, hotel = app.models, app.hotel
    importlib.import_module("app._private")
    assert app_modules() == [
        "app",
        "app._private",
        "app.hotel",
        "app.hotel.room",
        "app.models",
        "app.models.user",
    ]
    loader.unload()
    assert app_modules() == []
    assert "User" not in vars(models)  # the old objects lost what was cached in them
    assert "Room" not in vars(hotel)
    assert "Hotel" not in vars(app)
    assert "models" not in vars(app)

    import app as fresh

    assert fresh is not app
    assert fresh.models.User is not old_user
    assert fresh.models.User.__module__ == "app.models.user"
    assert fresh.hotel.Room is not old_room
    assert fresh.Hotel is not old_hotel
    assert loader.is_set_up


def test_files_run_again_after_unload(with_files, new_loader) -> None:
    root = with_files(
        {
            "app/counter.py": "import sys\nsys.modules['builtins'].__dict__.setdefault('_pyautoload_runs', []).append(1)\nclass Counter: pass\n"
        }
    )
    loader = new_loader({root / "app": "app"})
    runs: list[int] = []
    import builtins

    builtins._pyautoload_runs = runs  # type: ignore[attr-defined]
    try:
        importlib.import_module("app").Counter
        loader.unload()
        importlib.import_module("app").Counter
        importlib.import_module("app").Counter
    finally:
        del builtins._pyautoload_runs  # type: ignore[attr-defined]
    assert runs == [1, 1]


def test_on_unload_runs_for_what_on_load_ran_for_children_first(with_files, new_loader) -> None:
    root = with_files(TREE)
    loader = new_loader({root / "app": "app"})
    loaded: list[tuple[str, object, str]] = []
    unloaded: list[tuple[str, object, str]] = []
    loader.on_load(lambda *event: loaded.append(event))
    loader.on_unload(lambda *event: unloaded.append(event))
    import app

    app.models.User
    app.hotel.Room
    loader.unload()
    assert "app.Hotel" not in [name for name, _, _ in loaded]  # app.hotel is the module, not the name
    assert sorted(unloaded, key=lambda e: e[0]) == sorted(loaded, key=lambda e: e[0])
    names = [name for name, _, _ in unloaded]
    assert names == ["app.models.User", "app.models", "app.hotel.Room", "app.hotel", "app"]
    by_name = {name: (value, path) for name, value, path in unloaded}
    assert by_name["app.models.User"][1] == str(root / "app/models/user.py")
    assert by_name["app.models"][1] == str(root / "app/models")
    assert by_name["app.hotel"][1] == str(root / "app/hotel.py")
    assert getattr(by_name["app.models.User"][0], "__name__", None) == "User"


def test_on_unload_for_one_name(with_files, new_loader) -> None:
    root = with_files(TREE)
    loader = new_loader({root / "app": "app"})
    seen: list[str] = []
    loader.on_unload(lambda name, value, path: seen.append(f"{name}:{value.__name__}"), "app.models.User")
    import app

    app.models.User
    app.models.Post
    loader.unload()
    assert seen == ["app.models.User:User"]


def test_callbacks_see_the_values_in_place(with_files, new_loader) -> None:
    root = with_files(TREE)
    loader = new_loader({root / "app": "app"})
    import app

    user = app.models.User
    seen: list[bool] = []
    loader.on_unload(
        lambda *_: seen.append(vars(app.models).get("User") is user and "app.models" in sys.modules)
    )
    loader.unload()
    assert seen
    assert all(seen)


def test_a_failing_callback_leaves_everything_in_place(with_files, new_loader) -> None:
    root = with_files(TREE)
    loader = new_loader({root / "app": "app"})
    import app

    user = app.models.User

    def fail(name: str, value: object, path: str) -> None:
        raise RuntimeError(f"cannot unload {name}")

    loader.on_unload(fail, "app.models")
    with pytest.raises(RuntimeError, match=r"cannot unload app\.models$"):
        loader.unload()
    assert sys.modules["app"] is app
    assert app.models.User is user


def test_names_never_used_fire_nothing(with_files, new_loader) -> None:
    root = with_files(TREE)
    loader = new_loader({root / "app": "app"})
    seen: list[str] = []
    loader.on_unload(lambda name, *_: seen.append(name))
    loader.unload()
    assert seen == []
    importlib.import_module("app.models.user")  # imported, never autoloaded: no on_load either
    loader.unload()
    assert seen == ["app.models", "app"]
    assert app_modules() == []


def test_unload_sees_files_added_and_removed_since(with_files, new_loader, tree_writer) -> None:
    root = with_files(TREE)
    loader = new_loader({root / "app": "app"})
    import app

    app.models.User
    (root / "app/models/post.py").unlink()
    tree_writer(
        root,
        {"app/models/comment.py": "class Comment: pass\n", "app/billing/invoice.py": "class Invoice: pass\n"},
    )
    loader.unload()
    fresh = importlib.import_module("app")
    assert fresh.models.Comment.__name__ == "Comment"
    assert fresh.billing.Invoice.__name__ == "Invoice"
    with pytest.raises(AttributeError):
        fresh.models.Post
    assert loader.expected_name_at(root / "app/models/comment.py") == "app.models.Comment"


def test_changed_file_runs_its_new_content(with_files, new_loader, tree_writer) -> None:
    root = with_files({"app/config.py": "class Config:\n    LEVEL = 1\n"})
    loader = new_loader({root / "app": "app"})
    assert importlib.import_module("app").Config.LEVEL == 1
    tree_writer(root, {"app/config.py": "class Config:\n    LEVEL = 22\n"})
    loader.unload()
    assert importlib.import_module("app").Config.LEVEL == 22


def test_adopted_package_keeps_its_module_and_loses_the_names(with_files, monkeypatch) -> None:
    root = with_files(
        {
            "site/shop/__init__.py": "import pyautoload\nloader = pyautoload.Loader.for_package(__name__)\nloader.setup()\nOWN = 1\n",
            "site/shop/version.py": "VERSION = '1.0'\n",
            "site/shop/models/product.py": "class Product: pass\n",
        }
    )
    monkeypatch.syspath_prepend(str(root / "site"))
    shop = importlib.import_module("shop")
    product, version = shop.models.Product, shop.VERSION
    unloaded: list[str] = []
    shop.loader.on_unload(lambda name, *_: unloaded.append(name))
    shop.loader.unload()
    assert sys.modules["shop"] is shop
    assert shop.OWN == 1
    assert "VERSION" not in vars(shop)
    assert "models" not in vars(shop)
    assert sorted(unloaded) == ["shop.VERSION", "shop.models", "shop.models.Product"]
    again = shop.VERSION
    assert again == version  # the same text, read again
    assert shop.models.Product is not product
    assert "shop.version" in sys.modules


def test_private_and_explicitly_imported_modules_go_too(with_files, new_loader) -> None:
    root = with_files(TREE)
    loader = new_loader({root / "app": "app"})
    private = importlib.import_module("app._private")
    loader.unload()
    assert "app._private" not in sys.modules
    assert importlib.import_module("app._private") is not private


def test_eager_load_runs_again_after_unload(with_files, new_loader) -> None:
    root = with_files(TREE)
    loader = new_loader({root / "app": "app"})
    loader.eager_load()
    assert "app.models.post" in sys.modules
    loader.unload()
    assert app_modules() == []
    loader.eager_load()
    assert {"app.models.post", "app.models.user", "app.hotel.room"} <= set(app_modules())


def test_another_loader_sharing_the_namespace_keeps_its_names(with_files, new_loader) -> None:
    root = with_files(
        {"one/models/user.py": "class User: pass\n", "two/models/post.py": "class Post: pass\n"}
    )
    first = new_loader({root / "one": "app"})
    new_loader({root / "two": "app"})
    import app

    app.models.User
    post = app.models.Post
    first.unload()
    fresh = importlib.import_module("app")
    assert fresh.models.User.__name__ == "User"
    assert fresh.models.Post is post  # the other loader's module was not unloaded


def test_the_registry_starts_over(with_files, new_loader) -> None:
    root = with_files(TREE)
    loader = new_loader({root / "app": "app"})
    import app

    app.models.User
    assert [entry.module for entry in loader.registry.loaded()][:2] == ["app", "app.models"]
    loader.unload()
    assert loader.registry.loaded() == []
    assert loader.all_expected_names()[str(root / "app/models/user.py")] == "app.models.User"
    assert loader.registry.file_of("app.models.User") == str(root / "app/models/user.py")


def test_unload_twice_and_unload_before_use(with_files, new_loader) -> None:
    root = with_files(TREE)
    loader = new_loader({root / "app": "app"})
    loader.unload()
    loader.unload()
    assert importlib.import_module("app").models.User.__name__ == "User"


def test_unload_requires_setup(with_files, new_loader) -> None:
    root = with_files(TREE)
    loader = new_loader({root / "app": "app"}, setup=False)
    with pytest.raises(pyautoload.SetupRequired, match=r"unload\(\)"):
        loader.unload()


def test_unload_is_logged(with_files, new_loader) -> None:
    root = with_files(TREE)
    lines: list[str] = []
    loader = new_loader({root / "app": "app"}, logger=lines.append)
    import app

    app.models.User
    loader.unload()
    assert any("unloaded 3 module(s) and 1 name(s)" in line for line in lines), lines

"""Feature 3: namespaces, collapse, ignore, shadowing, other distributions.

Zeitwerk: test_explicit_namespace, test_nested_root_directories, test_collapse, test_ignore,
test_shared_namespaces, test_conflicting_directory, and the shadowing cases of test_top_level.
"""

# ruff: noqa: B018 - a bare attribute access is the autoload under test

from __future__ import annotations

import importlib
import os
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pyautoload


def test_directory_without_init_is_an_auto_created_namespace(with_files, new_loader) -> None:
    root = with_files({"app/models/user.py": "class User: pass"})
    new_loader({root / "app": "app"})
    import app

    assert app.models.__name__ == "app.models"
    assert not hasattr(app.models, "__file__") or app.models.__file__ is None
    assert app.models.__path__ == [str(root / "app/models")]


def test_python_files_at_any_depth_make_a_namespace(with_files, new_loader) -> None:
    root = with_files({"app/outer/inner/x.py": "class X: pass"})
    new_loader({root / "app": "app"})
    import app

    assert app.outer.inner.X.__name__ == "X"


@pytest.mark.parametrize(
    "files",
    [
        {"app/assets/logo.svg": "<svg/>"},
        {"app/assets/": None},
        {"app/assets/.hidden.py": ""},
        {"app/assets/__pycache__/x.py": ""},
    ],
)
def test_directories_without_python_files_are_not_namespaces(with_files, new_loader, files) -> None:
    root = with_files({**files, "app/x.py": "class X: pass"})
    loader = new_loader({root / "app": "app"})
    import app

    assert not hasattr(app, "assets")
    assert loader.expected_name_at(root / "app/assets") is None


def test_explicit_namespace_file_next_to_directory(with_files, new_loader) -> None:
    root = with_files(
        {
            "app/hotel.py": "class Hotel:\n    stars = 4\n",
            "app/hotel/pricing.py": "from app.hotel import Hotel\nclass Pricing:\n    hotel = Hotel\n",
        }
    )
    new_loader({root / "app": "app"})
    import app

    assert app.Hotel.stars == 4
    assert app.hotel.Pricing.hotel is app.Hotel
    assert app.hotel.__file__ == str(root / "app/hotel.py")
    assert app.hotel.__path__ == [str(root / "app/hotel")]
    assert app.hotel.__spec__.loader.__class__.__mro__[1] is importlib.machinery.SourceFileLoader


def test_explicit_namespace_body_can_use_its_children(with_files, new_loader) -> None:
    root = with_files(
        {
            "app/hotel.py": "from app.hotel import Room\nclass Hotel:\n    room = Room\n",
            "app/hotel/room.py": "class Room: pass",
        }
    )
    new_loader({root / "app": "app"})
    import app

    assert app.Hotel.room is app.hotel.Room


def test_explicit_namespace_and_init_conflict(with_files, new_loader) -> None:
    root = with_files(
        {"app/hotel.py": "class Hotel: pass", "app/hotel/__init__.py": "", "app/hotel/x.py": ""}
    )
    new_loader({root / "app": "app"})
    with pytest.raises(pyautoload.ConflictError) as info:
        import app  # noqa: F401
    assert info.value.path == str(root / "app/hotel.py")
    assert info.value.other == str(root / "app/hotel/__init__.py")


def test_a_child_named_like_its_explicit_namespace_is_a_conflict(with_files, new_loader) -> None:
    # hotel.py defines app.Hotel and is the body of app.hotel, so app.hotel.Hotel is that class:
    # hotel/hotel.py (expected to define app.hotel.Hotel) could never be reached by its name
    root = with_files(
        {"app/hotel.py": "class Hotel: pass", "app/hotel/hotel.py": "class Hotel:\n    inner = True\n"}
    )
    new_loader({root / "app": "app"})
    import app

    with pytest.raises(pyautoload.ConflictError) as info:
        app.Hotel
    assert info.value.path == str(root / "app/hotel.py")
    assert info.value.other == str(root / "app/hotel/hotel.py")
    assert "app/hotel/hotel.py is expected to define app.hotel.Hotel" in str(info.value)
    assert "app.hotel" not in sys.modules, "nothing half-loaded stays behind"


def test_a_name_a_package_body_defines_over_a_child_file_is_a_conflict(with_files, new_loader) -> None:
    root = with_files(
        {"app/shop/__init__.py": "User = 'not the class'\n", "app/shop/user.py": "class User: pass"}
    )
    new_loader({root / "app": "app"})
    import app

    with pytest.raises(pyautoload.ConflictError) as info:
        app.shop
    assert (info.value.path, info.value.other) == (
        str(root / "app/shop/__init__.py"),
        str(root / "app/shop/user.py"),
    )


def test_a_body_may_bind_its_childs_own_value(with_files, new_loader) -> None:
    root = with_files(
        {
            "app/shop/__init__.py": "from app.shop.user import User\n",
            "app/hotel.py": "from app.hotel.room import Room\nclass Hotel:\n    room = Room\n",
            "app/hotel/room.py": "class Room: pass",
            "app/shop/user.py": "class User: pass",
        }
    )
    new_loader({root / "app": "app"})
    import app

    assert app.shop.User is sys.modules["app.shop.user"].User
    assert app.Hotel.room is app.hotel.Room


def test_existing_init_is_honoured(with_files, new_loader) -> None:
    root = with_files(
        {
            "app/services/__init__.py": "READY = True\n",
            "app/services/mailer.py": "class Mailer: pass",
        }
    )
    new_loader({root / "app": "app"})
    import app

    assert app.services.READY is True
    assert app.services.Mailer.__name__ == "Mailer"
    assert app.services.__file__ == str(root / "app/services/__init__.py")


def test_init_can_use_autoloads_of_its_own_package(with_files, new_loader) -> None:
    root = with_files(
        {
            "app/services/__init__.py": "from app.services import Mailer\nDEFAULT = Mailer()\n",
            "app/services/mailer.py": "class Mailer: pass",
        }
    )
    new_loader({root / "app": "app"})
    import app

    assert isinstance(app.services.DEFAULT, app.services.Mailer)


def test_init_with_its_own_getattr_keeps_it_as_fallback(with_files, new_loader) -> None:
    root = with_files(
        {
            "app/services/__init__.py": "def __getattr__(name):\n    if name == 'dynamic':\n        return 7\n    raise AttributeError(name)\n",
            "app/services/mailer.py": "class Mailer: pass",
        }
    )
    new_loader({root / "app": "app"})
    import app

    assert app.services.Mailer.__name__ == "Mailer"
    assert app.services.dynamic == 7
    with pytest.raises(AttributeError):
        app.services.missing


def test_nested_root_directory_is_cut_out_of_its_parent(with_files, new_loader) -> None:
    root = with_files({"app/x.py": "class X: pass", "app/lib/y.py": "class Y: pass"})
    loader = new_loader({root / "app": "app", root / "app/lib": "lib"})
    import app
    import lib

    assert not hasattr(app, "lib")
    assert lib.Y.__module__ == "lib.y"
    assert loader.expected_name_at(root / "app/lib/y.py") == "lib.Y"


def test_nested_root_of_another_loader_is_cut_out(with_files, new_loader) -> None:
    root = with_files({"app/x.py": "class X: pass", "app/engine/y.py": "class Y: pass"})
    new_loader({root / "app": "app"})
    new_loader({root / "app/engine": "engine"})
    import app
    import engine

    assert not hasattr(app, "engine")
    assert engine.Y.__name__ == "Y"


def test_collapse_removes_a_namespace_level(with_files, new_loader) -> None:
    root = with_files(
        {
            "app/booking/actions/create.py": "class Create: pass",
            "app/booking/actions/cancel.py": "class Cancel: pass",
            "app/booking/reservation.py": "class Reservation: pass",
        }
    )
    loader = new_loader({root / "app": "app"}, setup=False)
    loader.collapse(root / "app/booking/actions")
    loader.setup()
    import app

    assert app.booking.Create.__module__ == "app.booking.create"
    assert app.booking.Cancel.__name__ == "Cancel"
    assert not hasattr(app.booking, "actions")
    assert str(root / "app/booking/actions") in app.booking.__path__
    assert loader.expected_name_at(root / "app/booking/actions") == "app.booking"
    assert loader.expected_name_at(root / "app/booking/actions/create.py") == "app.booking.Create"


def test_collapse_with_a_glob(with_files, new_loader) -> None:
    root = with_files({"app/a/concerns/x.py": "class X: pass", "app/b/concerns/y.py": "class Y: pass"})
    loader = new_loader({root / "app": "app"}, setup=False)
    loader.collapse(str(root / "app/*/concerns"))
    loader.setup()
    import app

    assert app.a.X.__name__ == "X"
    assert app.b.Y.__name__ == "Y"


def test_collapse_a_root_level_directory(with_files, new_loader) -> None:
    root = with_files({"app/flat/x.py": "class X: pass"})
    loader = new_loader({root / "app": "app"}, setup=False)
    loader.collapse(root / "app/flat")
    loader.setup()
    import app

    assert app.X.__module__ == "app.x"


def test_ignore_a_file(with_files, new_loader) -> None:
    root = with_files({"app/x.py": "class X: pass", "app/tasks.py": "raise RuntimeError('ignored')"})
    loader = new_loader({root / "app": "app"}, setup=False)
    loader.ignore(root / "app/tasks.py")
    loader.setup()
    import app

    assert not hasattr(app, "Tasks")
    assert loader.expected_name_at(root / "app/tasks.py") is None
    assert app.X


def test_ignore_a_directory_hides_its_subtree(with_files, new_loader) -> None:
    root = with_files({"app/x.py": "class X: pass", "app/scripts/deploy.py": "raise RuntimeError"})
    loader = new_loader({root / "app": "app"}, setup=False)
    loader.ignore(root / "app/scripts")
    loader.setup()
    import app

    assert not hasattr(app, "scripts")
    assert loader.expected_name_at(root / "app/scripts/deploy.py") is None


def test_ignore_with_recursive_glob(with_files, new_loader) -> None:
    root = with_files(
        {
            "app/a/test_x.py": "raise RuntimeError",
            "app/a/b/test_y.py": "raise RuntimeError",
            "app/a/real.py": "class Real: pass",
        }
    )
    loader = new_loader({root / "app": "app"}, setup=False)
    loader.ignore(str(root / "app/**/test_*.py"))
    loader.setup()
    names = loader.all_expected_names()
    assert str(root / "app/a/test_x.py") not in names
    assert str(root / "app/a/b/test_y.py") not in names
    assert names[str(root / "app/a/real.py")] == "app.a.Real"


def test_ignore_after_setup_applies_to_later_scans(with_files, new_loader) -> None:
    root = with_files({"app/sub/x.py": "class X: pass", "app/sub/y.py": "class Y: pass"})
    loader = new_loader({root / "app": "app"})
    loader.ignore(root / "app/sub/y.py")
    import app

    assert app.sub.X
    assert not hasattr(app.sub, "Y")


def test_ignored_directory_with_only_python_files_is_not_a_namespace(with_files, new_loader) -> None:
    root = with_files({"app/gen/x.py": "", "app/ok.py": "class Ok: pass"})
    loader = new_loader({root / "app": "app"}, setup=False)
    loader.ignore(root / "app/gen/x.py")
    loader.setup()
    import app

    assert not hasattr(app, "gen")


def test_hidden_entries_are_ignored(with_files, new_loader) -> None:
    root = with_files(
        {
            "app/.hidden.py": "raise RuntimeError",
            "app/.cache/x.py": "raise RuntimeError",
            "app/ok.py": "class Ok: pass",
        }
    )
    loader = new_loader({root / "app": "app"})
    assert sorted(loader.all_expected_names().values()) == ["app", "app.Ok"]


def test_shadowed_file_first_root_wins(with_files, new_loader) -> None:
    root = with_files(
        {"one/x.py": "class X:\n    origin = 'one'\n", "two/x.py": "class X:\n    origin = 'two'\n"}
    )
    lines: list[str] = []
    loader = new_loader({root / "one": "app", root / "two": "app"}, logger=lines.append)
    import app

    assert app.X.origin == "one"
    assert any("shadowed" in line and str(root / "two/x.py") in line for line in lines)
    assert loader.expected_name_at(root / "two/x.py") is None
    assert loader.expected_name_at(root / "one/x.py") == "app.X"


def test_namespace_directories_merge_across_roots(with_files, new_loader) -> None:
    root = with_files({"one/models/a.py": "class A: pass", "two/models/b.py": "class B: pass"})
    new_loader({root / "one": "app", root / "two": "app"})
    import app

    assert app.models.__path__ == [str(root / "one/models"), str(root / "two/models")]
    assert app.models.A.__name__ == "A"
    assert app.models.B.__name__ == "B"


def test_explicit_namespace_file_in_one_root_directory_in_another(with_files, new_loader) -> None:
    root = with_files({"one/hotel.py": "class Hotel: pass", "two/hotel/room.py": "class Room: pass"})
    new_loader({root / "one": "app", root / "two": "app"})
    import app

    assert app.Hotel.__name__ == "Hotel"
    assert app.hotel.Room.__name__ == "Room"


def test_regular_package_namespace_of_another_distribution_is_adopted(
    with_files, new_loader, monkeypatch
) -> None:
    root = with_files(
        {
            "site/vendor/__init__.py": "ORIGIN = 'site'\n",
            "ours/extra.py": "class Extra: pass",
        }
    )
    monkeypatch.syspath_prepend(str(root / "site"))
    new_loader({root / "ours": "vendor"})
    import vendor

    assert vendor.ORIGIN == "site"
    assert vendor.__file__ == str(root / "site/vendor/__init__.py")
    assert vendor.Extra.__name__ == "Extra"


def test_pep420_namespace_of_another_distribution_stays_theirs(with_files, new_loader, monkeypatch) -> None:
    root = with_files(
        {
            "site/acme/tools/__init__.py": "ORIGIN = 'site'\n",
            "ours/tools/x.py": "class X: pass",
            "ours/widget.py": "class Widget: pass",
        }
    )
    monkeypatch.syspath_prepend(str(root / "site"))
    lines: list[str] = []
    new_loader({root / "ours": "acme"}, logger=lines.append)
    import acme

    assert str(root / "site/acme") in list(acme.__path__)
    assert acme.Widget.__name__ == "Widget"
    import acme.tools

    assert acme.tools.ORIGIN == "site"  # their package, not our directory
    assert any("acme.tools" in line and "leaving it alone" in line for line in lines)


def test_module_imported_before_setup_is_adopted(with_files, new_loader, monkeypatch) -> None:
    root = with_files({"app/x.py": "class X: pass"})
    monkeypatch.syspath_prepend(str(root))
    import app  # a PEP 420 namespace made by PathFinder, from our own directory

    new_loader({root / "app": "app"})
    assert app.X.__name__ == "X"


def test_our_own_directory_on_sys_path_is_still_ours(with_files, new_loader, monkeypatch) -> None:
    root = with_files({"app/x.py": "class X: pass"})
    monkeypatch.syspath_prepend(str(root))
    new_loader({root / "app": "app"})
    import app

    assert type(app.__path__) is list
    assert app.X.__name__ == "X"
    assert "app" in sys.modules


def test_explicit_namespaces_nest(with_files, new_loader) -> None:
    root = with_files(
        {
            "app/a.py": "class A: pass",
            "app/a/b.py": "class B: pass",
            "app/a/b/c.py": "from app.a import B\nclass C:\n    parent = B\n",
        }
    )
    new_loader({root / "app": "app"})
    import app

    assert app.a.b.C.parent is app.a.B
    assert app.A.__module__ == "app.a"


def test_collapse_inside_an_explicit_namespace(with_files, new_loader) -> None:
    root = with_files({"app/hotel.py": "class Hotel: pass", "app/hotel/parts/room.py": "class Room: pass"})
    loader = new_loader({root / "app": "app"}, setup=False)
    loader.collapse(root / "app/hotel/parts")
    loader.setup()
    import app

    assert app.hotel.Room.__module__ == "app.hotel.room"


def test_package_with_init_inside_a_namespace_inside_a_package(with_files, new_loader) -> None:
    root = with_files(
        {
            "app/a/__init__.py": "",
            "app/a/b/c/__init__.py": "FLAG = 'c'\n",
            "app/a/b/c/d.py": "class D: pass",
        }
    )
    loader = new_loader({root / "app": "app"})
    import app

    assert app.a.b.c.FLAG == "c"
    assert app.a.b.c.D.__name__ == "D"
    assert loader.registry.get("app.a.b").kind == "namespace"
    assert loader.registry.get("app.a.b.c").kind == "package"


def test_namespace_shared_by_two_loaders_below_the_root(with_files, new_loader) -> None:
    root = with_files(
        {
            "one/models/a.py": "class A: pass",
            "two/models/b.py": "class B: pass",
            "two/models/deep/c.py": "class C: pass",
        }
    )
    new_loader({root / "one": "app"})
    second = new_loader({root / "two": "app"})
    import app

    assert app.models.A.__name__ == "A"
    assert app.models.B.__name__ == "B"
    assert app.models.deep.C.__name__ == "C"
    assert app.models.__path__ == [str(root / "one/models"), str(root / "two/models")]
    assert second.expected_name_at(root / "two/models/b.py") == "app.models.B"


def test_shared_namespace_loaded_before_the_second_loader(with_files, new_loader) -> None:
    root = with_files({"one/models/a.py": "class A: pass", "two/models/b.py": "class B: pass"})
    new_loader({root / "one": "app"})
    import app

    assert app.models.A
    new_loader({root / "two": "app"})
    assert app.models.B.__name__ == "B"


def test_shared_namespace_eager_loads_from_both_loaders(with_files, new_loader) -> None:
    root = with_files({"one/models/a.py": "class A: pass", "two/models/b.py": "class B: pass"})
    new_loader({root / "one": "app"})
    second = new_loader({root / "two": "app"})
    second.eager_load()
    assert "app.models.b" in sys.modules
    assert "app.models.a" not in sys.modules
    pyautoload.eager_load_all()
    assert "app.models.a" in sys.modules


def test_the_same_file_in_two_loaders_first_wins(with_files, new_loader) -> None:
    root = with_files({"one/x.py": "class X:\n    origin = 1\n", "two/x.py": "class X:\n    origin = 2\n"})
    lines: list[str] = []
    new_loader({root / "one": "app"})
    new_loader({root / "two": "app"}, logger=lines.append)
    import app

    assert app.X.origin == 1
    assert any("belongs to loader" in line for line in lines)


@pytest.mark.parametrize(
    "hidden", [".git/x.py", ".venv/lib/site.py", ".x.py", "__pycache__/x.cpython-311.py"]
)
def test_hidden_and_cache_entries_never_become_names(with_files, new_loader, hidden) -> None:
    root = with_files({f"app/{hidden}": "raise RuntimeError", "app/ok.py": "class Ok: pass"})
    loader = new_loader({root / "app": "app"})
    assert sorted(loader.all_expected_names().values()) == ["app", "app.Ok"]
    loader.eager_load()


# -- directories are read on first use ------------------------------------------------------------


def test_setup_reads_the_root_but_not_its_subdirectories(with_files, new_loader) -> None:
    root = with_files({"app/later/": None, "app/x.py": "class X: pass"})
    loader = new_loader({root / "app": "app"})
    import app  # the root is scanned, app/later/ is only listed

    (root / "app/later/thing.py").write_text("class Thing: pass\n")  # written after setup
    importlib.invalidate_caches()
    assert app.later.Thing.__name__ == "Thing"
    assert loader.registry.get("app.later").kind == "namespace"


def test_a_directory_found_empty_on_first_use_is_forgotten(with_files, new_loader) -> None:
    root = with_files({"app/empty/sub/": None, "app/x.py": "class X: pass"})
    loader = new_loader({root / "app": "app"})
    import app

    assert not hasattr(app, "empty")
    assert "empty" not in dir(app)
    assert "app.empty" not in loader.registry
    (root / "app/empty/sub/y.py").write_text("class Y: pass\n")  # too late: it was read already
    assert not hasattr(app, "empty")


def test_import_statement_settles_a_pending_directory(with_files, new_loader) -> None:
    root = with_files({"app/services/billing.py": "class Billing: pass", "app/pkg/__init__.py": "FLAG = 1\n"})
    new_loader({root / "app": "app"})
    services = importlib.import_module("app.services")
    pkg = importlib.import_module("app.pkg")

    assert services.Billing.__name__ == "Billing"
    assert pkg.FLAG == 1
    assert pkg.__file__ == str(root / "app/pkg/__init__.py")


def test_conflict_in_a_directory_read_on_first_use(with_files, new_loader) -> None:
    root = with_files(
        {
            "app/sub/hotel.py": "class Hotel: pass",
            "app/sub/hotel/__init__.py": "",
            "app/sub/hotel/room.py": "class Room: pass",
        }
    )
    loader = new_loader({root / "app": "app"})  # setup only lists app/: no error yet
    import app

    with pytest.raises(pyautoload.ConflictError) as info:
        app.sub
    assert info.value.path == str(root / "app/sub/hotel.py")
    assert info.value.other == str(root / "app/sub/hotel/__init__.py")
    with pytest.raises(pyautoload.ConflictError):
        loader.all_expected_names()


def test_conflict_in_a_directory_read_on_first_use_stops_eager_load(with_files, new_loader) -> None:
    root = with_files({"app/a/b/c.py": "class C: pass", "app/a/b/c/__init__.py": "", "app/a/b/c/d.py": ""})
    loader = new_loader({root / "app": "app"})

    with pytest.raises(pyautoload.ConflictError):
        loader.eager_load()


def test_pending_directories_merge_across_roots_when_read(with_files, new_loader) -> None:
    root = with_files(
        {
            "one/models/": None,
            "two/models/user.py": "class User: pass",
            "three/models/__init__.py": "",
        }
    )
    loader = new_loader({root / "one": "app", root / "two": "app", root / "three": "app"})
    import app

    assert app.models.User.__name__ == "User"
    entry = loader.registry.get("app.models")
    assert entry.dirs == [str(root / "two/models"), str(root / "three/models")]
    assert entry.kind == "package"
    assert entry.file == str(root / "three/models/__init__.py")


# -- Zeitwerk: test_explicit_namespace -------------------------------------------------------------


@pytest.mark.parametrize("first", ["directory", "file"])
@pytest.mark.parametrize("namespace", ["app", "host.app"])
def test_explicit_namespace_whichever_is_used_first(project, first: str, namespace: str) -> None:
    p = project(
        {
            "site/host/__init__.py": "",
            "app/hotel.py": "class Hotel:\n    stars = 5\n",
            "app/hotel/pricing.py": "class Pricing: pass",
        },
        roots={"app": namespace},
        sys_path=["site"],
    )
    root = p.module(namespace)
    if first == "directory":
        assert root.hotel.Pricing.__name__ == "Pricing"
        assert root.Hotel.stars == 5
    else:
        assert root.Hotel.stars == 5
        assert root.hotel.Pricing.__name__ == "Pricing"
    assert root.hotel.__file__ == p.path("app/hotel.py")


def test_explicit_namespace_value_by_assignment(project) -> None:
    p = project({"app/hotel.py": "Hotel = {'stars': 3}", "app/hotel/room.py": "class Room: pass"})
    assert p.module().Hotel == {"stars": 3}
    assert p.module().hotel.Room.__name__ == "Room"


def test_explicit_namespace_may_define_a_function(project) -> None:
    p = project(
        {"app/hotel.py": "def Hotel():\n    return 'open'\n", "app/hotel/room.py": "class Room: pass"}
    )
    assert p.module().Hotel() == "open"
    assert p.module().hotel.Room.__name__ == "Room"


def test_explicit_namespace_children_and_own_names_live_in_one_module(project) -> None:
    p = project({"app/hotel.py": "class Hotel: pass\nHELPER = 1\n", "app/hotel/room.py": "class Room: pass"})
    hotel = p.module("app.hotel")
    assert hotel.HELPER == 1
    assert hotel.Room.__module__ == "app.hotel.room"
    assert {"Hotel", "HELPER", "Room"} <= set(dir(hotel))


def test_explicit_namespaces_managed_by_different_loaders(project, new_loader) -> None:
    p = project(
        {
            "one/hotel.py": "class Hotel: pass",
            "one/hotel/room.py": "class Room: pass",
            "two/bar/drink.py": "class Drink: pass",
        },
        roots={"one": "app"},
    )
    new_loader({p.root / "two": "other"})
    assert p.module().hotel.Room.__name__ == "Room"
    assert p.module("other").bar.Drink.__name__ == "Drink"


def test_explicit_namespace_registry_entry(project) -> None:
    p = project({"app/hotel.py": "class Hotel: pass", "app/hotel/room.py": "class Room: pass"})
    p.module().hotel
    entry = p.loader.registry.get("app.Hotel")
    assert entry.kind == "explicit"
    assert entry.module == "app.hotel"
    assert entry.file == p.path("app/hotel.py")
    assert entry.dirs == [p.path("app/hotel")]


def test_explicit_namespace_whose_directory_holds_no_python_is_a_plain_file(project) -> None:
    p = project({"app/hotel.py": "class Hotel: pass", "app/hotel/logo.svg": "<svg/>"})
    assert p.module().Hotel.__name__ == "Hotel"
    assert p.loader.registry.get("app.hotel").kind == "file"
    assert not hasattr(sys.modules["app.hotel"], "__path__")


def test_explicit_namespace_that_does_not_define_its_name(project) -> None:
    p = project({"app/hotel.py": "class Motel: pass", "app/hotel/room.py": "class Room: pass"})
    with pytest.raises(pyautoload.NameError) as info:
        p.module().Hotel
    assert info.value.path == p.path("app/hotel.py")
    assert p.module().hotel.Room.__name__ == "Room"  # the namespace itself still works


def test_explicit_namespace_across_roots_file_in_the_second(project) -> None:
    p = project(
        {"one/hotel/room.py": "class Room: pass", "two/hotel.py": "class Hotel: pass"},
        roots={"one": "app", "two": "app"},
    )
    assert p.module().Hotel.__name__ == "Hotel"
    assert p.module().hotel.Room.__name__ == "Room"
    assert p.loader.registry.get("app.hotel").kind == "explicit"


def test_explicit_namespace_body_sees_its_own_directory_path(project) -> None:
    p = project({"app/hotel.py": "PATH = list(__path__)\nclass Hotel: pass\n", "app/hotel/room.py": ""})
    assert [p.path("app/hotel")] == p.module("app.hotel").PATH


def test_explicit_namespace_with_its_own_getattr_keeps_it_as_fallback(project) -> None:
    p = project(
        {
            "app/hotel.py": "class Hotel: pass\ndef __getattr__(name):\n    if name == 'dynamic':\n        return 9\n    raise AttributeError(name)\n",
            "app/hotel/room.py": "class Room: pass",
        }
    )
    hotel = p.module("app.hotel")
    assert hotel.Room.__name__ == "Room"
    assert hotel.dynamic == 9


# -- Zeitwerk: test_nested_root_directories -------------------------------------------------------


def test_nested_root_is_cut_out_even_with_a_matching_file(project) -> None:
    p = project(
        {"app/x.py": "class X: pass", "app/lib.py": "class Lib: pass", "app/lib/y.py": "class Y: pass"},
        roots={"app": "app", "app/lib": "lib"},
    )
    assert p.module().Lib.__name__ == "Lib"
    assert p.loader.registry.get("app.lib").kind == "file"
    assert p.module("lib").Y.__module__ == "lib.y"


def test_eager_loading_handles_nested_roots(project) -> None:
    p = project(
        {"app/x.py": "class X: pass", "app/lib/y.py": "class Y: pass"}, roots={"app": "app", "app/lib": "lib"}
    )
    p.loader.eager_load()
    assert p.loaded_files() == {"app/x.py", "app/lib/y.py"}
    assert "app.lib" not in sys.modules
    assert "Y" in vars(sys.modules["lib"])


def test_nested_root_with_a_dotted_namespace_below_the_outer_one(project) -> None:
    p = project(
        {"app/x.py": "class X: pass", "app/plugins/csv.py": "class Csv: pass"},
        roots={"app": "app", "app/plugins": "app.extensions"},
    )
    assert not hasattr(p.module(), "plugins")
    assert p.module().extensions.Csv.__module__ == "app.extensions.csv"


# -- Zeitwerk: test_collapse --------------------------------------------------------------------------


def test_collapsed_directory_is_not_a_namespace(project) -> None:
    p = project({"app/booking/actions/create.py": "class Create: pass"}, collapse=["app/booking/actions"])
    p.module().booking
    assert "app.booking.actions" not in p.loader.registry
    assert p.loader.registry.get("app.booking.Create").module == "app.booking.create"


def test_collapsed_directory_next_to_a_file_is_not_an_explicit_namespace(project) -> None:
    p = project(
        {"app/actions.py": "class Actions: pass", "app/actions/create.py": "class Create: pass"},
        collapse=["app/actions"],
    )
    app = p.module()
    assert app.Actions.__name__ == "Actions"
    assert app.Create.__module__ == "app.create"
    assert p.loader.registry.get("app.actions").kind == "file"


def test_explicit_namespaces_are_honoured_below_a_collapsed_directory(project) -> None:
    p = project(
        {"app/flat/hotel.py": "class Hotel: pass", "app/flat/hotel/room.py": "class Room: pass"},
        collapse=["app/flat"],
    )
    assert p.module().Hotel.__name__ == "Hotel"
    assert p.module().hotel.Room.__module__ == "app.hotel.room"


def test_explicit_namespaces_are_honoured_deeper_below_collapsed_directories(project) -> None:
    p = project(
        {"app/a/flat/b.py": "class B: pass", "app/a/flat/b/c/x.py": "class X: pass"},
        collapse=["app/a/flat"],
    )
    assert p.module().a.B.__name__ == "B"
    assert p.module().a.b.c.X.__module__ == "app.a.b.c.x"


def test_collapse_accepts_several_arguments(project) -> None:
    p = project(
        {"app/one/x.py": "class X: pass", "app/two/y.py": "class Y: pass"},
        collapse=["app/one", "app/two"],
    )
    assert (p.module().X.__name__, p.module().Y.__name__) == ("X", "Y")


def test_collapse_nested_collapsed_directories(project) -> None:
    p = project({"app/a/b/c/x.py": "class X: pass"}, collapse=["app/a", "app/a/b"])
    assert p.module().c.X.__module__ == "app.c.x"


def test_collapse_with_a_recursive_glob(project) -> None:
    p = project(
        {"app/a/concerns/x.py": "class X: pass", "app/b/c/concerns/y.py": "class Y: pass"},
        collapse=["app/**/concerns"],
    )
    assert p.module().a.X.__name__ == "X"
    assert p.module().b.c.Y.__name__ == "Y"


def test_collapse_after_setup_applies_to_levels_read_later(project) -> None:
    p = project({"app/x.py": "class X: pass", "app/sub/flat/y.py": "class Y: pass"})
    p.module().X
    p.loader.collapse(p.path("app/sub/flat"))
    assert p.module().sub.Y.__module__ == "app.sub.y"


def test_collapsed_directories_are_eager_loaded(project) -> None:
    p = project(
        {"app/flat/x.py": "class X: pass", "app/a/flat/y.py": "class Y: pass"},
        collapse=["app/flat", "app/a/flat"],
    )
    p.loader.eager_load()
    assert p.loaded_files() == {"app/flat/x.py", "app/a/flat/y.py"}


@pytest.mark.parametrize("how", ["eager_load", "eager_load_dir", "eager_load_namespace"])
def test_collapsed_directories_honour_do_not_eager_load(project, how: str) -> None:
    p = project(
        {"app/x.py": "class X: pass", "app/a/flat/y.py": "class Y: pass", "app/a/z.py": "class Z: pass"},
        collapse=["app/a/flat"],
        do_not_eager_load=["app/a/flat"],
    )
    {
        "eager_load": p.loader.eager_load,
        "eager_load_dir": lambda: p.loader.eager_load_dir(p.path("app")),
        "eager_load_namespace": lambda: p.loader.eager_load_namespace("app"),
    }[how]()
    assert p.loaded_files() == {"app/x.py", "app/a/z.py"}
    assert p.module().a.Y.__name__ == "Y"


def test_collapsed_directory_with_an_init_contributes_no_init(project) -> None:
    p = project(
        {"app/a/flat/__init__.py": "raise RuntimeError('not a package')", "app/a/flat/y.py": "class Y: pass"},
        collapse=["app/a/flat"],
    )
    assert p.module().a.Y.__module__ == "app.a.y"
    assert p.loader.registry.get("app.a").kind == "namespace"


# -- Zeitwerk: test_ignore --------------------------------------------------------------------------


def test_ignore_accepts_several_arguments(project) -> None:
    p = project(
        {"app/x.py": "class X: pass", "app/a.py": "raise RuntimeError", "app/b/c.py": "raise RuntimeError"},
        ignore=["app/a.py", "app/b"],
    )
    assert p.loader.all_expected_names() == {p.path("app"): "app", p.path("app/x.py"): "app.X"}


def test_ignore_a_glob_of_files(project) -> None:
    p = project(
        {
            "app/x.py": "class X: pass",
            "app/x_test.py": "raise RuntimeError",
            "app/sub/y_test.py": "raise RuntimeError",
        },
        ignore=["app/*_test.py"],
    )
    names = p.loader.all_expected_names()
    assert p.path("app/x_test.py") not in names
    assert p.path("app/sub/y_test.py") in names  # one level only without **


def test_ignored_files_are_not_eager_loaded(project) -> None:
    p = project({"app/x.py": "class X: pass", "app/y.py": "raise RuntimeError"}, ignore=["app/y.py"])
    p.loader.eager_load()
    assert p.loaded_files() == {"app/x.py"}


def test_ignored_directories_are_not_eager_loaded(project) -> None:
    p = project({"app/x.py": "class X: pass", "app/y/z.py": "raise RuntimeError"}, ignore=["app/y"])
    p.loader.eager_load()
    assert p.loaded_files() == {"app/x.py"}


def test_ignoring_the_file_of_an_explicit_namespace_leaves_a_plain_namespace(project) -> None:
    p = project(
        {"app/hotel.py": "raise RuntimeError", "app/hotel/room.py": "class Room: pass"},
        ignore=["app/hotel.py"],
    )
    assert p.module().hotel.Room.__name__ == "Room"
    assert p.loader.registry.get("app.hotel").kind == "namespace"
    assert not hasattr(p.module(), "Hotel")


def test_ignoring_the_directory_of_an_explicit_namespace_leaves_a_file(project) -> None:
    p = project(
        {"app/hotel.py": "class Hotel: pass", "app/hotel/room.py": "raise RuntimeError"}, ignore=["app/hotel"]
    )
    assert p.module().Hotel.__name__ == "Hotel"
    assert p.loader.registry.get("app.hotel").kind == "file"


def test_ignoring_an_init_makes_the_directory_a_namespace(project) -> None:
    p = project(
        {"app/pkg/__init__.py": "raise RuntimeError", "app/pkg/x.py": "class X: pass"},
        ignore=["app/pkg/__init__.py"],
    )
    assert p.module().pkg.X.__name__ == "X"
    assert p.loader.registry.get("app.pkg").kind == "namespace"


def test_ignored_files_stay_importable_by_name(project) -> None:
    p = project({"app/x.py": "", "app/script.py": "VALUE = 1"}, ignore=["app/script.py"])
    assert importlib.import_module("app.script").VALUE == 1
    assert not hasattr(p.module(), "Script")


def test_ignore_a_file_of_a_directory_read_later(project) -> None:
    p = project(
        {"app/a/x.py": "class X: pass", "app/a/b/skip.py": "raise RuntimeError"}, ignore=["app/a/b/skip.py"]
    )
    assert p.module().a.X.__name__ == "X"
    assert not hasattr(p.module().a, "b")


def test_ignore_the_only_file_of_a_namespace_with_an_explicit_namespace_sibling(project) -> None:
    p = project(
        {"app/hotel.py": "class Hotel: pass", "app/hotel/skip.py": "raise RuntimeError"},
        ignore=["app/hotel/skip.py"],
    )
    assert p.module().Hotel.__name__ == "Hotel"
    assert p.loader.registry.get("app.hotel").kind == "file"


# -- Zeitwerk: test_shared_namespaces -------------------------------------------------------------


def test_a_loader_adds_names_to_a_shared_explicit_namespace(project, new_loader) -> None:
    p = project(
        {
            "one/hotel.py": "class Hotel: pass",
            "one/hotel/room.py": "class Room: pass",
            "two/hotel/bar.py": "class Bar: pass",
        },
        roots={"one": "app"},
    )
    new_loader({p.root / "two": "app"})
    hotel = p.module("app.hotel")
    assert hotel.Room.__name__ == "Room"
    assert hotel.Bar.__module__ == "app.hotel.bar"


def test_a_loader_adds_namespaces_a_regular_package_lacks(project) -> None:
    p = project(
        {
            "site/vendor/__init__.py": "",
            "site/vendor/core/__init__.py": "CORE = 1\n",
            "ours/tools/extra.py": "class Extra: pass",
        },
        roots={"ours": "vendor"},
        sys_path=["site"],
    )
    vendor = p.module("vendor")
    assert vendor.tools.Extra.__module__ == "vendor.tools.extra"
    assert p.module("vendor.core").CORE == 1
    assert p.module("vendor.tools.extra").Extra is vendor.tools.Extra


# -- Zeitwerk: test_conflicting_directory --------------------------------------------------------------


def test_a_directory_with_a_matching_prefix_is_not_a_conflict(project, new_loader) -> None:
    p = project({"app/x.py": "class X: pass", "app2/y.py": "class Y: pass"})
    other = new_loader({p.root / "app2": "app2"})
    assert other.dirs() == [p.path("app2")]
    assert p.module("app2").Y.__name__ == "Y"


def test_a_directory_ignored_by_one_loader_can_be_the_root_of_another(project, new_loader) -> None:
    p = project({"app/x.py": "class X: pass", "app/engine/y.py": "class Y: pass"}, ignore=["app/engine"])
    new_loader({p.root / "app/engine": "engine"})
    assert p.module("engine").Y.__name__ == "Y"
    assert not hasattr(p.module(), "engine")


def test_a_loader_may_ignore_a_root_of_another_loader(project, new_loader) -> None:
    p = project({"app/engine/y.py": "class Y: pass"}, roots={"app/engine": "engine"})
    outer = new_loader({p.root / "app": "app"}, setup=False)
    outer.ignore(p.root / "app/engine")
    outer.setup()
    assert not hasattr(p.module(), "engine")
    assert p.module("engine").Y.__name__ == "Y"


# -- shadowing ----------------------------------------------------------------------------------------


def test_shadowed_file_is_not_eager_loaded(project) -> None:
    p = project(
        {"one/x.py": "class X: pass", "two/x.py": "raise RuntimeError('shadowed')"},
        roots={"one": "app", "two": "app"},
    )
    p.loader.eager_load()
    assert p.loaded_files() == {"one/x.py"}


def test_shadowed_file_in_a_nested_namespace(project) -> None:
    lines: list[str] = []
    p = project(
        {"one/m/x.py": "class X:\n    origin = 1\n", "two/m/x.py": "class X:\n    origin = 2\n"},
        roots={"one": "app", "two": "app"},
        logger=lines.append,
    )
    assert p.module().m.X.origin == 1
    assert any("shadowed" in line and p.path("two/m/x.py") in line for line in lines)


def test_a_name_the_existing_package_defines_already_wins(project) -> None:
    p = project(
        {"site/vendor/__init__.py": "Extra = 'theirs'\n", "ours/extra.py": "raise RuntimeError('shadowed')"},
        roots={"ours": "vendor"},
        sys_path=["site"],
    )
    assert p.module("vendor").Extra == "theirs"
    p.loader.eager_load()
    assert "vendor.extra" not in sys.modules


def test_a_directory_shadows_nothing_it_merges(project) -> None:
    p = project(
        {"one/m/a.py": "class A: pass", "two/m.py": "class M: pass", "two/m/b.py": "class B: pass"},
        roots={"one": "app", "two": "app"},
    )
    assert p.module().M.__name__ == "M"
    assert p.module().m.A.__name__ == "A"
    assert p.module().m.B.__name__ == "B"


# -- property: ignore and collapse keep introspection and loading in agreement ---------------------

segment_names = st.sampled_from(["alpha", "beta", "gamma_ray", "delta"])
random_trees = st.lists(st.lists(segment_names, min_size=1, max_size=3), min_size=1, max_size=8)


def named_by_its_namespace(loader: pyautoload.Loader, name: str) -> bool:
    """``hotel/hotel.py`` beside ``hotel.py``: the body's ``Hotel`` would be ``app.hotel.Hotel``."""
    namespace, _, attribute = name.rpartition(".")
    entry = loader.registry.get(namespace)
    return entry is not None and entry.kind == "explicit" and entry.attribute == attribute


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(random_trees, st.data())
def test_ignore_and_collapse_agree_with_what_loads(tmp_path_factory, tree_writer, trees, data) -> None:
    root = tmp_path_factory.mktemp("tree")
    inflector = pyautoload.Inflector()
    files = {}
    for parts in trees:
        relative = "app/" + "/".join(parts) + ".py"
        files[relative] = f"class {inflector.camelize(parts[-1], '')}: pass\n"
    tree_writer(root, files)
    directories = sorted({str(p) for p in (root / "app").rglob("*") if p.is_dir()})
    collapsed = data.draw(st.lists(st.sampled_from(directories), unique=True)) if directories else []
    candidates = sorted(directories + [str(root / f) for f in files])
    ignored = data.draw(st.lists(st.sampled_from(candidates), max_size=2, unique=True))
    loader = pyautoload.Loader()
    loader.push_dir(root / "app", namespace="app")
    loader.collapse(*collapsed)
    loader.ignore(*ignored)
    before = set(sys.modules)
    try:
        loader.setup()
        names = loader.all_expected_names()
        for path, name in names.items():
            assert loader.expected_name_at(path) == name
            assert not any(path == i or path.startswith(i + os.sep) for i in ignored), path
        if any(path.endswith(".py") and named_by_its_namespace(loader, name) for path, name in names.items()):
            with pytest.raises(pyautoload.ConflictError):
                loader.eager_load()
            return
        loader.eager_load()
        for path, name in names.items():
            if not path.endswith(".py"):
                continue
            parent, _, attribute = name.rpartition(".")
            value = vars(sys.modules[parent])[attribute]
            assert value.__name__ == attribute
            assert sys.modules[value.__module__].__file__ == path
        for name in set(sys.modules) - before:
            file = getattr(sys.modules[name], "__file__", None)
            assert file is None or not file.startswith(str(root)) or file in names, file
    finally:
        loader.unregister()
        for name in set(sys.modules) - before:
            if name.split(".")[0] != "pyautoload":
                del sys.modules[name]


# -- symbolic links --------------------------------------------------------------------------------


@pytest.mark.parametrize("link", ["app/assets/loop", "app/m/up", "app/self"])
def test_a_symlink_back_up_the_tree_is_skipped(project, link: str) -> None:
    p = project(
        {"app/x.py": "class X: pass", "app/assets/logo.svg": "", "app/m/y.py": "class Y: pass"}, setup=False
    )
    target = {"app/assets/loop": "..", "app/m/up": "../..", "app/self": "."}[link]
    os.symlink(target, p.path(link))
    p.loader.setup()
    names = p.loader.all_expected_names()
    assert not any(path.startswith(p.path(link)) for path in names)
    p.loader.eager_load()
    assert p.loaded_files() == {"app/x.py", "app/m/y.py"}
    assert not hasattr(p.module(), "assets")


def test_a_symlink_to_a_sibling_directory_is_followed(project) -> None:
    p = project({"app/real/y.py": "class Y: pass"}, setup=False)
    os.symlink("real", p.path("app/alias"))
    p.loader.setup()
    assert p.module().alias.Y.__module__ == "app.alias.y"
    assert p.module().real.Y.__module__ == "app.real.y"

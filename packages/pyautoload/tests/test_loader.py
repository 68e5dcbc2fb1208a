"""Feature 1: Loader and finder (Zeitwerk: test_push_dir, test_multiple_loaders, test_require_interaction)."""

from __future__ import annotations

import importlib
import importlib.machinery
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

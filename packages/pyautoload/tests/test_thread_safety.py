"""Feature 7: thread safety, with real threads released together by a barrier.

Zeitwerk: "autovivification is synchronized", "autoloads and constant references are
synchronized". Trials come from PYAUTOLOAD_STRESS_TRIALS (small by default).
"""

from __future__ import annotations

import builtins
import os
import sys
import threading
from collections.abc import Callable

import pytest

import pyautoload

TRIALS = int(os.environ.get("PYAUTOLOAD_STRESS_TRIALS", "3"))
THREADS = 32
SLOW_BODY = """
import builtins, time
builtins._pal_runs.append(__name__)
time.sleep(0.005)
class {name}:
    pass
"""


def run_threads(target: Callable[[int], object]) -> tuple[list[object], list[BaseException]]:
    barrier = threading.Barrier(THREADS)
    results: list[object] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(index: int) -> None:
        barrier.wait()
        try:
            value = target(index)
        except BaseException as error:  # collected and asserted on below
            with lock:
                errors.append(error)
        else:
            with lock:
                results.append(value)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results, errors


@pytest.fixture
def runs():
    builtins._pal_runs = []  # type: ignore[attr-defined]
    yield builtins._pal_runs  # type: ignore[attr-defined]
    del builtins._pal_runs  # type: ignore[attr-defined]


@pytest.mark.parametrize("trial", range(TRIALS))
def test_first_access_from_32_threads_runs_the_file_once(with_files, new_loader, runs, trial) -> None:
    root = with_files({"app/models/shared_thing.py": SLOW_BODY.format(name="SharedThing")})
    new_loader({root / "app": "app"})
    import app

    results, errors = run_threads(lambda _: app.models.SharedThing)
    assert errors == []
    assert len(results) == THREADS
    assert len({id(r) for r in results}) == 1
    assert runs == ["app.models.shared_thing"]


@pytest.mark.parametrize("trial", range(TRIALS))
def test_from_import_from_32_threads(with_files, new_loader, runs, trial) -> None:
    root = with_files({"app/deep/er/thing.py": SLOW_BODY.format(name="Thing")})
    new_loader({root / "app": "app"})

    def use(_: int) -> object:
        from app.deep.er import Thing

        return Thing

    results, errors = run_threads(use)
    assert errors == []
    assert len({id(r) for r in results}) == 1
    assert runs == ["app.deep.er.thing"]


@pytest.mark.parametrize("trial", range(TRIALS))
def test_many_names_from_many_threads(with_files, new_loader, runs, trial) -> None:
    files = {f"app/n{i % 8}/item_{i}.py": SLOW_BODY.format(name=f"Item{i}") for i in range(THREADS)}
    root = with_files(files)
    new_loader({root / "app": "app"})
    import app

    results, errors = run_threads(lambda i: getattr(getattr(app, f"n{i % 8}"), f"Item{i}"))
    assert errors == []
    assert len(results) == THREADS
    assert sorted(runs) == sorted(f"app.n{i % 8}.item_{i}" for i in range(THREADS))


@pytest.mark.parametrize("trial", range(TRIALS))
def test_eager_load_races_with_autoloads(with_files, new_loader, runs, trial) -> None:
    files = {f"app/part_{i}.py": SLOW_BODY.format(name=f"Part{i}") for i in range(8)}
    root = with_files(files)
    loader = new_loader({root / "app": "app"})
    import app

    def work(index: int) -> object:
        if index % 4 == 0:
            loader.eager_load()
            return None
        return getattr(app, f"Part{index % 8}")

    _, errors = run_threads(work)
    assert errors == []
    assert sorted(runs) == sorted(f"app.part_{i}" for i in range(8))
    assert loader.eager_loaded


@pytest.mark.parametrize("trial", range(TRIALS))
def test_setup_races_with_first_use(with_files, new_loader, runs, trial) -> None:
    root = with_files({"app/thing.py": SLOW_BODY.format(name="Thing")})
    loader = new_loader({root / "app": "app"}, setup=False)

    def work(_: int) -> object:
        loader.setup()
        import app

        return app.Thing

    results, errors = run_threads(work)
    assert errors == []
    assert len({id(r) for r in results}) == 1
    assert runs == ["app.thing"]
    assert "app" in sys.modules


@pytest.mark.parametrize("trial", range(TRIALS))
def test_registry_reads_while_other_threads_discover(with_files, new_loader, runs, trial) -> None:
    files = {f"app/n{i}/item_{j}.py": f"class Item{j}: pass" for i in range(THREADS // 2) for j in range(5)}
    root = with_files(files)
    loader = new_loader({root / "app": "app"})
    import app

    def work(index: int) -> object:
        if index % 2:
            return [len(list(loader.registry)), len(loader.registry.names())]
        return getattr(app, f"n{index // 2}").Item0

    _, errors = run_threads(work)
    assert errors == []
    assert len(loader.registry.names()) >= THREADS // 2


@pytest.mark.parametrize("trial", range(TRIALS))
def test_directories_read_on_first_use_from_32_threads(with_files, new_loader, runs, trial) -> None:
    files = {f"app/ns_{i}/thing_{i}.py": SLOW_BODY.format(name=f"Thing{i}") for i in range(8)}
    root = with_files({**files, **{f"app/empty_{i}/": None for i in range(8)}})
    loader = new_loader({root / "app": "app"})
    import app

    def use(index: int) -> object:
        slot = index % 8
        if index % 3 == 0:
            return hasattr(app, f"empty_{slot}")
        if index % 3 == 1:
            return sorted(entry.module for entry in loader.registry)
        return getattr(getattr(app, f"ns_{slot}"), f"Thing{slot}")

    results, errors = run_threads(use)
    assert errors == []
    assert not any(result is True for result in results)
    assert sorted(runs) == sorted(set(runs))
    assert {entry.module for entry in loader.registry if entry.kind == "namespace"} == {
        f"app.ns_{i}" for i in range(8)
    }


@pytest.mark.parametrize("trial", range(TRIALS))
def test_namespace_creation_from_32_threads_makes_one_module(project, runs, trial) -> None:
    p = project({"app/a/b/c/thing.py": SLOW_BODY.format(name="Thing")})
    app = p.module()

    results, errors = run_threads(lambda _: app.a.b.c)
    assert errors == []
    assert len({id(r) for r in results}) == 1
    assert results[0] is sys.modules["app.a.b.c"]


@pytest.mark.parametrize("trial", range(TRIALS))
def test_explicit_namespace_from_32_threads(project, runs, trial) -> None:
    p = project(
        {
            "app/hotel.py": SLOW_BODY.format(name="Hotel"),
            "app/hotel/room.py": SLOW_BODY.format(name="Room"),
        }
    )
    app = p.module()

    def use(index: int) -> object:
        return app.Hotel if index % 2 else app.hotel.Room

    results, errors = run_threads(use)
    assert errors == []
    assert len({id(r) for r in results}) == 2
    assert sorted(runs) == ["app.hotel", "app.hotel.room"]


@pytest.mark.parametrize("trial", range(TRIALS))
def test_eager_load_from_32_threads_runs_each_file_once(project, runs, trial) -> None:
    p = project({f"app/m{i % 4}/part_{i}.py": SLOW_BODY.format(name=f"Part{i}") for i in range(12)})

    _, errors = run_threads(lambda _: p.loader.eager_load())
    assert errors == []
    assert sorted(runs) == sorted(f"app.m{i % 4}.part_{i}" for i in range(12))


@pytest.mark.parametrize("trial", range(TRIALS))
def test_load_file_from_32_threads(project, runs, trial) -> None:
    p = project({"app/m/thing.py": SLOW_BODY.format(name="Thing")})

    results, errors = run_threads(lambda _: p.loader.load_file(p.path("app/m/thing.py")))
    assert errors == []
    assert len({id(r) for r in results}) == 1
    assert runs == ["app.m.thing"]


@pytest.mark.parametrize("trial", range(TRIALS))
def test_on_load_fires_once_under_contention(project, runs, trial) -> None:
    p = project({"app/thing.py": SLOW_BODY.format(name="Thing")})
    calls: list[str] = []
    lock = threading.Lock()

    def record(name: str, value: object, path: str) -> None:
        with lock:
            calls.append(name)

    p.loader.on_load(record, "app.Thing")
    app = p.module()
    _, errors = run_threads(lambda _: app.Thing)
    assert errors == []
    assert calls == ["app.Thing"]


@pytest.mark.parametrize("trial", range(TRIALS))
def test_introspection_while_other_threads_autoload(project, runs, trial) -> None:
    p = project({f"app/n{i}/item.py": SLOW_BODY.format(name="Item") for i in range(8)})
    app = p.module()

    def work(index: int) -> object:
        if index % 2:
            return len(p.loader.all_expected_names())
        return getattr(app, f"n{index % 8}").Item

    results, errors = run_threads(work)
    assert errors == []
    assert {r for r in results if isinstance(r, int)} == {1 + 8 * 2}


@pytest.mark.parametrize("trial", range(TRIALS))
def test_two_loaders_set_up_and_used_concurrently(with_files, new_loader, runs, trial) -> None:
    root = with_files({f"r{i}/thing.py": SLOW_BODY.format(name="Thing") for i in range(4)})
    loaders = [new_loader({root / f"r{i}": f"ns{i}"}, setup=False) for i in range(4)]

    def work(index: int) -> object:
        loaders[index % 4].setup()
        return __import__(f"ns{index % 4}").Thing

    results, errors = run_threads(work)
    assert errors == []
    assert len({id(r) for r in results}) == 4
    assert sorted(runs) == [f"ns{i}.thing" for i in range(4)]


@pytest.mark.parametrize("trial", range(TRIALS))
def test_a_failing_file_fails_the_same_way_in_every_thread(project, runs, trial) -> None:
    p = project(
        {
            "app/broken.py": "import builtins, time\nbuiltins._pal_runs.append(__name__)\ntime.sleep(0.005)\nclass Wrong: pass\n"
        }
    )
    app = p.module()

    def use(_: int) -> object:
        return app.Broken

    results, errors = run_threads(use)
    assert results == []
    assert len(errors) == THREADS
    assert all(isinstance(error, pyautoload.NameError) for error in errors)
    assert runs == ["app.broken"]


@pytest.mark.parametrize("trial", range(TRIALS))
def test_a_dependency_loaded_directly_and_through_its_user_at_once(project, runs, trial) -> None:
    p = project(
        {
            "app/user.py": "import builtins, time\nbuiltins._pal_runs.append(__name__)\ntime.sleep(0.005)\nfrom app import Base\nclass User(Base): pass\n",
            "app/base.py": SLOW_BODY.format(name="Base"),
        }
    )
    app = p.module()

    results, errors = run_threads(lambda index: app.User if index % 2 else app.Base)
    assert errors == []
    assert len({id(r) for r in results}) == 2
    assert sorted(runs) == ["app.base", "app.user"]
    assert issubclass(app.User, app.Base)

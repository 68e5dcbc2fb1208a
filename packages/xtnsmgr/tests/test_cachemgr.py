from __future__ import annotations

import asyncio
import importlib
import importlib.util
import marshal
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from xtnsmgr import (
    CacheManager,
    ExtensionConfigError,
    ExtensionInstallationError,
    IndexSettings,
    StaleExtensionWarning,
    ensure_package,
    ensure_package_sync,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def test_miss_installs_then_every_hit_is_free(
    forget: Callable[[], None], manager: CacheManager, installer: Any
) -> None:
    entry = manager.ensure("xt-alpha")
    assert entry.source == "install"
    assert entry.path is not None
    assert str(entry.path) in sys.path
    assert {d.name: d.version for d in entry.distributions} == {"xt-alpha": "1.0", "xt-base": "1.0"}
    assert entry.modules == ("xt_alpha",)
    assert importlib.import_module("xt_alpha").register({"k": 1}) == ("alpha", "base", {"k": 1})
    assert manager.ensure("xt-alpha") is entry
    manager.forget()
    from_disk = manager.ensure("xt-alpha")
    assert from_disk.source == "cache"
    assert from_disk.path == entry.path
    assert installer.calls == [["xt-alpha"]]


def test_equivalent_requirements_share_one_entry(manager: CacheManager, installer: Any) -> None:
    first = manager.ensure("XT_Alpha >= 1.0")
    second = manager.ensure("xt-alpha>=1.0")
    assert first.key == second.key
    assert len(installer.calls) == 1


def test_a_second_process_hits_the_disk_entry(
    forget: Callable[[], None], tmp_path: Path, settings: IndexSettings, installer: Any
) -> None:
    CacheManager(tmp_path, installer=installer, settings=settings).ensure("xt-base")
    forget()
    other = CacheManager(tmp_path, installer=installer, settings=settings)
    assert other.ensure("xt-base").source == "cache"
    assert len(installer.calls) == 1


def test_a_disk_hit_in_a_new_process_loads_only_the_hit_path(
    tmp_path: Path, settings: IndexSettings, installer: Any
) -> None:
    entry = CacheManager(tmp_path, installer=installer, settings=settings).ensure("xt-base", isolate=True)
    code = (
        "import sys, xtnsmgr as x\n"
        f"entry = x.CacheManager({str(tmp_path)!r}, settings=x.IndexSettings(find_links={settings.find_links!r},"
        " no_index=True)).ensure('xt-base', isolate=True)\n"
        "import xt_base\n"
        "heavy = ('xtnsmgr._miss', 'xtnsmgr._disk', 'xtnsmgr._host', 'xtnsmgr._installation', 'shutil',"
        " 'packaging', 'asyncio', 'platformdirs', 'devcore._hash_cache', 'dataclasses', 'inspect', 'typing')\n"
        "print(entry.source, entry.location, [name for name in heavy if name in sys.modules])\n"
    )
    # -S with this interpreter's sys.path: no .pth file runs (coverage's imports half the standard
    # library before the first line), so the modules listed are the ones the hit itself loads.
    # Not contextlib: from Python 3.13 pathlib imports it.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(path for path in sys.path if path)}
    run = subprocess.run(
        [sys.executable, "-S", "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert run.stdout.split() == ["cache", entry.location, "[]"]


def test_bad_specification_is_named_and_never_installed(manager: CacheManager, installer: Any) -> None:
    with pytest.raises(ExtensionConfigError) as caught:
        manager.ensure("xt-alpha >= = 1")
    assert caught.value.spec == "xt-alpha >= = 1"
    assert "xt-alpha >= = 1" in str(caught.value)
    assert installer.calls == []


def test_a_marker_false_here_is_named_and_never_installed(manager: CacheManager, installer: Any) -> None:
    with pytest.raises(ExtensionConfigError) as caught:
        manager.ensure("xt-alpha ; python_version < '3'")
    assert caught.value.spec == "xt-alpha ; python_version < '3'"
    assert "marker 'python_version < \"3\"' is false on this interpreter" in str(caught.value)
    assert installer.calls == []
    assert manager.ensure("xt-alpha ; python_version >= '3'").source == "install"


def test_missing_local_wheel_is_a_config_error(manager: CacheManager, tmp_path: Path) -> None:
    with pytest.raises(ExtensionConfigError, match="no such wheel"):
        manager.ensure(str(tmp_path / "nope-1.0-py3-none-any.whl"))


def test_wheel_for_another_platform_fails_once_with_uv_message(manager: CacheManager, installer: Any) -> None:
    with pytest.raises(ExtensionInstallationError) as caught:
        manager.ensure("xt-foreign")
    assert caught.value.installer == "uv"
    assert not caught.value.transient
    assert "xt-foreign" in caught.value.output
    assert installer.attempts == 1
    assert manager.list() == []


def test_unknown_distribution_fails_without_retry(manager: CacheManager, installer: Any) -> None:
    with pytest.raises(ExtensionInstallationError):
        manager.ensure("xt-does-not-exist")
    assert installer.attempts == 1


def test_import_smoke_test_is_the_default_and_names_the_module_and_exception(manager: CacheManager) -> None:
    assert manager.smoke_test == "import"
    with pytest.raises(
        ExtensionInstallationError, match="importing xt_broken raised RuntimeError: boom at import"
    ):
        manager.ensure("xt-broken")
    assert manager.list() == []
    assert "xt_broken" not in sys.modules


def test_import_smoke_test_leaves_bytecode_for_the_first_import(manager: CacheManager) -> None:
    entry = manager.ensure("xt-alpha")
    assert entry.path is not None
    assert list((entry.path / "xt_alpha" / "__pycache__").glob("__init__.*.pyc"))
    assert list((entry.path / "xt_base" / "__pycache__").glob("__init__.*.pyc"))


def pyc_of(source: Path) -> list[Path]:
    return list((source.parent / "__pycache__").glob(f"{source.stem}.*.pyc"))


def test_bytecode_of_every_module_is_compiled_by_default(manager: CacheManager, installer: Any) -> None:
    assert manager.settings.compile_bytecode
    entry = manager.ensure("xt-lazy")
    assert entry.path is not None
    package = entry.path / "xt_lazy"
    assert pyc_of(package / "__init__.py")
    assert pyc_of(package / "unused.py"), "a module the smoke test does not import is compiled too"
    assert not pyc_of(package / "template.py"), "a file that is not Python stays source, as with uv"
    assert installer.calls == [["xt-lazy"]]


DEEP = {
    "xt_deep/__init__.py": "from xt_deep import used\n",
    "xt_deep/used.py": "VALUE = 1\n",
    "xt_deep/sub/__init__.py": "",
    "xt_deep/sub/never.py": "def helper():\n    return 2\n",
    "xt_deep/broken.py": "def (:\n",
    "xt_deep_top.py": "X = 1\n",
}


def pyc_headers(site: Path) -> dict[str, bytes]:
    """Every .pyc file under ``site`` (relative path) with its 16-byte header."""
    return {str(pyc.relative_to(site)): pyc.read_bytes()[:16] for pyc in site.rglob("*.pyc")}


def uv_compiled(wheels: Path, name: str, target: Path) -> Path:
    """``target`` after ``uv pip install --target --compile-bytecode`` of ``name`` from ``wheels``."""
    from xtnsmgr._installation import find_uv

    command = [str(find_uv()), "pip", "install", "--python", sys.executable, "--target", str(target)]
    command += ["--compile-bytecode", "--no-index", "--find-links", str(wheels), "--quiet", name]
    subprocess.run(command, check=True)
    return target


@pytest.mark.parametrize("smoke_test", ["import", "find", "off"])
def test_default_bytecode_is_what_uv_compile_bytecode_writes(
    tmp_path: Path, wheel_factory: Callable[..., Path], smoke_test: Any
) -> None:
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    wheel_factory(wheels, "xt-deep", "1.0", DEEP)
    settings = IndexSettings(find_links=(str(wheels),), no_index=True)
    entry = CacheManager(tmp_path / "cache", settings=settings, smoke_test=smoke_test).ensure("xt-deep")
    assert entry.path is not None
    ours, theirs = pyc_headers(entry.path), pyc_headers(uv_compiled(wheels, "xt-deep", tmp_path / "uv"))
    assert sorted(ours) == sorted(theirs)
    assert len(ours) == 5, "every module but the one that does not compile, imported or not"
    for name, header in ours.items():
        source = Path(importlib.util.source_from_cache(str(entry.path / name)))
        assert header[:4] == importlib.util.MAGIC_NUMBER
        assert header[4:8] == theirs[name][4:8] == bytes(4), "timestamp-checked, as uv writes them"
        assert int.from_bytes(header[8:12], "little") == int(source.stat().st_mtime) & 0xFFFF_FFFF
        assert int.from_bytes(header[12:16], "little") == source.stat().st_size


TAG = sys.implementation.cache_tag


def timestamp_pyc(source: str, *, mtime: int) -> bytes:
    """A timestamp-checked ``.pyc`` of ``source``, as a build writes it for a file of that ``mtime``."""
    header = importlib.util.MAGIC_NUMBER + bytes(4) + mtime.to_bytes(4, "little")
    return header + len(source.encode()).to_bytes(4, "little") + marshal.dumps(compile(source, "-", "exec"))


def hash_pyc(source: str, *, checked: bool, of: str | None = None) -> bytes:
    """A hash-based ``.pyc`` of ``source`` whose header carries the hash of ``of`` (default: the same)."""
    digest = importlib.util.source_hash((source if of is None else of).encode())
    flags = (0b11 if checked else 0b01).to_bytes(4, "little")
    return importlib.util.MAGIC_NUMBER + flags + digest + marshal.dumps(compile(source, "-", "exec"))


def pyc_stats(site: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every .pyc file under ``site`` with its inode, mtime and content: a rewrite changes them."""
    return {
        str(pyc.relative_to(site)): (pyc.stat().st_ino, pyc.stat().st_mtime_ns, pyc.read_bytes())
        for pyc in site.rglob("*.pyc")
    }


def assert_imported_without_compiling(site: Path, modules: list[str]) -> None:
    """A new interpreter that writes bytecode (``-I``) imports ``modules`` from ``site`` and rewrites no .pyc."""
    before = pyc_stats(site)
    code = f"import sys; sys.path.append({str(site)!r})\n" + "".join(f"import {name}\n" for name in modules)
    subprocess.run([sys.executable, "-I", "-c", code], check=True)
    assert pyc_stats(site) == before, "the import found a .pyc it would not load, and compiled the source"


SHIPPED = {
    "xt_shipped/__init__.py": "VALUE = 1\n",
    f"xt_shipped/__pycache__/__init__.{TAG}.pyc": timestamp_pyc("VALUE = 1\n", mtime=1),
    "xt_shipped/stale.py": "VALUE = 'installed'\n",
    f"xt_shipped/__pycache__/stale.{TAG}.pyc": timestamp_pyc("VALUE = 'built'\n", mtime=1_600_000_000),
    "xt_shipped/corrupt.py": "VALUE = 2\n",
    f"xt_shipped/__pycache__/corrupt.{TAG}.pyc": b"\x00corrupt",
    "xt_shipped/plain.py": "VALUE = 3\n",
}


def test_stale_and_corrupt_bytecode_from_the_wheel_is_rewritten_as_uv_does(
    tmp_path: Path, wheel_factory: Callable[..., Path]
) -> None:
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    wheel_factory(wheels, "xt-shipped", "1.0", SHIPPED)
    settings = IndexSettings(find_links=(str(wheels),), no_index=True)
    entry = CacheManager(tmp_path / "cache", settings=settings).ensure("xt-shipped")
    assert entry.path is not None
    ours = {name: data for name, (_, _, data) in pyc_stats(entry.path).items()}
    uv_site = uv_compiled(wheels, "xt-shipped", tmp_path / "uv")
    theirs = {name: data for name, (_, _, data) in pyc_stats(uv_site).items()}
    assert (
        sorted(ours)
        == sorted(theirs)
        == sorted(
            f"xt_shipped/__pycache__/{name}.{TAG}.pyc" for name in ("__init__", "corrupt", "plain", "stale")
        )
    )
    for name, data in ours.items():
        assert data[:16] == theirs[name][:16], f"{name}: the header uv writes (same source mtime and size)"
        # The code objects compare equal whatever path each tree compiled them under.
        assert marshal.loads(data[16:]) == marshal.loads(theirs[name][16:]), name
    assert_imported_without_compiling(entry.path, ["xt_shipped", "xt_shipped.stale", "xt_shipped.corrupt"])


def test_hash_based_bytecode_from_the_wheel_is_kept_where_the_import_system_loads_it(
    tmp_path: Path, wheel_factory: Callable[..., Path]
) -> None:
    shipped = {
        f"xt_hashed/__pycache__/checked.{TAG}.pyc": hash_pyc("VALUE = 1\n", checked=True),
        f"xt_hashed/__pycache__/unchecked.{TAG}.pyc": hash_pyc("VALUE = 2\n", checked=False, of="other"),
        f"xt_hashed/__pycache__/wrong.{TAG}.pyc": hash_pyc("VALUE = 3\n", checked=True, of="other"),
    }
    files = {
        "xt_hashed/__init__.py": "",
        "xt_hashed/checked.py": "VALUE = 1\n",
        "xt_hashed/unchecked.py": "VALUE = 2\n",
        "xt_hashed/wrong.py": "VALUE = 3\n",
    }
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    wheel_factory(wheels, "xt-hashed", "1.0", {**files, **shipped})
    settings = IndexSettings(find_links=(str(wheels),), no_index=True)
    entry = CacheManager(tmp_path / "cache", settings=settings).ensure("xt-hashed")
    assert entry.path is not None
    ours = {name: data for name, (_, _, data) in pyc_stats(entry.path).items()}
    for name in ("checked", "unchecked"):
        key = f"xt_hashed/__pycache__/{name}.{TAG}.pyc"
        assert ours[key] == shipped[key], f"{name}: the import system loads it as it is"
    assert ours[f"xt_hashed/__pycache__/wrong.{TAG}.pyc"] != shipped[f"xt_hashed/__pycache__/wrong.{TAG}.pyc"]
    assert_imported_without_compiling(
        entry.path, ["xt_hashed.checked", "xt_hashed.unchecked", "xt_hashed.wrong"]
    )


def test_a_pycache_prefix_of_the_host_leaves_the_bytecode_in_the_entry(
    tmp_path: Path, settings: IndexSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPYCACHEPREFIX", str(tmp_path / "prefix"))
    entry = CacheManager(tmp_path / "cache", settings=settings).ensure("xt-lazy")
    assert entry.path is not None
    assert pyc_of(entry.path / "xt_lazy" / "unused.py"), (
        "compiled beside the source, where the entry is shared"
    )
    assert not (tmp_path / "prefix").exists(), "nothing under the staging path's mirror in the prefix"


def test_hash_checked_bytecode_is_left_to_the_installer(
    tmp_path: Path, settings: IndexSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    entry = CacheManager(tmp_path, settings=settings).ensure("xt-lazy")
    assert entry.path is not None
    headers = pyc_headers(entry.path)
    assert sorted(Path(name).name.split(".")[0] for name in headers) == ["__init__", "unused"]
    assert all(header[4:8] == (3).to_bytes(4, "little") for header in headers.values()), "checked hash"


@pytest.mark.parametrize(
    ("environ", "timestamp"),
    [
        ({}, True),
        ({"SOURCE_DATE_EPOCH": ""}, True),
        ({"SOURCE_DATE_EPOCH": "1700000000"}, False),
        ({"SOURCE_DATE_EPOCH": "1700000000", "PYC_INVALIDATION_MODE": "TIMESTAMP"}, True),
        ({"PYC_INVALIDATION_MODE": "UNCHECKED_HASH"}, False),
    ],
)
def test_the_smoke_interpreters_compile_only_timestamp_checked_bytecode(
    environ: dict[str, str], timestamp: bool
) -> None:
    from xtnsmgr._smoke import compiles_as_the_installer

    assert compiles_as_the_installer(environ) is timestamp


def test_without_bytecode_compilation_only_the_imported_modules_get_bytecode(
    tmp_path: Path, settings: IndexSettings
) -> None:
    plain = IndexSettings(find_links=settings.find_links, no_index=True, compile_bytecode=False)
    entry = CacheManager(tmp_path, settings=plain).ensure("xt-lazy")
    assert entry.path is not None
    assert pyc_of(entry.path / "xt_lazy" / "__init__.py")
    assert not pyc_of(entry.path / "xt_lazy" / "unused.py")


def test_find_smoke_test_compiles_too(tmp_path: Path, settings: IndexSettings) -> None:
    entry = CacheManager(tmp_path, settings=settings, smoke_test="find").ensure("xt-lazy")
    assert entry.path is not None
    assert pyc_of(entry.path / "xt_lazy" / "unused.py")
    assert "xt_lazy" not in sys.modules


def test_import_smoke_test_rejects_a_half_linked_package(tmp_path: Path) -> None:
    from xtnsmgr._smoke import SmokeInterpreter

    (tmp_path / "half" / "sub").mkdir(parents=True)
    (tmp_path / "whole").mkdir()
    (tmp_path / "whole" / "__init__.py").write_text("")
    with SmokeInterpreter() as smoke:
        smoke.check(tmp_path, ["whole"], spec="whole")
    with (
        SmokeInterpreter() as smoke,
        pytest.raises(ExtensionInstallationError, match="importing half raised ImportError: no code"),
    ):
        smoke.check(tmp_path, ["half"], spec="half")
    with SmokeInterpreter() as smoke, pytest.raises(ExtensionInstallationError, match="ModuleNotFoundError"):
        smoke.check(tmp_path, ["missing"], spec="missing")


@pytest.mark.parametrize("request_text", ["", "/some/site\n", "/some/site\nmodule\n"])
def test_smoke_interpreter_whose_caller_went_away_exits(request_text: str) -> None:
    from xtnsmgr._smoke import SmokeInterpreter

    with SmokeInterpreter() as smoke:
        process = smoke._running()
        assert process.stdin is not None
        process.stdin.write(request_text)
        process.stdin.close()
        assert process.wait(timeout=120) == 4, "end of input before the request is complete: it leaves"
        assert process.stderr is not None
        process.stderr.close()


def test_smoke_interpreter_of_a_failed_install_is_ended(tmp_path: Path) -> None:
    from xtnsmgr._smoke import SmokeInterpreter

    def failed_install() -> None:
        with SmokeInterpreter() as smoke:
            raise OSError(smoke._running())

    with pytest.raises(OSError) as raised:
        failed_install()
    (process,) = raised.value.args
    assert process.returncode is not None, "killed and reaped"


def test_smoke_interpreters_that_overrun_their_time_are_ended(tmp_path: Path) -> None:
    from xtnsmgr._smoke import SmokeInterpreter

    (tmp_path / "sleepy.py").write_text("import time\ntime.sleep(600)\n")
    with SmokeInterpreter(timeout_s=1, compile_bytecode=True) as smoke:
        processes = (smoke._running(), smoke._compiler)
        with pytest.raises(ExtensionInstallationError, match="bytecode compilation timed out after 1 s"):
            smoke.check(tmp_path, ["sleepy"], spec="sleepy")
    assert all(process is not None and process.returncode is not None for process in processes), "reaped"


def test_find_smoke_test_executes_nothing(tmp_path: Path, settings: IndexSettings) -> None:
    manager = CacheManager(tmp_path, settings=settings, smoke_test="find")
    entry = manager.ensure("xt-broken")
    assert entry.modules == ("xt_broken",)
    assert "xt_broken" not in sys.modules


def test_find_smoke_test_rejects_a_half_linked_package(tmp_path: Path) -> None:
    from xtnsmgr._inspection import find_test

    (tmp_path / "half" / "sub").mkdir(parents=True)
    (tmp_path / "whole").mkdir()
    (tmp_path / "whole" / "__init__.py").write_text("")
    (tmp_path / "mod.py").write_text("")
    find_test(tmp_path, ["whole", "mod"])
    with pytest.raises(ExtensionInstallationError, match="half has no code"):
        find_test(tmp_path, ["half"])
    with pytest.raises(ExtensionInstallationError, match="missing"):
        find_test(tmp_path, ["missing"])


def test_local_wheel_path_and_file_url(manager: CacheManager, wheelhouse: Path) -> None:
    wheel = next(wheelhouse.glob("xt_ns_one-*.whl"))
    by_path = manager.ensure(str(wheel))
    assert by_path.modules == ("xt_ns.one",)
    by_url = manager.ensure(wheel.as_uri())
    assert by_url.key != by_path.key
    assert importlib.import_module("xt_ns.one").NAME == "one"


def test_rebuilt_local_wheel_gets_a_new_key(
    manager: CacheManager, tmp_path: Path, wheel_factory: Callable[..., Path]
) -> None:
    folder = tmp_path / "w"
    folder.mkdir()
    wheel = wheel_factory(folder, "xt-local", "1.0", {"xt_local.py": "A = 1\n"})
    first = manager.key_of(str(wheel))
    wheel_factory(folder, "xt-local", "1.0", {"xt_local.py": "A = 2\n"})
    assert manager.key_of(str(wheel)) != first


def test_host_distribution_is_used_unless_isolated(manager: CacheManager, installer: Any) -> None:
    entry = manager.ensure("pytest>=1")
    assert entry.source == "host"
    assert entry.path is None
    assert installer.calls == []
    isolated = manager.ensure("xt-base", isolate=True)
    assert isolated.source == "install"


def test_expired_entry_is_refreshed_and_old_generation_kept(
    forget: Callable[[], None], tmp_path: Path, settings: IndexSettings, installer: Any
) -> None:
    clock = Clock()
    first = CacheManager(
        tmp_path, installer=installer, settings=settings, clock=clock, ttl=timedelta(minutes=1)
    ).ensure("xt-base")
    clock.now += 120
    forget()
    refreshed = CacheManager(tmp_path, installer=installer, settings=settings, clock=clock, ttl=60).ensure(
        "xt-base"
    )
    assert refreshed.source == "install"
    assert refreshed.path != first.path
    assert first.path is not None
    assert first.path.is_dir(), "the replaced generation keeps serving old readers"
    assert len(installer.calls) == 2


def test_expired_entry_served_stale_with_one_warning_when_offline(
    forget: Callable[[], None], tmp_path: Path, settings: IndexSettings, installer: Any
) -> None:
    clock = Clock()
    CacheManager(tmp_path, installer=installer, settings=settings, clock=clock, ttl=60).ensure("xt-base")
    clock.now += 120
    forget()
    offline = IndexSettings(find_links=settings.find_links, no_index=True, offline=True)
    stale_manager = CacheManager(tmp_path, installer=installer, settings=offline, clock=clock, ttl=60)
    with pytest.warns(StaleExtensionWarning, match="offline"):
        entry = stale_manager.ensure("xt-base")
    assert entry.source == "stale"
    assert importlib.import_module("xt_base").VALUE == "base"
    assert len(installer.calls) == 1


def test_expired_entry_served_stale_when_the_index_fails(
    installer_class: Any,
    forget: Callable[[], None],
    tmp_path: Path,
    settings: IndexSettings,
    wheelhouse: Path,
    installer: Any,
) -> None:
    clock = Clock()
    CacheManager(tmp_path, installer=installer, settings=settings, clock=clock, ttl=60).ensure("xt-base")
    clock.now += 120
    forget()
    failing = installer_class()
    failing.executable = str(
        _script(tmp_path, "echo 'error: Failed to fetch: error sending request' >&2; exit 2")
    )
    failing.retries = 1
    failing.backoff_s = 0
    stale_manager = CacheManager(tmp_path, installer=failing, settings=settings, clock=clock, ttl=60)
    with pytest.warns(StaleExtensionWarning) as caught:
        sources = [stale_manager.ensure("xt-base").source, _forget_and_ensure(stale_manager, "xt-base")]
    assert sources == ["stale", "stale"]
    assert len(caught) == 1
    assert failing.attempts == 4, "transient failures are retried, twice per ensure here"


def _forget_and_ensure(manager: CacheManager, spec: str) -> str:
    manager.forget()
    return manager.ensure(spec).source


def _script(folder: Path, body: str) -> Path:
    script = folder / "fake-uv"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o755)
    return script


def test_corrupt_metadata_is_quarantined_and_reinstalled(
    forget: Callable[[], None], manager: CacheManager, installer: Any
) -> None:
    entry = manager.ensure("xt-base")
    assert entry.key is not None
    manager.layout.metadata(entry.key).write_bytes(b"XTNS\x00garbage")
    manager.forget()
    forget()
    again = manager.ensure("xt-base")
    assert again.source == "install"
    assert list((manager.layout.entry(entry.key) / "quarantine").iterdir())
    assert len(installer.calls) == 2


def test_invalidate_info_list(forget: Callable[[], None], manager: CacheManager, installer: Any) -> None:
    assert manager.info("xt-base") is None
    entry = manager.ensure("xt-base")
    info = manager.info("xt-base")
    assert info is not None
    assert info.path == entry.path
    assert not info.expired
    assert [e.key for e in manager.list()] == [entry.key]
    assert manager.invalidate("xt-base")
    assert not manager.invalidate("xt-base")
    assert manager.list() == []
    forget()
    assert manager.ensure("xt-base").source == "install"
    assert len(installer.calls) == 2


def test_an_entry_invalidated_by_another_process_keeps_its_tree_for_the_grace_period(
    forget: Callable[[], None], tmp_path: Path, settings: IndexSettings, installer: Any
) -> None:
    from xtnsmgr._disk import RETIRED_GRACE_S

    root = tmp_path / "cache"
    user = CacheManager(root, installer=installer, settings=settings)
    entry = user.ensure("xt-pthpath")
    assert entry.path is not None
    code = (
        "import sys, xtnsmgr\n"
        "manager = xtnsmgr.CacheManager(sys.argv[1], settings=xtnsmgr.IndexSettings(find_links=(sys.argv[2],), no_index=True))\n"
        "print(manager.invalidate('xt-pthpath'), manager.clean(older_than=0))\n"
    )
    other = subprocess.run(
        [sys.executable, "-c", code, str(root), settings.find_links[0]],
        capture_output=True,
        text=True,
        check=True,
    )
    assert other.stdout.split() == ["True", "[]"]
    assert importlib.import_module("xt_extra").WHERE == "extra", "the retired tree still serves this process"
    forget()
    fresh = CacheManager(root, installer=installer, settings=settings).ensure("xt-pthpath")
    assert fresh.source == "install"
    assert fresh.path != entry.path
    assert entry.path.is_dir(), "an install keeps a retired generation within its grace"
    clock = Clock()
    clock.now = time.time() + RETIRED_GRACE_S + 60
    later = CacheManager(root, installer=installer, settings=settings, clock=clock)
    assert later.clean() == []
    assert not entry.path.exists()
    assert fresh.path is not None
    assert fresh.path.is_dir()


def test_clean_removes_old_and_corrupt_entries_only(
    tmp_path: Path, settings: IndexSettings, installer: Any
) -> None:
    clock = Clock()
    manager = CacheManager(tmp_path, installer=installer, settings=settings, clock=clock)
    old = manager.ensure("xt-base")
    clock.now += 10 * 86400
    young = manager.ensure("xt-ns-two")
    broken = manager.layout.entry("f" * 32)
    broken.mkdir()
    assert sorted(manager.clean()) == ["f" * 32]
    assert manager.clean(older_than=timedelta(days=11)) == []
    assert manager.clean(older_than=5 * 86400) == [old.key]
    assert [e.key for e in manager.list()] == [young.key]


def test_durations_are_timedeltas_or_seconds(manager: CacheManager, installer: Any) -> None:
    manager.ensure("xt-base")
    assert manager.ttl == timedelta(days=7)
    manager.forget()
    assert manager.ensure("xt-base", ttl=timedelta(0)).source == "install"
    manager.forget()
    assert manager.ensure("xt-base", ttl=None).source == "cache"
    manager.forget()
    assert manager.ensure("xt-base", ttl=3600.0).source == "cache"
    assert CacheManager(manager.root, ttl=None).ttl is None
    with pytest.raises(ExtensionConfigError, match="duration"):
        manager.clean(older_than="30d")  # type: ignore[arg-type]
    with pytest.raises(ExtensionConfigError, match="duration"):
        CacheManager(manager.root, ttl=float("nan"))
    assert len(installer.calls) == 2


def test_clean_never_races_an_install(manager: CacheManager) -> None:
    from devcore.files import file_lock

    entry = manager.ensure("xt-base")
    assert entry.key is not None
    held, release = threading.Event(), threading.Event()

    def installer_elsewhere() -> None:
        with file_lock(manager.layout.lock(entry.key or "")):
            held.set()
            release.wait(timeout=60)

    holder = threading.Thread(target=installer_elsewhere)
    holder.start()
    assert held.wait(timeout=60)
    try:
        assert manager.clean(older_than=-1) == []
    finally:
        release.set()
        holder.join(timeout=60)
    assert manager.clean(older_than=-1) == [entry.key]


def test_stale_staging_and_orphan_generations_are_swept(manager: CacheManager) -> None:
    entry = manager.ensure("xt-base")
    assert entry.key is not None
    folder = manager.layout.entry(entry.key)
    leftover = folder / ".g00-dead.999999999-0badc0de.staging"
    leftover.mkdir()
    orphan = folder / "g000000000001-abcdef"
    orphan.mkdir()
    manager.clean()
    assert not leftover.exists()
    assert not orphan.exists()
    assert entry.path is not None
    assert entry.path.is_dir()


def test_cache_root_from_environment_is_absolute(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XTNSMGR_CACHE_DIR", "relative-cache")
    assert CacheManager().root == tmp_path / "relative-cache"
    monkeypatch.delenv("XTNSMGR_CACHE_DIR")
    assert CacheManager().root.is_absolute()


def test_async_twin_and_module_functions(manager: CacheManager, installer: Any) -> None:
    async def main() -> None:
        results = await asyncio.gather(*(ensure_package("xt-ns-one", manager=manager) for _ in range(8)))
        assert len({r.path for r in results}) == 1

    asyncio.run(main())
    assert ensure_package_sync("xt-ns-one", manager=manager).source == "install"
    assert len(installer.calls) == 1


def test_many_specifications_concurrently(manager: CacheManager) -> None:
    results = asyncio.run(manager.aensure_many(["xt-ns-one", "xt-ns-two", "xt-foreign", "bad spec ="]))
    assert [type(r).__name__ for r in results] == [
        "Installed",
        "Installed",
        "ExtensionInstallationError",
        "ExtensionConfigError",
    ]
    assert importlib.import_module("xt_ns.one").NAME == "one"
    assert importlib.import_module("xt_ns.two").NAME == "two"


def test_metadata_records_what_the_issue_asks(manager: CacheManager) -> None:
    from xtnsmgr._metadata import read_metadata

    entry = manager.ensure("xt-alpha")
    assert entry.key is not None
    meta = read_metadata(manager.layout.metadata(entry.key))
    assert meta.requirements == ("xt-alpha",)
    assert all(len(d.record_digest) == 64 for d in meta.distributions)
    assert meta.created == meta.last_verified > 0
    assert meta.installer == "uv"
    assert os.path.basename(os.path.dirname(entry.path or "")) == meta.generation


def test_a_waiter_that_gives_up_gets_an_installation_error(tmp_path: Path, settings: IndexSettings) -> None:
    from devcore.files import file_lock

    manager = CacheManager(tmp_path, settings=settings, lock_timeout_s=0.2)
    held, release = threading.Event(), threading.Event()

    def installer_elsewhere() -> None:
        with file_lock(manager.layout.lock(manager.key_of("xt-base"))):
            held.set()
            release.wait(timeout=60)

    holder = threading.Thread(target=installer_elsewhere)
    holder.start()
    assert held.wait(timeout=60)
    try:
        with pytest.raises(ExtensionInstallationError, match="gave up"):
            manager.ensure("xt-base")
    finally:
        release.set()
        holder.join(timeout=60)
    assert manager.ensure("xt-base").source == "install"


def test_record_completeness_check_names_missing_files(tmp_path: Path) -> None:
    from xtnsmgr._inspection import missing_files

    info = tmp_path / "pkg-1.0.dist-info"
    (tmp_path / "pkg").mkdir()
    info.mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (info / "RECORD").write_text(
        "pkg/__init__.py,sha256=x,0\npkg/gone.py,sha256=y,1\n../../bin/tool,,\npkg-1.0.dist-info/RECORD,,\n"
    )
    assert missing_files(tmp_path) == ["pkg/gone.py"]

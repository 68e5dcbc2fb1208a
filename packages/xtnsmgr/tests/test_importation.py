from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xtnsmgr import (
    CacheManager,
    ExtensionImportError,
    PthPolicy,
    add_package_to_import_path,
    cleanup_import_paths,
    import_processor_module,
    process_pth_files,
    remove_package_from_import_path,
)
from xtnsmgr._importation import added_import_paths


def test_pth_path_lines_are_added_by_default(manager: CacheManager) -> None:
    entry = manager.ensure("xt-pthpath")
    assert entry.path is not None
    assert str(entry.path / "extra_lib") in sys.path
    assert str(entry.path / "missing_dir") not in sys.path
    assert importlib.import_module("xt_extra").WHERE == "extra"


def test_pth_import_lines_are_not_executed_by_default(
    manager: CacheManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XT_PTH_IMPORT_RAN", raising=False)
    manager.ensure("xt-pthimport")
    assert "XT_PTH_IMPORT_RAN" not in os.environ
    assert importlib.import_module("xt_pthimport_mod").X == 1


def test_pth_import_lines_run_on_explicit_opt_in(
    tmp_path: Path, settings: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XT_PTH_IMPORT_RAN", raising=False)
    opted = CacheManager(tmp_path, settings=settings, pth_policy=PthPolicy.EXECUTE)  # type: ignore[arg-type]
    opted.ensure("xt-pthimport")
    assert os.environ["XT_PTH_IMPORT_RAN"] == "1"


def write_pth_site(folder: Path, *, hidden: bool = False) -> Path:
    folder.mkdir()
    (folder / "lib").mkdir()
    (folder / "lib" / "xt_sitemod.py").write_text("A = 1\n")
    (folder / "a.pth").write_text(
        "# comment\n\nlib\nimport os; os.environ['XT_SITE_RAN'] = os.environ.get('XT_SITE_RAN', '') + 'x'\n"
    )
    if hidden:
        (folder / ".hidden.pth").write_text("import os; os.environ['XT_HIDDEN_RAN'] = '1'\n")
    return folder


def test_execute_policy_matches_site_addsitedir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import site

    ours = write_pth_site(tmp_path / "ours")
    theirs = write_pth_site(tmp_path / "theirs")
    monkeypatch.delenv("XT_SITE_RAN", raising=False)
    monkeypatch.delenv("XT_HIDDEN_RAN", raising=False)
    monkeypatch.setattr(sys, "path", list(sys.path))
    before = list(sys.path)
    site.addsitedir(str(theirs))
    site_added = [p for p in sys.path if p not in before]
    site_env = os.environ.get("XT_SITE_RAN"), os.environ.get("XT_HIDDEN_RAN")
    monkeypatch.delenv("XT_SITE_RAN", raising=False)
    monkeypatch.delenv("XT_HIDDEN_RAN", raising=False)
    ours_added = add_package_to_import_path(ours, pth_policy=PthPolicy.EXECUTE)
    assert [p.replace("ours", "theirs") for p in ours_added] == site_added
    assert (os.environ.get("XT_SITE_RAN"), os.environ.get("XT_HIDDEN_RAN")) == site_env
    remove_package_from_import_path(ours)


def test_hidden_pth_files_are_skipped_as_python_3_13_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_pth_site(tmp_path / "site", hidden=True)
    monkeypatch.delenv("XT_HIDDEN_RAN", raising=False)
    add_package_to_import_path(folder, pth_policy=PthPolicy.EXECUTE)
    assert "XT_HIDDEN_RAN" not in os.environ
    remove_package_from_import_path(folder)


def test_paths_policy_skips_import_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = write_pth_site(tmp_path / "site")
    monkeypatch.delenv("XT_SITE_RAN", raising=False)
    monkeypatch.setattr(sys, "path", list(sys.path))
    assert process_pth_files(folder) == [str(folder / "lib")]
    assert "XT_SITE_RAN" not in os.environ
    assert process_pth_files(folder, policy=PthPolicy.IGNORE) == []


def test_entries_are_appended_so_the_host_always_wins(tmp_path: Path) -> None:
    shadow = tmp_path / "shadow"
    (shadow / "pytest").mkdir(parents=True)
    (shadow / "pytest" / "__init__.py").write_text("raise RuntimeError('shadowed the host')\n")
    added = add_package_to_import_path(shadow)
    assert added == [str(shadow)]
    assert sys.path[-1] == str(shadow)
    assert add_package_to_import_path(shadow) == []
    assert importlib.util.find_spec("pytest").origin != str(shadow / "pytest" / "__init__.py")  # type: ignore[union-attr]
    remove_package_from_import_path(shadow)


def test_remove_evicts_modules_imported_from_the_entry(manager: CacheManager) -> None:
    entry = manager.ensure("xt-alpha")
    assert entry.path is not None
    importlib.import_module("xt_alpha")
    evicted = remove_package_from_import_path(entry.path)
    assert {"xt_alpha", "xt_base"} <= set(evicted)
    assert "xt_alpha" not in sys.modules
    assert str(entry.path) not in sys.path
    with pytest.raises(ImportError):
        importlib.import_module("xt_alpha")


def test_namespace_portions_from_two_entries(manager: CacheManager) -> None:
    one = manager.ensure("xt-ns-one")
    two = manager.ensure("xt-ns-two")
    assert importlib.import_module("xt_ns.one").NAME == "one"
    assert importlib.import_module("xt_ns.two").NAME == "two"
    assert one.path is not None
    assert two.path is not None
    evicted = remove_package_from_import_path(one.path)
    assert "xt_ns.one" in evicted
    assert "xt_ns" not in evicted, "the namespace still has a portion in the other entry"
    assert importlib.import_module("xt_ns.two").NAME == "two"
    assert set(remove_package_from_import_path(two.path)) >= {"xt_ns", "xt_ns.two"}


def test_cleanup_removes_every_entry(manager: CacheManager) -> None:
    manager.ensure("xt-base")
    manager.ensure("xt-pthpath")
    assert len(added_import_paths()) == 2
    removed = cleanup_import_paths()
    assert len(removed) == 2
    assert added_import_paths() == {}
    assert not any("xt_base" in p or "extra_lib" in p for p in sys.path)


def test_import_processor_module_wraps_import_errors() -> None:
    assert import_processor_module("json").dumps([]) == "[]"
    with pytest.raises(ExtensionImportError) as caught:
        import_processor_module("xt_no_such_module")
    assert caught.value.module == "xt_no_such_module"
    assert isinstance(caught.value, ImportError)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=200), policy=st.sampled_from([PthPolicy.PATHS, PthPolicy.IGNORE]))
def test_random_pth_content_never_raises(tmp_path: Path, content: bytes, policy: PthPolicy) -> None:
    folder = tmp_path / "random-site"
    folder.mkdir(exist_ok=True)
    (folder / "random.pth").write_bytes(content)
    saved = list(sys.path)
    try:
        added = process_pth_files(folder, policy=policy)
        assert all(os.path.isdir(path) or os.path.exists(path) for path in added)
        assert policy is PthPolicy.PATHS or added == []
    finally:
        sys.path[:] = saved

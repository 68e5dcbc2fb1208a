from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xtnsmgr import ExtensionInstallationError, IndexSettings, PipInstaller, UvInstaller, install_many
from xtnsmgr._installation import find_uv, is_transient_failure


def fake_installer(folder: Path, body: str, *, retries: int = 2, timeout_s: float = 60) -> UvInstaller:
    script = folder / "fake-uv"
    script.write_text(f"#!/bin/sh\necho run >> {folder / 'runs'}\n{body}\n")
    script.chmod(0o755)
    return UvInstaller(executable=str(script), retries=retries, backoff_s=0, timeout_s=timeout_s)


def runs(folder: Path) -> int:
    path = folder / "runs"
    return len(path.read_text().splitlines()) if path.exists() else 0


def test_uv_command_line_carries_every_setting(tmp_path: Path) -> None:
    settings = IndexSettings(
        index_url="https://i.example/simple",
        extra_index_urls=("https://x.example/simple",),
        find_links=("/wheels",),
        no_index=True,
        offline=True,
        require_hashes=True,
        compile_bytecode=True,
    )
    command = UvInstaller(executable="uv").command(["a==1"], tmp_path, settings, tmp_path / "c.txt")
    assert command[:7] == ["uv", "pip", "install", "--python", sys.executable, "--target", str(tmp_path)]
    for flag in ("--offline", "--require-hashes", "--compile-bytecode", "--no-index"):
        assert flag in command
    joined = " ".join(command)
    assert "--index-url https://i.example/simple" in joined
    assert "--extra-index-url https://x.example/simple" in joined
    assert "--find-links /wheels" in joined
    assert f"--constraint {tmp_path / 'c.txt'}" in joined
    assert command[-2:] == ["--", "a==1"]


def test_pip_command_line_maps_offline_to_no_index(tmp_path: Path) -> None:
    command = PipInstaller(python="py").command(
        ["a"], tmp_path, IndexSettings(offline=True, compile_bytecode=False), None
    )
    assert command[:6] == ["py", "-m", "pip", "install", "--target", str(tmp_path)]
    assert "--no-index" in command
    assert "--no-compile" in command


def test_the_uv_wheel_provides_the_binary() -> None:
    uv = find_uv()
    assert uv is not None
    assert subprocess.run([uv, "--version"], capture_output=True, check=True, text=True).stdout.startswith(
        "uv "
    )


@pytest.mark.parametrize(
    ("output", "transient"),
    [
        ("error: Failed to fetch: `https://pypi.org/simple/x/`\n  Caused by: error sending request", True),
        ("dns error: Temporary failure in name resolution", True),
        ("HTTP status server error (503 Service Unavailable)", True),
        ("Connection refused (os error 111)", True),
        ("× No solution found when resolving dependencies: x was not found in the package registry", False),
        ("ERROR: No matching distribution found for nope", False),
        ("error: Failed to parse: `x >= = 1`", False),
        ("", False),
    ],
)
def test_transient_failures_are_told_from_permanent_ones(output: str, transient: bool) -> None:
    assert is_transient_failure(output) is transient


@given(st.text(max_size=200))
def test_classifier_never_fails_on_random_output(output: str) -> None:
    assert isinstance(is_transient_failure(output), bool)


def test_transient_failure_is_retried_then_reported(tmp_path: Path) -> None:
    installer = fake_installer(tmp_path, "echo 'error sending request: connection reset' >&2\nexit 2")
    target = tmp_path / "target"
    target.mkdir()
    with pytest.raises(ExtensionInstallationError) as caught:
        installer.install(["x"], target, IndexSettings())
    assert caught.value.transient
    assert "connection reset" in caught.value.output
    assert runs(tmp_path) == 3


def test_permanent_failure_is_not_retried(tmp_path: Path) -> None:
    installer = fake_installer(tmp_path, "echo 'No solution found when resolving dependencies' >&2\nexit 1")
    with pytest.raises(ExtensionInstallationError, match="No solution found") as caught:
        installer.install(["x"], tmp_path, IndexSettings())
    assert caught.value.returncode == 1
    assert runs(tmp_path) == 1


def test_offline_failures_are_never_retried(tmp_path: Path) -> None:
    installer = fake_installer(tmp_path, "echo 'error sending request' >&2\nexit 2")
    with pytest.raises(ExtensionInstallationError):
        installer.install(["x"], tmp_path, IndexSettings(offline=True))
    assert runs(tmp_path) == 1


def test_timeout_kills_the_installer_and_its_children(tmp_path: Path) -> None:
    installer = fake_installer(tmp_path, f"sleep 60 &\necho $! > {tmp_path / 'child'}\nwait", timeout_s=3)
    with pytest.raises(ExtensionInstallationError, match="timed out") as caught:
        installer.install(["x"], tmp_path, IndexSettings())
    assert caught.value.returncode is None
    child = int((tmp_path / "child").read_text())
    deadline = time.monotonic() + 30  # a hang guard: SIGKILL lands asynchronously
    while running(child) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not running(child)


def running(pid: int) -> bool:
    """Alive and not a zombie waiting for a reaper."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


def test_missing_installer_binary_is_reported(tmp_path: Path) -> None:
    installer = UvInstaller(executable=str(tmp_path / "nope"), retries=0)
    with pytest.raises(ExtensionInstallationError, match="cannot start"):
        installer.install(["x"], tmp_path, IndexSettings())


def test_constraints_are_applied(tmp_path: Path, settings: IndexSettings) -> None:
    constrained = IndexSettings(find_links=settings.find_links, no_index=True, constraints=("xt-lib==1.0",))
    target = tmp_path / "t"
    target.mkdir()
    UvInstaller().install(["xt-lib"], target, constrained)
    assert (target / "xt_lib-1.0.dist-info").is_dir()


def test_install_many_runs_in_parallel_and_reports_each(tmp_path: Path, settings: IndexSettings) -> None:
    jobs = []
    for name in ("xt-base", "xt-ns-one", "xt-foreign"):
        target = tmp_path / name
        target.mkdir()
        jobs.append(([name], target))
    results = asyncio.run(install_many(jobs, settings, concurrency=2))
    assert results[:2] == [None, None]
    assert isinstance(results[2], ExtensionInstallationError)
    assert (tmp_path / "xt-base" / "xt_base" / "__init__.py").is_file()


@pytest.mark.slow
def test_pip_fallback_installs_into_a_target(tmp_path: Path, settings: IndexSettings) -> None:
    target = tmp_path / "target"
    target.mkdir()
    plain = settings.replace(compile_bytecode=False)
    PipInstaller(python=python_with_pip(tmp_path), timeout_s=300).install(["xt-alpha"], target, plain)
    assert (target / "xt_alpha" / "__init__.py").is_file()
    assert (target / "xt_base" / "__init__.py").is_file()
    assert not list(target.rglob("*.pyc")), "compile_bytecode=False: no bytecode"


def python_with_pip(folder: Path) -> str:
    """This interpreter's base installation when it has pip, else a fresh venv (ensurepip, offline)."""
    base = getattr(sys, "_base_executable", sys.executable)
    if subprocess.run([base, "-m", "pip", "--version"], capture_output=True, check=False).returncode == 0:
        return base
    subprocess.run([sys.executable, "-m", "venv", str(folder / "venv")], check=True, capture_output=True)
    return str(folder / "venv" / "bin" / "python")


def test_an_installed_distribution_packed_again_installs_offline(tmp_path: Path) -> None:
    from xtnsmgr.testing import wheel_from_installed

    wheels = tmp_path / "wheels"
    wheels.mkdir()
    wheel = wheel_from_installed(wheels, "click")
    assert wheel.name.startswith("click-")
    assert wheel.name.endswith("-py3-none-any.whl")
    target = tmp_path / "site"
    target.mkdir()
    offline = IndexSettings(find_links=(str(wheels),), no_index=True, offline=True)
    UvInstaller(timeout_s=300).install(["click"], target, offline)
    code = f"import sys; sys.path.insert(0, {str(target)!r}); import click; print(click.__file__)"
    out = subprocess.run(
        [sys.executable, "-I", "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.startswith(str(target))

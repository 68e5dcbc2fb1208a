"""A host in a fresh virtual environment loads two extensions built from this repository's own
packages through `xtnsmgr.processors`, then uses them — as a real application would.

Hermetic, without a network and without a warm installer cache: every install runs
`--no-index --offline` from the session's `wheelhouse` (this repository's wheels and their
dependencies, see conftest.py) with a private, empty uv cache.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from xtnsmgr.installation import find_uv

HOST = """
import json, sys
import xtnsmgr

wheels, cache = sys.argv[1:3]
manager = xtnsmgr.CacheManager(cache, settings=xtnsmgr.IndexSettings(find_links=(wheels,), no_index=True, offline=True))
report = xtnsmgr.register_extensions_sync(
    [
        {"name": "hotreload", "package": "phoenix-hotreload", "module": "phoenix_hotreload", "register": None},
        {"name": "autoload", "package": "pyautoload", "module": "pyautoload", "register": None},
        {"name": "missing", "package": "xt-no-such-extension"},
        {"name": "off", "package": "xt-also-missing", "enabled": False},
    ],
    manager=manager,
)
hotreload = report.loaded["hotreload"].module
autoload = report.loaded["autoload"].module
diff = hotreload.diff_trees({"port": 80, "host": "a"}, {"port": 81, "host": "a"})
print(json.dumps({
    "loaded": sorted(report.loaded),
    "failed": {name: type(error).__name__ for name, error in report.failed.items()},
    "files": {name: ext.module.__file__ for name, ext in report.loaded.items()},
    "changed": [[change.path, change.old, change.new] for change in diff.changed],
    "camel": autoload.Inflector().camelize("html_parser", "/app/html_parser.py"),
    "host_xtnsmgr": xtnsmgr.__file__,
    "sources": {name: ext.installed.source for name, ext in report.loaded.items()},
}))
"""


def run(command: list[str], **options: object) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False, **options)  # type: ignore[call-overload]
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def host_venv(
    wheelhouse: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Path, dict[str, str]]:
    uv = find_uv()
    assert uv is not None
    base = tmp_path_factory.mktemp("xtnsmgr-integration")
    env = {**os.environ, "UV_CACHE_DIR": str(base / "uv-cache"), "UV_NO_CONFIG": "1"}
    venv = base / "venv"
    run([uv, "venv", "--offline", "--quiet", "--python", sys.executable, str(venv)], env=env)
    python = venv / "bin" / "python"
    install = [uv, "pip", "install", "--offline", "--no-index", "--quiet", "--python", str(python)]
    run([*install, "--find-links", str(wheelhouse), "xtnsmgr"], env=env)
    return python, wheelhouse, env


def test_host_loads_and_uses_two_extensions_from_the_cache(
    host_venv: tuple[Path, Path, dict[str, str]], tmp_path: Path
) -> None:
    python, wheels, env = host_venv
    cache = tmp_path / "cache"
    out = json.loads(run([str(python), "-c", HOST, str(wheels), str(cache)], env=env).stdout)
    assert out["loaded"] == ["autoload", "hotreload"]
    assert out["failed"] == {"missing": "ExtensionInstallationError"}
    assert out["camel"] == "HtmlParser"
    assert out["changed"] == [["port", 80, 81]]
    assert all(file.startswith(str(cache)) for file in out["files"].values()), out["files"]
    assert out["host_xtnsmgr"].startswith(str(python.parent.parent))
    assert set(out["sources"].values()) == {"install"}

    again = json.loads(run([str(python), "-c", HOST, str(wheels), str(cache)], env=env).stdout)
    assert set(again["sources"].values()) == {"cache"}, "a second host process hits the cache"
    assert again["files"] == out["files"]


def test_cli_of_the_fresh_venv_lists_the_entries(
    host_venv: tuple[Path, Path, dict[str, str]], tmp_path: Path
) -> None:
    python, wheels, env = host_venv
    cache = tmp_path / "cache"
    cli = [
        str(python.parent / "xtnsmgr"),
        "--cache-dir",
        str(cache),
        "--offline",
        "--no-index",
        "--find-links",
        str(wheels),
    ]
    ensured = json.loads(run([*cli, "ensure", "pyautoload", "--json"], env=env).stdout)
    assert ensured[0]["distributions"]["pyautoload"]
    listed = json.loads(run([*cli, "list", "--json"], env=env).stdout)
    assert [entry["requirements"] for entry in listed] == [["pyautoload"]]
    code = "import pyautoload, sys; print(pyautoload.__file__)"
    ran = run([*cli, "run", "pyautoload", "--", str(python), "-c", code], env=env).stdout
    assert ran.strip().startswith(str(cache))

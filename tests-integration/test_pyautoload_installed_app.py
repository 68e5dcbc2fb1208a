"""pyautoload as a user meets it: an app of its own, built and installed with pip into a fresh venv.

The app (tests-integration/pyautoload/myshop) is built offline by hatchling; pip installs it with
devcore-kit and pyautoload from the session's `wheelhouse` (see conftest.py) with --no-index into a
new virtual environment, and the app runs in subprocesses from there. The app's only pyautoload
code is three lines in its ``__init__.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import venv
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent / "pyautoload" / "myshop"


def run(*command: str | Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(c) for c in command], capture_output=True, text=True, env=env, timeout=600, check=False
    )
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(
    wheelhouse: Path,
    build_wheels: Callable[[Path, Iterable[Path]], None],
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:
    """A venv with devcore-kit, pyautoload and myshop installed from wheels; returns its bin dir."""
    base = tmp_path_factory.mktemp("pyautoload-app")
    app_wheels = base / "wheels"
    app_wheels.mkdir()
    build_wheels(app_wheels, [APP])
    environment = base / "venv"
    venv.create(environment, with_pip=True)
    bin_dir = environment / ("Scripts" if os.name == "nt" else "bin")
    # --no-deps: the app needs only pyautoload's core, which imports neither click nor rich
    run(
        bin_dir / "python",
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-index",
        "--no-deps",
        "--find-links",
        wheelhouse,
        "devcore-kit",
        "pyautoload",
        *sorted(app_wheels.glob("*.whl")),
    )
    return bin_dir


def clean_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYAUTOLOAD_", "PYTHONPATH", "COV_CORE", "VIRTUAL_ENV"))
    }
    return {**env, **extra}


def test_console_script_resolves_names_lazily(installed: Path) -> None:
    data = json.loads(run(installed / "myshop", env=clean_env()))
    assert data["version"] == "1.2.3"
    assert data["page"] == "<h1>lamp</h1>"
    assert data["total"] == "39.98 EUR"
    assert data["loaded_before"] == ["myshop._cli"]
    assert set(data["loaded_after"]) == {
        "myshop._cli",
        "myshop.version",
        "myshop.models",
        "myshop.models.product",
        "myshop.models.html_page",
        "myshop.billing",
        "myshop.billing.invoice",
    }
    assert str(installed.parent) in data["pyautoload"]  # the installed wheel, not the repo


def test_eager_load_of_the_installed_app(installed: Path) -> None:
    data = json.loads(run(installed / "myshop", "eager", env=clean_env()))
    assert {
        "myshop.models.product",
        "myshop.models.html_page",
        "myshop.billing.invoice",
        "myshop.version",
    } <= set(data["loaded"])


def test_eager_environment_switch_in_the_installed_app(installed: Path) -> None:
    code = "import sys, myshop; print(sorted(n for n in sys.modules if n.startswith('myshop.')))"
    lazy = run(installed / "python", "-c", code, env=clean_env())
    eager = run(installed / "python", "-c", code, env=clean_env(PYAUTOLOAD_EAGER="1"))
    assert lazy.strip() == "[]"
    assert "myshop.billing.invoice" in eager


def test_installed_app_logs_autoloads(installed: Path) -> None:
    done = subprocess.run(
        [str(installed / "python"), "-c", "import myshop; myshop.models.Product"],
        capture_output=True,
        text=True,
        env=clean_env(PYAUTOLOAD_LOG="1"),
        timeout=120,
        check=True,
    )
    assert "pyautoload@myshop: autoloaded myshop.models.Product" in done.stderr


def test_installed_app_introspection(installed: Path) -> None:
    code = "import json, myshop; print(json.dumps(sorted(myshop.loader.all_expected_names().values())))"
    names = json.loads(run(installed / "python", "-c", code, env=clean_env()))
    assert names == [
        "myshop",
        "myshop.Billing",
        "myshop.VERSION",
        "myshop.billing",
        "myshop.billing.Invoice",
        "myshop.models",
        "myshop.models.HTMLPage",
        "myshop.models.Product",
    ]

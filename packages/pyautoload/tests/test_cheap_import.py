"""Feature 9: ``import pyautoload`` loads nothing heavy (checked in a fresh interpreter without site)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

import pyautoload

SRC = os.path.dirname(os.path.dirname(pyautoload.__file__))
HEAVY = [
    "watchdog",
    "ast",
    "difflib",
    "importlib.abc",
    "logging",
    "threading",
    "typing",
    "dataclasses",
    "inspect",
    "re",
    "glob",
    "fnmatch",
    "enum",
    "click",
    "rich",
    "devcore",
]

# What a site-less interpreter lacks that a normal start has loaded already, plus two tiny modules
# (`__future__` for the annotations import, `keyword` for the naming rule).
LIGHT = {
    "__future__",
    "_collections_abc",
    "_stat",
    "genericpath",
    "keyword",
    "os",
    "os.path",
    "posixpath",
    "stat",
}


def new_modules(code: str) -> set[str]:
    script = textwrap.dedent(
        f"""
        import json, sys
        sys.path.insert(0, {SRC!r})
        before = set(sys.modules)
        {code}
        print(json.dumps(sorted(set(sys.modules) - before)))
        """
    )
    result = subprocess.run(
        [sys.executable, "-S", "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    return set(json.loads(result.stdout))


def test_import_pyautoload_loads_only_its_front() -> None:
    assert new_modules("import pyautoload") == {"__future__", "pyautoload"}


def test_version_is_read_on_first_use() -> None:
    assert new_modules("import pyautoload; pyautoload.__version__") == {
        "__future__",
        "pyautoload",
        "pyautoload.__about__",
    }


def test_using_the_public_names_loads_nothing_heavy() -> None:
    loaded = new_modules(
        "import pyautoload\n        for name in pyautoload.__all__:\n            getattr(pyautoload, name)"
    )
    assert not loaded & set(HEAVY), loaded & set(HEAVY)
    others = {name for name in loaded if not name.startswith("pyautoload")}
    assert others <= LIGHT, others - LIGHT


def test_setting_up_and_autoloading_stays_light(tmp_path) -> None:
    (tmp_path / "app" / "models").mkdir(parents=True)
    (tmp_path / "app" / "models" / "user.py").write_text("class User: pass\n")
    loaded = new_modules(
        f"import pyautoload; l = pyautoload.Loader(); l.push_dir({str(tmp_path / 'app')!r}, namespace='app'); l.setup(); import app; app.models.User"
    )
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


SETUP_PATH = {
    "pyautoload",
    "pyautoload._discover",
    "pyautoload._finder",
    "pyautoload._inflector",
    "pyautoload._loader",
    "pyautoload._registry",
}


def test_setup_loads_only_the_setup_path(tmp_path) -> None:
    for sub in ("billing", "models", "views"):
        (tmp_path / "app" / sub).mkdir(parents=True)
        (tmp_path / "app" / sub / "thing.py").write_text("class Thing: pass\n")
    loaded = new_modules(
        f"import pyautoload; l = pyautoload.Loader(); l.push_dir({str(tmp_path / 'app')!r}, namespace='app'); l.setup(); import app"
    )
    assert {name for name in loaded if name.startswith("pyautoload")} == SETUP_PATH
    assert loaded - SETUP_PATH <= LIGHT | {"app"}, loaded - SETUP_PATH


def test_the_explanation_loads_difflib_only_when_needed(tmp_path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "user.py").write_text("class Usr: pass\n")
    loaded = new_modules(
        f"import pyautoload; l = pyautoload.Loader(); l.push_dir({str(tmp_path / 'app')!r}, namespace='app'); l.setup(); import app\n"
        "        try:\n            app.User\n        except pyautoload.NameError:\n            pass"
    )
    assert "difflib" in loaded


@pytest.mark.parametrize(
    ("name", "home"),
    [
        ("Inflector", {"pyautoload._inflector"}),
        ("NullInflector", {"pyautoload._inflector"}),
        ("NameError", {"pyautoload._errors"}),
        ("Error", {"pyautoload._errors"}),
        ("all_dirs", {"pyautoload._broadcast", "pyautoload._registry"}),
    ],
)
def test_each_public_name_loads_only_its_home(name: str, home: set[str]) -> None:
    loaded = new_modules(f"import pyautoload; pyautoload.{name}")
    assert {m for m in loaded if m.startswith("pyautoload")} == {"pyautoload", *home}


def test_dir_of_the_package_imports_nothing() -> None:
    loaded = new_modules("import pyautoload; dir(pyautoload)")
    assert {m for m in loaded if m.startswith("pyautoload")} == {"pyautoload"}


def test_eager_loading_loads_no_heavy_module(tmp_path) -> None:
    (tmp_path / "app" / "m").mkdir(parents=True)
    (tmp_path / "app" / "m" / "thing.py").write_text("class Thing: pass\n")
    loaded = new_modules(
        f"import pyautoload; l = pyautoload.Loader(); l.push_dir({str(tmp_path / 'app')!r}, namespace='app'); l.setup(); l.eager_load()"
    )
    assert not loaded & set(HEAVY), loaded & set(HEAVY)
    assert {"pyautoload._eager", "pyautoload._trace"} <= loaded


def test_logging_to_stderr_does_not_import_logging(tmp_path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "thing.py").write_text("class Thing: pass\n")
    loaded = new_modules(
        f"import pyautoload; l = pyautoload.Loader(); l.log(); l.push_dir({str(tmp_path / 'app')!r}, namespace='app'); l.setup(); import app; app.Thing"
    )
    assert "logging" not in loaded
    assert "pyautoload._trace" in loaded


def test_introspection_imports_no_heavy_module_and_no_managed_file(tmp_path) -> None:
    (tmp_path / "app" / "m").mkdir(parents=True)
    (tmp_path / "app" / "m" / "thing.py").write_text("raise SystemExit(5)\n")
    loaded = new_modules(
        f"import pyautoload; l = pyautoload.Loader(); l.push_dir({str(tmp_path / 'app')!r}, namespace='app'); l.all_expected_names()"
    )
    assert not loaded & set(HEAVY), loaded & set(HEAVY)
    assert not any(m == "app" or m.startswith("app.") for m in loaded)

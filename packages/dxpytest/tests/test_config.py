from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dxpytest._config import determine_rootdir, load_config
from dxpytest._errors import ConfigError


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("pytest.ini", "[pytest]\npython_files = check_*.py\n"),
        ("pyproject.toml", "[tool.pytest.ini_options]\npython_files = ['check_*.py']\n"),
        ("pyproject.toml", "[tool.pytest]\npython_files = ['check_*.py']\n"),
        ("tox.ini", "[pytest]\npython_files = check_*.py\n"),
        ("setup.cfg", "[tool:pytest]\npython_files = check_*.py\n"),
        ("pytest.toml", "[pytest]\npython_files = ['check_*.py']\n"),
    ],
)
def test_every_configuration_source_is_read(tmp_path: Path, name: str, text: str) -> None:
    (tmp_path / name).write_text(text)
    (tmp_path / "sub").mkdir()
    config = load_config(["sub"], tmp_path)
    assert config.rootdir == tmp_path
    assert config.inifile == tmp_path / name
    assert config.python_files == ("check_*.py",)


def test_pytest_ini_wins_over_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\ntestpaths = a\n")
    (tmp_path / "pyproject.toml").write_text("[tool.pytest.ini_options]\ntestpaths = ['b']\n")
    assert load_config([], tmp_path).testpaths == ("a",)


def test_without_configuration_setup_py_marks_the_rootdir(tmp_path: Path) -> None:
    (tmp_path / "setup.py").write_text("")
    (tmp_path / "pkg" / "tests").mkdir(parents=True)
    rootdir, inifile, _ = determine_rootdir(["pkg/tests"], tmp_path)
    assert (rootdir, inifile) == (tmp_path, None)


def test_overrides_apply(tmp_path: Path) -> None:
    config = load_config([], tmp_path, ["python_functions=check_*"])
    assert config.python_functions == ("check_*",)
    with pytest.raises(ConfigError):
        load_config([], tmp_path, ["no-equals-sign"])


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_random_files_parse_or_raise_config_error(tmp_path_factory: object, text: str) -> None:
    root = tmp_path_factory.mktemp("cfg")  # type: ignore[attr-defined]
    for name in ("pyproject.toml", "tox.ini"):
        (root / name).write_text(text, encoding="utf-8")
        with contextlib.suppress(ConfigError):
            load_config([], root)
        (root / name).unlink()

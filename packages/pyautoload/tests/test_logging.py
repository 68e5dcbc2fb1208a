"""Feature 8: logging and tracing (Zeitwerk: test_logging)."""

# ruff: noqa: B018 - a bare attribute access is the autoload under test

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap

import pytest

import pyautoload


def test_logger_callable_receives_autoloads_with_duration_and_trigger(with_files, new_loader) -> None:
    root = with_files({"app/models/user.py": "class User: pass"})
    lines: list[str] = []
    new_loader({root / "app": "app"}, logger=lines.append)
    import app

    app.models.User  # this line is the trigger
    autoload = [line for line in lines if "autoloaded app.models.User" in line]
    assert len(autoload) == 1
    line = autoload[0]
    assert line.startswith("pyautoload@app: ")
    assert str(root / "app/models/user.py") in line
    assert " ms " in line
    assert f"{__file__}:" in line


def test_trigger_of_a_file_that_uses_another(with_files, new_loader) -> None:
    root = with_files({"app/a.py": "from app import B\nclass A: pass\n", "app/b.py": "class B: pass"})
    lines: list[str] = []
    new_loader({root / "app": "app"}, logger=lines.append)
    import app

    app.A
    line = next(line for line in lines if "autoloaded app.B" in line)
    assert f"{root / 'app/a.py'}:1" in line


def test_eager_load_is_the_trigger(with_files, new_loader) -> None:
    root = with_files({"app/a.py": "class A: pass"})
    lines: list[str] = []
    loader = new_loader({root / "app": "app"}, logger=lines.append)
    loader.eager_load()
    assert any("autoloaded app.A" in line and "(eager_load)" in line for line in lines)
    assert any("eager load done" in line for line in lines)


def test_load_file_is_the_trigger(with_files, new_loader) -> None:
    root = with_files({"app/a.py": "class A: pass"})
    lines: list[str] = []
    loader = new_loader({root / "app": "app"}, logger=lines.append)
    loader.load_file(root / "app/a.py")
    assert any("autoloaded app.A" in line and "(load_file)" in line for line in lines)


def test_setup_scans_and_namespaces_are_logged(with_files, new_loader) -> None:
    root = with_files({"app/models/a.py": "class A: pass"})
    lines: list[str] = []
    new_loader({root / "app": "app"}, logger=lines.append, tag="web")
    import app

    app.models.A
    text = "\n".join(lines)
    assert "pyautoload@web: set up 1 root(s)" in text
    assert "namespace app created" in text
    assert "scanned app.models" in text


def test_standard_logger_gets_debug_records(with_files, new_loader, caplog) -> None:
    root = with_files({"app/a.py": "class A: pass"})
    logger = logging.getLogger("pyautoload.test")
    caplog.set_level(logging.DEBUG, logger="pyautoload.test")
    new_loader({root / "app": "app"}, logger=logger)
    import app

    app.A
    assert any(
        "autoloaded app.A" in record.getMessage() and record.levelno == logging.DEBUG
        for record in caplog.records
    )


def test_log_method_writes_to_stderr(with_files, new_loader, capsys) -> None:
    root = with_files({"app/a.py": "class A: pass"})
    loader = new_loader({root / "app": "app"})
    loader.log()
    import app

    app.A
    assert "autoloaded app.A" in capsys.readouterr().err


def test_logger_can_be_set_and_removed(with_files, new_loader) -> None:
    root = with_files({"app/a.py": "class A: pass", "app/b.py": "class B: pass"})
    lines: list[str] = []
    loader = new_loader({root / "app": "app"})
    loader.logger = lines.append
    assert loader.logger is not None
    import app

    app.A
    loader.logger = None
    app.B
    assert any("app.A" in line for line in lines)
    assert not any("app.B" in line for line in lines)


def test_logger_must_be_callable() -> None:
    with pytest.raises(TypeError):
        pyautoload.Loader(logger=42)


def test_silent_by_default(with_files, new_loader, capsys, monkeypatch) -> None:
    monkeypatch.delenv("PYAUTOLOAD_LOG", raising=False)
    root = with_files({"app/a.py": "class A: pass"})
    new_loader({root / "app": "app"})
    import app

    app.A
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out == ""


def test_environment_variable_turns_logging_on(with_files) -> None:
    root = with_files({"app/a.py": "class A: pass"})
    script = textwrap.dedent(
        f"""
        import importlib, pyautoload
        loader = pyautoload.Loader()
        loader.push_dir({str(root / "app")!r}, namespace="app")
        loader.setup()
        importlib.import_module("app").A
        """
    )
    env = {**os.environ, "PYAUTOLOAD_LOG": "1"}
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True, timeout=120
    )
    assert "pyautoload@app: autoloaded app.A" in result.stderr
    assert "(<string>:6)" in result.stderr

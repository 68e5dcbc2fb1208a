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


# -- more of Zeitwerk's test_logging -----------------------------------------------------------------


def logged(project, files, **options):
    """A project whose loader logs into a list; returns (project, lines)."""
    lines: list[str] = []
    return project(files, logger=lines.append, **options), lines


def test_an_object_with_debug_is_used_as_logger(project) -> None:
    class Collector:
        def __init__(self) -> None:
            self.lines: list[str] = []

        def debug(self, message: str) -> None:
            self.lines.append(message)

    collector = Collector()
    p = project({"app/a.py": "class A: pass"}, logger=collector)
    p.module().A
    assert any("autoloaded app.A" in line for line in collector.lines)


def test_a_callable_object_is_used_as_logger(project) -> None:
    class Sink:
        def __init__(self) -> None:
            self.lines: list[str] = []

        def __call__(self, message: str) -> None:
            self.lines.append(message)

    sink = Sink()
    p = project({"app/a.py": "class A: pass"}, logger=sink)
    p.module().A
    assert any("autoloaded app.A" in line for line in sink.lines)


@pytest.mark.parametrize("value", ["1", "true", "yes", "on", "TRUE", " 1 "])
def test_environment_values_that_turn_logging_on(project, monkeypatch, capsys, value: str) -> None:
    monkeypatch.setenv("PYAUTOLOAD_LOG", value)
    p = project({"app/a.py": "class A: pass"})
    p.module().A
    assert "pyautoload@app: autoloaded app.A" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["0", "", "no", "off", "false"])
def test_environment_values_that_leave_logging_off(project, monkeypatch, capsys, value: str) -> None:
    monkeypatch.setenv("PYAUTOLOAD_LOG", value)
    p = project({"app/a.py": "class A: pass"})
    p.module().A
    assert capsys.readouterr().err == ""


def test_an_explicit_logger_wins_over_the_environment(project, monkeypatch, capsys) -> None:
    monkeypatch.setenv("PYAUTOLOAD_LOG", "1")
    p, lines = logged(project, {"app/a.py": "class A: pass"})
    p.module().A
    assert capsys.readouterr().err == ""
    assert any("autoloaded app.A" in line for line in lines)


def test_logs_autoloads_of_files(project) -> None:
    p, lines = logged(project, {"app/m/user.py": "class User: pass"})
    p.module().m.User
    assert [line for line in lines if "autoloaded" in line] == [
        next(
            line
            for line in lines
            if line.startswith(f"pyautoload@app: autoloaded app.m.User from {p.path('app/m/user.py')} in ")
        )
    ]


def test_a_plain_import_of_a_managed_file_is_not_an_autoload(project) -> None:
    _, lines = logged(project, {"app/m/user.py": "class User: pass"})
    __import__("app.m.user")
    assert not any("autoloaded" in line for line in lines)
    assert any("namespace app.m created" in line for line in lines)


def test_logs_auto_created_namespaces(project) -> None:
    p, lines = logged(project, {"app/a/b/x.py": "class X: pass"})
    p.module().a.b
    created = [line for line in lines if "namespace" in line and "created" in line]
    assert created == [
        f"pyautoload@app: namespace app created for {p.path('app')}",
        f"pyautoload@app: namespace app.a created for {p.path('app/a')}",
        f"pyautoload@app: namespace app.a.b created for {p.path('app/a/b')}",
    ]


def test_logs_each_scanned_level_with_its_count(project) -> None:
    p, lines = logged(project, {"app/x.py": "", "app/y.py": "", "app/m/z.py": ""})
    p.module().m
    assert "pyautoload@app: scanned app: 3 name(s)" in lines
    assert "pyautoload@app: scanned app.m: 1 name(s)" in lines


def test_logs_directories_without_python_files(project) -> None:
    p, lines = logged(project, {"app/x.py": "", "app/assets/logo.svg": ""})
    assert not hasattr(p.module(), "assets")
    assert f"pyautoload@app: {p.path('app/assets')} holds no .py file; it is not a namespace" in lines


def test_logs_a_failed_autoload_as_nothing(project) -> None:
    p, lines = logged(project, {"app/a.py": "class B: pass"})
    with pytest.raises(pyautoload.NameError):
        p.module().A
    assert not any("autoloaded app.A" in line for line in lines)


def test_logs_eager_load_start_and_end(project) -> None:
    p, lines = logged(project, {"app/a.py": "class A: pass"})
    p.loader.eager_load()
    start = lines.index("pyautoload@app: eager load start")
    done = lines.index("pyautoload@app: eager load done")
    assert start < done
    assert any("autoloaded app.A" in line for line in lines[start:done])


def test_eager_load_dir_is_the_trigger(project) -> None:
    p, lines = logged(project, {"app/m/a.py": "class A: pass"})
    p.loader.eager_load_dir(p.path("app/m"))
    assert any("autoloaded app.m.A" in line and "(eager_load_dir)" in line for line in lines)


def test_eager_load_namespace_is_the_trigger(project) -> None:
    p, lines = logged(project, {"app/m/a.py": "class A: pass"})
    p.loader.eager_load_namespace("app.m")
    assert any("autoloaded app.m.A" in line and "(eager_load_namespace)" in line for line in lines)


def test_the_trigger_is_back_to_call_sites_after_eager_load(project) -> None:
    p, lines = logged(project, {"app/a.py": "class A: pass", "app/m/b.py": "class B: pass"})
    p.loader.eager_load_dir(p.path("app/m"))
    p.module().A  # not inside eager loading any more
    line = next(line for line in lines if "autoloaded app.A" in line)
    assert f"({__file__}:" in line


def test_logs_shadowed_files(project) -> None:
    p, lines = logged(project, {"one/x.py": "", "two/x.py": ""}, roots={"one": "app", "two": "app"})
    p.module()
    assert f"pyautoload@app: file {p.path('two/x.py')} is shadowed by {p.path('one/x.py')}" in lines


def test_logs_names_that_an_existing_package_provides(project) -> None:
    _, lines = logged(
        project,
        {"site/vendor/__init__.py": "", "site/vendor/tools/__init__.py": "", "ours/tools/x.py": ""},
        roots={"ours": "vendor"},
        sys_path=["site"],
    )
    assert any("namespace vendor is provided by" in line for line in lines)
    assert any("module vendor.tools is provided by" in line for line in lines)


def test_logs_namespaces_shared_with_another_loader(project, new_loader) -> None:
    p = project({"one/m/a.py": "", "two/m/b.py": ""}, roots={"one": "app"})
    lines: list[str] = []
    new_loader({p.root / "two": "app"}, logger=lines.append, tag="second")
    p.module()
    __import__("app.m")
    assert "pyautoload@second: namespace app.m is shared with loader 'app'" in lines


def test_the_duration_is_a_number_of_milliseconds(project) -> None:
    import re

    p, lines = logged(project, {"app/a.py": "class A: pass"})
    p.module().A
    line = next(line for line in lines if "autoloaded app.A" in line)
    assert re.search(r" in \d+\.\d\d ms \(", line)


def test_trigger_inside_a_function_of_a_managed_file(project) -> None:
    p, lines = logged(
        project,
        {
            "app/a.py": "import app\ndef use():\n    return app.B\nclass A:\n    pass\n",
            "app/b.py": "class B: pass",
        },
    )
    p.module().A
    sys.modules["app.a"].use()
    line = next(line for line in lines if "autoloaded app.B" in line)
    assert f"({p.path('app/a.py')}:3)" in line


def test_logging_to_a_standard_logger_uses_its_name(project, caplog) -> None:
    logger = logging.getLogger("myapp.autoload")
    caplog.set_level(logging.DEBUG, logger="myapp.autoload")
    p = project({"app/a.py": "class A: pass"}, logger=logger)
    p.module().A
    assert {record.name for record in caplog.records} == {"myapp.autoload"}


def test_log_method_after_a_custom_logger_replaces_it(project, capsys) -> None:
    p, lines = logged(project, {"app/a.py": "class A: pass"})
    p.loader.log()
    p.module().A
    assert not any("autoloaded app.A" in line for line in lines)
    assert "autoloaded app.A" in capsys.readouterr().err

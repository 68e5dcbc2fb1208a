"""Feature 10: the `pyautoload` command line, as real processes and through click's runner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import pyautoload

TREE = {
    "app/models/html_parser.py": "class HTMLParser: pass",
    "app/models/user.py": "class User: pass",
    "app/hotel.py": "class Hotel: pass",
    "app/hotel/room.py": "class Room: pass",
    "app/assets/logo.svg": "<svg/>",
}

COMMANDS = ["tree", "check", "eager"]  # each builds its loader from the same options


def run(*args: str, check: bool = False) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from pyautoload._cli import main; main()", *args],
        capture_output=True,
        text=True,
        check=check,
        timeout=120,
    )


def test_version_matches_about() -> None:
    assert pyautoload.__version__ in run("--version", check=True).stdout


def test_help_describes_the_tool() -> None:
    out = run("--help", check=True).stdout
    assert "Usage:" in out
    assert "tree" in out
    assert "eager" in out


def test_tree_shows_names_without_importing(with_files) -> None:
    root = with_files({**TREE, "app/boom.py": "raise SystemExit(3)"})
    result = run("tree", str(root / "app"), check=True)
    out = result.stdout
    assert "models/html_parser.py → app.models.HtmlParser" in out
    assert "models/ → app.models" in out
    assert "hotel.py → app.Hotel  (namespace app.hotel)" in out
    assert "hotel/room.py → app.hotel.Room" in out
    assert "boom.py → app.Boom" in out
    assert "logo" not in out
    assert "\x1b[" not in out  # no colour when not a TTY


def test_tree_json(with_files) -> None:
    root = with_files(TREE)
    data = json.loads(run("tree", str(root / "app"), "--json", check=True).stdout)
    assert data["namespace"] == "app"
    assert data["names"][str(root / "app/models/user.py")] == "app.models.User"
    kinds = {m["module"]: m["kind"] for m in data["modules"]}
    assert kinds["app.hotel"] == "explicit"
    assert kinds["app.models"] == "namespace"


def test_tree_with_namespace_acronym_inflect_ignore_collapse(with_files) -> None:
    root = with_files(
        {**TREE, "app/api/v1/api_client.py": "", "app/scripts/x.py": "", "app/c/flat/thing.py": ""}
    )
    out = run(
        "tree",
        str(root / "app"),
        "--namespace",
        "web",
        "--acronym",
        "API",
        "--inflect",
        "user=Person",
        "--ignore",
        str(root / "app/scripts"),
        "--collapse",
        str(root / "app/c/flat"),
        "--json",
        check=True,
    ).stdout
    names = json.loads(out)["names"]
    assert names[str(root / "app/api/v1/api_client.py")] == "web.api.v1.APIClient"
    assert names[str(root / "app/models/user.py")] == "web.models.Person"
    assert names[str(root / "app/c/flat/thing.py")] == "web.c.Thing"
    assert str(root / "app/scripts/x.py") not in names


@pytest.mark.parametrize("command", COMMANDS)
def test_bad_inflect_option_is_a_usage_error(with_files, command: str) -> None:
    root = with_files(TREE)
    result = run(command, str(root / "app"), "--inflect", "nonsense")
    assert result.returncode == 2
    assert "Error: Invalid value for --inflect: expected BASENAME=NAME, got 'nonsense'" in result.stderr
    assert result.stdout == ""


def test_tree_conflict_is_reported_without_traceback(with_files) -> None:
    root = with_files({"app/hotel.py": "", "app/hotel/__init__.py": ""})
    result = run("tree", str(root / "app"))
    assert result.returncode == 1
    assert "both define module app.hotel" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", COMMANDS)
def test_invalid_namespace_is_reported(with_files, command: str) -> None:
    root = with_files(TREE)
    result = run(command, str(root / "app"), "--namespace", "not-valid")
    assert result.returncode == 1
    assert result.stderr == (
        "error: pyautoload: invalid namespace 'not-valid': "
        "expected a dotted name of identifiers, like 'app.models'\n"
    )
    assert result.stdout == ""


def deeper_than_a_path_can_name(directory: Path) -> Path:
    """Nest directories below ``directory`` past the longest path the system opens (made relative to
    each parent, so their creation works); return the first one whose absolute path is too long."""
    parent = os.open(directory, os.O_RDONLY)
    try:
        for _ in range(20):  # 20 x 251 characters: beyond PATH_MAX (4096 on Linux, 1024 on macOS)
            os.mkdir("d" * 250, dir_fd=parent)
            child = os.open("d" * 250, os.O_RDONLY, dir_fd=parent)
            os.close(parent)
            parent = child
        os.close(os.open("x.py", os.O_WRONLY | os.O_CREAT, dir_fd=parent))
    finally:
        os.close(parent)
    path = directory
    while len(str(path)) < os.pathconf(directory, "PC_PATH_MAX"):
        path /= "d" * 250
    return path


@pytest.mark.parametrize("command", COMMANDS)
def test_a_directory_the_listing_cannot_open_is_reported(with_files, command: str) -> None:
    root = with_files({"app/x.py": "class X: pass"})
    too_long = deeper_than_a_path_can_name(root / "app")
    code, out = invoke(command, str(root / "app"))
    assert code == 1
    assert out.startswith("error: ")
    assert str(too_long) in out


def test_check_reports_a_child_its_explicit_namespace_shadows_without_importing(with_files) -> None:
    root = with_files(
        {**TREE, "app/hotel/hotel.py": "raise SystemExit(3)", "app/boom.py": "raise SystemExit(4)"}
    )
    result = run("check", str(root / "app"))
    assert result.returncode == 1
    assert (
        f"conflict: pyautoload: {root / 'app/hotel/hotel.py'} is expected to define app.hotel.Hotel"
        in result.stdout
    )
    assert "Traceback" not in result.stderr
    data = json.loads(run("check", str(root / "app"), "--json").stdout)
    assert [(c["path"], c["other"]) for c in data["conflicts"]] == [
        (str(root / "app/hotel.py"), str(root / "app/hotel/hotel.py"))
    ]


def test_check_reports_a_file_beside_an_init(with_files) -> None:
    root = with_files({"app/hotel.py": "", "app/hotel/__init__.py": ""})
    result = run("check", str(root / "app"))
    assert result.returncode == 1
    assert "both define module app.hotel" in result.stdout


def test_check_ok(with_files) -> None:
    root = with_files(TREE)
    result = run("check", str(root / "app"), check=True)
    assert result.stdout.startswith("ok: no conflicts")


def test_eager_ok(with_files) -> None:
    root = with_files({k: v for k, v in TREE.items() if "html" not in k})
    result = run("eager", str(root / "app"), check=True)
    assert "ok" in result.stdout
    assert "3 file(s)" in result.stdout


def test_eager_reports_every_failure(with_files) -> None:
    root = with_files({**TREE, "app/broken.py": "raise ValueError('bad')"})
    result = run("eager", str(root / "app"), "--json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    errors = {e["name"]: e for e in data["errors"]}
    assert set(errors) == {"app.models.HtmlParser", "app.Broken"}
    assert errors["app.models.HtmlParser"]["error"] == "NameError"
    assert "did you mean HTMLParser" in errors["app.models.HtmlParser"]["message"]
    assert errors["app.Broken"]["error"] == "ValueError"
    assert data["loaded"] == 3


def test_eager_table_names_the_failures(with_files) -> None:
    root = with_files(TREE)
    result = run("eager", str(root / "app"))
    assert result.returncode == 1
    assert "1 of 4 file(s) failed" in result.stdout
    assert "html_parser.py" in result.stdout


def test_eager_with_inflect_fixes_the_acronym(with_files) -> None:
    root = with_files(TREE)
    data = json.loads(
        run("eager", str(root / "app"), "--inflect", "html_parser=HTMLParser", "--json", check=True).stdout
    )
    assert data["errors"] == []
    assert data["loaded"] == 4


@pytest.mark.parametrize("command", COMMANDS)
def test_missing_path_is_a_usage_error(command: str, tmp_path) -> None:
    result = run(command, str(tmp_path / "missing"))
    assert result.returncode == 2
    assert "does not exist" in result.stderr


def test_help_is_cheap_no_rich_import() -> None:
    script = "import sys; from pyautoload._cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\nprint('rich' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip().endswith("False")


# -- in-process runs (click's runner: the same commands, without a new interpreter each) -----------


def invoke(*args: str) -> tuple[int, str]:
    from click.testing import CliRunner

    from pyautoload._cli import main

    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_short_help_option() -> None:
    assert "Usage:" in run("-h", check=True).stdout  # a process of its own: click caches help options


def test_unknown_command_is_a_usage_error() -> None:
    code, out = invoke("explode")
    assert code == 2
    assert "No such command" in out


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_has_help(command: str) -> None:
    out = run(command, "--help", check=True).stdout
    for option in ("--namespace", "--acronym", "--inflect", "--ignore", "--collapse", "--json"):
        assert option in out


def test_tree_json_lists_every_kind(with_files) -> None:
    root = with_files(
        {
            "app/x.py": "",
            "app/m/y.py": "",
            "app/hotel.py": "",
            "app/hotel/r.py": "",
            "app/pkg/__init__.py": "",
            "app/pkg/z.py": "",
        }
    )
    code, out = invoke("tree", str(root / "app"), "--json")
    assert code == 0
    kinds = {m["module"]: m["kind"] for m in json.loads(out)["modules"]}
    assert kinds == {
        "app": "root",
        "app.x": "file",
        "app.m": "namespace",
        "app.m.y": "file",
        "app.hotel": "explicit",
        "app.hotel.r": "file",
        "app.pkg": "package",
        "app.pkg.z": "file",
    }


def test_tree_json_lists_the_root_first(with_files) -> None:
    root = with_files({"app/x.py": ""})
    modules = json.loads(invoke("tree", str(root / "app"), "--json")[1])["modules"]
    assert modules[0] == {
        "module": "app",
        "kind": "root",
        "name": None,
        "file": None,
        "dirs": [str(root / "app")],
    }
    assert [m["module"] for m in modules] == ["app", "app.x"]


def test_tree_json_entries_carry_names_files_and_dirs(with_files) -> None:
    root = with_files({"app/hotel.py": "", "app/hotel/r.py": ""})
    modules = {m["module"]: m for m in json.loads(invoke("tree", str(root / "app"), "--json")[1])["modules"]}
    assert modules["app.hotel"] == {
        "module": "app.hotel",
        "kind": "explicit",
        "name": "app.Hotel",
        "file": str(root / "app/hotel.py"),
        "dirs": [str(root / "app/hotel")],
    }


def test_tree_of_a_package_marks_it(with_files) -> None:
    root = with_files({"app/pkg/__init__.py": "", "app/pkg/z.py": ""})
    code, out = invoke("tree", str(root / "app"))
    assert code == 0
    assert "pkg/ → app.pkg (package)" in out
    assert "pkg/z.py → app.pkg.Z" in out


def test_tree_of_an_empty_directory(with_files) -> None:
    root = with_files({"app/": None})
    code, out = invoke("tree", str(root / "app"), "--json")
    assert code == 0
    assert json.loads(out)["names"] == {str(root / "app"): "app"}


def test_tree_with_a_dotted_namespace_needs_no_parent_package(with_files) -> None:
    root = with_files({"app/x.py": ""})
    code, out = invoke("tree", str(root / "app"), "--namespace", "host.app", "--json")
    assert code == 0
    assert json.loads(out)["names"][str(root / "app/x.py")] == "host.app.X"


def test_tree_of_a_directory_that_is_not_a_module_name_needs_a_namespace(with_files) -> None:
    root = with_files({"my-app/x.py": ""})
    code, out = invoke("tree", str(root / "my-app"))
    assert code == 1
    assert "invalid namespace 'my-app'" in out
    code, out = invoke("tree", str(root / "my-app"), "--namespace", "my_app", "--json")
    assert code == 0


def test_tree_with_ignore_and_collapse_globs(with_files) -> None:
    root = with_files({"app/a/test_x.py": "", "app/a/real.py": "", "app/b/concerns/c.py": ""})
    code, out = invoke(
        "tree",
        str(root / "app"),
        "--ignore",
        str(root / "app/**/test_*.py"),
        "--collapse",
        str(root / "app/*/concerns"),
        "--json",
    )
    assert code == 0
    names = json.loads(out)["names"]
    assert str(root / "app/a/test_x.py") not in names
    assert names[str(root / "app/b/concerns/c.py")] == "app.b.C"


def test_tree_imports_nothing(with_files) -> None:
    root = with_files({"app/boom.py": "raise SystemExit(9)", "app/m/x.py": "raise SystemExit(9)"})
    code, _ = invoke("tree", str(root / "app"))
    assert code == 0
    assert "app" not in sys.modules


def test_tree_of_a_file_is_a_usage_error(with_files) -> None:
    root = with_files({"app/x.py": ""})
    code, out = invoke("tree", str(root / "app/x.py"))
    assert code == 2
    assert "is a file" in out


def test_eager_json_counts_loaded_files(with_files) -> None:
    root = with_files(
        {"app/x.py": "class X: pass", "app/m/y.py": "class Y: pass", "app/skip.py": "raise RuntimeError"}
    )
    code, out = invoke("eager", str(root / "app"), "--ignore", str(root / "app/skip.py"), "--json")
    assert code == 0
    assert json.loads(out) == {"root": str(root / "app"), "loaded": 2, "errors": []}


def test_eager_of_an_empty_directory(with_files) -> None:
    root = with_files({"app/": None})
    code, out = invoke("eager", str(root / "app"), "--json")
    assert code == 0
    assert json.loads(out)["loaded"] == 0


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("class Wrong: pass", "NameError"),
        ("class Broken(:\n", "SyntaxError"),
        ("raise KeyError('k')", "KeyError"),
        ("import module_that_does_not_exist_at_all", "ModuleNotFoundError"),
        ("from app import Broken\nclass Broken: pass\n", "CircularImportError"),
        ("raise SystemExit(3)", "SystemExit"),
    ],
)
def test_eager_reports_the_kind_of_failure(with_files, source: str, error: str) -> None:
    root = with_files({"app/broken.py": source, "app/ok.py": "class Ok: pass"})
    code, out = invoke("eager", str(root / "app"), "--json")
    assert code == 1
    data = json.loads(out)
    assert [e["error"] for e in data["errors"]] == [error]
    assert data["errors"][0]["path"] == str(root / "app/broken.py")
    assert data["errors"][0]["name"] == "app.Broken"
    assert data["loaded"] == 1


def test_eager_conflict_is_reported_without_traceback(with_files) -> None:
    root = with_files({"app/hotel.py": "", "app/hotel/__init__.py": ""})
    code, out = invoke("eager", str(root / "app"))
    assert code == 1
    assert "both define module app.hotel" in out
    assert "Traceback" not in out


def test_eager_with_an_acronym(with_files) -> None:
    root = with_files({"app/html_parser.py": "class HTMLParser: pass", "app/api/v1.py": "class V1: pass"})
    code, out = invoke("eager", str(root / "app"), "--acronym", "HTML", "--json")
    assert code == 0
    assert json.loads(out)["loaded"] == 2


def test_eager_with_a_namespace(with_files) -> None:
    root = with_files({"src/x.py": "class X: pass"})
    code, out = invoke("eager", str(root / "src"), "--namespace", "myapp", "--json")
    assert code == 0
    assert json.loads(out)["loaded"] == 1
    assert sys.modules["myapp"].X.__module__ == "myapp.x"


def test_eager_with_collapse(with_files) -> None:
    root = with_files({"app/b/actions/create.py": "class Create: pass"})
    code, _ = invoke("eager", str(root / "app"), "--collapse", str(root / "app/b/actions"))
    assert code == 0
    assert sys.modules["app.b"].Create.__module__ == "app.b.create"


def test_eager_table_lists_each_failure_once(with_files) -> None:
    root = with_files(
        {"app/a.py": "class Nope: pass", "app/b.py": "class Nah: pass", "app/c.py": "class C: pass"}
    )
    code, out = invoke("eager", str(root / "app"))
    assert code == 1
    assert "2 of 3 file(s) failed" in out
    assert out.count("a.py") == 1
    assert out.count("b.py") == 1


def test_commands_can_be_called_again_in_one_process(with_files) -> None:
    root = with_files({**TREE, "app/broken.py": "raise ValueError('bad')"})
    app = str(root / "app")
    script = (
        "import json\n"
        "from click.testing import CliRunner\n"
        "from pyautoload._cli import main\n"
        "for command in ('eager', 'eager', 'tree', 'check', 'eager'):\n"
        f"    result = CliRunner().invoke(main, [command, {app!r}, '--json'])\n"
        "    data = json.loads(result.output)\n"
        "    print(command, result.exit_code, data.get('loaded'), sorted(e['name'] for e in data.get('errors', [])))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    failed = "['app.Broken', 'app.models.HtmlParser']"
    assert result.stdout.splitlines() == [
        f"eager 1 3 {failed}",
        f"eager 1 3 {failed}",
        "tree 0 None []",
        "check 0 None []",
        f"eager 1 3 {failed}",
    ]


def test_python_dash_m_runs_the_command_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pyautoload", "--help"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert result.stdout.startswith("Usage: python -m pyautoload [OPTIONS] COMMAND")

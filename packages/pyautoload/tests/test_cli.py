"""Feature 10: the `pyautoload` command line (run as a real process)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import pyautoload

TREE = {
    "app/models/html_parser.py": "class HTMLParser: pass",
    "app/models/user.py": "class User: pass",
    "app/hotel.py": "class Hotel: pass",
    "app/hotel/room.py": "class Room: pass",
    "app/assets/logo.svg": "<svg/>",
}


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


def test_bad_inflect_option_is_a_usage_error(with_files) -> None:
    root = with_files(TREE)
    result = run("tree", str(root / "app"), "--inflect", "nonsense")
    assert result.returncode == 2
    assert "BASENAME=NAME" in result.stderr


def test_tree_conflict_is_reported_without_traceback(with_files) -> None:
    root = with_files({"app/hotel.py": "", "app/hotel/__init__.py": ""})
    result = run("tree", str(root / "app"))
    assert result.returncode == 1
    assert "both define module app.hotel" in result.stderr
    assert "Traceback" not in result.stderr


def test_invalid_namespace_is_reported(with_files) -> None:
    root = with_files(TREE)
    result = run("tree", str(root / "app"), "--namespace", "not-valid")
    assert result.returncode == 1
    assert "invalid namespace" in result.stderr
    assert "Traceback" not in result.stderr


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


@pytest.mark.parametrize("command", ["tree", "eager"])
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

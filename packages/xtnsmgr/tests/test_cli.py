from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import xtnsmgr
from xtnsmgr._duration import parse_duration_s


def cli(
    *args: str, cache: Path | None = None, wheelhouse: Path | None = None
) -> subprocess.CompletedProcess[str]:
    options: list[str] = []
    if cache is not None:
        options += ["--cache-dir", str(cache)]
    if wheelhouse is not None:
        options += ["--find-links", str(wheelhouse), "--no-index"]
    return subprocess.run(
        [sys.executable, "-c", "from xtnsmgr._cli import main; main()", *options, *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_version_matches_about() -> None:
    assert xtnsmgr.__version__ in cli("--version").stdout


def test_help_describes_the_tool() -> None:
    out = cli("--help").stdout
    assert "Usage:" in out
    for command in ("ensure", "list", "info", "invalidate", "clean", "path", "run"):
        assert command in out


def test_ensure_list_info_path_invalidate_clean(tmp_path: Path, wheelhouse: Path) -> None:
    cache = tmp_path / "cache"
    ensured = cli("ensure", "xt-alpha", "xt-ns-one", "--json", cache=cache, wheelhouse=wheelhouse)
    assert ensured.returncode == 0, ensured.stderr
    entries = json.loads(ensured.stdout)
    assert [e["source"] for e in entries] == ["install", "install"]
    assert entries[0]["distributions"] == {"xt-alpha": "1.0", "xt-base": "1.0"}
    again = json.loads(cli("ensure", "xt-alpha", "--json", cache=cache, wheelhouse=wheelhouse).stdout)
    assert again[0]["source"] == "cache"

    listed = json.loads(cli("list", "--json", cache=cache, wheelhouse=wheelhouse).stdout)
    assert sorted(e["requirements"][0] for e in listed) == ["xt-alpha", "xt-ns-one"]
    table = cli("list", cache=cache, wheelhouse=wheelhouse)
    assert "xt-alpha" in table.stdout

    info = json.loads(cli("info", "xt-alpha", "--json", cache=cache, wheelhouse=wheelhouse).stdout)
    assert info["path"] == entries[0]["path"]
    assert cli("info", "xt-lib", cache=cache, wheelhouse=wheelhouse).returncode == 1

    printed = cli("path", "xt-alpha", cache=cache, wheelhouse=wheelhouse).stdout.strip()
    assert printed == entries[0]["path"]
    assert Path(printed, "xt_alpha", "__init__.py").is_file()

    assert json.loads(cli("invalidate", "xt-alpha", "--json", cache=cache, wheelhouse=wheelhouse).stdout) == {
        "xt-alpha": True
    }
    assert json.loads(
        cli("clean", "--older-than", "0s", "--json", cache=cache, wheelhouse=wheelhouse).stdout
    ) == [entries[1]["key"]]
    assert json.loads(cli("list", "--json", cache=cache, wheelhouse=wheelhouse).stdout) == []


def test_run_appends_entries_after_site_packages(tmp_path: Path, wheelhouse: Path) -> None:
    code = "import sys, xt_alpha, xt_extra; print(xt_alpha.register({})[0], xt_extra.WHERE)"
    result = cli(
        "run",
        "xt-alpha",
        "xt-pthpath",
        "--",
        sys.executable,
        "-c",
        code,
        cache=tmp_path,
        wheelhouse=wheelhouse,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["alpha", "extra"]
    site_last = "import sys, site; print(max(sys.path.index(p) for p in site.getsitepackages() if p in sys.path) < len(sys.path) - 1)"
    order = cli(
        "run", "xt-base", "--", sys.executable, "-c", site_last, cache=tmp_path, wheelhouse=wheelhouse
    )
    assert order.stdout.strip() == "True", order.stderr


def test_run_passes_the_exit_status(tmp_path: Path, wheelhouse: Path) -> None:
    result = cli(
        "run",
        "xt-base",
        "--",
        sys.executable,
        "-c",
        "raise SystemExit(7)",
        cache=tmp_path,
        wheelhouse=wheelhouse,
    )
    assert result.returncode == 7
    assert cli("run", "xt-base", cache=tmp_path, wheelhouse=wheelhouse).returncode == 2


def test_run_child_starts_without_a_sitecustomize_error(tmp_path: Path, wheelhouse: Path) -> None:
    code = "import sys, xt_alpha; print(sys.modules['sitecustomize'].__name__)"
    result = cli("run", "xt-alpha", "--", sys.executable, "-c", code, cache=tmp_path, wheelhouse=wheelhouse)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "sitecustomize"
    assert result.stderr == ""


def test_run_hands_over_to_the_environments_sitecustomize(
    tmp_path: Path, wheelhouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    own = tmp_path / "own"
    own.mkdir()
    (own / "sitecustomize.py").write_text("import builtins\nbuiltins.OWN_SITECUSTOMIZE = 'ran'\n")
    monkeypatch.setenv("PYTHONPATH", str(own))
    code = "import xt_alpha; print(OWN_SITECUSTOMIZE)"  # a name the sitecustomize defines
    result = cli(
        "run", "xt-alpha", "--", sys.executable, "-c", code, cache=tmp_path / "c", wheelhouse=wheelhouse
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ran"
    assert result.stderr == ""


def test_errors_are_one_line_without_traceback(tmp_path: Path, wheelhouse: Path) -> None:
    bad = cli("ensure", "pkg >= = 1", cache=tmp_path, wheelhouse=wheelhouse)
    assert bad.returncode == 2
    assert bad.stderr.startswith("error: invalid extension specification 'pkg >= = 1'")
    assert "Traceback" not in bad.stderr
    failed = cli("ensure", "xt-foreign", cache=tmp_path, wheelhouse=wheelhouse)
    assert failed.returncode == 1
    assert "Traceback" not in failed.stderr
    assert "xt-foreign" in failed.stderr
    assert cli("clean", "--older-than", "soon", cache=tmp_path).returncode == 2


def test_ensure_reports_every_specification_it_could_not_ensure(tmp_path: Path, wheelhouse: Path) -> None:
    specifications = ["xt-alpha", "xt >= = 1", "xt-foreign"]
    text = cli("ensure", *specifications, cache=tmp_path, wheelhouse=wheelhouse)
    assert text.returncode == 1  # an install failed: not only malformed specifications
    assert "xt-alpha" in text.stdout  # the table of what was ensured
    errors = text.stderr.splitlines()
    assert errors[0].startswith("error: invalid extension specification 'xt >= = 1': ")
    assert any(line.startswith("error: cannot install 'xt-foreign' with uv") for line in errors)
    scripted = cli("ensure", *specifications, "--json", cache=tmp_path, wheelhouse=wheelhouse)
    assert scripted.returncode == 1
    alpha, bad, foreign = json.loads(scripted.stdout)
    assert (alpha["specification"], alpha["source"]) == ("xt-alpha", "cache")
    assert (bad["specification"], bad["error"]) == ("xt >= = 1", "ExtensionConfigError")
    assert (foreign["specification"], foreign["error"]) == ("xt-foreign", "ExtensionInstallationError")
    assert "xt-foreign" in foreign["message"]
    malformed = cli("ensure", "xt >= = 1", "yt >= = 2", "--json", cache=tmp_path, wheelhouse=wheelhouse)
    assert malformed.returncode == 2
    assert [item["error"] for item in json.loads(malformed.stdout)] == ["ExtensionConfigError"] * 2


def test_info_says_when_the_host_serves_a_specification(tmp_path: Path) -> None:
    from importlib.metadata import version

    served = cli("info", "click", cache=tmp_path)
    assert served.returncode == 1
    assert served.stderr.strip() == (
        f"no entry for 'click' (the host environment has click {version('click')}, which ensure uses;"
        " --isolate caches it)"
    )
    assert cli("info", "click>=999", cache=tmp_path).stderr.strip() == "no entry for 'click>=999'"


@pytest.mark.parametrize(("flags", "compiled"), [((), True), (("--no-compile-bytecode",), False)])
def test_bytecode_is_compiled_unless_turned_off(
    tmp_path: Path, wheelhouse: Path, flags: tuple[str, ...], compiled: bool
) -> None:
    printed = cli(*flags, "path", "xt-lazy", cache=tmp_path / "cache", wheelhouse=wheelhouse)
    assert printed.returncode == 0, printed.stderr
    caches = Path(printed.stdout.strip()) / "xt_lazy" / "__pycache__"
    assert bool(list(caches.glob("unused.*.pyc"))) is compiled, "only imported modules without bytecode"
    assert list(caches.glob("__init__.*.pyc")), "the smoke test's import leaves its bytecode either way"


def test_cache_dir_from_environment(tmp_path: Path, wheelhouse: Path) -> None:
    env = {
        **os.environ,
        "XTNSMGR_CACHE_DIR": str(tmp_path / "env-cache"),
        "XTNSMGR_FIND_LINKS": str(wheelhouse),
        "XTNSMGR_NO_INDEX": "1",
    }
    result = subprocess.run(
        [sys.executable, "-c", "from xtnsmgr._cli import main; main()", "path", "xt-base"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(str(tmp_path / "env-cache"))


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30d", 2_592_000), ("12h", 43_200), ("90m", 5_400), ("45s", 45), ("2w", 1_209_600), ("7", 7)],
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration_s(text) == seconds


@given(st.text(max_size=12))
def test_random_durations_parse_or_raise_config_error(text: str) -> None:
    outcome: object
    try:
        outcome = parse_duration_s(text)
    except xtnsmgr.ExtensionConfigError as error:
        outcome = error.spec
    assert outcome == text if isinstance(outcome, str) else outcome >= 0  # type: ignore[operator]


def test_python_dash_m_runs_the_command_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "xtnsmgr", "--help"], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.startswith("Usage: python -m xtnsmgr [OPTIONS] COMMAND")

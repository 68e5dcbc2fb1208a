"""dxpytest installed from its own wheel into a fresh virtual environment runs a small project
the way pytest does: same node ids, same counts, same exit codes, same JUnit test cases, serial
and with two workers.

Hermetic, without a network: pip installs with ``--no-index`` from the session's `wheelhouse`
(this repository's wheels and their dependencies, see conftest.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TIMEOUT_S = 600

PROJECT = {
    "pyproject.toml": """
        [tool.pytest.ini_options]
        testpaths = ["tests"]
        markers = ["slow: slow tests"]
    """,
    "tests/conftest.py": """
        import pytest

        @pytest.fixture(scope="session")
        def database():
            return {"users": ["ada", "grace"]}

        @pytest.fixture
        def user(database):
            return database["users"][0]
    """,
    "tests/test_users.py": """
        import pytest

        def test_user(user):
            assert user == "ada"

        @pytest.mark.parametrize("name", ["ada", "grace", pytest.param("linus", id="third")])
        def test_known(database, name):
            assert (name in database["users"]) is (name != "linus")

        def test_failing(database):
            assert len(database["users"]) == 3

        @pytest.mark.skip(reason="not on this platform")
        def test_skipped():
            pass

        @pytest.mark.xfail(reason="known bug")
        def test_known_bug():
            assert 0.1 + 0.2 == 0.3
    """,
    "tests/unit/test_maths.py": """
        import pytest

        class TestMaths:
            @pytest.mark.slow
            @pytest.mark.parametrize(("a", "b"), [(1, 2), (3, 4)])
            def test_add(self, a, b):
                assert a + b == b + a

            def test_zero(self):
                assert 0 * 5 == 0

        def test_divide():
            with pytest.raises(ZeroDivisionError):
                1 / 0
    """,
}


def run(command: list[str], *, cwd: Path | None = None, ok: bool = True) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "PYTEST", "DXPYTEST"))
    }
    env["DXPYTEST_NO_SERVER"] = "1"  # no fork server outliving the test (its own tests cover it)
    result = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT_S, check=False
    )
    if ok:
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def venv_bin(wheelhouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``bin`` directory of a fresh venv with dxpytest installed from local wheels only."""
    venv = tmp_path_factory.mktemp("dxpytest-installed") / "venv"
    run([sys.executable, "-m", "venv", str(venv)])
    python = venv / "bin" / "python"
    run(
        [str(python), "-m", "pip", "install", "-q", "--no-index", "--find-links", str(wheelhouse), "dxpytest"]
    )
    return venv / "bin"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    for name, text in PROJECT.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


def counts(output: str) -> dict[str, int]:
    """'=== 1 failed, 2 passed in 0.1s ===' → {"failed": 1, "passed": 2}."""
    lines = [line for line in output.strip().splitlines() if line.strip()]
    summary = lines[-1].strip("= ").rsplit(" in ", 1)[0] if lines else ""
    found = {}
    for part in summary.split(", "):
        number, _, name = part.partition(" ")
        if number.isdigit():
            found[name] = int(number)
    return found


def junit_cases(path: Path) -> dict[tuple[str, str], str]:
    """(classname, name) → "passed", "failure", "skipped" or "error" for every test case."""
    cases = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        kinds = [child.tag for child in case if child.tag in ("failure", "skipped", "error")]
        cases[(case.get("classname", ""), case.get("name", ""))] = kinds[0] if kinds else "passed"
    return cases


def test_installed_wheel_has_its_command_and_no_repository_code(venv_bin: Path) -> None:
    where = run(
        [
            str(venv_bin / "python"),
            "-c",
            "import dxpytest, devcore; print(dxpytest.__file__, devcore.__file__)",
        ]
    )
    assert str(REPO) not in where.stdout
    assert str(venv_bin.parent) in where.stdout
    assert "Usage:" in run([str(venv_bin / "dxpytest"), "--help"]).stdout


def test_collect_only_lists_pytests_node_ids(venv_bin: Path, project: Path) -> None:
    theirs = run([str(venv_bin / "pytest"), "--collect-only", "-q"], cwd=project).stdout
    ours = run([str(venv_bin / "dxpytest"), "--ci", "--collect-only"], cwd=project).stdout
    theirs_ids = [line for line in theirs.split("\n\n")[0].splitlines() if "::" in line]
    assert len(theirs_ids) == 11
    assert [line for line in ours.split("\n\n")[0].splitlines() if "::" in line] == theirs_ids


@pytest.mark.parametrize("workers", ["1", "2"])
def test_run_matches_pytest_counts_exit_code_and_junit(venv_bin: Path, project: Path, workers: str) -> None:
    theirs = run([str(venv_bin / "pytest"), f"--junitxml={project / 'pytest.xml'}"], cwd=project, ok=False)
    ours = run(
        [str(venv_bin / "dxpytest"), "--ci", "-n", workers, f"--junitxml={project / 'dxpytest.xml'}"],
        cwd=project,
        ok=False,
    )
    assert counts(theirs.stdout) == {"failed": 1, "passed": 8, "skipped": 1, "xfailed": 1}, theirs.stdout
    assert counts(ours.stdout) == counts(theirs.stdout), ours.stdout + ours.stderr
    assert ours.returncode == theirs.returncode == 1
    assert "FAILED tests/test_users.py::test_failing" in ours.stdout
    assert junit_cases(project / "dxpytest.xml") == junit_cases(project / "pytest.xml")

"""dxpytest installed from its own wheel into a fresh virtual environment runs a small project
the way pytest does: same node ids, same counts, same exit codes, same JUnit test cases, serial
and with two workers.

Hermetic, without a network: the wheels of dxpytest and devcore-kit are built here by
hatchling's PEP 517 hook, the third-party dependencies are this environment's own distributions
packed again as wheels (`xtnsmgr.testing.wheel_from_installed`), and pip installs with
``--no-index`` from that folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from xtnsmgr.testing import wheel_from_installed

REPO = Path(__file__).resolve().parents[1]
PROJECTS = {"devcore-kit": "shared/devcore", "dxpytest": "packages/dxpytest"}
BUILD = "import os, sys, hatchling.build as b; os.chdir(sys.argv[1]); print(b.build_wheel(sys.argv[2]))"
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
    result = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT_S, check=False
    )
    if ok:
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result


def hatchling_python() -> str:
    """An interpreter that can import hatchling: this one, the base one, or hatch's own."""
    candidates = [sys.executable, os.path.join(sys.base_prefix, "bin", "python3")]
    hatch = shutil.which("hatch")
    if hatch is not None:
        with open(hatch, "rb") as script:
            first = script.readline()
        if first.startswith(b"#!"):
            candidates.append(first[2:].decode().strip())
    for python in candidates:
        probe = subprocess.run([python, "-c", "import hatchling.build"], capture_output=True, check=False)
        if os.path.exists(python) and probe.returncode == 0:
            return python
    pytest.fail(f"no interpreter with hatchling among {candidates}: the wheels cannot be built")


def dependencies_of(roots: list[str]) -> set[str]:
    """The installed distributions the roots need (markers evaluated here), roots excluded."""
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = canonicalize_name(todo.pop())
        if name in seen:
            continue
        seen.add(name)
        for line in metadata.distribution(name).requires or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return seen - set(roots)


@pytest.fixture(scope="module")
def venv_bin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``bin`` directory of a fresh venv with dxpytest installed from local wheels only."""
    base = tmp_path_factory.mktemp("dxpytest-installed")
    wheels = base / "wheels"
    wheels.mkdir()
    builder = hatchling_python()
    for project in PROJECTS.values():
        run([builder, "-c", BUILD, str(REPO / project), str(wheels)])
    for name in sorted(dependencies_of(list(PROJECTS))):
        wheel_from_installed(wheels, name)
    venv = base / "venv"
    run([sys.executable, "-m", "venv", str(venv)])
    python = venv / "bin" / "python"
    run([str(python), "-m", "pip", "install", "-q", "--no-index", "--find-links", str(wheels), "dxpytest"])
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

"""What several integration tests share: offline wheels of this repository's projects and of their
dependencies, and the pygen CLI with a DMS emulator run as a real process."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import tomllib
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from xtnsmgr.testing import wheel_from_installed

REPO = Path(__file__).resolve().parent.parent

PYGEN = [sys.executable, "-c", "from pygen._cli import main; main()"]


@contextmanager
def _emulator_process(*args: str) -> Iterator[str]:
    """`pygen emulator serve` on a free loopback port; yields its URL, stops it with SIGTERM."""
    process = subprocess.Popen(
        [*PYGEN, "emulator", "serve", "--port", "0", "--json", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line:
            pytest.fail(f"the emulator did not start: {process.stderr.read() if process.stderr else ''}")
        yield json.loads(line)["url"]
    finally:
        process.send_signal(signal.SIGTERM)
        _, errors = process.communicate(timeout=60)
        assert process.returncode == 0, errors


@pytest.fixture
def pygen_emulator() -> Callable[..., AbstractContextManager[str]]:
    """Start an emulator process with the given `serve` arguments: `with pygen_emulator(...) as url`."""
    return _emulator_process


def _build_wheels(out: Path, projects: Iterable[Path]) -> None:
    """Build each project's wheel into ``out`` with this environment's hatchling: no network, no cache."""
    for project in projects:
        built = subprocess.run(
            [sys.executable, "-m", "hatchling", "build", "--target", "wheel", "--directory", str(out)],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert built.returncode == 0, f"hatchling build of {project} failed:\n{built.stdout}\n{built.stderr}"


def _pack_dependencies(out: Path, distributions: Iterable[str]) -> None:
    """Pack every third-party distribution the given ones need, as installed here, into wheels in ``out``.

    Requirements are followed transitively with their markers evaluated for this interpreter, so a
    ``--no-index --find-links out`` install resolves offline to exactly this environment's versions.
    """
    roots = {canonicalize_name(name) for name in distributions}
    seen: set[str] = set()
    todo: list[str] = list(roots)
    while todo:
        name = canonicalize_name(todo.pop())
        if name in seen:
            continue
        seen.add(name)
        for line in metadata.distribution(name).requires or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    for dependency in sorted(seen - roots):
        wheel_from_installed(out, dependency)


@pytest.fixture(scope="session")
def build_wheels() -> Callable[[Path, Iterable[Path]], None]:
    """``build_wheels(out, projects)``: wheels of projects outside the repository (apps under test)."""
    return _build_wheels


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A find-links folder with this repository's wheels and every third-party wheel they need.

    Built once per session, offline: hatchling builds the repository's projects, and the
    dependencies are this environment's own distributions packed again as wheels, so
    ``--no-index --find-links`` installs need neither a network nor a warm installer cache.
    """
    out = tmp_path_factory.mktemp("wheelhouse")
    projects = [REPO / "shared" / "devcore", *sorted(p for p in (REPO / "packages").iterdir() if p.is_dir())]
    _build_wheels(out, projects)
    names = [
        tomllib.loads((project / "pyproject.toml").read_text())["project"]["name"] for project in projects
    ]
    _pack_dependencies(out, names)
    return out

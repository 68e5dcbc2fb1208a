"""What the repo scripts share: where each distribution lives and how it is named."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# PyPI projects that are not ours and must never be resolved by any environment.
FOREIGN = frozenset({"devcore", "pygen"})


@dataclass(frozen=True)
class Distribution:
    """One published distribution of the repo."""

    directory: Path
    name: str
    import_name: str
    scripts: tuple[str, ...]

    @property
    def about(self) -> Path:
        return self.directory / "src" / self.import_name / "__about__.py"

    def version(self) -> str:
        match = re.search(r'^__version__ = "([^"]+)"', self.about.read_text(), re.MULTILINE)
        if match is None:
            raise SystemExit(f"{self.about}: no __version__ line")
        return match.group(1)


def normalize(name: str) -> str:
    """PEP 503 normalized project name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    """The project name at the start of a PEP 508 requirement string."""
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    return normalize(match.group(1)) if match else ""


def distributions() -> list[Distribution]:
    """devcore first, then every package, from their pyproject files."""
    found = []
    for pyproject in [
        ROOT / "shared/devcore/pyproject.toml",
        *sorted(ROOT.glob("packages/*/pyproject.toml")),
    ]:
        project = tomllib.loads(pyproject.read_text())["project"]
        wheel = tomllib.loads(pyproject.read_text())["tool"]["hatch"]["build"]["targets"]["wheel"]
        import_name = Path(wheel["packages"][0]).name
        found.append(
            Distribution(pyproject.parent, project["name"], import_name, tuple(project.get("scripts", {})))
        )
    return found

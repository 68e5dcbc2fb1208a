from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import BaseModel, Field

SaveStyle = Callable[[Path, str], None]
HANG_GUARD_S = 30  # how long a test waits for what it expects before failing


def wait_until(predicate: Callable[[], bool]) -> bool:
    """Poll ``predicate`` until it holds (True) or the hang guard runs out (False)."""
    deadline = time.monotonic() + HANG_GUARD_S
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return False


class Pool(BaseModel):
    size: int = Field(ge=1, le=100)
    timeout_s: float = 5.0


class Database(BaseModel):
    url: str
    pool: Pool


class Server(BaseModel):
    host: str = "localhost"
    port: int = Field(ge=1, le=65_535)


class AppConfig(BaseModel):
    server: Server
    db: Database
    features: dict[str, bool] = {}


BASE_YAML = """\
server:
  host: localhost
  port: 8080
db:
  url: postgres://db/app
  pool:
    size: 5
    timeout_s: 2.5
features:
  search: true
"""


def save_in_place(path: Path, text: str) -> None:
    with path.open("w") as handle:
        handle.write(text)


def save_by_rename(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp{os.getpid()}")
    temporary.write_text(text)
    os.replace(temporary, path)


def save_like_vim(path: Path, text: str) -> None:
    backup = path.with_name(path.name + "~")
    os.rename(path, backup)
    path.write_text(text)
    os.unlink(backup)


def save_by_configmap_swap(path: Path, text: str) -> None:
    """Kubernetes: write a new timestamped directory, then swap the ``..data`` symlink."""
    directory = path.parent
    current = os.readlink(directory / "..data")
    fresh = directory / f"..{current.strip('.')}x"
    fresh.mkdir()
    (fresh / path.name).write_text(text)
    os.symlink(fresh.name, directory / "..data_tmp")
    os.replace(directory / "..data_tmp", directory / "..data")


def make_configmap(directory: Path, name: str, text: str) -> Path:
    """A directory laid out like a mounted ConfigMap: ``name -> ..data/name``, ``..data -> ..v1``."""
    first = directory / "..v1"
    first.mkdir()
    (first / name).write_text(text)
    os.symlink("..v1", directory / "..data")
    os.symlink(f"..data/{name}", directory / name)
    return directory / name


SAVE_STYLES: dict[str, SaveStyle] = {
    "in-place": save_in_place,
    "rename": save_by_rename,
    "vim": save_like_vim,
    "configmap": save_by_configmap_swap,
}


@pytest.fixture
def app_yaml(tmp_path: Path) -> Path:
    path = tmp_path / "app.yaml"
    path.write_text(BASE_YAML)
    return path


def trials(name: str, default: int) -> int:
    """Trial counts of stress tests: ``PHOENIX_<NAME>`` overrides the default."""
    return int(os.environ.get(f"PHOENIX_{name.upper()}", default))


@pytest.fixture
def app_model() -> type[AppConfig]:
    return AppConfig


@pytest.fixture
def base_yaml() -> str:
    return BASE_YAML


@pytest.fixture
def save_styles() -> dict[str, SaveStyle]:
    return SAVE_STYLES


@pytest.fixture
def configmap() -> Callable[[Path, str, str], Path]:
    return make_configmap


@pytest.fixture
def trial_count() -> Callable[[str, int], int]:
    return trials

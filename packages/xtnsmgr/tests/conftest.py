"""Fixtures: tiny wheels written directly as zips into a local find-links folder, and a cache per test."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from xtnsmgr import CacheManager, IndexSettings, UvInstaller, cleanup_import_paths
from xtnsmgr.testing import write_wheel as make_wheel


def build_corpus(directory: Path) -> None:
    """The wheels the issue asks for, plus a few for failure paths."""
    make_wheel(directory, "xt-base", "1.0", {"xt_base/__init__.py": "VALUE = 'base'\n"})
    make_wheel(
        directory,
        "xt-alpha",
        "1.0",
        {
            "xt_alpha/__init__.py": (
                "import xt_base\n"
                "CALLS = []\n"
                "def register(arguments):\n"
                "    CALLS.append(arguments)\n"
                "    return ('alpha', xt_base.VALUE, dict(arguments))\n"
            )
        },
        requires=["xt-base>=1"],
        entry_points="[xt.hosts]\nalpha-ep = xt_alpha:register\n",
    )
    make_wheel(
        directory,
        "xt-pthpath",
        "1.0",
        {
            "xt_pthpath.pth": "# a comment\n\nextra_lib\nmissing_dir\n",
            "extra_lib/xt_extra.py": "WHERE = 'extra'\n",
        },
    )
    make_wheel(
        directory,
        "xt-pthimport",
        "1.0",
        {
            "xt_pthimport.pth": "import os; os.environ['XT_PTH_IMPORT_RAN'] = '1'\n",
            "xt_pthimport_mod.py": "X = 1\n",
        },
    )
    make_wheel(directory, "xt-ns-one", "1.0", {"xt_ns/one/__init__.py": "NAME = 'one'\n"})
    make_wheel(directory, "xt-ns-two", "1.0", {"xt_ns/two/__init__.py": "NAME = 'two'\n"})
    for version in ("1.0", "2.0"):
        make_wheel(directory, "xt-lib", version, {"xt_lib/__init__.py": f"VERSION = {version!r}\n"})
    for user, version in (("one", "1.0"), ("two", "2.0")):
        make_wheel(
            directory,
            f"xt-user-{user}",
            "1.0",
            {
                f"xt_user_{user}/__init__.py": "import xt_lib\ndef register(arguments):\n    return xt_lib.VERSION\n"
            },
            requires=[f"xt-lib=={version}"],
        )
    make_wheel(directory, "xt-foreign", "1.0", {"xt_foreign/__init__.py": ""}, tag="py3-none-win_amd64")
    make_wheel(
        directory, "xt-broken", "1.0", {"xt_broken/__init__.py": "raise RuntimeError('boom at import')\n"}
    )
    make_wheel(
        directory,
        "xt-lazy",
        "1.0",
        {
            "xt_lazy/__init__.py": "VALUE = 1\n",
            "xt_lazy/unused.py": "def helper():\n    return 2\n",
            "xt_lazy/template.py": "{% if not python %}\n",
        },
    )
    make_wheel(
        directory,
        "xt-badreg",
        "1.0",
        {"xt_badreg/__init__.py": "def register(arguments):\n    raise KeyError('missing setting')\n"},
    )


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("wheelhouse")
    build_corpus(directory)
    return directory


@pytest.fixture(scope="session")
def uv_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("uv-cache")


@pytest.fixture(autouse=True)
def _private_uv_cache(uv_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """uv's own cache in a temporary folder: no test here reads or writes the user's."""
    monkeypatch.setenv("UV_CACHE_DIR", str(uv_cache))


@pytest.fixture
def settings(wheelhouse: Path) -> IndexSettings:
    return IndexSettings(find_links=(str(wheelhouse),), no_index=True)


class CountingInstaller(UvInstaller):
    """The real uv installer, counting its calls."""

    def __init__(self) -> None:
        super().__init__(timeout_s=300)
        self.calls: list[list[str]] = []

    def install(self, requirements: Sequence[str], target: Path, settings: IndexSettings) -> None:
        self.calls.append(list(requirements))
        super().install(requirements, target, settings)


@pytest.fixture
def installer() -> CountingInstaller:
    return CountingInstaller()


@pytest.fixture
def installer_class() -> type[CountingInstaller]:
    return CountingInstaller


@pytest.fixture
def wheel_factory() -> Callable[..., Path]:
    return make_wheel


@pytest.fixture
def forget() -> Callable[[], None]:
    return forget_test_modules


@pytest.fixture
def manager(tmp_path: Path, settings: IndexSettings, installer: CountingInstaller) -> CacheManager:
    return CacheManager(tmp_path / "cache", installer=installer, settings=settings)


@pytest.fixture(autouse=True)
def _clean_import_state() -> Iterator[None]:
    yield
    forget_test_modules()


def forget_test_modules() -> None:
    """Take every test entry off sys.path and out of sys.modules."""
    cleanup_import_paths()
    for name in [name for name in sys.modules if name.startswith("xt_")]:
        del sys.modules[name]

from __future__ import annotations

import subprocess
import sys

import phoenix_hotreload


def test_public_surface_is_pinned() -> None:
    assert sorted(phoenix_hotreload.__all__) == [
        "Change",
        "ChangeEvent",
        "ConfigError",
        "ConfigNotFound",
        "ConfigParseError",
        "ConfigTooLarge",
        "ConfigValidationError",
        "Diff",
        "FrozenDict",
        "HistoryStoreError",
        "HotReloadManager",
        "Limits",
        "PhoenixError",
        "Problem",
        "Snapshot",
        "Source",
        "SubscriberFailure",
        "Subscription",
        "VersionInfo",
        "VersionNotFound",
        "__version__",
        "diff_trees",
    ]
    for name in phoenix_hotreload.__all__:
        assert getattr(phoenix_hotreload, name) is not None


def test_errors_share_one_root() -> None:
    from phoenix_hotreload import (
        ConfigError,
        ConfigNotFound,
        ConfigParseError,
        ConfigTooLarge,
        ConfigValidationError,
        HistoryStoreError,
        PhoenixError,
        VersionNotFound,
    )

    for error in (ConfigParseError, ConfigTooLarge, ConfigValidationError, ConfigNotFound):
        assert issubclass(error, ConfigError)
    for error in (ConfigError, HistoryStoreError, VersionNotFound):
        assert issubclass(error, PhoenixError)
    assert issubclass(ConfigNotFound, FileNotFoundError)
    assert issubclass(VersionNotFound, KeyError)


def test_import_is_cheap() -> None:
    code = "import sys, phoenix_hotreload; print(sorted(m for m in ('pydantic', 'watchdog', 'rich', 'dotenv') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"

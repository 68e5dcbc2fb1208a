from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from phoenix_hotreload import HotReloadManager, VersionNotFound
from phoenix_hotreload._store import HistoryStore


def make_history(app_yaml: Path, history: Path, app_model: type[Any] | None = None) -> None:
    with HotReloadManager(
        [app_yaml], model=app_model, watch=False, history_dir=history, max_versions=10
    ) as manager:
        for size in (6, 7, 200):
            text = app_yaml.read_text()
            start = text.index("size: ") + len("size: ")
            app_yaml.write_text(text[:start] + str(size) + text[text.index("\n", start) :])
            manager.reload()


def test_history_survives_a_restart(app_yaml: Path, tmp_path: Path, app_model: type[Any]) -> None:
    history = tmp_path / "history"
    make_history(app_yaml, history, app_model)
    manager = HotReloadManager([app_yaml], model=app_model, watch=False, history_dir=history)
    assert [(v.version, v.status) for v in manager.history()] == [
        (1, "applied"),
        (2, "applied"),
        (3, "applied"),
        (4, "rejected"),
    ]
    rejected = manager.version_info(4)
    assert rejected.problems[0].field == "db.pool.size"
    assert rejected.problems[0].path == app_yaml
    assert rejected.problems[0].line == 7
    assert manager.diff(1, 3).paths == ("db.pool.size",)
    app_yaml.write_text(app_yaml.read_text().replace("size: 200", "size: 8"))
    with manager:
        assert manager.version == 5, "ids continue after the persisted ones"
        manager.rollback(2)
        assert manager.get("db.pool.size") == 6
    assert [v.version for v in HotReloadManager(history_dir=history, watch=False).history()][-2:] == [5, 6]


def test_history_is_pruned_to_max_versions(app_yaml: Path, tmp_path: Path) -> None:
    history = tmp_path / "history"
    with HotReloadManager([app_yaml], watch=False, history_dir=history, max_versions=2) as manager:
        for port in (8081, 8082, 8083):
            app_yaml.write_text(app_yaml.read_text().replace(f"port: {port - 1}", f"port: {port}"))
            manager.reload()
    assert len(list(history.glob("*.phx"))) == 2
    assert [v.version for v in HotReloadManager(history_dir=history, watch=False).history()] == [3, 4]


def test_unpersistable_values_keep_their_metadata_and_are_named(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(f"small: 1\nlimits:\n  huge: {2**70}\n")
    history = tmp_path / "history"
    with caplog.at_level(logging.WARNING, logger="phoenix_hotreload"):
        with HotReloadManager([path], watch=False, history_dir=history) as manager:
            assert manager.get("limits.huge") == 2**70
        written = [r.getMessage() for r in caplog.records]
        caplog.clear()
        restarted = HotReloadManager(history_dir=history, watch=False)
        loaded = [r.getMessage() for r in caplog.records]
    for messages in (written, loaded):
        (message,) = messages
        assert "version 1" in message
        assert f"limits.huge holds {2**70} (int), which devcore.serial cannot store" in message
    (restored,) = restarted.history()
    assert restored.applied
    assert restored.data is None
    with pytest.raises(VersionNotFound, match=r"version 1: its data was not persisted: limits\.huge holds"):
        restarted.rollback(1)
    with pytest.raises(VersionNotFound, match=r"limits\.huge"):
        restarted.diff(1)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cut=st.integers(min_value=0, max_value=10_000),
    victim=st.integers(min_value=0, max_value=3),
    garbage=st.booleans(),
)
def test_a_truncated_or_damaged_record_loses_only_itself(
    app_yaml: Path, base_yaml: str, tmp_path_factory: Any, cut: int, victim: int, garbage: bool
) -> None:
    history = tmp_path_factory.mktemp("history")
    app_yaml.write_text(base_yaml)
    make_history(app_yaml, history)
    files = sorted(history.glob("*.phx"))
    target = files[victim]
    raw = target.read_bytes()
    if garbage:
        position = cut % len(raw)
        target.write_bytes(raw[:position] + bytes([raw[position] ^ 0xFF]) + raw[position + 1 :])
    else:
        target.write_bytes(raw[: cut % len(raw)])
    store = HistoryStore(history)
    records = store.load()
    assert [r.version for r in records] == [v for v in (1, 2, 3, 4) if v != victim + 1]
    assert store.skipped == [target]
    assert (history / (target.name + ".corrupt")).exists()

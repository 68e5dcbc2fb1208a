from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from phoenix_hotreload import (
    ConfigNotFound,
    ConfigValidationError,
    HotReloadManager,
    Problem,
    Snapshot,
    VersionNotFound,
)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_start_loads_a_validated_snapshot(app_yaml: Path, app_model: type[Any]) -> None:
    with HotReloadManager([app_yaml], model=app_model, watch=False) as manager:
        snapshot = manager.snapshot()
        assert snapshot.version == manager.version == 1
        assert snapshot.get("db.pool.size") == manager.get("db.pool.size") == 5
        assert snapshot["server.port"] == 8080
        assert "db.url" in snapshot
        assert "db.nope" not in snapshot
        assert snapshot.model.db.pool.size == 5
        assert snapshot.to_dict()["features"] == {"search": True}
        assert snapshot.info.trigger == "initial"
        assert snapshot.info.sources == (str(app_yaml),)
        assert len(snapshot.info.digest) == 64


def test_a_bad_initial_config_raises_and_is_recorded(tmp_path: Path, app_model: type[Any]) -> None:
    path = tmp_path / "app.yaml"
    path.write_text("server: {port: 0}\n")
    manager = HotReloadManager([path], model=app_model, watch=False)
    with pytest.raises(ConfigValidationError) as caught:
        manager.start()
    assert {p.field for p in caught.value.problems} >= {"server.port", "db"}
    assert manager.version == 0
    assert [v.status for v in manager.history()] == ["rejected"]


def test_a_missing_file_is_a_rejection_not_a_crash(tmp_path: Path) -> None:
    manager = HotReloadManager([tmp_path / "absent.yaml"], watch=False)
    with pytest.raises(ConfigNotFound):
        manager.start()
    info = manager.reload(force=True)
    assert info is not None
    assert not info.applied
    assert "no such configuration file" in str(info.problems[0])


def test_reload_applies_valid_edits_and_nacks_bad_ones(app_yaml: Path, app_model: type[Any]) -> None:
    with HotReloadManager([app_yaml], model=app_model, watch=False) as manager:
        edit(app_yaml, "size: 5", "size: 7")
        applied = manager.reload()
        assert applied is not None
        assert applied.applied
        assert applied.version == 2
        edit(app_yaml, "size: 7", "size: 700")
        rejected = manager.reload()
        assert rejected is not None
        assert rejected.status == "rejected"
        assert rejected.version == 3
        (problem,) = rejected.problems
        assert (problem.field, problem.path, problem.line) == ("db.pool.size", app_yaml, 7)
        assert manager.get("db.pool.size") == 7
        assert manager.version == 2
        app_yaml.write_text("server: [\n")
        broken = manager.reload()
        assert broken is not None
        assert broken.problems[0].path == app_yaml
        assert broken.problems[0].line == 2
        assert manager.snapshot().info.version == 2


def test_unchanged_content_is_skipped(app_yaml: Path) -> None:
    with HotReloadManager([app_yaml], watch=False) as manager:
        assert manager.reload() is None
        app_yaml.write_text(app_yaml.read_text())
        assert manager.reload() is None
        app_yaml.write_text(app_yaml.read_text() + "\n# a comment\n")
        assert manager.reload() is None, "same configuration, no new version"
        assert manager.version == 1
        forced = manager.reload(force=True)
        assert forced is not None
        assert forced.version == 2


def test_a_repeated_bad_file_is_recorded_once(app_yaml: Path) -> None:
    with HotReloadManager([app_yaml], watch=False) as manager:
        app_yaml.write_text("a: [\n")
        assert manager.reload() is not None
        assert manager.reload() is None
        assert [v.status for v in manager.history()] == ["applied", "rejected"]


def test_snapshots_are_immutable_and_stay_on_their_version(app_yaml: Path) -> None:
    with HotReloadManager([app_yaml], watch=False) as manager:
        held = manager.snapshot()
        edit(app_yaml, "port: 8080", "port: 9090")
        manager.reload()
        assert held.get("server.port") == 8080
        assert manager.get("server.port") == 9090
        with pytest.raises(TypeError):
            held.data["server"] = {}  # type: ignore[index]
        with pytest.raises(AttributeError):
            held.version = 5  # type: ignore[misc]


def test_structural_sharing_between_versions(app_yaml: Path) -> None:
    with HotReloadManager([app_yaml], watch=False) as manager:
        before = manager.snapshot()
        edit(app_yaml, "size: 5", "size: 6")
        manager.reload()
        after = manager.snapshot()
        assert after.data["server"] is before.data["server"]
        assert after.data["features"] is before.data["features"]
        assert after.data["db"] is not before.data["db"]


def test_custom_dependency_and_change_validators(app_yaml: Path, app_model: type[Any]) -> None:
    manager = HotReloadManager([app_yaml], model=app_model, watch=False)

    @manager.add_validator
    def pool_fits_timeout(config: Snapshot) -> str | None:
        if config.get("db.pool.size") * config.get("db.pool.timeout_s") > 100:
            return "pool too large for its timeout"
        return None

    manager.add_validator(
        lambda config: (
            [Problem("no localhost in prod", field="server.host")]
            if config.get("server.host") == "prod"
            else None
        )
    )
    manager.add_dependency("features.tls", requires=["server.cert"], when=bool)
    manager.add_immutable("server.port")
    with manager:
        edit(app_yaml, "size: 5", "size: 50")
        assert "pool too large" in str(manager.reload().problems)  # type: ignore[union-attr]
        edit(app_yaml, "size: 50", "size: 5")
        edit(app_yaml, "port: 8080", "port: 8081")
        info = manager.reload()
        assert info is not None
        assert info.problems[0].field == "server.port"
        assert "may not change at runtime" in info.problems[0].message
        edit(app_yaml, "port: 8081", "port: 8080")
        edit(app_yaml, "search: true", "search: true\n  tls: true")
        info = manager.reload()
        assert info is not None
        assert [p.field for p in info.problems] == ["server.cert"]
        edit(app_yaml, "tls: true", "tls: false")
        info = manager.reload()
        assert info is not None
        assert info.applied
        edit(app_yaml, "host: localhost", "host: prod")
        info = manager.reload()
        assert info is not None
        assert info.problems[0].message == "no localhost in prod"


def test_a_validator_that_raises_rejects(app_yaml: Path) -> None:
    def no_features(config: Snapshot) -> None:
        assert not config.get("features.search"), "search must stay off"

    manager = HotReloadManager([app_yaml], watch=False, validators=[no_features])
    with pytest.raises(ConfigValidationError, match="search must stay off"):
        manager.start()


def test_history_is_bounded_and_versions_are_monotonic(app_yaml: Path) -> None:
    with HotReloadManager([app_yaml], watch=False, max_versions=3) as manager:
        for size in range(6, 12):
            edit(app_yaml, f"size: {size - 1}", f"size: {size}")
            manager.reload()
        versions = [v.version for v in manager.history()]
        assert versions == [5, 6, 7]
        with pytest.raises(VersionNotFound):
            manager.version_info(1)
        with pytest.raises(VersionNotFound):
            manager.rollback(1)


def test_diff_between_versions(app_yaml: Path) -> None:
    with HotReloadManager([app_yaml], watch=False) as manager:
        edit(app_yaml, "size: 5", "size: 9")
        edit(app_yaml, "search: true", "search: true\n  beta: false")
        manager.reload()
        diff = manager.diff(1, 2)
        assert [(c.path, c.kind, c.old, c.new) for c in diff] == [
            ("db.pool.size", "changed", 5, 9),
            ("features.beta", "added", None, False),
        ]
        assert manager.diff(1).paths == diff.paths


def test_rollback_by_id_and_by_steps_is_a_new_validated_version(app_yaml: Path, app_model: type[Any]) -> None:
    with HotReloadManager([app_yaml], model=app_model, watch=False) as manager:
        for size in (6, 7):
            edit(app_yaml, f"size: {size - 1}", f"size: {size}")
            manager.reload()
        info = manager.rollback(steps=2)
        assert (info.version, info.trigger, manager.get("db.pool.size")) == (4, "rollback to 1", 5)
        info = manager.rollback(3)
        assert manager.get("db.pool.size") == 7
        assert manager.snapshot().model.db.pool.size == 7
        with pytest.raises(ValueError, match="exactly one"):
            manager.rollback()
        with pytest.raises(VersionNotFound):
            manager.rollback(steps=99)
        assert manager.reload() is None, "the files did not change, so the rollback stays"


def test_a_rollback_that_no_longer_validates_is_rejected(app_yaml: Path) -> None:
    with HotReloadManager([app_yaml], watch=False) as manager:
        edit(app_yaml, "port: 8080", "port: 8081")
        manager.reload()
        manager.add_immutable("server.port")
        with pytest.raises(ConfigValidationError):
            manager.rollback(1)
        assert manager.get("server.port") == 8081
        assert manager.history()[-1].status == "rejected"
        rejected = manager.history()[-1].version
        with pytest.raises(VersionNotFound):
            manager.rollback(rejected)


def test_apply_takes_data(app_yaml: Path, app_model: type[Any]) -> None:
    with HotReloadManager([app_yaml], model=app_model, watch=False) as manager:
        data = manager.snapshot().to_dict()
        data["db"]["pool"]["size"] = 0
        info = manager.apply(data)
        assert info is not None
        assert not info.applied
        data["db"]["pool"]["size"] = 3
        assert manager.apply(data) is not None
        assert manager.apply(data) is None
        assert manager.get("db.pool.size") == 3


def test_profiles_and_environment_layers(tmp_path: Path, app_model: type[Any], base_yaml: str) -> None:
    (tmp_path / "app.yaml").write_text(base_yaml)
    (tmp_path / "app.production.yaml").write_text("server: {host: 0.0.0.0}\n")
    (tmp_path / ".env").write_text("APP_DB__URL=postgres://from-dotenv\n")
    environ = {"APP_DB__POOL__SIZE": "42"}
    manager = HotReloadManager(
        [tmp_path / "app.yaml", tmp_path / ".env"],
        model=app_model,
        profile="production",
        env_prefix="APP_",
        environ=environ,
        watch=False,
    )
    with manager:
        assert manager.get("server.host") == "0.0.0.0"
        assert manager.get("db.url") == "postgres://from-dotenv"
        assert manager.get("db.pool.size") == 42
        environ["APP_DB__POOL__SIZE"] = "x"
        info = manager.reload()
        assert info is not None
        assert info.problems[0].field == "db.pool.size"


def test_profile_defaults_to_phoenix_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "app.yaml").write_text("a: 1\n")
    (tmp_path / "app.staging.yaml").write_text("a: 2\n")
    monkeypatch.setenv("PHOENIX_PROFILE", "staging")
    with HotReloadManager([tmp_path / "app.yaml"], watch=False) as manager:
        assert manager.profile == "staging"
        assert manager.get("a") == 2


def test_on_version_sees_every_decision(app_yaml: Path) -> None:
    seen: list[tuple[int, str]] = []
    with HotReloadManager(
        [app_yaml], watch=False, on_version=lambda i: seen.append((i.version, i.status))
    ) as manager:
        app_yaml.write_text("x: [\n")
        manager.reload()
    assert seen == [(1, "applied"), (2, "rejected")]
    assert manager.wait_for_version(1, timeout_s=0) is not None
    assert manager.wait_for_version(2, timeout_s=0) is None


def test_async_context_manager(app_yaml: Path) -> None:
    async def main() -> list[int]:
        events: list[int] = []

        async def on_change(event: Any) -> None:
            events.append(event.new_value)

        async with HotReloadManager([app_yaml], watch=False) as manager:
            manager.subscribe("db.pool.size", on_change)
            edit(app_yaml, "size: 5", "size: 8")
            info = await manager.areload()
            assert info is not None
            assert info.applied
            assert await manager.await_version(1, timeout_s=5) is not None
            await asyncio.to_thread(manager.wait_notified, 10)
            await manager.arollback(1)
            await asyncio.to_thread(manager.wait_notified, 10)
        return events

    assert asyncio.run(main()) == [8, 5]


def test_a_stopped_manager_starts_again_with_its_subscriptions(app_yaml: Path, base_yaml: str) -> None:
    events: list[int] = []
    manager = HotReloadManager([app_yaml], debounce_ms=20)
    manager.subscribe("db.pool.size", lambda event: events.append(event.new_value))
    with manager:
        app_yaml.write_text(base_yaml.replace("size: 5", "size: 6"))
        assert manager.wait_for_version(1, timeout_s=30) is not None
        assert manager.wait_notified(30)
    app_yaml.write_text(base_yaml.replace("size: 5", "size: 7"))  # edited while stopped
    assert manager.get("db.pool.size") == 6
    with manager:
        assert manager.get("db.pool.size") == 7
        assert manager.history()[-1].trigger == "restart"
        app_yaml.write_text(base_yaml.replace("size: 5", "size: 8"))  # watched again
        assert manager.wait_for_version(3, timeout_s=30) is not None
        assert manager.wait_notified(30)
    with manager:  # nothing changed: no new version
        pass
    assert events == [6, 7, 8]
    assert [v.version for v in manager.history()] == [1, 2, 3, 4]
    assert manager.get("db.pool.size") == 8

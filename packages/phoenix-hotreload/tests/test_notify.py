from __future__ import annotations

import asyncio
import logging
import threading
from pathlib import Path
from typing import Any

import pytest

from phoenix_hotreload import ChangeEvent, HotReloadManager, SubscriberFailure, Subscription

from .conftest import HANG_GUARD_S, wait_until


def bump(path: Path, size: int) -> None:
    text = path.read_text()
    start = text.index("size: ") + len("size: ")
    end = text.index("\n", start)
    path.write_text(text[:start] + str(size) + text[end:])


def test_callbacks_get_old_new_version_and_paths(app_yaml: Path) -> None:
    events: list[ChangeEvent] = []
    with HotReloadManager([app_yaml], watch=False) as manager:
        manager.subscribe("db.*", events.append)
        manager.subscribe("server", events.append)
        bump(app_yaml, 9)
        manager.reload()
        assert manager.wait_notified(HANG_GUARD_S)
    (event,) = events
    assert (event.version, event.paths, event.old_value, event.new_value) == (
        2,
        ("db.pool.size",),
        {"db.pool.size": 5},
        {"db.pool.size": 9},
    )
    assert event.old.get("db.pool.size") == 5
    assert event.new.get("db.pool.size") == 9


def test_hierarchy_subscription_gets_the_subtree(app_yaml: Path) -> None:
    events: list[ChangeEvent] = []
    with HotReloadManager([app_yaml], watch=False) as manager:
        manager.subscribe("db.pool", events.append)
        bump(app_yaml, 9)
        manager.reload()
        manager.wait_notified(HANG_GUARD_S)
    assert events[0].old_value == {"size": 5, "timeout_s": 2.5}
    assert events[0].new_value == {"size": 9, "timeout_s": 2.5}


def test_priorities_order_the_hand_off(app_yaml: Path) -> None:
    order: list[str] = []
    gate = threading.Event()
    lock = threading.Lock()

    def make(name: str) -> Any:
        def callback(event: ChangeEvent) -> None:
            gate.wait(HANG_GUARD_S)
            with lock:
                order.append(name)

        return callback

    with HotReloadManager([app_yaml], watch=False) as manager:
        subscriptions = [
            manager.subscribe("db", make(n), priority=p) for n, p in (("low", -1), ("high", 10), ("mid", 0))
        ]
        assert [s.name.split(".")[-1] for s in subscriptions] == ["callback"] * 3
        bump(app_yaml, 9)
        manager.reload()
        gate.set()
        assert manager.wait_notified(HANG_GUARD_S)
    assert sorted(order) == ["high", "low", "mid"]


def test_a_raising_or_hanging_subscriber_blocks_nobody(app_yaml: Path) -> None:
    release = threading.Event()
    good: list[int] = []
    failures: list[SubscriberFailure] = []

    def raises(event: ChangeEvent) -> None:
        raise RuntimeError("boom")

    def hangs(event: ChangeEvent) -> None:
        release.wait(HANG_GUARD_S)

    manager = HotReloadManager([app_yaml], watch=False, on_subscriber_error=failures.append)
    with manager:
        manager.subscribe("db", raises, priority=5)
        manager.subscribe("db", hangs, priority=4, timeout_s=0.05)
        manager.subscribe("db", lambda e: good.append(e.version))
        for size in (6, 7, 8):
            bump(app_yaml, size)
            assert manager.reload() is not None
        assert manager.version == 4, "the apply never waited for a subscriber"
        assert manager.wait_notified(HANG_GUARD_S)
        assert good == [2, 3, 4]
        release.set()
    kinds = {(f.subscription.name.rsplit(".", 1)[-1], f.timed_out) for f in failures}
    assert ("raises", False) in kinds
    assert ("hangs", True) in kinds
    assert any(isinstance(f.error, RuntimeError) for f in manager.subscriber_failures)
    assert "timed out" in str(next(f for f in failures if f.timed_out))


def test_a_subscriber_that_keeps_hanging_holds_two_threads_at_most_and_catches_up(
    app_yaml: Path, caplog: pytest.LogCaptureFixture
) -> None:
    release = threading.Event()
    seen: list[ChangeEvent] = []
    good: list[int] = []
    lock = threading.Lock()

    def hangs(event: ChangeEvent) -> None:
        with lock:
            seen.append(event)
        release.wait(HANG_GUARD_S)

    def threads_of(subscription: Subscription) -> int:
        name = f"phoenix-subscriber-{subscription.id}"
        return sum(thread.name == name for thread in threading.enumerate())

    manager = HotReloadManager([app_yaml], watch=False)
    with manager, caplog.at_level(logging.WARNING, logger="phoenix_hotreload"):
        stuck = manager.subscribe("db", hangs, timeout_s=0.05, name="stuck-cache")
        manager.subscribe("db", lambda e: good.append(e.version))
        for size in range(6, 16):  # versions 2 to 11
            bump(app_yaml, size)
            manager.reload()
            assert manager.wait_notified(HANG_GUARD_S)
        assert good == list(range(2, 12)), "the others are not held up"
        assert [e.version for e in seen] == [2, 3], "no third thread is spent on a hung subscriber"
        assert threads_of(stuck) == 2
        failures = manager.subscriber_failures
        assert [(f.timed_out, f.suspended) for f in failures] == [(True, False), (True, True)]
        assert all("stuck-cache" in str(f) for f in failures)
        assert sum("stuck-cache" in r.getMessage() for r in caplog.records) == 2
        release.set()
        assert wait_until(lambda: len(seen) == 3)
        assert manager.wait_notified(HANG_GUARD_S)
        caught_up = seen[2]
        assert (caught_up.version, caught_up.paths) == (11, ("db.pool.size",))
        assert (caught_up.old.get("db.pool.size"), caught_up.new.get("db.pool.size")) == (7, 15)
        bump(app_yaml, 16)
        manager.reload()
        assert manager.wait_notified(HANG_GUARD_S)
        assert [e.version for e in seen] == [2, 3, 11, 12], "served again once a call returned"
        assert wait_until(lambda: threads_of(stuck) == 1)


def test_async_callbacks_time_out_and_are_reported(app_yaml: Path) -> None:
    seen: list[int] = []

    async def quick(event: ChangeEvent) -> None:
        seen.append(event.version)

    async def slow(event: ChangeEvent) -> None:
        await asyncio.sleep(HANG_GUARD_S)

    with HotReloadManager([app_yaml], watch=False) as manager:
        manager.subscribe("db", quick)
        manager.subscribe("db", slow, timeout_s=0.05)
        bump(app_yaml, 6)
        manager.reload()
        assert manager.wait_notified(HANG_GUARD_S)
    assert seen == [2]
    assert [f.timed_out for f in manager.subscriber_failures] == [True]


def test_batching_merges_versions(app_yaml: Path) -> None:
    events: list[ChangeEvent] = []
    first = threading.Event()
    release = threading.Event()

    def slow_batch(event: ChangeEvent) -> None:
        events.append(event)
        first.set()
        release.wait(HANG_GUARD_S)

    with HotReloadManager([app_yaml], watch=False) as manager:
        manager.subscribe("db.pool.size", slow_batch, batch_ms=1)
        bump(app_yaml, 6)
        manager.reload()
        assert first.wait(HANG_GUARD_S)
        for size in (7, 8, 9, 5):
            bump(app_yaml, size)
            manager.reload()
        release.set()
        assert manager.wait_notified(HANG_GUARD_S)
    assert events[0].version == 2
    assert events[-1].version == 6
    assert len(events) <= 5
    later = [c for e in events[1:] for c in e.changes]
    assert all(c.path == "db.pool.size" for c in later)


def test_unsubscribe_stops_delivery(app_yaml: Path) -> None:
    events: list[int] = []
    with HotReloadManager([app_yaml], watch=False) as manager:
        subscription = manager.subscribe("", lambda e: events.append(e.version))
        bump(app_yaml, 6)
        manager.reload()
        manager.wait_notified(HANG_GUARD_S)
        subscription.unsubscribe()
        manager.unsubscribe(subscription)
        bump(app_yaml, 7)
        manager.reload()
        manager.wait_notified(HANG_GUARD_S)
    assert events == [2]


def test_rejected_versions_notify_nobody(app_yaml: Path) -> None:
    events: list[int] = []
    with HotReloadManager([app_yaml], watch=False) as manager:
        manager.subscribe("", lambda e: events.append(e.version))
        app_yaml.write_text("db: [\n")
        info = manager.reload()
        assert info is not None
        assert not info.applied
        manager.wait_notified(HANG_GUARD_S)
    assert events == []

"""Readers never see a torn snapshot, however many reloads happen under them.

Sizes: PHOENIX_STRESS_READS (default 200,000) and PHOENIX_STRESS_RELOADS (default 100); the
benchmark runs the full 1,000,000 reads during 500 reloads.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from phoenix_hotreload import HotReloadManager

READERS = 8
HANG_GUARD_S = 300


def config_text(value: int) -> str:
    return f"db:\n  host: h{value}\n  port: {value}\nserver:\n  workers: {value}\ncache:\n  ttl_s: {value}\n"


def test_readers_see_no_torn_snapshot_during_reloads(tmp_path: Path, trial_count: Any) -> None:
    reads_target = trial_count("stress_reads", 200_000)
    reloads_target = trial_count("stress_reloads", 100)
    path = tmp_path / "app.yaml"
    path.write_text(config_text(0))
    manager = HotReloadManager([path], watch=False).start()
    reloads = 0
    readers_done = threading.Event()
    torn: list[tuple[Any, ...]] = []
    backwards: list[tuple[int, int]] = []
    reads = [0] * READERS

    def writer() -> None:
        nonlocal reloads
        value = 0
        while reloads < reloads_target or not readers_done.is_set():
            value += 1
            path.write_text(config_text(value))
            info = manager.reload()
            assert info is not None
            assert info.applied
            reloads += 1

    def reader(index: int) -> None:
        last_version = 0
        count = 0
        while count < reads_target // READERS or reloads < reloads_target:
            snapshot = manager.snapshot()
            port, workers, ttl, host = (
                snapshot.get("db.port"),
                snapshot.get("server.workers"),
                snapshot.get("cache.ttl_s"),
                snapshot.get("db.host"),
            )
            if not (port == workers == ttl and host == f"h{port}"):
                torn.append((port, workers, ttl, host))
            if snapshot.version < last_version:
                backwards.append((last_version, snapshot.version))
            last_version = snapshot.version
            count += 1
        reads[index] = count

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(READERS)]
    write_thread = threading.Thread(target=writer)
    write_thread.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(HANG_GUARD_S)
    finished = [not thread.is_alive() for thread in threads]
    readers_done.set()
    write_thread.join(HANG_GUARD_S)
    manager.stop()
    assert all(finished)
    assert torn == []
    assert backwards == []
    assert sum(reads) >= reads_target
    assert reloads >= reloads_target
    assert manager.version == reloads + 1

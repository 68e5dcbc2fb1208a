"""phoenix-hotreload tour: a running service picks up config edits, never a bad one.

Run with `hatch run demo phoenix-hotreload` (or `python -P tools/demo/phoenix-hotreload.py`).
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from pathlib import Path

from pydantic import BaseModel, Field

from phoenix_hotreload import HotReloadManager, VersionInfo


class Pool(BaseModel):
    size: int = Field(ge=1, le=100)


class Database(BaseModel):
    url: str
    pool: Pool


class Config(BaseModel):
    port: int
    database: Database


CONFIG = "port: 8080\ndatabase:\n  url: postgres://db/app\n  pool:\n    size: {size}\n"


def save_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text)
    os.replace(temporary, path)


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "app.yaml"
        path.write_text(CONFIG.format(size=5))
        decided = threading.Condition()
        count = [0]

        def on_version(info: VersionInfo) -> None:
            status = "applied " if info.applied else "REJECTED"
            reasons = "".join(f"\n      because {problem}" for problem in info.problems)
            print(f"  v{info.version} {status} ({info.trigger}){reasons}", flush=True)
            with decided:
                count[0] += 1
                decided.notify_all()

        def wait_for(versions: int) -> None:
            with decided:
                decided.wait_for(lambda: count[0] >= versions, timeout=5)

        manager = HotReloadManager(
            [path],
            model=Config,
            debounce_ms=20,
            on_version=on_version,
            history_dir=Path(directory) / "history",
        )
        manager.add_immutable("port")
        manager.subscribe(
            "database.pool",
            lambda e: print(
                f"  -> subscriber: pool.size {e.old_value['size']} -> {e.new_value['size']} (v{e.version})"
            ),
        )
        print(f"watching {path} (backend picked by devcore.watch)")
        with manager:
            print(f"  live: database.pool.size = {manager.get('database.pool.size')}")
            reader_view = manager.snapshot()

            print("edit 1: an editor saves pool.size = 20 (temp file + rename)")
            save_atomically(path, CONFIG.format(size=20))
            wait_for(2)
            manager.wait_notified(5)

            print("edit 2: someone types pool.size = 500 (out of range)")
            save_atomically(path, CONFIG.format(size=500))
            wait_for(3)
            print(f"  live stays: database.pool.size = {manager.get('database.pool.size')}")

            print("edit 3: a half-saved file with a YAML syntax error")
            path.write_text("port: 8080\ndatabase: [\n")
            wait_for(4)

            print("edit 4: the port changes (not allowed at runtime)")
            save_atomically(path, CONFIG.format(size=20).replace("8080", "9090"))
            wait_for(5)

            print(
                f"a reader holding its snapshot still sees v{reader_view.version}: pool.size = {reader_view.get('database.pool.size')}"
            )
            print("diff v1 -> live:")
            print("  " + manager.diff(1).to_text().replace("\n", "\n  "))
            print("rollback(steps=1):")
            manager.rollback(steps=1)
            manager.wait_notified(5)
            time.sleep(0.05)
        print("history (persisted, survives a restart):")
        for info in HotReloadManager(history_dir=Path(directory) / "history", watch=False).history():
            print(f"  v{info.version} {info.status:8} {info.trigger}")


if __name__ == "__main__":
    main()

"""phoenix-hotreload inside a real service process: edits land live, bad ones never, history survives restarts."""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

HANG_GUARD_S = 60

SERVICE = """\
import json, sys, threading
from pydantic import BaseModel, Field
from phoenix_hotreload import HotReloadManager


class Pool(BaseModel):
    size: int = Field(ge=1, le=100)


class Config(BaseModel):
    name: str
    pool: Pool


def say(**fields):
    print(json.dumps(fields), flush=True)


manager = HotReloadManager(
    [sys.argv[1], sys.argv[2]],
    model=Config,
    env_prefix="SVC_",
    history_dir=sys.argv[3],
    debounce_ms=20,
    on_version=lambda info: say(kind="version", version=info.version, status=info.status, problems=[str(p) for p in info.problems]),
)
manager.subscribe("pool.size", lambda event: say(kind="event", version=event.version, old=event.old_value, new=event.new_value))
with manager:
    say(kind="ready", name=manager.get("name"), size=manager.get("pool.size"))
    sys.stdin.readline()
"""


class Service:
    def __init__(self, tmp_path: Path, env: dict[str, str]) -> None:
        script = tmp_path / "service.py"
        script.write_text(SERVICE)
        self.process = subprocess.Popen(
            [
                sys.executable,
                str(script),
                str(tmp_path / "app.yaml"),
                str(tmp_path / ".env"),
                str(tmp_path / "history"),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def next(self) -> dict[str, Any]:
        message: dict[str, Any] = json.loads(self.lines.get(timeout=HANG_GUARD_S))
        return message

    def stop(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write("\n")
        self.process.stdin.flush()
        self.process.communicate(timeout=HANG_GUARD_S)


def save(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.new")
    temporary.write_text(text)
    os.replace(temporary, path)


def test_a_service_reloads_live_and_keeps_its_history(tmp_path: Path) -> None:
    (tmp_path / "app.yaml").write_text("name: shop\npool:\n  size: 5\n")
    (tmp_path / ".env").write_text("SVC_NAME=shop-from-dotenv\nUNRELATED=1\n")
    env = {**os.environ, "SVC_POOL__SIZE": "7"}
    service = Service(tmp_path, env)
    try:
        assert service.next() == {"kind": "version", "version": 1, "status": "applied", "problems": []}
        assert service.next() == {"kind": "ready", "name": "shop-from-dotenv", "size": 7}
        (tmp_path / ".env").write_text("UNRELATED=2\n")
        assert service.next() == {"kind": "version", "version": 2, "status": "applied", "problems": []}
        save(tmp_path / "app.yaml", "name: shop-again\npool:\n  size: 500\n")
        assert service.next() == {"kind": "version", "version": 3, "status": "applied", "problems": []}, (
            "the environment pins pool.size to 7, so 500 never counts"
        )
    finally:
        service.stop()

    env = {k: v for k, v in os.environ.items() if not k.startswith("SVC_")}
    save(tmp_path / "app.yaml", "name: shop\npool:\n  size: 5\n")
    service = Service(tmp_path, env)
    try:
        first = service.next()
        assert (first["version"], first["status"]) == (4, "applied"), "ids continue after a restart"
        assert service.next()["size"] == 5
        save(tmp_path / "app.yaml", "name: shop\npool:\n  size: 500\n")
        rejected = service.next()
        assert rejected["status"] == "rejected"
        assert "app.yaml:3: pool.size: Input should be less than or equal to 100" in rejected["problems"][0]
        save(tmp_path / "app.yaml", "name: shop\npool:\n  size: 9\n")
        assert service.next()["status"] == "applied"
        assert service.next() == {"kind": "event", "version": 6, "old": 5, "new": 9}
    finally:
        service.stop()

    cli = shutil.which("phoenix-hotreload")
    assert cli is not None
    history = json.loads(
        subprocess.run(
            [cli, "history", str(tmp_path / "history"), "--json"],
            capture_output=True,
            text=True,
            check=True,
            timeout=HANG_GUARD_S,
        ).stdout
    )
    assert [(v["version"], v["status"]) for v in history] == [
        (1, "applied"),
        (2, "applied"),
        (3, "applied"),
        (4, "applied"),
        (5, "rejected"),
        (6, "applied"),
    ]

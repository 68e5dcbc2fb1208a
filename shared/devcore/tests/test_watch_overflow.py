"""Nothing is lost when the kernel's inotify queue overflows.

The watching process is frozen (SIGSTOP) while another one creates more files than the
queue holds (``/proc/sys/fs/inotify/max_queued_events``, 16384 events by default; each new
file costs two), so the kernel drops events; after SIGCONT every file must still arrive.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux-only")

CHILD = r"""
import json, sys, threading
from pathlib import Path
from devcore.watch import Watcher

root, expected = Path(sys.argv[1]), int(sys.argv[2])
seen, done = set(), threading.Event()

def on_change(changes):
    seen.update(changes.added)
    seen.difference_update(changes.deleted)
    if len(seen) >= expected:
        done.set()

with Watcher(root, callback=on_change, polling=False, debounce_ms=100) as watcher:
    print("ready", flush=True)
    done.wait(60)
    print(json.dumps({"seen": len(seen), "backend": watcher.backend}), flush=True)
"""


def queue_limit() -> int:
    return int(Path("/proc/sys/fs/inotify/max_queued_events").read_text())


def test_a_queue_overflow_loses_no_change(tmp_path: Path) -> None:
    files = int(os.environ.get("DEVCORE_WATCH_OVERFLOW_FILES", str(queue_limit() // 2 + 2_000)))
    root = tmp_path / "tree"
    root.mkdir()
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    child = subprocess.Popen(
        [sys.executable, str(script), str(root), str(files)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        child.send_signal(signal.SIGSTOP)
        for index in range(files):
            os.close(os.open(root / f"f{index:06d}", os.O_CREAT | os.O_WRONLY, 0o644))
        child.send_signal(signal.SIGCONT)
        out, err = child.communicate(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    result = json.loads(out.strip().splitlines()[-1])
    assert result == {"seen": files, "backend": "native"}, err
    assert "overflow" in err.lower()  # the kernel did drop events: the case is real

"""Polling fallback when inotify's limits are hit, with the real kernel limits.

Each case runs a watcher in a child process inside a fresh user namespace
(``unshare --user --map-root-user``), where the per-namespace inotify limits
(``/proc/sys/user/max_inotify_instances`` and ``max_inotify_watches``) can be lowered
without touching the machine's settings.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux-only")

CHILD = r"""
import json, sys, threading, time
from pathlib import Path
from devcore.watch import Watcher

root, polling, new_dirs = Path(sys.argv[1]), json.loads(sys.argv[2]), int(sys.argv[3])
expected = {root / "d0" / "late.txt"} | {root / f"new{i}" / "f.txt" for i in range(new_dirs)}
seen, done = set(), threading.Event()

def on_change(changes):
    seen.update(changes.added)
    if expected <= seen:
        done.set()

watcher = Watcher(root, callback=on_change, polling=polling, debounce_ms=50, poll_interval_ms=50)
try:
    watcher.start()
except Exception as error:
    print(json.dumps({"error": type(error).__name__, "message": str(error)}))
    raise SystemExit(0)
at_start = watcher.backend
for i in range(new_dirs):
    (root / f"new{i}").mkdir()
time.sleep(0.5)
for i in range(new_dirs):
    (root / f"new{i}" / "f.txt").write_text("f")
(root / "d0" / "late.txt").write_text("late")
done.wait(10)
print(json.dumps({"at_start": at_start, "backend": watcher.backend, "seen": sorted(map(str, seen))}))
watcher.stop()
"""


def run_limited(
    tmp_path: Path, limit: str, value: int, *, polling: bool | None, new_dirs: int = 0
) -> dict[str, object]:
    root = tmp_path / "tree"
    for index in range(4):
        (root / f"d{index}").mkdir(parents=True)
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    command = [
        "unshare",
        "--user",
        "--map-root-user",
        "sh",
        "-c",
        f'echo {value} > /proc/sys/user/{limit} && exec "$@"',
        "limited",
        sys.executable,
        str(script),
        str(root),
        json.dumps(polling),
        str(new_dirs),
    ]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert completed.returncode == 0, completed.stderr
    result: dict[str, object] = json.loads(completed.stdout.strip().splitlines()[-1])
    result["stderr"] = completed.stderr
    return result


def expected_seen(tmp_path: Path, new_dirs: int = 0) -> list[str]:
    root = tmp_path / "tree"
    paths = [root / "d0" / "late.txt"]
    for index in range(new_dirs):
        paths += [root / f"new{index}", root / f"new{index}" / "f.txt"]
    return sorted(map(str, paths))


def test_no_inotify_instance_left_falls_back_to_polling(tmp_path: Path) -> None:
    result = run_limited(tmp_path, "max_inotify_instances", 0, polling=None)
    assert result["at_start"] == "polling"
    assert result["seen"] == expected_seen(tmp_path)
    assert "polling instead" in str(result["stderr"])


def test_no_inotify_watch_left_falls_back_to_polling(tmp_path: Path) -> None:
    result = run_limited(tmp_path, "max_inotify_watches", 0, polling=None)
    assert result["at_start"] == "polling"
    assert result["seen"] == expected_seen(tmp_path)


def test_watches_running_out_below_the_root_fall_back_to_polling(tmp_path: Path) -> None:
    # The root gets its watch; some of its four subdirectories do not (watchdog skips them).
    result = run_limited(tmp_path, "max_inotify_watches", 3, polling=None)
    assert result["at_start"] == "polling"
    assert result["seen"] == expected_seen(tmp_path)


def test_watches_running_out_for_new_directories_fall_back_to_polling(tmp_path: Path) -> None:
    # Enough watches at start (root and four subdirectories), not for the three new ones.
    result = run_limited(tmp_path, "max_inotify_watches", 6, polling=None, new_dirs=3)
    assert result["at_start"] == "native"
    assert result["backend"] == "polling"
    assert result["seen"] == expected_seen(tmp_path, new_dirs=3)


def test_with_enough_watches_native_events_are_used(tmp_path: Path) -> None:
    result = run_limited(tmp_path, "max_inotify_watches", 50, polling=None, new_dirs=3)
    assert (result["at_start"], result["backend"]) == ("native", "native")
    assert result["seen"] == expected_seen(tmp_path, new_dirs=3)


def test_polling_false_makes_the_failure_an_error(tmp_path: Path) -> None:
    result = run_limited(tmp_path, "max_inotify_instances", 0, polling=False)
    assert result["error"] == "WatchError"
    assert "native file events unavailable" in str(result["message"])

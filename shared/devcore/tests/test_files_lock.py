from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from devcore import DevcoreError
from devcore.files import LockTimeout, file_lock

HANG_GUARD_S = 120
WORKERS = 3
ROUNDS = int(os.environ.get("DEVCORE_LOCK_ROUNDS", "30"))

HOLDER = """
import sys
from devcore.files import file_lock
with file_lock(sys.argv[1]):
    print("locked", flush=True)
    sys.stdin.readline()
"""

COUNTER = """
import sys
from pathlib import Path
from devcore.files import file_lock
lock, counter, rounds = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
for _ in range(rounds):
    with file_lock(lock, timeout_s=120):
        value = int(counter.read_text())
        counter.write_text(str(value + 1))
"""


def hold(lock: Path) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(lock)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    assert child.stdout.readline() == "locked\n"
    return child


def test_another_process_holding_the_lock_times_us_out(tmp_path: Path) -> None:
    lock = tmp_path / "resource.lock"
    child = hold(lock)
    try:
        with pytest.raises(LockTimeout) as caught, file_lock(lock, timeout_s=0):
            pass
        assert caught.value.path == lock
        assert caught.value.timeout_s == 0
        assert isinstance(caught.value, TimeoutError)
        assert isinstance(caught.value, DevcoreError)
        with pytest.raises(LockTimeout), file_lock(lock, timeout_s=0.05):
            pass
    finally:
        assert child.stdin is not None
        child.communicate("release\n", timeout=HANG_GUARD_S)
    with file_lock(lock, timeout_s=HANG_GUARD_S) as held:
        assert held == lock


def test_a_killed_holder_releases_the_lock(tmp_path: Path) -> None:
    lock = tmp_path / "resource.lock"
    child = hold(lock)
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=HANG_GUARD_S)
    with file_lock(lock, timeout_s=HANG_GUARD_S):
        pass


def test_processes_increment_a_counter_without_losing_updates(tmp_path: Path) -> None:
    lock = tmp_path / "counter.lock"
    counter = tmp_path / "counter.txt"
    counter.write_text("0")
    children = [
        subprocess.Popen([sys.executable, "-c", COUNTER, str(lock), str(counter), str(ROUNDS)])
        for _ in range(WORKERS)
    ]
    for child in children:
        assert child.wait(timeout=HANG_GUARD_S) == 0
    assert int(counter.read_text()) == WORKERS * ROUNDS


def test_threads_exclude_each_other(tmp_path: Path) -> None:
    lock = tmp_path / "thread.lock"
    acquired = threading.Event()
    release = threading.Event()

    def holder() -> None:
        with file_lock(lock):
            acquired.set()
            release.wait(HANG_GUARD_S)

    thread = threading.Thread(target=holder)
    thread.start()
    assert acquired.wait(HANG_GUARD_S)
    try:
        with pytest.raises(LockTimeout), file_lock(lock, timeout_s=0):
            pass
    finally:
        release.set()
        thread.join(HANG_GUARD_S)
    with file_lock(lock, timeout_s=0):
        pass


def test_missing_parent_directories_are_created(tmp_path: Path) -> None:
    lock = tmp_path / "a" / "b" / "entry.lock"
    with file_lock(lock, timeout_s=0):
        assert lock.exists()


def test_the_lock_is_released_when_the_block_raises(tmp_path: Path) -> None:
    lock = tmp_path / "entry.lock"
    with pytest.raises(RuntimeError), file_lock(lock):
        raise RuntimeError("inside")
    child = hold(lock)
    child.communicate("release\n", timeout=HANG_GUARD_S)


def test_a_thread_may_take_its_lock_again(tmp_path: Path) -> None:
    lock = tmp_path / "nested.lock"
    with file_lock(lock, timeout_s=0), file_lock(lock, timeout_s=5), file_lock(str(lock)):
        child = subprocess.run(
            [sys.executable, "-c", TRY_ONCE, str(lock)], capture_output=True, text=True, timeout=HANG_GUARD_S
        )
        assert child.stdout == "timeout\n"
    child = subprocess.run(
        [sys.executable, "-c", TRY_ONCE, str(lock)], capture_output=True, text=True, timeout=HANG_GUARD_S
    )
    assert child.stdout == "acquired\n"


TRY_ONCE = """
import sys
from devcore.files import LockTimeout, file_lock
try:
    with file_lock(sys.argv[1], timeout_s=0):
        print("acquired")
except LockTimeout:
    print("timeout")
"""

"""SIGKILL at a random point of a real install: the next ensure gets a complete entry, and a
reader polling meanwhile never sees a partial one.

Trials: ``XTNSMGR_CRASH_TRIALS`` (CI default 2; the issue's bar is 50).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from xtnsmgr import CacheManager, IndexSettings
from xtnsmgr._inspection import dist_info_directories, missing_files

TRIALS = int(os.environ.get("XTNSMGR_CRASH_TRIALS", "2"))

CHILD = """
import sys
from xtnsmgr import CacheManager, IndexSettings
root, links = sys.argv[1:3]
CacheManager(root, settings=IndexSettings(find_links=(links,), no_index=True)).ensure("xt-alpha")
print("done", flush=True)
"""


def run_child(root: Path, wheelhouse: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(root), str(wheelhouse)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def full_duration(root: Path, wheelhouse: Path) -> float:
    started = time.monotonic()
    child = run_child(root, wheelhouse)
    _, err = child.communicate(timeout=300)
    assert child.returncode == 0, err
    return time.monotonic() - started


class Reader(threading.Thread):
    """Polls the entry as any other process would, recording every partial tree it is shown."""

    def __init__(self, manager: CacheManager) -> None:
        super().__init__(daemon=True)
        self.manager = manager
        self.stop = threading.Event()
        self.seen = 0
        self.partial: list[str] = []

    def run(self) -> None:
        while not self.stop.is_set():
            info = self.manager.info("xt-alpha")
            if info is not None and info.path is not None:
                self.seen += 1
                if not dist_info_directories(info.path) or missing_files(info.path):
                    self.partial.append(str(info.path))
            time.sleep(0.001)


@pytest.mark.slow
def test_sigkill_mid_install_never_leaves_a_partial_entry(
    tmp_path: Path, wheelhouse: Path, settings: IndexSettings, forget: Callable[[], None]
) -> None:
    budget = full_duration(tmp_path / "warmup", wheelhouse)
    rng = random.Random(int(os.environ.get("XTNSMGR_CRASH_SEED", "20260101")))
    for trial in range(TRIALS):
        root = tmp_path / f"trial-{trial}"
        reader = Reader(CacheManager(root, settings=settings))
        reader.start()
        child = run_child(root, wheelhouse)
        time.sleep(rng.uniform(0.0, budget))
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=60)
        entry = CacheManager(root, settings=settings).ensure("xt-alpha")
        reader.stop.set()
        reader.join(timeout=60)
        assert entry.path is not None
        assert missing_files(entry.path) == []
        assert {d.name for d in entry.distributions} == {"xt-alpha", "xt-base"}
        import xt_alpha

        assert xt_alpha.register({})[0] == "alpha"
        assert reader.partial == []
        forget()

"""The full-size trials of the issue, which CI runs small: 100 rounds of 8 asyncio tasks + 8 threads
+ 4 processes ensuring one specification (one install, all import it), and 50 SIGKILLs at a
random point of a real install (the next ensure is complete, a reader never sees a partial tree).

Run: ``hatch run bench:python packages/xtnsmgr/benchmarks/trials.py [--rounds 100] [--crashes 50]``
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1] / "tests"


def run(test: str, variable: str, count: int) -> tuple[str, float]:
    env = {**os.environ, variable: str(count)}
    started = time.perf_counter()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:randomly",
            "-p",
            "no:cacheprovider",
            str(TESTS / test),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    verdict = f"{count} of {count} passed" if result.returncode == 0 else "FAILED:\n" + result.stdout[-2000:]
    return verdict, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--crashes", type=int, default=50)
    options = parser.parse_args()
    rows = [
        (
            "concurrency rounds (8 tasks + 8 threads + 4 processes)",
            *run("test_concurrency.py", "XTNSMGR_STRESS_ROUNDS", options.rounds),
        ),
        ("SIGKILL mid-install trials", *run("test_crash.py", "XTNSMGR_CRASH_TRIALS", options.crashes)),
    ]
    width = max(len(name) for name, _, _ in rows)
    for name, verdict, seconds in rows:
        print(f"{name.ljust(width)} | {verdict} | {seconds:.0f} s")


if __name__ == "__main__":
    main()

"""Collection only: ``pytest --collect-only -q`` beside dxpytest cold (no index) and warm.

Run with ``hatch run bench:python packages/dxpytest/benchmarks/collect.py [SUITE...]``. Uses the
suites of ``run.py`` (downloaded once into ``$DXPYTEST_BENCH_DIR``). Each round runs pytest,
dxpytest cold and dxpytest warm back to back; the table shows the best of
``$DXPYTEST_BENCH_REPEAT`` rounds (default 5), the ratios, the node-id parity and the load
average. ``PYTHONDONTWRITEBYTECODE`` is cleared for the subprocesses (as a developer machine
would have it: pytest keeps its rewritten test modules, Python its ``.pyc`` files) unless
``--no-bytecode`` is given.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time

from run import DXPYTEST, PYTEST, SUITES, environment, fetch, index_dir, nodeids, run

REPEAT = int(os.environ.get("DXPYTEST_BENCH_REPEAT", "5"))


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def measure(name: str, *, bytecode: bool) -> str:
    suite = next(s for s in SUITES if s.name == name)
    root = fetch(suite)
    env = environment(root, suite)
    if not bytecode:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    cache = index_dir(suite)
    args = ["-o", "addopts=", *suite.args]
    pytest_command = [*PYTEST, "-q", "--collect-only", *args]
    ours_command = [*DXPYTEST, "--collect-only", *args]
    run(pytest_command, root, env)  # pytest writes its rewritten modules once, as any warm setup
    times: dict[str, list[float]] = {"pytest": [], "cold": [], "warm": []}
    parity = True
    problems: list[str] = []
    for _ in range(REPEAT):
        elapsed, theirs = run(pytest_command, root, env)
        times["pytest"].append(elapsed)
        shutil.rmtree(cache, ignore_errors=True)
        elapsed, cold = run(ours_command, root, env)
        times["cold"].append(elapsed)
        run(ours_command, root, env)  # the first warm run may still write the snapshot
        elapsed, warm = run(ours_command, root, env)
        times["warm"].append(elapsed)
        for label, ours in (("cold", cold), ("warm", warm)):
            if nodeids(ours.stdout) != nodeids(theirs.stdout):
                parity = False
                problems.append(f"  {label}: exit {ours.returncode}: {(ours.stdout + ours.stderr)[-400:]!r}")
    pytest_s, cold_s, warm_s = (min(times[key]) for key in ("pytest", "cold", "warm"))
    return (
        f"{name:15} {len(nodeids(theirs.stdout)):5} tests | pytest {pytest_s:6.3f}s | "
        f"cold {cold_s:6.3f}s ({cold_s / pytest_s:4.2f}x pytest) | warm {warm_s:6.3f}s "
        f"({pytest_s / warm_s:5.1f}x faster) | same node ids: {'yes' if parity else 'NO'} | "
        f"load {load_average()}"
    ) + "".join(f"\n{problem}" for problem in problems[:2])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    known = [suite.name for suite in SUITES]
    parser.add_argument("suite", nargs="*", help=f"any of {', '.join(known)} (default: all)")
    parser.add_argument("--no-bytecode", action="store_true", help="keep PYTHONDONTWRITEBYTECODE")
    options = parser.parse_args()
    for name in options.suite:
        if name not in known:
            parser.error(f"unknown suite {name!r} (choose from {', '.join(known)})")
    bytecode = not options.no_bytecode
    names = options.suite or [s.name for s in SUITES]
    print(f"collect-only, best of {REPEAT}, .pyc {'on' if bytecode else 'off'}, {time.strftime('%H:%M')}")
    for name in names:
        print(measure(name, bytecode=bytecode), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Parity and speed of dxpytest beside pytest and pytest-xdist, on real third-party suites.

Run with ``hatch run bench:python packages/dxpytest/benchmarks/run.py``. It downloads the
suites' sdists from PyPI (``pip download --no-binary :all:``) into ``$DXPYTEST_BENCH_DIR``
(default ``~/.cache/dxpytest-bench``), then per suite:

* parity: the node ids of ``pytest --collect-only -q`` against ``dxpytest --collect-only``,
  and the outcome counts of ``pytest`` against ``dxpytest -n 1`` and ``dxpytest -n 2``;
* speed (best of ``$DXPYTEST_BENCH_REPEAT`` runs, default 3): collect-only cold and with a
  warm index, and the full run with two workers beside pytest and pytest-xdist ``-n 2``
  (``--dist load`` and ``--dist loadfile``, the best counts), and ``dxpytest -n auto``;
* a synthetic suite of 2,000 trivial tests (``dxpytest`` with ``-n auto`` and with ``-n 2``, and
  ``-n 2 --no-server``: a zygote per run instead of the project's fork server).

Both tools get the same options and write and keep ``.pyc`` files, as on a developer's machine
(``PYTHONDONTWRITEBYTECODE`` is cleared). dxpytest runs with its fork server (the first, unmeasured run of each suite starts it); the
servers exit a minute after the benchmark (``DXPYTEST_SERVER_IDLE_S=60``).

``--suite NAME`` (repeatable) runs only those suites, ``--trivial`` only the synthetic one. The
load average is printed beside each suite's figures. Exit status 1 when any parity check fails.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPEAT = int(os.environ.get("DXPYTEST_BENCH_REPEAT", "3"))
CACHE = Path(os.environ.get("DXPYTEST_BENCH_DIR", Path.home() / ".cache" / "dxpytest-bench"))
TIMEOUT_S = 1800


@dataclass(frozen=True)
class Suite:
    """A third-party test suite from an sdist."""

    name: str
    version: str
    args: tuple[str, ...]
    pythonpath: tuple[str, ...] = ("src", ".")


SUITES = [
    Suite("attrs", "26.1.0", ("tests",)),
    Suite("more-itertools", "11.2.1", ("tests",)),
    Suite("boltons", "26.2.0", ("tests",)),
    Suite("toolz", "1.2.0", ("toolz/tests",)),
    Suite("pluggy", "1.7.0", ("testing",)),
]
COMMON = ("-p", "no:randomly", "-p", "no:cacheprovider", "-W", "ignore::DeprecationWarning")
SERVER_ENV = {"DXPYTEST_SERVER_IDLE_S": "60"}


def fetch(suite: Suite) -> Path:
    """Download and unpack the sdist once; return its directory."""
    CACHE.mkdir(parents=True, exist_ok=True)
    stem = f"{suite.name.replace('-', '_')}-{suite.version}"
    target = CACHE / stem
    if target.is_dir():
        return target
    with tempfile.TemporaryDirectory() as download:
        spec = f"{suite.name}=={suite.version}"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-binary",
                ":all:",
                "--no-deps",
                "-q",
                "-d",
                download,
                spec,
            ],
            check=True,
            timeout=TIMEOUT_S,
        )
        (archive,) = Path(download).glob("*.tar.gz")
        with tarfile.open(archive) as tar:
            tar.extractall(CACHE, filter="data")
    extracted = next(path for path in CACHE.iterdir() if path.name.lower() == stem.lower())
    if extracted != target:
        extracted.rename(target)
    return target


def run(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    result = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT_S, check=False
    )
    return time.perf_counter() - start, result


def best(command: list[str], cwd: Path, env: dict[str, str], *, before: object = None) -> tuple[float, str]:
    times = []
    output = ""
    for _ in range(REPEAT):
        if callable(before):
            before()
        elapsed, result = run(command, cwd, env)
        times.append(elapsed)
        output = result.stdout
    return min(times), output


def counts(output: str) -> dict[str, int]:
    """Outcome counts from pytest's (or dxpytest's) final line."""
    lines = [line for line in output.strip().splitlines() if line.strip()]
    line = lines[-1].strip("= ") if lines else ""
    result: dict[str, int] = {}
    for part in line.rsplit(" in ", 1)[0].split(", "):
        number, _, name = part.partition(" ")
        if number.isdigit() and name not in ("warning", "warnings", "deselected"):
            result[{"errors": "error"}.get(name, name)] = int(number)
    return result


def nodeids(output: str) -> list[str]:
    return [line for line in output.split("\n\n")[0].splitlines() if "::" in line]


def environment(root: Path, suite: Suite) -> dict[str, str]:
    """The suite's import path; ``.pyc`` files written and kept, as on a developer's machine
    (``PYTHONDONTWRITEBYTECODE`` cleared); dxpytest's index outside the suite, so removing it
    for a cold run leaves the suite's directories (one is on the import path) untouched."""
    paths = [str(root / entry) for entry in suite.pythonpath]
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    return {
        **env,
        **SERVER_ENV,
        "PYTHONPATH": os.pathsep.join(paths),
        "DXPYTEST_CACHE_DIR": str(index_dir(suite)),
    }


def index_dir(suite: Suite) -> Path:
    return CACHE / f".index-{suite.name}"


PYTEST = [sys.executable, "-m", "pytest", *COMMON]
DXPYTEST = [sys.executable, "-m", "dxpytest", "--ci", *COMMON]


def measure_suite(suite: Suite) -> tuple[list[str], list[str]]:
    root = fetch(suite)
    env = environment(root, suite)
    args = list(suite.args)
    overrides = ["-o", "addopts="]
    problems: list[str] = []

    def cold() -> None:
        shutil.rmtree(index_dir(suite), ignore_errors=True)

    theirs_ids = nodeids(run([*PYTEST, "-q", "--collect-only", *overrides, *args], root, env)[1].stdout)
    cold()
    ours_ids = nodeids(run([*DXPYTEST, "--collect-only", *overrides, *args], root, env)[1].stdout)
    if sorted(theirs_ids) != sorted(ours_ids):
        missing = sorted(set(theirs_ids) - set(ours_ids))[:5]
        extra = sorted(set(ours_ids) - set(theirs_ids))[:5]
        problems.append(f"{suite.name}: collection differs (pytest only {missing}, dxpytest only {extra})")
    pytest_run_s, pytest_out = best([*PYTEST, *overrides, *args], root, env)
    reference = counts(pytest_out)
    for workers in ("1", "2"):
        ours = counts(run([*DXPYTEST, "-n", workers, *overrides, *args], root, env)[1].stdout)
        if ours != reference:
            problems.append(f"{suite.name} -n {workers}: pytest {reference} vs dxpytest {ours}")
    collect_pytest_s, _ = best([*PYTEST, "-q", "--collect-only", *overrides, *args], root, env)
    collect_cold_s, _ = best([*DXPYTEST, "--collect-only", *overrides, *args], root, env, before=cold)
    run([*DXPYTEST, "--collect-only", *overrides, *args], root, env)
    collect_warm_s, _ = best([*DXPYTEST, "--collect-only", *overrides, *args], root, env)
    xdist_s = min(
        best([*PYTEST, "-n", "2", "--dist", mode, *overrides, *args], root, env)[0]
        for mode in ("load", "loadfile")
    )
    ours_s, _ = best([*DXPYTEST, "-n", "2", *overrides, *args], root, env)
    auto_s, _ = best([*DXPYTEST, *overrides, *args], root, env)
    total = sum(reference.values())
    rows = [
        f"{suite.name} ({len(theirs_ids)} tests, {total} outcomes; {load()})",
        f"  collect-only   pytest {collect_pytest_s:6.2f}s | dxpytest cold {collect_cold_s:6.2f}s "
        f"({collect_cold_s / collect_pytest_s:4.2f}x) | warm {collect_warm_s:6.2f}s "
        f"({collect_pytest_s / collect_warm_s:5.1f}x faster)",
        f"  full run       pytest {pytest_run_s:6.2f}s | xdist -n 2 best {xdist_s:6.2f}s | "
        f"dxpytest -n 2 {ours_s:6.2f}s ({ours_s / xdist_s:4.2f}x xdist, {ours_s / pytest_run_s:4.2f}x pytest) | "
        f"-n auto {auto_s:6.2f}s ({auto_s / pytest_run_s:4.2f}x pytest)",
    ]
    return rows, problems


def load() -> str:
    """The 1-minute load average, to quote beside the figures."""
    return f"load {os.getloadavg()[0]:.1f}"


def measure_trivial(count: int = 2000) -> list[str]:
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        per_file = 100
        for index in range(count // per_file):
            body = "".join(f"def test_{index}_{n}():\n    pass\n\n" for n in range(per_file))
            (root / f"test_trivial_{index}.py").write_text(body)
        env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
        env.update(SERVER_ENV, DXPYTEST_CACHE_DIR=str(root / ".dxpytest"))
        run([*DXPYTEST], root, env)
        pytest_s, _ = best([*PYTEST, "-q"], root, env)
        auto_s, _ = best([*DXPYTEST], root, env)
        two_s, _ = best([*DXPYTEST, "-n", "2"], root, env)
        zygote_s, _ = best([*DXPYTEST, "-n", "2", "--no-server"], root, env)
        return [
            f"{count} trivial tests ({load()}): pytest {pytest_s:6.2f}s | dxpytest -n auto {auto_s:6.2f}s "
            f"({auto_s / pytest_s:4.2f}x) | dxpytest -n 2 {two_s:6.2f}s ({two_s / pytest_s:4.2f}x) | "
            f"-n 2 --no-server {zygote_s:6.2f}s ({zygote_s / pytest_s:4.2f}x)"
        ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", action="append", choices=[suite.name for suite in SUITES], default=[])
    parser.add_argument("--trivial", action="store_true", help="only the 2,000 trivial tests")
    options = parser.parse_args()
    chosen = [] if options.trivial else [s for s in SUITES if not options.suite or s.name in options.suite]
    print(f"dxpytest benchmark (best of {REPEAT}; {os.cpu_count()} cores; {load()})")
    problems: list[str] = []
    for suite in chosen:
        try:
            rows, found = measure_suite(suite)
        except (subprocess.SubprocessError, OSError, StopIteration, ValueError) as error:
            rows, found = [f"{suite.name}: could not run ({error})"], [f"{suite.name}: {error}"]
        print("\n".join(rows), flush=True)
        problems.extend(found)
    if options.trivial or not options.suite:
        print("\n".join(measure_trivial()))
    print("parity: " + ("OK" if not problems else "FAILED"))
    for problem in problems:
        print(f"  {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

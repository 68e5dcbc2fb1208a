"""xtnsmgr benchmarks: every figure beside its anchor, measured in the same run.

Run: ``hatch run bench:python packages/xtnsmgr/benchmarks/run.py [--trials N]``

1. repeat ensure in-process (memo hit)           vs a librovore-style ensure (JSON read each call)
2. first ensure from a warm disk entry            vs the librovore-style JSON read + sys.path insert,
   each in runs of its own (as timeit measures), then sample by sample after the other's
3. cold ensure (install + smoke test + publish)   vs raw ``uv pip install --target`` / ``pip install --target``
   with the same bytecode flag: the default compiles, so its anchor is ``uv ... --compile-bytecode``
4. first import after install, with and without bytecode; cold ensure + first import vs raw uv + first import

Everything is local: the wheels are generated into a temporary find-links folder, uv's cache is
a temporary folder warmed once, nothing touches the network.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from xtnsmgr import CacheManager, IndexSettings, ensure_package_sync, set_default_manager
from xtnsmgr._importation import _added
from xtnsmgr._installation import find_uv
from xtnsmgr._specification import _parse_requirement
from xtnsmgr.testing import write_wheel

if TYPE_CHECKING:
    from xtnsmgr._cachemgr import SmokeTest

MODULES_PER_PACKAGE = 60


def package_files(module: str) -> dict[str, str]:
    body = "\n".join(f"def f{i}(x):\n    return [x * {i} for _ in range(3)]\n" for i in range(40))
    files = {
        f"{module}/m{i}.py": f'"""module {i}"""\nimport json, re\n{body}\n'
        for i in range(MODULES_PER_PACKAGE)
    }
    files[f"{module}/__init__.py"] = "".join(
        f"from {module} import m{i}\n" for i in range(MODULES_PER_PACKAGE)
    )
    return files


def build_wheels(folder: Path) -> None:
    write_wheel(folder, "bench-lib-a", "1.0", package_files("bench_lib_a"))
    write_wheel(folder, "bench-lib-b", "1.0", package_files("bench_lib_b"))
    app = package_files("bench_app")
    app["bench_app/__init__.py"] = "import bench_lib_a, bench_lib_b\n" + app["bench_app/__init__.py"]
    write_wheel(folder, "bench-app", "1.0", app, requires=["bench-lib-a", "bench-lib-b"])


def per_call_ns(function: Callable[[], object], *, calls: int) -> float:
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter_ns()
        for _ in range(calls):
            function()
        best = min(best, (time.perf_counter_ns() - started) / calls)
    return best


def p50_us(samples: list[int]) -> float:
    return statistics.median(samples) / 1000


class LibrovoreStyle:
    """What librovore 1.0a7 does on every ensure: read a JSON metadata file, check its TTL, insert the path."""

    def __init__(self, folder: Path, site: Path) -> None:
        self.metadata = folder / ".xtnsmgr-metadata.json"
        self.site = str(site)
        created = dt.datetime.now(dt.UTC).isoformat()
        self.metadata.write_text(
            json.dumps(
                {"package_spec": "bench-app", "installed_at": created, "ttl_hours": 24, "platform_id": "x"}
            )
        )

    def ensure(self) -> str:
        data = json.loads(self.metadata.read_text())
        installed = dt.datetime.fromisoformat(data["installed_at"])
        if dt.datetime.now(dt.UTC) - installed > dt.timedelta(hours=data["ttl_hours"]):
            raise RuntimeError("expired")
        if self.site not in sys.path:
            sys.path.insert(0, self.site)
        return self.site

    def forget(self) -> None:
        sys.path.remove(self.site)


def run_command(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env)
    return time.perf_counter() - started


def first_import_s(site: Path) -> float:
    code = (
        "import sys, time\n"
        f"sys.path.append({str(site)!r})\n"
        "started = time.perf_counter()\n"
        "import bench_app\n"
        "print(time.perf_counter() - started)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    return float(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=7, help="cold installs per tool")
    trials = parser.parse_args().trials
    load_before = os.getloadavg()[0]
    rows: list[tuple[str, str, str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="xtnsmgr-bench-") as scratch:
        base = Path(scratch)
        wheels = base / "wheels"
        wheels.mkdir()
        build_wheels(wheels)
        env = {**os.environ, "UV_CACHE_DIR": str(base / "uv-cache")}
        os.environ["UV_CACHE_DIR"] = env["UV_CACHE_DIR"]
        settings = IndexSettings(find_links=(str(wheels),), no_index=True)
        uv = find_uv()
        assert uv is not None
        raw_uv = [uv, "pip", "install", "--python", sys.executable, "--no-progress", "--no-index"]
        raw_uv += ["--find-links", str(wheels), "--target"]
        raw_pip = [sys.executable, "-m", "pip", "install", "--no-index", "--find-links", str(wheels)]
        raw_pip += ["--disable-pip-version-check", "--quiet", "--target"]  # pip compiles by default
        run_command([*raw_uv, str(base / "warm-uv"), "bench-app"], env)  # warm uv's cache once

        # 3. cold ensure vs raw installers given the same bytecode flag (interleaved, so load
        # changes hit every tool alike); xtnsmgr compiles by default, so its anchor is
        # `uv pip install --target --compile-bytecode`
        write_wheel(wheels, "bench-tiny", "1.0", {"bench_tiny/__init__.py": "VALUE = 1\n"})
        run_command([*raw_uv, str(base / "warm-uv-tiny"), "bench-tiny"], env)
        plain = IndexSettings(find_links=(str(wheels),), no_index=True, compile_bytecode=False)
        cold: dict[str, list[float]] = {}

        def ensure_s(name: str, package: str, chosen: IndexSettings, smoke: SmokeTest) -> None:
            manager = CacheManager(base / name, settings=chosen, smoke_test=smoke)
            started = time.perf_counter()
            manager.ensure(package, isolate=True)
            cold.setdefault(name.rsplit("-", 1)[0], []).append(time.perf_counter() - started)

        def raw_s(name: str, command: list[str], package: str) -> None:
            seconds = run_command([*command, str(base / name), package], env)
            cold.setdefault(name.rsplit("-", 1)[0], []).append(seconds)

        compiled_uv = [*raw_uv[:-1], "--compile-bytecode", "--target"]
        for trial in range(trials):
            ensure_s(f"x-app-{trial}", "bench-app", settings, "import")
            raw_s(f"uvc-app-{trial}", compiled_uv, "bench-app")
            ensure_s(f"x-find-app-{trial}", "bench-app", settings, "find")
            ensure_s(f"x-plain-app-{trial}", "bench-app", plain, "import")
            raw_s(f"uv-app-{trial}", raw_uv, "bench-app")
            ensure_s(f"x-plain-find-app-{trial}", "bench-app", plain, "find")
            raw_s(f"pip-app-{trial}", raw_pip, "bench-app")
            ensure_s(f"x-tiny-{trial}", "bench-tiny", settings, "import")
            raw_s(f"uvc-tiny-{trial}", compiled_uv, "bench-tiny")
            ensure_s(f"x-plain-tiny-{trial}", "bench-tiny", plain, "import")
            raw_s(f"uv-tiny-{trial}", raw_uv, "bench-tiny")
        ms = {name: statistics.median(samples) * 1000 for name, samples in cold.items()}
        for label, value, raw, anchor in (
            (
                "cold ensure, default: import smoke + bytecode (ms)",
                "x-app",
                "uvc-app",
                "uv ... --compile-bytecode",
            ),
            ("cold ensure, find smoke + bytecode (ms)", "x-find-app", "uvc-app", "uv ... --compile-bytecode"),
            (
                "cold ensure, import smoke, no bytecode (ms)",
                "x-plain-app",
                "uv-app",
                "uv pip install --target",
            ),
            (
                "cold ensure, find smoke, no bytecode (ms)",
                "x-plain-find-app",
                "uv-app",
                "uv pip install --target",
            ),
            (
                "cold ensure, 1-module package, default (ms)",
                "x-tiny",
                "uvc-tiny",
                "uv ... --compile-bytecode",
            ),
            (
                "cold ensure, 1-module, import smoke, no bytecode",
                "x-plain-tiny",
                "uv-tiny",
                "uv pip install --target",
            ),
        ):
            budget = max(0.10 * ms[raw], 25.0)
            # the overhead is the median of the paired differences (each ensure beside its anchor in
            # the same trial), which load swings between trials disturb less than a difference of medians
            overhead = statistics.median(
                (mine - theirs) * 1000 for mine, theirs in zip(cold[value], cold[raw], strict=True)
            )
            verdict = "within" if overhead <= budget else "over"
            ratio = (
                f"{ms[value] / ms[raw]:.2f}x (paired {overhead:+.1f} ms; budget {budget:.0f} ms: {verdict})"
            )
            rows.append((label, f"{ms[value]:.1f}", f"{ms[raw]:.1f}", anchor, ratio))
        rows.append(
            (
                "cold ensure, default (ms)",
                f"{ms['x-app']:.1f}",
                f"{ms['pip-app']:.1f}",
                "pip install --target",
                f"{ms['x-app'] / ms['pip-app']:.2f}x",
            )
        )

        # 1 + 2. hit paths
        manager = CacheManager(base / "x-find-app-0", settings=settings)
        entry = manager.ensure("bench-app", isolate=True)
        assert entry.path is not None
        librovore = LibrovoreStyle(base, entry.path)
        set_default_manager(manager)
        repeat = per_call_ns(lambda: ensure_package_sync("bench-app", isolate=True), calls=200_000)
        anchor = per_call_ns(librovore.ensure, calls=20_000)
        rows.append(
            (
                "repeat ensure in-process (µs)",
                f"{repeat / 1000:.3f}",
                f"{anchor / 1000:.3f}",
                "librovore-style ensure",
                f"{anchor / repeat:.0f}x faster",
            )
        )

        # Each sample finds what a new process's first ensure finds: no memo, no key, no parsed
        # requirement, the tree not on sys.path. The manager's layout and packed settings are
        # built with it, as in any process (the fresh-process row below counts them).
        site = entry.location
        assert site is not None
        metadata = manager.layout.metadata_text(entry.key or "")

        def first_ensure_ns() -> int:
            manager._isolated.clear()
            manager._keys.clear()
            _parse_requirement.cache_clear()
            sys.path.remove(site)
            _added.pop(site, None)
            started = time.perf_counter_ns()
            manager.ensure("bench-app", isolate=True)
            return time.perf_counter_ns() - started

        def json_read_ns() -> int:
            librovore.forget()
            started = time.perf_counter_ns()
            librovore.ensure()
            return time.perf_counter_ns() - started

        def system_calls_ns() -> int:  # what every read of the entry's metadata costs the kernel
            started = time.perf_counter_ns()
            descriptor = os.open(metadata, os.O_RDONLY)
            os.read(descriptor, 4096)
            os.close(descriptor)
            return time.perf_counter_ns() - started

        # Measured as timeit measures a call: each tool in runs of its own (each sample after the
        # previous one of its kind), in blocks of 500 alternated six times so that load swings hit
        # both tools alike.
        alone: dict[Callable[[], int], list[int]] = {
            first_ensure_ns: [],
            json_read_ns: [],
            system_calls_ns: [],
        }
        for _ in range(6):
            for sample, samples in alone.items():
                samples += [sample() for _ in range(500)]
        # The same samples interleaved one by one: each then runs with the CPU caches and branch
        # predictors that the other tool's code left behind, which slows both, and slows even the
        # hit's three system calls (the last row).
        after: dict[Callable[[], int], list[int]] = {
            first_ensure_ns: [],
            json_read_ns: [],
            system_calls_ns: [],
        }
        for _ in range(3000):
            after[first_ensure_ns].append(first_ensure_ns())
            after[json_read_ns].append(json_read_ns())
            after[system_calls_ns].append(system_calls_ns())
            json_read_ns()
        for label, samples, anchor_samples, anchor_label in (
            (
                "first ensure, warm disk entry (µs, p50)",
                alone[first_ensure_ns],
                alone[json_read_ns],
                "librovore-style JSON read",
            ),
            (
                "  same, each sample after the other's (µs, p50)",
                after[first_ensure_ns],
                after[json_read_ns],
                "librovore-style JSON read",
            ),
            (
                "  its open + read + close, alone (µs, p50)",
                alone[system_calls_ns],
                after[system_calls_ns],
                "the same, each after a JSON read",
            ),
        ):
            rows.append(
                (
                    label,
                    f"{p50_us(samples):.1f}",
                    f"{p50_us(anchor_samples):.1f}",
                    anchor_label,
                    f"{p50_us(samples) / p50_us(anchor_samples):.2f}x",
                )
            )
        # a fresh process with warm .pyc files (written by the first run), best of 7
        warm = {key: value for key, value in env.items() if key != "PYTHONDONTWRITEBYTECODE"}
        ensure_code = (
            f"import xtnsmgr as x; x.CacheManager({str(base / 'x-find-app-0')!r}, settings=x.IndexSettings("
            f"find_links=({str(wheels)!r},), no_index=True)).ensure('bench-app', isolate=True)"
        )
        run_command([sys.executable, "-c", ensure_code], warm)
        run_command([sys.executable, "-c", "pass"], warm)
        process = min(run_command([sys.executable, "-c", ensure_code], warm) for _ in range(7)) * 1000
        bare = min(run_command([sys.executable, "-c", "pass"], warm) for _ in range(7)) * 1000
        rows.append(
            (
                "fresh process: python + first ensure (ms)",
                f"{process:.1f}",
                f"{bare:.1f}",
                "python -c pass",
                f"+{process - bare:.1f} ms",
            )
        )

        # 4. first import in a fresh process after install: bytecode from xtnsmgr's smoke
        # interpreter, from uv --compile-bytecode, or none (source compiled at import)
        def first_import_ms(site: Path) -> float:
            return statistics.median(first_import_s(site) for _ in range(3)) * 1000

        default_entry = CacheManager(base / "x-app-0", settings=settings).ensure("bench-app", isolate=True)
        assert default_entry.path is not None
        # the default compiles in the smoke interpreters, not in uv: the same .pyc files must be there
        bytecode = sorted(
            str(pyc.relative_to(default_entry.path)) for pyc in default_entry.path.rglob("*.pyc")
        )
        uv_bytecode = sorted(
            str(pyc.relative_to(base / "uvc-app-0")) for pyc in (base / "uvc-app-0").rglob("*.pyc")
        )
        rows.append(
            (
                ".pyc files after default ensure",
                str(len(bytecode)),
                str(len(uv_bytecode)),
                "uv ... --compile-bytecode",
                "same files" if bytecode == uv_bytecode else "DIFFERENT files",
            )
        )
        after_default = first_import_ms(default_entry.path)
        after_uvc = first_import_ms(base / "uvc-app-0")
        from_source = first_import_ms(base / "uv-app-0")
        for label, value in (
            ("first import after default ensure (ms)", after_default),
            ("first import after uv --compile-bytecode (ms)", after_uvc),
        ):
            rows.append(
                (
                    label,
                    f"{value:.1f}",
                    f"{from_source:.1f}",
                    "no bytecode (raw uv)",
                    f"{from_source / value:.2f}x faster with",
                )
            )
        total = ms["x-app"] + after_default
        for label, raw_total in (
            ("raw uv --compile-bytecode + first import", ms["uvc-app"] + after_uvc),
            ("raw uv + first import from source", ms["uv-app"] + from_source),
        ):
            rows.append(
                (
                    "cold ensure (default) + first import (ms)",
                    f"{total:.1f}",
                    f"{raw_total:.1f}",
                    label,
                    f"{total / raw_total:.2f}x ({total - raw_total:+.1f} ms)",
                )
            )

    print(
        f"xtnsmgr benchmarks ({trials} cold trials, {3 * MODULES_PER_PACKAGE} modules, "
        f"Python {sys.version.split()[0]}, load average {load_before:.1f} -> {os.getloadavg()[0]:.1f})"
    )
    header = ("measure", "xtnsmgr", "anchor", "anchor is", "ratio")
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(5)]
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()

"""xtnsmgr tour: a host makes two extensions importable on demand, from a local wheel folder.

Everything happens in a temporary directory (cache, wheels, uv's own cache); nothing touches the
network or your environment. Run: `hatch run demo xtnsmgr` (or `python -P tools/demo/xtnsmgr.py`).
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import xtnsmgr
from xtnsmgr.testing import write_wheel


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="xtnsmgr-demo-") as scratch:
        base = Path(scratch)
        os.environ["UV_CACHE_DIR"] = str(base / "uv-cache")
        wheels = base / "wheels"
        wheels.mkdir()
        write_wheel(
            wheels,
            "demo-greeter",
            "1.0",
            {"demo_greeter/__init__.py": "def greet(name):\n    return f'hello {name}'\n"},
        )
        write_wheel(
            wheels,
            "demo-shouter",
            "2.1",
            {
                "demo_shouter/__init__.py": "import demo_greeter\ndef register(arguments):\n    return demo_greeter.greet(arguments['who']).upper() + '!'\n"
            },
            requires=["demo-greeter>=1"],
        )
        print(f"1. two wheels in a find-links folder: {', '.join(p.name for p in sorted(wheels.iterdir()))}")

        settings = xtnsmgr.IndexSettings(find_links=(str(wheels),), no_index=True)
        manager = xtnsmgr.CacheManager(base / "cache", settings=settings)
        started = time.perf_counter()
        entry = manager.ensure("demo-shouter>=2")
        print(
            f"2. first ensure installs (uv, staging dir, smoke test, atomic rename): {ms(time.perf_counter() - started)}"
        )
        print(f"   -> {entry.source}: {', '.join(f'{d.name} {d.version}' for d in entry.distributions)}")
        print(f"   -> appended to sys.path: {entry.path}")

        started = time.perf_counter()
        for _ in range(10_000):
            manager.ensure("demo-shouter>=2")
        print(
            f"3. repeat ensure in this process (memo): {(time.perf_counter() - started) / 10_000 * 1e9:.0f} ns per call"
        )

        other = xtnsmgr.CacheManager(base / "cache", settings=settings)
        started = time.perf_counter()
        again = other.ensure("Demo_Shouter >= 2")
        print(
            f"4. another manager, same entry from disk (one metadata read): {ms(time.perf_counter() - started)} -> {again.source}, same key: {again.key == entry.key}"
        )

        fresh = xtnsmgr.CacheManager(base / "cache2", settings=settings)
        calls: list[int] = []

        class Counting(xtnsmgr.UvInstaller):
            def install(self, requirements, target, settings):  # type: ignore[no-untyped-def]
                calls.append(1)
                super().install(requirements, target, settings)

        fresh.installer = Counting()
        threads = [threading.Thread(target=fresh.ensure, args=("demo-greeter",)) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        print(f"5. 8 threads ensure one new package at once: the installer ran {len(calls)} time(s)")

        # xtnsmgr logs each skipped extension at ERROR on the "xtnsmgr" logger; the demo prints
        # the report instead, so each failure shows once.
        logging.getLogger("xtnsmgr").addHandler(logging.NullHandler())
        report = xtnsmgr.register_extensions_sync(
            [
                {"name": "demo_shouter", "package": "demo-shouter>=2", "arguments": {"who": "world"}},
                {"name": "typo", "package": "demo-shouter >= = 2"},
                {"name": "absent", "package": "demo-absent"},
            ],
            manager=manager,
        )
        print(
            f"6. host config with 3 extensions -> loaded {list(report.loaded)}: {report.loaded['demo_shouter'].result}"
        )
        for name, error in report.failed.items():
            print(f"   skipped {name}: {type(error).__name__}: {str(error).splitlines()[0][:100]}")

        listing = manager.list()
        print(f"7. cache holds {len(listing)} entries under {manager.layout.tag_directory}")
        removed = manager.clean(older_than=0)
        print(f"8. clean --older-than 0s removed {len(removed)} entries")
        xtnsmgr.cleanup_import_paths()
        print(f"9. entries taken off sys.path; demo_shouter still imported: {'demo_shouter' in sys.modules}")


if __name__ == "__main__":
    main()

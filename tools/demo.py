"""`hatch run demo`: a short tour of every package on real files, devcore first.

Each tour is a script in tools/demo/ (run with `-P`, so a tour named after its package does not
shadow it) that works in its own temporary directory and prints what
it does. Name some to run only those: `hatch run demo pyautoload xtnsmgr`.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

TOURS = Path(__file__).resolve().parent / "demo"


def tours(selected: list[str]) -> list[Path]:
    found = sorted(TOURS.glob("*.py"), key=lambda p: (p.stem != "devcore", p.stem))
    unknown = set(selected) - {p.stem for p in found}
    if unknown:
        raise SystemExit(
            f"demo: no tour named {', '.join(sorted(unknown))}; have {', '.join(p.stem for p in found)}"
        )
    return [p for p in found if not selected or p.stem in selected]


def main(selected: list[str]) -> int:
    failed = []
    for tour in tours(selected):
        print(f"\n=== {tour.stem} " + "=" * max(0, 66 - len(tour.stem)), flush=True)
        start = time.perf_counter()
        if subprocess.run([sys.executable, "-P", str(tour)], check=False).returncode != 0:
            failed.append(tour.stem)
        print(f"--- {tour.stem}: {time.perf_counter() - start:.1f} s", flush=True)
    if failed:
        print(f"\ndemo: these tours failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

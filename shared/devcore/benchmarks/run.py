"""devcore benchmarks: one table, each row beside its anchor measured in the same run.

- hashing: ``hash_file`` against ``hashlib.sha256`` and ``hashlib.blake2b`` on one file
  (256 MiB; ``DEVCORE_BENCH_HASH_MIB`` overrides), best of ``DEVCORE_BENCH_REPEAT`` (3) runs;
- serialization: ``packb`` / ``unpackb`` against ``json`` and ``pickle`` on 100,000 records
  (``DEVCORE_BENCH_RECORDS``); plain records for all three, and records with paths,
  datetimes, tuples and sets against ``pickle`` (JSON cannot carry them);
- atomic files: writers of 1 MiB killed by SIGKILL at a random moment, ``atomic_writer``
  against a plain ``open(path, "wb")`` (``DEVCORE_BENCH_CRASH_TRIALS``, 40 each): torn files;
- watching: file write to callback latency, p50/p99 over 200 writes
  (``DEVCORE_BENCH_WRITES``), from ``bench_watch.measure`` beside this script when present.

Run with ``hatch run bench:python shared/devcore/benchmarks/run.py``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import pickle
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from devcore.hashing import hash_file
from devcore.serial import packb, unpackb

MIB = 1024 * 1024
REPEAT = int(os.environ.get("DEVCORE_BENCH_REPEAT", "3"))
HASH_MIB = int(os.environ.get("DEVCORE_BENCH_HASH_MIB", "256"))
RECORDS = int(os.environ.get("DEVCORE_BENCH_RECORDS", "100000"))
WRITES = int(os.environ.get("DEVCORE_BENCH_WRITES", "200"))
CRASH_TRIALS = int(os.environ.get("DEVCORE_BENCH_CRASH_TRIALS", "40"))

Row = tuple[str, str, str, str]  # benchmark, subject, result, against the anchor


def best_of(actions: dict[str, Callable[[], object]]) -> dict[str, float]:
    """The shortest of REPEAT timed runs of each action, in seconds.

    The actions take turns within each round, so that load from other processes falls on all
    of them alike rather than on whichever ran during a busy moment.
    """
    best = dict.fromkeys(actions, float("inf"))
    for _ in range(REPEAT):
        for name, action in actions.items():
            start = time.perf_counter()
            action()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def hashlib_file(path: Path, name: str) -> Callable[[], str]:
    def digest() -> str:
        with open(path, "rb") as stream:
            return hashlib.file_digest(stream, name).hexdigest()

    return digest


def hashing_rows(directory: Path) -> list[Row]:
    path = directory / "big.bin"
    with open(path, "wb") as stream:
        for _ in range(HASH_MIB):
            stream.write(os.urandom(MIB))
    hash_file(path)  # warm the page cache: every contender reads from memory
    subjects = {
        "hashlib.sha256": hashlib_file(path, "sha256"),
        "hashlib.blake2b": hashlib_file(path, "blake2b"),
        "devcore hash_file (blake3)": lambda: hash_file(path),
    }
    speeds = {name: HASH_MIB / 1024 / seconds for name, seconds in best_of(subjects).items()}
    anchor = speeds["hashlib.sha256"]
    label = f"hash a {HASH_MIB} MiB file"
    return [
        (label, name, f"{speed:6.2f} GiB/s", f"{speed / anchor:5.2f}x sha256")
        for name, speed in speeds.items()
    ]


def plain_records() -> list[dict[str, Any]]:
    return [
        {
            "id": i,
            "name": f"module_{i}.py",
            "path": f"src/pkg/sub_{i % 97}/module_{i}.py",
            "size": i * 37 % 100_003,
            "score": i / 7,
            "passed": i % 3 != 0,
            "tags": ["unit", "fast"] if i % 2 else ["slow"],
        }
        for i in range(RECORDS)
    ]


def rich_records() -> list[dict[str, Any]]:
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    return [
        {
            "id": i,
            "path": Path(f"src/pkg/sub_{i % 97}/module_{i}.py"),
            "mtime": start + dt.timedelta(seconds=i),
            "span": (i, i + 10),
            "markers": {"unit", "fast"} if i % 2 else {"slow"},
        }
        for i in range(RECORDS)
    ]


def serial_rows(
    label: str, data: object, anchors: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]]
) -> list[Row]:
    contenders = {"devcore serial (msgpack)": (packb, unpackb), **anchors}
    blobs = {name: dump(data) for name, (dump, _) in contenders.items()}
    for name, (_, load) in contenders.items():
        if load(blobs[name]) != data:
            raise SystemExit(f"{name} did not round-trip the {label} records")
    packs = best_of({name: partial(dump, data) for name, (dump, _) in contenders.items()})
    unpacks = best_of({name: partial(load, blobs[name]) for name, (_, load) in contenders.items()})
    times = {name: (packs[name], unpacks[name], len(blobs[name])) for name in contenders}
    rows = []
    ours_pack, ours_unpack, _ = times["devcore serial (msgpack)"]
    for name, (pack_s, unpack_s, size) in times.items():
        result = f"pack {pack_s * 1000:7.1f} ms, unpack {unpack_s * 1000:7.1f} ms, {size / MIB:5.1f} MiB"
        ratio = (
            ""
            if name.startswith("devcore")
            else f"devcore is {pack_s / ours_pack:4.2f}x as fast to pack, {unpack_s / ours_unpack:4.2f}x to unpack"
        )
        rows.append((f"{label} ({RECORDS:,} records)", name, result, ratio))
    return rows


CRASH_WRITER = """
import sys
from devcore.files import atomic_writer
path, atomic = sys.argv[1], sys.argv[2] == "atomic"
round_ = 0
while True:
    letter = b"AB"[round_ % 2 : round_ % 2 + 1]
    with (atomic_writer(path, durable=False) if atomic else open(path, "wb")) as stream:
        for _ in range(64):
            stream.write(letter * 16384)
    round_ += 1
    print(round_, flush=True)
"""


def torn_after_kills(directory: Path, mode: str, rng: random.Random) -> int:
    """How many of CRASH_TRIALS writers killed at a random moment left a torn file."""
    target = directory / f"{mode}.bin"
    whole = {letter * (64 * 16384) for letter in (b"A", b"B")}
    torn = 0
    for _ in range(CRASH_TRIALS):
        child = subprocess.Popen(
            [sys.executable, "-c", CRASH_WRITER, str(target), mode], stdout=subprocess.PIPE
        )
        assert child.stdout is not None
        for _ in range(rng.randint(1, 3)):
            child.stdout.readline()
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        torn += target.read_bytes() not in whole
    return torn


def crash_rows(directory: Path) -> list[Row]:
    rng = random.Random(7)
    naive = torn_after_kills(directory, "naive", rng)
    atomic = torn_after_kills(directory, "atomic", rng)
    label = f"writer SIGKILLed mid-write ({CRASH_TRIALS} trials)"
    return [
        (label, "open(path, 'wb').write", f"{naive:3} torn files", "the anchor"),
        (label, "devcore atomic_writer", f"{atomic:3} torn files", f"{naive - atomic} fewer torn files"),
    ]


def watch_rows() -> list[Row]:
    try:
        import bench_watch  # type: ignore[import-not-found]  # the watch benchmark beside this script
    except ImportError:
        return [("watch latency", "(bench_watch.py absent)", "", "")]
    measured = bench_watch.measure(WRITES)
    anchor = next((p50 for name, p50, _ in measured if "watchdog" in name.lower()), None)
    rows = []
    debounce = bench_watch.DEBOUNCE_MS
    for name, p50, p99 in measured:
        window = 0 if "watchdog" in name.lower() or "close-write" in name else debounce
        ratio = f"p50 {p50 - window:5.1f} ms beyond the {window} ms debounce"
        if anchor is not None:
            ratio += f"; {p50 - anchor:+6.1f} ms vs raw watchdog"
        rows.append(
            (f"watch latency ({WRITES} writes)", name, f"p50 {p50:6.1f} ms, p99 {p99:6.1f} ms", ratio)
        )
    return rows


def print_table(rows: list[Row]) -> None:
    header: Row = ("benchmark", "subject", "result", "against the anchor")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]
    line = "  ".join("-" * w for w in widths)
    print("  ".join(cell.ljust(w) for cell, w in zip(header, widths, strict=True)))
    print(line)
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))


def main() -> None:
    json_codec = (lambda o: json.dumps(o).encode(), json.loads)
    pickle_codec = (lambda o: pickle.dumps(o, protocol=pickle.HIGHEST_PROTOCOL), pickle.loads)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="devcore-bench-") as directory:
        rows += hashing_rows(Path(directory))
        rows += crash_rows(Path(directory))
    rows += serial_rows("plain records", plain_records(), {"json": json_codec, "pickle": pickle_codec})
    rows += serial_rows("records with Path, datetime, tuple, set", rich_records(), {"pickle": pickle_codec})
    rows += watch_rows()
    print_table(rows)


if __name__ == "__main__":
    main()

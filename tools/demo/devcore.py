"""Tour of devcore: watch a directory while files change, hash them, serialize to a framed file."""

from __future__ import annotations

import os
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from devcore.files import atomic_write
from devcore.hashing import FingerprintCache, hash_bytes, hash_file
from devcore.serial import CorruptFileError, read_framed, write_framed
from devcore.watch import Watcher


def edit(directory: Path) -> None:
    """What a user and their editor do to a config directory, a little apart in time."""
    time.sleep(0.3)
    (directory / "app.yaml").write_text("port: 8000\n")
    time.sleep(0.3)
    atomic_write(directory / "app.yaml", "port: 8001\n")  # temp file + rename, like an editor
    time.sleep(0.3)
    for i in range(200):  # a burst: one batch, nothing lost
        (directory / f"burst-{i:03}.txt").write_text(str(i))
    time.sleep(0.3)
    (directory / "app.yaml").rename(directory / "app.old.yaml")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="devcore-demo-") as tmp:
        tour(Path(tmp))


def tour(directory: Path) -> None:
    print(f"watching {directory} (debounce 50 ms)")
    seen = 0
    with Watcher([directory], debounce_ms=50) as watcher:
        threading.Thread(target=edit, args=(directory,), daemon=True).start()
        for changes in watcher:
            added = sorted(p.name for p in changes.added)
            summary = f"{added[:3]} ... ({len(added)} files)" if len(added) > 3 else added
            print(
                f"  change set: added={summary} modified={sorted(p.name for p in changes.modified)}"
                f" deleted={sorted(p.name for p in changes.deleted)}"
                f" moved={sorted((a.name, b.name) for a, b in changes.moved)}"
            )
            seen += len(changes.added) + len(changes.modified) + len(changes.deleted) + len(changes.moved)
            if changes.moved:
                break
    print(f"{seen} changes in all")

    big = directory / "big.bin"
    big.write_bytes(os.urandom(32 * 1024 * 1024))
    start = time.perf_counter()
    digest = hash_file(big)
    print(f"blake3 of 32 MiB: {digest[:16]}... in {(time.perf_counter() - start) * 1000:.1f} ms")
    print(f"blake3 of b'abc': {hash_bytes(b'abc')[:16]}...")

    cache = FingerprintCache(directory / "fingerprints.bin")
    for path in sorted(directory.glob("burst-*.txt")):
        cache.digest(path)
    cache.save()
    print(f"fingerprint cache of 200 files saved ({(directory / 'fingerprints.bin').stat().st_size} bytes)")

    record = {"when": datetime.now(UTC), "where": directory, "tags": {"a", "b"}, "pair": (1, 2)}
    framed = directory / "record.bin"
    write_framed(framed, record, magic=b"DEMO", version=1)
    assert read_framed(framed, magic=b"DEMO", version=1) == record
    print(f"framed file round-trips Path, datetime, set and tuple exactly ({framed.stat().st_size} bytes)")
    framed.write_bytes(framed.read_bytes()[:-5])
    try:
        read_framed(framed, magic=b"DEMO", version=1)
    except CorruptFileError as error:
        print(f"a truncated copy reads as CorruptFileError: {error.reason}")


if __name__ == "__main__":
    main()

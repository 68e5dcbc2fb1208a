from __future__ import annotations

import os
import random
import signal
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devcore.files import atomic_write, atomic_writer, staged_directory, sweep_stale

TRIALS = int(os.environ.get("DEVCORE_CRASH_TRIALS", "3"))
HANG_GUARD_S = 120


def siblings(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def test_atomic_write_bytes_and_text(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    atomic_write(target, b"bytes\n")
    assert target.read_bytes() == b"bytes\n"
    atomic_write(str(target), "tekst é\r\n", encoding="latin-1")
    assert target.read_bytes() == "tekst é\r\n".encode("latin-1")
    assert siblings(tmp_path) == ["out.txt"]


@given(st.binary(max_size=3000) | st.text(max_size=500))
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
def test_atomic_write_roundtrip(tmp_path: Path, data: bytes | str) -> None:
    target = tmp_path / "data"
    atomic_write(target, data, durable=False)
    expected = data.encode() if isinstance(data, str) else data
    assert target.read_bytes() == expected


def test_atomic_writer_streams_binary_and_text(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    with atomic_writer(target) as stream:
        stream.write(b"one ")
        assert not target.exists()
        stream.write(b"two")
    assert target.read_bytes() == b"one two"
    with atomic_writer(target, "w", encoding="utf-16", newline="\r\n") as text:
        text.write("line\n")
    assert target.read_bytes() == "line\r\n".encode("utf-16")


def write_half_then_fail(target: Path) -> None:
    with atomic_writer(target) as stream:
        stream.write(b"half of the new")
        raise RuntimeError("boom")


def test_an_error_in_the_block_leaves_the_old_file_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "config.yaml"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError, match="boom"):
        write_half_then_fail(target)
    assert target.read_bytes() == b"old"
    assert siblings(tmp_path) == ["config.yaml"]


def test_a_missing_directory_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        atomic_write(tmp_path / "missing" / "out", b"x")


@pytest.mark.parametrize(("mode", "options"), [("r", {}), ("a", {}), ("wb", {"encoding": "utf-8"})])
def test_bad_writer_arguments(tmp_path: Path, mode: str, options: dict[str, str]) -> None:
    with pytest.raises(ValueError, match=r"mode|encoding"):
        atomic_writer(tmp_path / "x", mode, **options)  # type: ignore[call-overload]


def test_permissions_new_existing_and_explicit(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh"
        atomic_write(fresh, b"x")
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
        script = tmp_path / "script.sh"
        script.write_bytes(b"#!/bin/sh\n")
        script.chmod(0o750)
        atomic_write(script, b"#!/bin/sh\necho\n")
        assert stat.S_IMODE(script.stat().st_mode) == 0o750
        atomic_write(fresh, b"y", permissions=0o600)
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o600
    finally:
        os.umask(umask)


def test_a_symlink_is_written_through_and_kept(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_bytes(b"old")
    link = tmp_path / "link.txt"
    link.symlink_to("real.txt")
    atomic_write(link, b"new")
    assert link.is_symlink()
    assert real.read_bytes() == b"new"


@pytest.mark.parametrize("name", ["n" * 255, "\U0001f600" * 63, "é" * 127])
def test_a_long_name_still_gets_a_temporary_sibling(tmp_path: Path, name: str) -> None:
    target = tmp_path / name  # 255, 252 and 254 bytes: at the file system's limit
    atomic_write(target, b"x")
    assert target.read_bytes() == b"x"
    with staged_directory(tmp_path / name[:-1]) as stage:
        (stage / "inside").write_bytes(b"y")
    assert (tmp_path / name[:-1] / "inside").read_bytes() == b"y"


def test_readers_see_old_or_new_never_a_mix(tmp_path: Path) -> None:
    target = tmp_path / "shared.bin"
    contents = [bytes([65 + i]) * 200_000 for i in range(3)]
    atomic_write(target, contents[0], durable=False)
    done = threading.Event()

    def writer() -> None:
        for round_ in range(60):
            atomic_write(target, contents[round_ % 3], durable=False)
        done.set()

    thread = threading.Thread(target=writer)
    thread.start()
    seen = set()
    while not done.is_set():
        seen.add(target.read_bytes())
    thread.join(timeout=HANG_GUARD_S)
    assert seen <= set(contents)


CRASH_WRITER = """
import sys
from devcore.files import atomic_writer
path, durable = sys.argv[1], sys.argv[2] == "1"
round_ = 0
while True:
    letter = b"AB"[round_ % 2:round_ % 2 + 1]
    with atomic_writer(path, durable=durable) as stream:
        for _ in range(64):
            stream.write(letter * 16384)
    round_ += 1
    print(round_, flush=True)
"""


@pytest.mark.parametrize("durable", [True, False])
def test_a_writer_killed_mid_write_leaves_old_or_new_whole(tmp_path: Path, durable: bool) -> None:
    target = tmp_path / "victim.bin"
    rng = random.Random(2024)
    whole = {letter * (64 * 16384) for letter in (b"A", b"B")}
    for _ in range(TRIALS):
        child = subprocess.Popen(
            [sys.executable, "-c", CRASH_WRITER, str(target), "1" if durable else "0"],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        for _ in range(rng.randint(1, 4)):
            assert child.stdout.readline()  # a whole round is published
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=HANG_GUARD_S)
        child.stdout.close()
        assert target.read_bytes() in whole
        leftovers = [p for p in tmp_path.iterdir() if p != target]
        assert sorted(sweep_stale(tmp_path, older_than_s=0)) == sorted(leftovers)
        assert siblings(tmp_path) == ["victim.bin"]


@pytest.mark.parametrize(
    ("module", "absent"),
    [
        ("devcore.files", ("blake3", "msgpack", "filelock", "watchdog")),
        ("devcore.serial", ("watchdog", "filelock")),
        ("devcore.hashing", ("watchdog", "filelock")),
    ],
)
def test_modules_load_only_what_they_need(module: str, absent: tuple[str, ...]) -> None:
    code = f"import sys, {module}; print(sorted(m for m in {absent!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_public_surface_of_files_is_pinned() -> None:
    import devcore.files

    assert sorted(devcore.files.__all__) == [
        "LockTimeout",
        "atomic_write",
        "atomic_writer",
        "file_lock",
        "fsync_directory",
        "staged_directory",
        "sweep_stale",
    ]

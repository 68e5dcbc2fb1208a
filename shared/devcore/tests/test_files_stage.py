from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devcore.files import staged_directory, sweep_stale
from devcore.hashing import hash_tree

HANG_GUARD_S = 120
OLD_S = time.time() - 3600
SWEEPS_UNDER_WRITES = 40


def names(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def test_the_tree_appears_whole_on_success(tmp_path: Path) -> None:
    target = tmp_path / "cache" / "entry"
    with staged_directory(target) as stage:
        assert stage.parent == target.parent
        assert stage.name.startswith(".entry.")
        (stage / "a.txt").write_text("a")
        (stage / "sub").mkdir()
        (stage / "sub" / "b.txt").write_text("b")
        (stage / "link").symlink_to("a.txt")
        assert not target.exists()
    assert (target / "a.txt").read_text() == "a"
    assert (target / "sub" / "b.txt").read_text() == "b"
    assert names(target.parent) == ["entry"]


def stage_then_fail(target: Path) -> None:
    with staged_directory(target) as stage:
        (stage / "partial").write_text("x")
        raise KeyError("boom")


def test_an_error_sweeps_the_stage_and_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "entry"
    with pytest.raises(KeyError):
        stage_then_fail(target)
    assert names(tmp_path) == []


def test_an_existing_target_wins_without_replace(tmp_path: Path) -> None:
    target = tmp_path / "entry"
    target.mkdir()
    (target / "first").write_text("first")
    with pytest.raises(FileExistsError) as caught, staged_directory(target) as stage:
        (stage / "second").write_text("second")
    assert caught.value.filename == str(target)
    assert names(target) == ["first"]
    assert names(tmp_path) == ["entry"]


def test_an_existing_file_is_kept_without_replace(tmp_path: Path) -> None:
    target = tmp_path / "entry"
    target.write_text("a file")
    with pytest.raises(FileExistsError), staged_directory(target, durable=False) as stage:
        (stage / "x").write_text("x")
    assert target.read_text() == "a file"


def test_replace_swaps_the_old_tree_out(tmp_path: Path) -> None:
    target = tmp_path / "entry"
    target.mkdir()
    (target / "old").write_text("old")
    with staged_directory(target, replace=True) as stage:
        (stage / "new").write_text("new")
    assert names(target) == ["new"]
    assert names(tmp_path) == ["entry"]


def test_replace_over_a_file(tmp_path: Path) -> None:
    target = tmp_path / "entry"
    target.write_text("a file")
    with staged_directory(target, replace=True) as stage:
        (stage / "new").write_text("new")
    assert names(target) == ["new"]
    assert names(tmp_path) == ["entry"]


def test_an_empty_existing_directory_is_replaced(tmp_path: Path) -> None:
    target = tmp_path / "entry"
    target.mkdir()
    with staged_directory(target) as stage:
        (stage / "x").write_text("x")
    assert names(target) == ["x"]


STAGER = """
import sys, time
from devcore.files import staged_directory
with staged_directory(sys.argv[1]) as stage:
    (stage / "partial").write_text("x")
    print(stage, flush=True)
    time.sleep(3600)
"""


def test_leftovers_of_a_killed_process_are_swept_on_the_next_stage(tmp_path: Path) -> None:
    target = tmp_path / "entry"
    child = subprocess.Popen([sys.executable, "-c", STAGER, str(target)], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    stage = Path(child.stdout.readline().strip())
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=HANG_GUARD_S)
    child.stdout.close()
    assert (stage / "partial").exists()
    os.utime(stage, (OLD_S, OLD_S))
    with staged_directory(target) as fresh:
        (fresh / "done").write_text("y")
    assert not stage.exists()
    assert names(tmp_path) == ["entry"]


def test_sweep_keeps_live_recent_and_foreign_entries(tmp_path: Path) -> None:
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead_pid = int(finished.stdout)
    dead_old = tmp_path / f".a.{dead_pid}-0123abcd.tmp"
    dead_recent = tmp_path / f".b.{dead_pid}-0123abcd.staging"
    live_old = tmp_path / f".c.{os.getpid()}-0123abcd.tmp"
    foreign = tmp_path / f".d.{dead_pid}-nothex.tmp"
    for path in (dead_old, live_old, foreign):
        path.write_text("x")
        os.utime(path, (OLD_S, OLD_S))
    dead_recent.mkdir()
    assert sweep_stale(tmp_path) == [dead_old]
    assert names(tmp_path) == sorted(p.name for p in (dead_recent, live_old, foreign))
    assert sweep_stale(tmp_path, older_than_s=0) == [dead_recent]


ORPHAN_WRITER = """
import os, sys
stage = sys.argv[1]
print("ready", flush=True)
n = 0
while True:
    n += 1
    try:
        os.makedirs(os.path.join(stage, f"d{n % 50}"), exist_ok=True)
        with open(os.path.join(stage, f"d{n % 50}", f"f{n}"), "w") as stream:
            stream.write("x")
    except OSError:
        pass
"""


def test_sweep_tolerates_an_orphan_still_writing_into_a_dead_writers_stage(tmp_path: Path) -> None:
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    stage = tmp_path / f".entry.{int(finished.stdout)}-0123abcd.staging"
    stage.mkdir()
    orphan = subprocess.Popen(
        [sys.executable, "-c", ORPHAN_WRITER, str(stage)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert orphan.stdout is not None
        assert orphan.stdout.readline().strip() == "ready"
        for _ in range(SWEEPS_UNDER_WRITES):
            stage.mkdir(exist_ok=True)
            time.sleep(0.01)  # let the orphan fill it
            assert sweep_stale(tmp_path, older_than_s=0) in ([], [stage])
    finally:
        orphan.kill()
        orphan.wait(timeout=HANG_GUARD_S)
        if orphan.stdout is not None:
            orphan.stdout.close()
    stage.mkdir(exist_ok=True)
    (stage / "left").write_text("x")
    assert sweep_stale(tmp_path, older_than_s=0) == [stage]
    assert names(tmp_path) == []


file_names = st.lists(st.sampled_from(["a", "b", "c.txt", "é"]), min_size=1, max_size=3).map("/".join)
trees = st.dictionaries(file_names, st.binary(max_size=40), max_size=6).filter(
    lambda files: not any(other.startswith(name + "/") for name in files for other in files)
)


@given(trees)
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=40)
def test_a_staged_tree_arrives_exactly_as_built(tmp_path: Path, files: dict[str, bytes]) -> None:
    base = Path(tempfile.mkdtemp(dir=tmp_path))
    direct = base / "direct"
    direct.mkdir()
    write_tree(direct, files)
    with staged_directory(base / "staged", durable=False) as stage:
        write_tree(stage, files)
    assert hash_tree(base / "staged") == hash_tree(direct)
    assert names(base) == ["direct", "staged"]


def write_tree(root: Path, files: dict[str, bytes]) -> None:
    for name, content in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(content)

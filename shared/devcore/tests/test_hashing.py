from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devcore.hashing import MMAP_THRESHOLD, hash_bytes, hash_file, hash_tree

tmp_settings = settings(
    deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60
)

# Official blake3 test vectors.
EMPTY = "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262"
ABC = "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85"


def test_hash_bytes_matches_the_reference_vectors() -> None:
    assert hash_bytes(b"") == EMPTY
    assert hash_bytes(b"abc") == ABC
    assert hash_bytes(bytearray(b"abc")) == ABC
    assert hash_bytes(memoryview(b"xabcx")[1:4]) == ABC


@pytest.mark.parametrize("size", [0, 1, 1024 * 1024 - 1, 1024 * 1024, 1024 * 1024 + 1])
def test_every_buffer_type_hashes_alike(size: int) -> None:
    """Small ``bytes`` take a shortcut past blake3's thread options: the digest is the same."""
    data = random.Random(size).randbytes(size)
    expected = hash_bytes(memoryview(data))
    assert hash_bytes(data) == hash_bytes(bytearray(data)) == expected
    assert len(expected) == 64


@pytest.mark.parametrize("size", [0, 1, 1024 * 1024 - 1, 1024 * 1024, 1024 * 1024 + 1, 3 * 1024 * 1024 + 7])
@pytest.mark.parametrize("use_mmap", [None, True, False])
def test_hash_file_equals_hash_bytes(tmp_path: Path, size: int, use_mmap: bool | None) -> None:
    data = random.Random(size).randbytes(size)
    target = tmp_path / "data.bin"
    target.write_bytes(data)
    assert hash_file(target, use_mmap=use_mmap) == hash_bytes(data)
    assert hash_file(str(target), use_mmap=use_mmap) == hash_bytes(data)


def test_a_large_file_goes_through_the_mapped_path_and_agrees(tmp_path: Path) -> None:
    data = random.Random(1).randbytes(MMAP_THRESHOLD + 12345)
    target = tmp_path / "large.bin"
    target.write_bytes(data)
    expected = hash_bytes(data)
    assert hash_file(target) == expected
    assert hash_file(target, use_mmap=False) == expected


@given(st.binary(max_size=5000), st.sampled_from([None, True, False]))
@tmp_settings
def test_hash_file_roundtrip_random_content(tmp_path: Path, data: bytes, use_mmap: bool | None) -> None:
    target = tmp_path / "random.bin"
    target.write_bytes(data)
    assert hash_file(target, use_mmap=use_mmap) == hash_bytes(data)


def test_hash_file_errors_are_os_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        hash_file(tmp_path / "missing")
    with pytest.raises(IsADirectoryError):
        hash_file(tmp_path)


def build(root: Path, files: dict[str, bytes], order: list[str]) -> Path:
    for name in order:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(files[name])
    return root


file_names = st.lists(st.sampled_from(["a", "b", "c.py", "d.txt"]), min_size=1, max_size=3).map("/".join)
trees = st.dictionaries(file_names, st.binary(max_size=50), min_size=1, max_size=8).filter(
    lambda files: not any(other.startswith(name + "/") for name in files for other in files)
)


@given(trees, st.randoms(use_true_random=False))
@tmp_settings
def test_hash_tree_does_not_depend_on_creation_order_or_location(
    tmp_path: Path, files: dict[str, bytes], rng: random.Random
) -> None:
    base = Path(tempfile.mkdtemp(dir=tmp_path))
    order = list(files)
    first = hash_tree(build(base / "one", files, order))
    rng.shuffle(order)
    second = hash_tree(build(base / "two" / "deeper", files, order))
    assert first == second


@given(trees, st.data())
@tmp_settings
def test_hash_tree_changes_with_any_edit(
    tmp_path: Path, files: dict[str, bytes], data: st.DataObject
) -> None:
    base = Path(tempfile.mkdtemp(dir=tmp_path))
    before = hash_tree(build(base, files, list(files)))
    name = data.draw(st.sampled_from(sorted(files)))
    edit = data.draw(st.sampled_from(["content", "rename", "delete", "add"]))
    if edit == "content":
        (base / name).write_bytes(files[name] + b"!")
    elif edit == "rename":
        (base / name).rename(base / (name + ".renamed"))
    elif edit == "delete":
        (base / name).unlink()
    else:
        (base / (name + ".new")).write_bytes(b"")
    assert hash_tree(base) != before


def test_hash_tree_ignores_timestamps_and_empty_directories(tmp_path: Path) -> None:
    build(tmp_path, {"a.txt": b"a", "sub/b.txt": b"b"}, ["a.txt", "sub/b.txt"])
    before = hash_tree(tmp_path)
    os.utime(tmp_path / "a.txt", ns=(1, 1))
    (tmp_path / "empty").mkdir()
    assert hash_tree(tmp_path) == before


def test_hash_tree_content_moving_between_files_changes_the_digest(tmp_path: Path) -> None:
    one = build(tmp_path / "one", {"a": b"xy", "b": b""}, ["a", "b"])
    two = build(tmp_path / "two", {"a": b"x", "b": b"y"}, ["a", "b"])
    assert hash_tree(one) != hash_tree(two)


def test_hash_tree_ignore_patterns_by_name_and_relative_path(tmp_path: Path) -> None:
    build(tmp_path / "clean", {"pkg/mod.py": b"code"}, ["pkg/mod.py"])
    noisy = build(
        tmp_path / "noisy",
        {"pkg/mod.py": b"code", "pkg/mod.pyc": b"x", "pkg/__pycache__/m.pyc": b"y", "build/out": b"z"},
        ["pkg/mod.py", "pkg/mod.pyc", "pkg/__pycache__/m.pyc", "build/out"],
    )
    expected = hash_tree(tmp_path / "clean")
    assert hash_tree(noisy, ignore=["*.pyc", "__pycache__", "build"]) == expected
    assert hash_tree(noisy, ignore=["pkg/*.pyc", "pkg/__pycache__", "build/*"]) == expected
    assert hash_tree(noisy, ignore=["*.pyc"]) != expected


def test_hash_tree_symlinks(tmp_path: Path) -> None:
    root = build(tmp_path / "tree", {"real.txt": b"content"}, ["real.txt"])
    outside = build(tmp_path / "outside", {"x": b"1"}, ["x"])
    (root / "link.txt").symlink_to("real.txt")
    (root / "dirlink").symlink_to(outside, target_is_directory=True)
    copy = build(
        tmp_path / "copy", {"real.txt": b"content", "link.txt": b"content"}, ["real.txt", "link.txt"]
    )
    assert hash_tree(root) == hash_tree(copy)  # the file link counts by content, the dir link is not entered
    (root / "broken").symlink_to("nowhere")
    with_broken = hash_tree(root)
    assert with_broken != hash_tree(copy)
    (root / "broken").unlink()
    (root / "broken").symlink_to("elsewhere")
    assert hash_tree(root) != with_broken


def test_hash_tree_root_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        hash_tree(tmp_path / "missing")
    (tmp_path / "file").write_bytes(b"")
    with pytest.raises(NotADirectoryError):
        hash_tree(tmp_path / "file")


def test_hash_file_from_many_threads_agrees(tmp_path: Path) -> None:
    data = random.Random(7).randbytes(2 * 1024 * 1024)
    target = tmp_path / "shared.bin"
    target.write_bytes(data)
    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(hash_file(target))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert results == [hash_bytes(data)] * 8


def test_hash_tree_leaves_out_fifos_and_sockets(tmp_path: Path) -> None:
    root = build(tmp_path / "tree", {"a.txt": b"a"}, ["a.txt"])
    expected = hash_tree(root)
    os.mkfifo(root / "pipe")  # opening it for reading would block a naive walker
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(root / "sock"))
        assert hash_tree(root) == expected
    finally:
        server.close()


def test_public_surface_of_hashing_is_pinned() -> None:
    import devcore.hashing

    assert sorted(devcore.hashing.__all__) == [
        "CacheStats",
        "FingerprintCache",
        "MMAP_THRESHOLD",
        "StatKey",
        "hash_bytes",
        "hash_file",
        "hash_tree",
        "stat_key",
    ]


def test_hashing_bytes_does_not_load_the_fingerprint_cache() -> None:
    code = (
        "import sys, devcore.hashing as h; h.hash_bytes(b'x'); print('devcore._hash_cache' in sys.modules); "
        "h.FingerprintCache, h.stat_key; print('devcore._hash_cache' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True"]

from __future__ import annotations

import os
import tempfile
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devcore._hash_cache import digest_trusted
from devcore.hashing import CacheStats, FingerprintCache, StatKey, hash_bytes, stat_key
from devcore.serial import write_framed

PAST_NS = 1_600_000_000_123_456_789  # 2020, with sub-second digits like a real file system


def write(path: Path, data: bytes, *, mtime_ns: int = PAST_NS) -> Path:
    """Write a file with an mtime safely in the past, so that its digest can be trusted."""
    path.write_bytes(data)
    os.utime(path, ns=(mtime_ns, mtime_ns))
    return path


def test_a_second_lookup_is_a_hit(tmp_path: Path) -> None:
    target = write(tmp_path / "a.py", b"print(1)")
    cache = FingerprintCache()
    assert cache.digest(target) == hash_bytes(b"print(1)")
    assert cache.digest(target) == hash_bytes(b"print(1)")
    assert cache.digest(str(target)) == hash_bytes(b"print(1)")
    assert cache.stats == CacheStats(hits=2, misses=1)
    assert target in cache
    assert len(cache) == 1


def test_only_changed_files_are_rehashed(tmp_path: Path) -> None:
    files = [write(tmp_path / f"f{i}.txt", f"content {i}".encode()) for i in range(20)]
    cache = FingerprintCache()
    for file in files:
        cache.digest(file)
    assert cache.stats == CacheStats(hits=0, misses=20)
    write(files[3], b"content 3 edited", mtime_ns=PAST_NS + 10)
    write(files[7], b"content 7 edited", mtime_ns=PAST_NS + 20)
    digests = {file: cache.digest(file) for file in files}
    assert cache.stats == CacheStats(hits=18, misses=22)
    assert digests[files[3]] == hash_bytes(b"content 3 edited")
    assert digests[files[7]] == hash_bytes(b"content 7 edited")


def test_a_same_size_rewrite_with_a_new_mtime_is_seen(tmp_path: Path) -> None:
    target = write(tmp_path / "a.txt", b"aaaa")
    cache = FingerprintCache()
    cache.digest(target)
    write(target, b"bbbb", mtime_ns=PAST_NS + 1)
    assert cache.digest(target) == hash_bytes(b"bbbb")


def test_a_replacement_by_rename_is_seen_even_with_equal_size_and_mtime(tmp_path: Path) -> None:
    target = write(tmp_path / "a.txt", b"aaaa")
    cache = FingerprintCache()
    cache.digest(target)
    replacement = write(tmp_path / "new.txt", b"bbbb")  # same size, same mtime, another inode
    os.replace(replacement, target)
    assert cache.digest(target) == hash_bytes(b"bbbb")


def test_a_recently_modified_file_is_rehashed_until_it_is_old_enough(tmp_path: Path) -> None:
    future_ns = time.time_ns() + 60 * 1_000_000_000  # "modified during the hash" as seen by the cache
    target = write(tmp_path / "racy.txt", b"v1", mtime_ns=future_ns)
    cache = FingerprintCache()
    cache.digest(target)
    cache.digest(target)
    assert cache.stats == CacheStats(hits=0, misses=2)
    write(target, b"v1")  # the same key aside from a settled mtime
    cache.digest(target)
    cache.digest(target)
    assert cache.stats == CacheStats(hits=1, misses=3)


@pytest.mark.parametrize(
    ("mtime_ns", "started_ns", "window_ns", "trusted"),
    [
        (10_000_000_001, 10_030_000_000, 20_000_000, True),  # 30 ms old, fine timestamps
        (10_000_000_001, 10_010_000_000, 20_000_000, False),  # 10 ms old: same tick possible
        (10_000_000_001, 9_000_000_000, 20_000_000, False),  # modified after hashing started
        (10_000_000_000, 11_000_000_000, 20_000_000, False),  # whole seconds: a 2 s window
        (10_000_000_000, 12_000_000_001, 20_000_000, True),
        (10_000_000_001, 10_000_000_001, 0, True),  # a zero window trusts everything
    ],
)
def test_the_racy_rule(mtime_ns: int, started_ns: int, window_ns: int, trusted: bool) -> None:
    assert digest_trusted(mtime_ns, started_ns, window_ns) is trusted


def test_a_zero_window_trusts_every_digest(tmp_path: Path) -> None:
    target = tmp_path / "fresh.txt"
    target.write_bytes(b"now")
    cache = FingerprintCache(racy_window_ms=0)
    cache.digest(target)
    cache.digest(target)
    assert cache.stats == CacheStats(hits=1, misses=1)


def test_the_cache_persists_through_a_framed_file(tmp_path: Path) -> None:
    files = [write(tmp_path / f"{i}.txt", bytes([i]) * i) for i in range(5)]
    store = tmp_path / "cache" / "fingerprints.bin"  # its directory is created by save()
    first = FingerprintCache(store)
    expected = [first.digest(file) for file in files]
    first.save()
    second = FingerprintCache(store)
    assert second.path == store
    assert [second.digest(file) for file in files] == expected
    assert second.stats == CacheStats(hits=5, misses=0)
    write(files[0], b"changed", mtime_ns=PAST_NS + 5)
    second.digest(files[0])
    assert second.stats == CacheStats(hits=5, misses=1)


def test_save_skips_an_unchanged_cache_but_writes_a_missing_file(tmp_path: Path) -> None:
    store = tmp_path / "fingerprints.bin"
    cache = FingerprintCache(store)
    cache.save()
    assert store.exists()
    os.utime(store, ns=(1, 1))
    cache.save()
    assert store.stat().st_mtime_ns == 1
    cache.digest(write(tmp_path / "a", b"a"))
    cache.save()
    assert store.stat().st_mtime_ns != 1


@pytest.mark.parametrize(
    "content",
    [b"", b"garbage", b"DCFP\x00\x01" + b"\x00" * 40],
)
def test_a_corrupt_cache_file_starts_empty(tmp_path: Path, content: bytes) -> None:
    store = tmp_path / "fingerprints.bin"
    store.write_bytes(content)
    target = write(tmp_path / "a.txt", b"a")
    cache = FingerprintCache(store)
    assert len(cache) == 0
    assert cache.digest(target) == hash_bytes(b"a")
    cache.save()
    assert len(FingerprintCache(store)) == 1


@pytest.mark.parametrize(
    "table",
    [
        [1, 2],
        {"/a": [1, 2, 3, "x" * 64]},
        {"/a": [1, 2, 3, "short", True]},
        {"/a": [1, 2, "3", "x" * 64, True]},
        {1: [1, 2, 3, "x" * 64, True]},
    ],
)
def test_a_framed_file_of_the_wrong_shape_starts_empty(tmp_path: Path, table: object) -> None:
    store = tmp_path / "fingerprints.bin"
    write_framed(store, table, magic=b"DCFP", version=1)
    assert len(FingerprintCache(store)) == 0


@given(st.binary(max_size=300))
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=100)
def test_random_cache_files_never_break_the_cache(tmp_path: Path, content: bytes) -> None:
    store = tmp_path / "random.bin"
    store.write_bytes(content)
    target = write(tmp_path / "a.txt", b"a")
    assert FingerprintCache(store).digest(target) == hash_bytes(b"a")


def test_save_without_a_file_is_an_error() -> None:
    with pytest.raises(ValueError, match="memory"):
        FingerprintCache().save()


def test_forget_and_prune(tmp_path: Path) -> None:
    a = write(tmp_path / "a", b"a")
    b = write(tmp_path / "b", b"b")
    cache = FingerprintCache()
    cache.digest(a)
    cache.digest(b)
    cache.forget(a)
    assert a not in cache
    cache.digest(a)
    assert cache.stats.misses == 3
    b.unlink()
    assert cache.prune() == [b]
    assert b not in cache
    assert len(cache) == 1


def test_missing_file_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        FingerprintCache().digest(tmp_path / "missing")


def test_threads_share_one_cache(tmp_path: Path) -> None:
    files = [write(tmp_path / f"{i}", str(i).encode()) for i in range(30)]
    cache = FingerprintCache()
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for file in files:
                assert cache.digest(file) == hash_bytes(file.name.encode())
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    stats = cache.stats
    assert stats.hits + stats.misses == 180
    assert 30 <= stats.misses <= 180


@given(st.dictionaries(st.sampled_from("abcdefgh"), st.binary(max_size=64), min_size=1, max_size=8))
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=40)
def test_a_saved_cache_answers_every_file_without_reading_it(tmp_path: Path, files: dict[str, bytes]) -> None:
    directory = Path(tempfile.mkdtemp(dir=tmp_path))
    paths = {name: write(directory / name, content) for name, content in files.items()}
    first = FingerprintCache(directory / "cache.bin")
    expected = {name: first.digest(path) for name, path in paths.items()}
    first.save()
    second = FingerprintCache(directory / "cache.bin")
    assert {name: second.digest(path) for name, path in paths.items()} == expected
    assert second.stats == CacheStats(hits=len(files), misses=0)
    assert expected == {name: hash_bytes(content) for name, content in files.items()}


def test_stat_key_moves_with_every_kind_of_save_and_only_then(tmp_path: Path) -> None:
    target = write(tmp_path / "a.txt", b"one")
    key = stat_key(target)
    assert key == StatKey(target.stat().st_ino, 3, PAST_NS)
    assert stat_key(str(target)) == key, "unchanged file, same key"
    write(target, b"two!", mtime_ns=PAST_NS)
    assert stat_key(target) != key, "a rewrite in place changes the size"
    key = stat_key(target)
    write(tmp_path / "b.txt", b"tw0!", mtime_ns=PAST_NS)
    os.replace(tmp_path / "b.txt", target)
    assert stat_key(target) != key, "a replacement by rename changes the inode"
    key = stat_key(target)
    os.truncate(target, 0)
    assert stat_key(target) != key, "a truncation changes the size and mtime"
    link = tmp_path / "link"
    link.symlink_to(target.name)
    assert stat_key(link) == stat_key(target), "a symbolic link is followed"
    target.unlink()
    with pytest.raises(FileNotFoundError):
        stat_key(target)

"""phoenix-hotreload beside dynaconf and pydantic-settings, doing the same job in one run.

The job: a 250-leaf YAML config, reloaded on each save, validated (a range on every leaf),
then 10 subscribers told. Neither anchor watches files, so both get the same devcore.watch
watcher (close-write, same debounce) driving their reload; the latency compared is therefore
reload + validate + notify on top of one shared watcher.

Measured:
- write -> last subscriber notified, p50 / p99, for in-place, atomic-rename and ``..data`` swaps;
- torn reads: 8 reader threads doing multi-key reads while reloads happen;
- bad configs applied: syntax errors, out-of-range values and type errors fed to each;
- memory per stored version: a one-key change to a 200-leaf config;
- reloads for a burst of 1,000 writes paced over one second.

Before each latency row the start-up heap is frozen (``gc.freeze()``), for every tool alike.

Sizes from the environment: PHOENIX_BENCH_TRIALS (saves per write style, default 60),
PHOENIX_BENCH_READS (multi-key reads in the torn-read run, default 1,000,000),
PHOENIX_BENCH_RELOADS (phoenix's reloads during it, default 500), PHOENIX_BENCH_ANCHOR_RELOADS
(the anchors' reloads during it, default 100: a dynaconf reload under 8 busy readers takes
about a second), PHOENIX_BENCH_BURST (writes of the burst row, default 1,000). The table shows
the counts actually reached; a run cut by the hang guard (300 s per tool) says so.

    hatch run bench:python packages/phoenix-hotreload/benchmarks/run.py
"""

from __future__ import annotations

import contextlib
import gc
import os
import statistics
import sys
import tempfile
import threading
import time
import tracemalloc
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError, create_model

from devcore.watch import Watcher
from phoenix_hotreload import HotReloadManager

SECTIONS, KEYS = 25, 10
SUBSCRIBERS = 10
READERS = 8
DEBOUNCE_MS = 2
TRIALS = int(os.environ.get("PHOENIX_BENCH_TRIALS", 60))
READS = int(os.environ.get("PHOENIX_BENCH_READS", 1_000_000))
RELOADS = int(os.environ.get("PHOENIX_BENCH_RELOADS", 500))
ANCHOR_RELOADS = int(os.environ.get("PHOENIX_BENCH_ANCHOR_RELOADS", 100))
BURST = int(os.environ.get("PHOENIX_BENCH_BURST", 1_000))
TIMEOUT_S = 5.0
HANG_GUARD_S = 300.0
SWITCH_INTERVAL_S = 0.0005
"""During the torn-read run: 8 CPU-bound readers would otherwise hold the GIL for 5 ms turns
and starve the writer (each of its system calls waits for a turn)."""


def config_text(value: int, sections: int = SECTIONS, keys: int = KEYS) -> str:
    """Every leaf holds ``value`` (0..1000), so any mix of two versions is visible."""
    lines = []
    for s in range(sections):
        lines.append(f"s{s}:\n")
        lines.extend(f"  k{k}: {value}\n" for k in range(keys))
    return "".join(lines)


def make_model(sections: int = SECTIONS, keys: int = KEYS) -> type[BaseModel]:
    section = create_model("Section", **{f"k{k}": (int, Field(ge=0, le=1000)) for k in range(keys)})  # type: ignore[call-overload]
    model: type[BaseModel] = create_model("Config", **{f"s{s}": (section, ...) for s in range(sections)})  # type: ignore[call-overload]
    return model


Model = make_model()


# --------------------------------------------------------------------------- write styles
def write_in_place(directory: Path, text: str) -> None:
    with (directory / "app.yaml").open("w") as handle:
        handle.write(text)


def write_by_rename(directory: Path, text: str) -> None:
    temporary = directory / ".app.yaml.tmp"
    temporary.write_text(text)
    os.replace(temporary, directory / "app.yaml")


_swaps = iter(range(10**9))


def write_by_data_swap(directory: Path, text: str) -> None:
    fresh = directory / f"..{next(_swaps):09d}"
    fresh.mkdir()
    (fresh / "app.yaml").write_text(text)
    os.symlink(fresh.name, directory / "..data_tmp")
    os.replace(directory / "..data_tmp", directory / "..data")


def layout(style: str) -> Path:
    directory = Path(tempfile.mkdtemp(prefix=f"phoenix-bench-{style}-"))
    if style == "..data swap":
        first = directory / "..initial"
        first.mkdir()
        (first / "app.yaml").write_text(config_text(0))
        os.symlink("..initial", directory / "..data")
        os.symlink("..data/app.yaml", directory / "app.yaml")
    else:
        (directory / "app.yaml").write_text(config_text(0))
    return directory


STYLES: dict[str, Callable[[Path, str], None]] = {
    "in-place": write_in_place,
    "atomic rename": write_by_rename,
    "..data swap": write_by_data_swap,
}


# --------------------------------------------------------------------------- the three contestants
class Contestant(ABC):
    """One tool wired to reload, validate and notify 10 subscribers on each save."""

    name = ""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.path = directory / "app.yaml"
        self.notified: list[float] = []
        self.lock = threading.Lock()
        self.all_notified = threading.Event()

    def subscriber(self, _: object = None) -> None:
        with self.lock:
            self.notified.append(time.perf_counter())
            if len(self.notified) == SUBSCRIBERS:
                self.all_notified.set()

    def arm(self) -> None:
        with self.lock:
            self.notified.clear()
            self.all_notified.clear()

    @abstractmethod
    def start(self) -> None:
        """Begin watching and reloading."""

    @abstractmethod
    def stop(self) -> None:
        """Stop watching."""

    @abstractmethod
    def read_three(self) -> tuple[Any, Any, Any]:
        """Three keys read together, to count torn reads."""

    @abstractmethod
    def reload_from_file(self) -> bool:
        """Reload synchronously; True when the new content went live."""

    @abstractmethod
    def live_value(self) -> Any:
        """The value the tool serves now."""

    @abstractmethod
    def watched_reloads(self) -> int:
        """How many reloads the watcher triggered so far."""


class Phoenix(Contestant):
    name = "phoenix-hotreload"

    def start(self) -> None:
        self.manager = HotReloadManager([self.path], model=Model, debounce_ms=DEBOUNCE_MS, close_write=True)
        for index in range(SUBSCRIBERS):
            self.manager.subscribe(f"s{index}", self.subscriber)
        self.manager.start()

    def stop(self) -> None:
        self.manager.stop()

    def read_three(self) -> tuple[Any, Any, Any]:
        snapshot = self.manager.snapshot()
        return snapshot.get("s0.k0"), snapshot.get("s12.k5"), snapshot.get("s24.k9")

    def reload_from_file(self) -> bool:
        info = self.manager.reload()
        return info is not None and info.applied

    def live_value(self) -> Any:
        return self.manager.get("s0.k0")

    def watched_reloads(self) -> int:
        return sum(1 for info in self.manager.history() if info.trigger.startswith("watch"))


class WatchedAnchor(Contestant):
    """An anchor driven by the same devcore watcher phoenix uses."""

    reloads = 0

    def start(self) -> None:
        self.load()
        self.subscribers = [self.subscriber] * SUBSCRIBERS
        self.watcher = Watcher(
            [self.directory],
            callback=self.on_change,
            debounce_ms=DEBOUNCE_MS,
            close_write=True,
            recursive=False,
        )
        self.watcher.start()

    def stop(self) -> None:
        self.watcher.stop()

    def watched_reloads(self) -> int:
        return self.reloads

    def on_change(self, changes: object) -> None:
        self.reloads += 1
        with contextlib.suppress(Exception):
            if self.reload_from_file():
                for subscriber in self.subscribers:
                    subscriber()

    @abstractmethod
    def load(self) -> None:
        """Load the settings the way the anchor is used."""


class Dynaconf(WatchedAnchor):
    name = "dynaconf"

    def load(self) -> None:
        from dynaconf import Dynaconf as Settings
        from dynaconf import Validator

        validators = [
            Validator(f"s{s}.k{k}", gte=0, lte=1000, is_type_of=int)
            for s in range(SECTIONS)
            for k in range(KEYS)
        ]
        self.settings = Settings(settings_files=[str(self.path)], validators=validators)
        self.settings.validators.validate()

    def read_three(self) -> tuple[Any, Any, Any]:
        settings = self.settings
        try:
            return settings.s0.k0, settings.s12.k5, settings.s24.k9
        except (AttributeError, KeyError):
            return None, None, None

    def reload_from_file(self) -> bool:
        self.settings.reload()
        self.settings.validators.validate()
        return True

    def live_value(self) -> Any:
        try:
            return self.settings.s0.k0
        except (AttributeError, KeyError):
            return None


class PydanticSettings(WatchedAnchor):
    name = "pydantic-settings"

    def load(self) -> None:
        from pydantic_settings import (
            BaseSettings,
            PydanticBaseSettingsSource,
            SettingsConfigDict,
            YamlConfigSettingsSource,
        )

        fields = {f"s{s}": (Model.model_fields[f"s{s}"].annotation, ...) for s in range(SECTIONS)}
        path = self.path

        class Base(BaseSettings):
            model_config = SettingsConfigDict(yaml_file=path)

            @classmethod
            def settings_customise_sources(
                cls, settings_cls: type[BaseSettings], **sources: PydanticBaseSettingsSource
            ) -> tuple[PydanticBaseSettingsSource, ...]:
                return (YamlConfigSettingsSource(settings_cls),)

        self.settings_class = create_model("Settings", __base__=Base, **fields)  # type: ignore[call-overload]
        self.settings = self.settings_class()

    def read_three(self) -> tuple[Any, Any, Any]:
        # What a reader of a module-level settings object does: each access reads the reference.
        return self.settings.s0.k0, self.settings.s12.k5, self.settings.s24.k9

    def reload_from_file(self) -> bool:
        try:
            self.settings = self.settings_class()
        except (ValidationError, ValueError, OSError, Exception):
            return False
        return True

    def live_value(self) -> Any:
        return self.settings.s0.k0


CONTESTANTS: list[type[Contestant]] = [Phoenix, Dynaconf, PydanticSettings]


# --------------------------------------------------------------------------- measurements
def freeze_heap() -> None:
    """Move everything alive now out of the collector's reach (``gc.freeze()``), as
    latency-sensitive services do after start-up: otherwise a full collection of this
    process's heap (three libraries and their settings loaded) lands in a save now and then
    (measured: ~25 ms at a load average of 13) and sets the p99 of whichever tool it hits."""
    gc.collect()
    gc.freeze()


def latency(kind: type[Contestant], style: str) -> tuple[float, float, int]:
    """p50 and p99 of write -> last subscriber notified (ms), and the count of missed saves."""
    contestant = kind(layout(style))
    contestant.start()
    freeze_heap()
    samples: list[float] = []
    missed = 0
    time.sleep(0.2)
    try:
        for trial in range(1, TRIALS + 1):
            contestant.arm()
            started = time.perf_counter()
            STYLES[style](contestant.directory, config_text(trial % 1000))
            if contestant.all_notified.wait(TIMEOUT_S):
                samples.append((max(contestant.notified) - started) * 1000)
            else:
                missed += 1
            time.sleep(0.3)
    finally:
        contestant.stop()
    if not samples:
        return float("nan"), float("nan"), missed
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], missed


def torn_reads(kind: type[Contestant]) -> tuple[int, int, int, bool]:
    """(torn reads, total reads, reloads, cut by the hang guard) with 8 readers during reloads.

    The reads are spread over the reloads: a reader that is ahead of the writer (more than
    its share of reads per reload done) pauses, and the writer starts a reload only once
    every reader has done its share for the previous one. Without this pacing the 8
    CPU-bound readers starve the writer of the GIL (each of its system calls waits for a
    turn) and a run at full size takes many minutes, most of them reading one version.
    """
    directory = layout("in-place")
    contestant = kind(directory)
    contestant.start()
    contestant.stop()
    target_reloads = RELOADS if kind is Phoenix else ANCHOR_RELOADS
    per_reader = READS // READERS
    torn = [0] * READERS
    counts = [0] * READERS
    reloads = 0
    give_up = time.monotonic() + HANG_GUARD_S

    def allowance(done: int) -> int:
        return per_reader if done >= target_reloads else per_reader * (done + 1) // (target_reloads + 1)

    def reader(index: int) -> None:
        while counts[index] < per_reader and time.monotonic() < give_up:
            if counts[index] >= allowance(reloads):
                time.sleep(0.0002)
                continue
            a, b, c = contestant.read_three()
            if not (a == b == c) or a is None:
                torn[index] += 1
            counts[index] += 1

    threads = [threading.Thread(target=reader, args=(i,), daemon=True) for i in range(READERS)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    try:
        for thread in threads:
            thread.start()
        value = 0
        while reloads < target_reloads and time.monotonic() < give_up:
            share = per_reader * reloads // (target_reloads + 1)
            while min(counts) < share and time.monotonic() < give_up:
                time.sleep(0.0002)
            value = value % 1000 + 1
            write_by_rename(directory, config_text(value))
            with contextlib.suppress(Exception):
                contestant.reload_from_file()
            reloads += 1
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    return sum(torn), sum(counts), reloads, time.monotonic() >= give_up


def burst_reloads(kind: type[Contestant]) -> tuple[int, float, bool]:
    """(reloads, seconds the writing took, last content live) for BURST in-place writes paced
    over one second."""
    contestant = kind(layout("in-place"))
    contestant.start()
    time.sleep(0.2)
    last = 0
    try:
        started = time.perf_counter()
        for index in range(1, BURST + 1):
            last = index % 999 + 1
            write_in_place(contestant.directory, config_text(last))
            time.sleep(max(0.0, started + index / BURST - time.perf_counter()))
        writing_s = time.perf_counter() - started
        give_up = time.monotonic() + TIMEOUT_S
        while contestant.live_value() != last and time.monotonic() < give_up:
            time.sleep(0.01)
        time.sleep(1.2)  # a trailing reload comes within the longest coalescing window
        return contestant.watched_reloads(), writing_s, contestant.live_value() == last
    finally:
        contestant.stop()


BAD_CONFIGS = {
    "syntax error": "s0:\n  k0: [1, 2\n",
    "out of range": config_text(5).replace("k3: 5", "k3: 5000", 1),
    "type error": config_text(5).replace("k3: 5", "k3: lots", 1),
    "truncated": config_text(5)[: len(config_text(5)) // 2 - 3],
    "empty file": "",
}


def bad_configs_applied(kind: type[Contestant]) -> int:
    """How many of the bad configs became live (the live value or the file's view changed)."""
    applied = 0
    for text in BAD_CONFIGS.values():
        directory = layout("in-place")
        contestant = kind(directory)
        contestant.start()
        contestant.stop()
        before = contestant.live_value()
        write_by_rename(directory, text)
        with contextlib.suppress(Exception):
            contestant.reload_from_file()
        snapshot = [contestant.live_value(), *contestant.read_three()]
        if snapshot != [before] * 4 or _bad_value_live(contestant):
            applied += 1
    return applied


def _bad_value_live(contestant: Contestant) -> bool:
    if isinstance(contestant, Phoenix):
        return contestant.manager.get("s0.k3") not in (0,)
    if isinstance(contestant, Dynaconf):
        try:
            return contestant.settings.s0.k3 != 0
        except (AttributeError, KeyError):
            return True
    assert isinstance(contestant, PydanticSettings)
    return contestant.settings.s0.k3 != 0


def memory_per_version() -> dict[str, float]:
    """KiB per kept version for a one-key change to a 200-leaf config."""
    directory = Path(tempfile.mkdtemp(prefix="phoenix-bench-memory-"))
    path = directory / "app.yaml"
    path.write_text(config_text(1, 20, 10))
    small = make_model(20, 10)
    versions = 200
    manager = HotReloadManager([path], model=small, watch=False, max_versions=versions + 10).start()
    data = manager.snapshot().to_dict()
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    for index in range(versions):
        data[f"s{index % 20}"]["k3"] = index % 1000
        manager.apply(data)
    gc.collect()
    grown = sum(stat.size_diff for stat in tracemalloc.take_snapshot().compare_to(before, "filename"))
    tracemalloc.stop()
    results = {"phoenix-hotreload": grown / versions / 1024}

    import copy

    from dynaconf import Dynaconf as Settings

    settings = Settings(settings_files=[str(path)])
    results["dynaconf"] = _allocated(lambda: copy.deepcopy(settings.as_dict())) / 1024
    instance = small.model_validate(data)
    results["pydantic-settings"] = _allocated(lambda: small.model_validate(instance.model_dump())) / 1024
    return results


def _allocated(make: Callable[[], object]) -> int:
    gc.collect()
    tracemalloc.start()
    kept = [make() for _ in range(50)]
    size = tracemalloc.get_traced_memory()[0] // len(kept)
    tracemalloc.stop()
    return size


# --------------------------------------------------------------------------- report
def load_average() -> str:
    return "load average " + ", ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> int:
    began = time.perf_counter()
    print(
        f"phoenix-hotreload benchmark: {SECTIONS * KEYS}-leaf YAML, {SUBSCRIBERS} subscribers, {TRIALS} saves per style"
    )
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {load_average()}; the anchors get the same devcore watcher\n"
    )
    names = [kind.name for kind in CONTESTANTS]
    print(
        f"{'write -> last subscriber (ms)':32}"
        + "".join(f"{n:>30}" for n in names)
        + f"{'ratio dyn/phx':>15}{'ratio pyd/phx':>15}"
    )
    for style in STYLES:
        row = [latency(kind, style) for kind in CONTESTANTS]
        cells = "".join(
            f"{f'p50 {p50:.1f}  p99 {p99:.1f}' + (f' ({missed} missed)' if missed else ''):>30}"
            for p50, p99, missed in row
        )
        ratios = "".join(f"{row[i][0] / row[0][0]:>14.2f}x" for i in (1, 2))
        print(f"{style:32}{cells}{ratios}", flush=True)
    print(f"  ({time.perf_counter() - began:.0f} s so far, {load_average()})\n", flush=True)
    burst = [burst_reloads(kind) for kind in CONTESTANTS]
    print(
        f"{f'reloads for {BURST:,} writes in ~1 s':32}"
        + "".join(f"{f'{n} in {s:.2f} s' + ('' if live else ', last NOT live'):>30}" for n, s, live in burst)
    )
    print()
    print(f"{'torn multi-key reads':32}" + "".join(f"{n:>30}" for n in names))
    torn = [torn_reads(kind) for kind in CONTESTANTS]
    print(
        f"{'  torn / reads (reloads)':32}"
        + "".join(f"{f'{t:,} / {r:,} ({n}' + (', cut' if cut else '') + ')':>30}" for t, r, n, cut in torn)
    )
    print()
    print(
        f"{'bad configs applied (of ' + str(len(BAD_CONFIGS)) + ')':32}"
        + "".join(f"{bad_configs_applied(kind):>30}" for kind in CONTESTANTS)
    )
    memory = memory_per_version()
    print(f"{'KiB per kept version':32}" + "".join(f"{memory[n]:>30.2f}" for n in names))
    print("  (anchors keep no versions; their figure is what keeping one copy of the settings costs)")
    print(f"\ndone in {time.perf_counter() - began:.0f} s, {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

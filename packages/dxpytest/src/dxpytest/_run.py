"""A dxpytest session: collect through the index, select, run in warm workers, report."""

from __future__ import annotations

import contextlib
import math
import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import IO, TYPE_CHECKING, Any

from dxpytest._collection import Collection, collect, prepare
from dxpytest._discovery import nodeid_of, split_arguments
from dxpytest._errors import UsageError
from dxpytest._index import Item, Result
from dxpytest._report import EXIT_INTERRUPTED, EXIT_NO_TESTS, EXIT_OK, EXIT_USAGE, Reporter
from dxpytest._scheduler import WorkUnit
from dxpytest._select import (
    DEFAULT_DURATION_S,
    by_expressions,
    by_selectors,
    failed_first,
    last_failed,
    parse_shard,
    shard,
)

if TYPE_CHECKING:
    from dxpytest._pool import Pool

SERIAL_BELOW_S = 1.0


@dataclass
class Options:
    """Everything the command line can ask for."""

    args: list[str] = field(default_factory=list)
    keyword: str | None = None
    markexpr: str | None = None
    verbosity: int = 0
    maxfail: int = 0
    last_failed: bool = False
    failed_first: bool = False
    workers: str = "auto"
    collect_only: bool = False
    junitxml: str | None = None
    durations: int | None = None
    shard: str | None = None
    ci: bool = False
    verify_collection: bool = False
    pytest: bool = False
    json: bool = False
    overrides: list[str] = field(default_factory=list)
    plugins: list[str] = field(default_factory=list)
    warning_filters: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    deadline_s: float = 3600.0
    test_timeout_s: float | None = None
    server: bool = False


def decide_workers(requested: str, estimated_s: float, units: int, *, idle_cores: float | None = None) -> int:
    """Workers for a run: the number asked for, or for ``auto`` one when the suite is short
    (parallel start-up would cost more than it saves) or when the machine is saturated (the
    load average reaches the core count: extra workers would share the same CPU time, each
    paying pytest's start-up and its imports), else one per idle core (at least two, at most
    eight).

    Args:
        requested: ``-n``: a number or ``auto``.
        estimated_s: The selected tests' recorded cost in seconds.
        units: How many pieces the work can be cut into.
        idle_cores: Cores free now (default: the core count minus the 1-minute load average).
    """
    if requested != "auto":
        try:
            count = int(requested)
        except ValueError as error:
            raise UsageError(
                f"-n expects a number or 'auto', got {requested!r}", argument=requested
            ) from error
        return max(1, count)
    cores = os.cpu_count() or 1
    idle = idle_cores if idle_cores is not None else cores - _load_average()
    if estimated_s < SERIAL_BELOW_S or units < 2 or idle <= 0.0:
        return 1
    return max(2, min(math.ceil(idle), cores, units, 8))


def estimate_s(items: list[Item], results: Mapping[str, Result]) -> float:
    """What running `items` costs a worker, from the last run: each test's recorded cost (its
    share of the worker's time, pytest's per-test work and its file's collection included), or
    `DEFAULT_DURATION_S` for a test not run before."""
    return sum(
        result.duration_s if (result := results.get(item.nodeid)) is not None else DEFAULT_DURATION_S
        for item in items
    )


def _load_average() -> float:
    """The 1-minute load average (0 where the platform has none)."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return 0.0


def work_units(items: list[Item], rootdir: Path, durations: dict[str, float], workers: int) -> list[WorkUnit]:
    """One unit per file (module fixtures stay together); large files are cut at class
    boundaries when there are too few files to keep every worker busy."""
    units: list[WorkUnit] = []
    for item in items:
        file = item.nodeid.split("::")[0]
        cost = durations.get(item.nodeid, DEFAULT_DURATION_S)
        if units and units[-1].extra["file"] == file:
            units[-1].nodeids.append(item.nodeid)
            units[-1].cost_s += cost
        else:
            units.append(WorkUnit([str(rootdir / file)], [item.nodeid], cost, extra={"file": file}))
    if workers > 1 and len(units) < 2 * workers:
        units = [piece for unit in units for piece in _cut(unit, 2 * workers)]
    return units


def _cut(unit: WorkUnit, pieces: int) -> list[WorkUnit]:
    """Cut a file's unit into at most about `pieces` parts, never splitting a class."""
    size = max(1, len(unit.nodeids) // pieces)
    groups: list[list[str]] = []
    for nodeid in unit.nodeids:
        last = groups[-1] if groups else None
        same_class = last is not None and _group_key(last[-1]) == _group_key(nodeid) != ""
        if last is not None and (same_class or len(last) < size):
            last.append(nodeid)
        else:
            groups.append([nodeid])
    if len(groups) <= 1:
        return [unit]
    per = unit.cost_s / max(1, len(unit.nodeids))
    return [WorkUnit(unit.paths, group, per * len(group), extra=unit.extra) for group in groups]


def _group_key(nodeid: str) -> str:
    parts = nodeid.split("::")
    return parts[1] if len(parts) > 2 else ""


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM behaves like Ctrl-C for the duration of the session."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class Session:
    """One invocation of dxpytest.

    Args:
        options: The parsed command line.
        stream: Output stream.
        color: Rich colours and progress (a TTY and not ``--ci``/``--json``).
        pool: A worker pool already started (its zygote imports pytest while the session reads
            the configuration and the index); the session closes it.
    """

    def __init__(self, options: Options, stream: IO[str], *, color: bool, pool: Pool | None = None) -> None:
        self.options = options
        self.stream = stream
        self.invocation_dir = Path.cwd()
        self.reporter = Reporter(stream, color=color, quiet=options.json)
        self.pool = pool
        if pool is not None:
            pool.on_report = self._on_report
        self.collection: Collection | None = None

    def run(self) -> int:
        """Run the session and return pytest's exit code for it."""
        if self.options.pytest:
            return self._hand_to_pytest()
        interrupted = False
        try:
            with _terminate_as_interrupt():
                code = self._session()
        except KeyboardInterrupt:
            interrupted = True
            code = EXIT_INTERRUPTED
        except TimeoutError:
            interrupted = True
            code = EXIT_INTERRUPTED
        finally:
            if self.pool is not None:
                self.pool.close()
        if interrupted:
            self._finish(interrupted=True)
        return code

    def _spawn_pool(self) -> Pool:
        """Start the zygote now, so that it imports pytest while we read the index."""
        from dxpytest._pool import Pool
        from dxpytest._pytest_internals import check_pytest

        if self.pool is None:
            check_pytest()
            self.pool = Pool(
                workers=os.cpu_count() or 1,
                on_report=self._on_report,
                deadline_s=self.options.deadline_s,
                test_timeout_s=self.options.test_timeout_s,
                server=self.options.server,
            )
        return self.pool

    def _pool(self, workers: int) -> Pool:
        pool = self._spawn_pool()
        if not pool.configured:
            assert self.collection is not None
            pool.configure(
                pytest_args=self._pytest_args(),
                rootdir=self.collection.config.rootdir,
                imports=self.collection.index.warm,
            )
            pool.start(workers)
        return pool

    def _pytest_args(self) -> list[str]:
        args = [f"--override-ini={override}" for override in self.options.overrides]
        args += [f"-p{plugin}" for plugin in self.options.plugins]
        args += [f"-W{warning}" for warning in self.options.warning_filters]
        args += [f"--ignore={path}" for path in self.options.ignore]
        if self.options.maxfail:
            args.append(f"--maxfail={self.options.maxfail}")
        verbosity = self.options.verbosity
        args += ["-v"] * verbosity if verbosity > 0 else ["-q"] * -verbosity
        paths, _ = split_arguments(self.options.args, self.invocation_dir)
        return [*args, *(str(path) for path in paths)]

    def _on_report(self, event: str, payload: Any) -> None:
        self.reporter(event, payload)
        maxfail = self.options.maxfail
        if maxfail and self.reporter.failures >= maxfail and self.pool is not None and not self.pool.stopping:
            self.pool.stop()

    def _collector(self) -> Any:
        return self._pool(os.cpu_count() or 1).collect

    def _session(self) -> int:
        options = self.options
        self.collection = collection = prepare(
            options.args,
            self.invocation_dir,
            options.overrides,
            options.plugins,
            options.ignore,
            warning_filters=options.warning_filters,
        )
        collect(collection, self._collector)
        items = self._select(collection)
        if options.verify_collection:
            return self._verify(collection)
        if options.collect_only:
            return self._collect_only(collection, items)
        if collection.errors:
            for nodeid, message in collection.errors:
                self.reporter.report(
                    {
                        "nodeid": nodeid,
                        "when": "collect",
                        "outcome": "failed",
                        "category": "error",
                        "letter": "E",
                        "longrepr": message,
                    }
                )
            self._finish(interrupted=True)
            return EXIT_INTERRUPTED
        return self._run_items(collection, items)

    def _select(self, collection: Collection) -> list[Item]:
        options = self.options
        items = collection.items
        items = by_selectors(items, collection.selectors, self._plain_prefixes(collection))
        results = collection.index.results
        if options.last_failed:
            items = last_failed(items, results)
        if options.failed_first:
            items = failed_first(items, results)
        before = len(items)
        items = by_expressions(items, options.keyword, options.markexpr)
        if options.shard:
            index, total = parse_shard(options.shard)
            items = shard(items, index, total, results)
        self.reporter.deselected(before - len(items))
        self.deselected = before - len(items)
        return items

    def _plain_prefixes(self, collection: Collection) -> list[str]:
        paths, _ = split_arguments(self.options.args, self.invocation_dir)
        rootdir = collection.config.rootdir
        return [
            nodeid_of(p, rootdir)
            for p, a in zip(paths, self.options.args, strict=True)
            if not _is_selector(a)
        ]

    def _collect_only(self, collection: Collection, items: list[Item]) -> int:
        collection.index.save()
        if self.options.json:
            import json

            self.stream.write(
                json.dumps({"nodeids": [item.nodeid for item in items], "errors": collection.errors}) + "\n"
            )
        else:
            for item in items:
                self.stream.write(item.nodeid + "\n")
            for nodeid, message in collection.errors:
                self.stream.write(f"ERROR {nodeid}\n{message}\n")
            total = len(items) + self.deselected
            counted = (
                f"{len(items)}/{total} tests collected ({self.deselected} deselected)"
                if self.deselected
                else f"{len(items)} {'test' if len(items) == 1 else 'tests'} collected"
            )
            self.stream.write(f"\n{counted} in {self.reporter.elapsed_s():.2f}s\n")
        if collection.errors:
            return EXIT_INTERRUPTED
        return EXIT_OK if items else EXIT_NO_TESTS

    def _run_items(self, collection: Collection, items: list[Item]) -> int:
        from dxpytest._worker import collect_report

        for nodeid, reason in collection.skips:
            if by_selectors([Item(nodeid)], collection.selectors, self._plain_prefixes(collection)):
                self.reporter.report(collect_report(nodeid, reason, skipped=True))
        if not items:
            self._finish(interrupted=False)
            collection.index.save()
            return EXIT_NO_TESTS
        durations = {nodeid: r.duration_s for nodeid, r in collection.index.results.items()}
        estimated = estimate_s(items, collection.index.results)
        files = len({item.nodeid.split("::")[0] for item in items})
        workers = decide_workers(self.options.workers, estimated, max(files, len(items) // 50))
        units = work_units(items, collection.config.rootdir, durations, workers)
        self.reporter.begin(len(items))
        pool = self._pool(workers)
        pool.run(units, workers)
        if not pool.stopping:
            self._report_lost(items)
        self._record(collection, pool)
        return self._finish(interrupted=pool.timed_out)

    def _report_lost(self, items: list[Item]) -> None:
        """A selected test with no report at all is an error, never silently dropped."""
        for item in items:
            if item.nodeid not in self.reporter.cases:
                self.reporter.report(
                    {
                        "nodeid": item.nodeid,
                        "when": "collect",
                        "outcome": "failed",
                        "category": "error",
                        "letter": "E",
                        "longrepr": "dxpytest: this test was selected but no worker reported it",
                    }
                )

    def _forget_stale(self, collection: Collection) -> None:
        """Files whose promised node ids pytest did not find are re-collected next time."""
        rootdir = collection.config.rootdir
        for nodeid in self.reporter.stale:
            collection.index.distrust(rootdir / nodeid.split("::")[0])

    def _record(self, collection: Collection, pool: Pool) -> None:
        self._forget_stale(collection)
        for nodeid, outcome in self.reporter.outcomes.items():
            case = self.reporter.cases.get(nodeid)
            collection.index.record(nodeid, outcome, case.cost_s() if case else 0.0)
        if pool.modules:
            collection.index.remember_imports(sorted(pool.modules))
        collection.index.save()

    def _finish(self, *, interrupted: bool) -> int:
        reporter = self.reporter
        if self.options.durations is not None and not self.options.json:
            reporter.print_durations(self.options.durations)
        reporter.finish(interrupted=interrupted)
        code = reporter.exit_code(interrupted=interrupted)
        if self.options.junitxml:
            reporter.write_junit(self.options.junitxml)
        if self.options.json:
            self.stream.write(reporter.json_summary(code) + "\n")
        if interrupted and self.collection is not None:
            self._record_partial(self.collection)
        return code

    def _record_partial(self, collection: Collection) -> None:
        for nodeid, outcome in self.reporter.outcomes.items():
            case = self.reporter.cases.get(nodeid)
            collection.index.record(nodeid, outcome, case.cost_s() if case else 0.0)
        with contextlib.suppress(OSError):
            collection.index.save()

    def _verify(self, collection: Collection) -> int:
        ours = [item.nodeid for item in collection.items]
        theirs = pytest_collect_only(
            self.options.args, self.options.overrides, self.options.plugins, self.options.ignore
        )
        missing = [n for n in theirs if n not in set(ours)]
        extra = [n for n in ours if n not in set(theirs)]
        for nodeid in missing:
            self.stream.write(f"- {nodeid}  (pytest only)\n")
        for nodeid in extra:
            self.stream.write(f"+ {nodeid}  (dxpytest only)\n")
        same_order = not missing and not extra and ours == theirs
        if not missing and not extra and not same_order:
            self.stream.write("same node ids, different order\n")
        self.stream.write(
            f"verify-collection: {len(ours)} dxpytest, {len(theirs)} pytest, "
            f"{len(missing)} missing, {len(extra)} extra ({collection.exact_files} exact files, "
            f"{collection.dynamic_files} dynamic)\n"
        )
        return EXIT_OK if not missing and not extra else 1

    def _hand_to_pytest(self) -> int:
        options = self.options
        args = [sys.executable, "-m", "pytest", *options.args]
        for flag, value in (
            ("-k", options.keyword),
            ("-m", options.markexpr),
            ("--junitxml", options.junitxml),
        ):
            if value:
                args += [flag, value]
        if options.maxfail:
            args += ["--maxfail", str(options.maxfail)]
        if options.last_failed:
            args.append("--lf")
        if options.failed_first:
            args.append("--ff")
        if options.collect_only:
            args += ["--collect-only", "-q"]
        if options.durations is not None:
            args.append(f"--durations={options.durations}")
        verbosity = options.verbosity
        args += ["-v"] * verbosity if verbosity > 0 else ["-q"] * -verbosity
        args += [f"--override-ini={o}" for o in options.overrides]
        args += [f"-p{plugin}" for plugin in options.plugins]
        args += [f"-W{warning}" for warning in options.warning_filters]
        args += [f"--ignore={path}" for path in options.ignore]
        try:
            return subprocess.call(args)
        except KeyboardInterrupt:
            return EXIT_INTERRUPTED


def _is_selector(arg: str) -> bool:
    return "::" in arg or any(char in arg for char in "*?")


def pytest_collect_only(
    args: list[str], overrides: list[str], plugins: list[str], ignore: list[str]
) -> list[str]:
    """Node ids from ``pytest --collect-only -q`` (the reference for ``--verify-collection``)."""
    command = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args]
    command += [f"--override-ini={o}" for o in overrides]
    command += [f"-p{plugin}" for plugin in plugins]
    command += [f"--ignore={path}" for path in ignore]
    output = subprocess.run(command, capture_output=True, text=True, check=False).stdout
    nodeids = []
    for line in output.splitlines():
        if not line.strip():
            break
        nodeids.append(line.strip())
    return nodeids


def usage_error(message: str) -> int:
    """Print a usage error the way pytest does and return its exit code."""
    sys.stderr.write(f"ERROR: {message}\n")
    return EXIT_USAGE

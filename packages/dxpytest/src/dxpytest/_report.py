"""Results: counted by pytest's categories, shown like pytest's terminal, written as JUnit XML."""

from __future__ import annotations

import json
import re
import sys
import time
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dxpytest._pool import Crash

KNOWN_TYPES = (
    "failed",
    "passed",
    "skipped",
    "deselected",
    "xfailed",
    "xpassed",
    "warnings",
    "error",
    "subtests passed",
    "subtests failed",
    "subtests skipped",
)
EXIT_OK, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_INTERNAL, EXIT_USAGE, EXIT_NO_TESTS = 0, 1, 2, 3, 4, 5
FLUSH_EVERY_S = 0.1
_COLORS = {"failed": "red", "error": "red", "passed": "green", "xpassed": "yellow", "warnings": "yellow"}


def pluralize(count: int, noun: str) -> str:
    """pytest's plural rule: only "error", "warnings" and "test" change."""
    if noun not in ("error", "warnings", "test"):
        return f"{count} {noun}"
    noun = noun.replace("warnings", "warning")
    return f"{count} {noun}s" if count != 1 else f"{count} {noun}"


@dataclass
class _Case:
    nodeid: str
    duration_s: float = 0.0
    elapsed_s: float = 0.0
    kind: str = ""  # "", "failure", "error", "skipped"
    message: str = ""
    text: str = ""
    properties: list[list[str]] = field(default_factory=list)
    system_out: str = ""

    def cost_s(self) -> float:
        """What the test costs a worker: its wall time including pytest's per-test work (its
        phase durations when no wall time was reported)."""
        return max(self.duration_s, self.elapsed_s)


def mangle(nodeid: str) -> tuple[str, str]:
    """JUnit (classname, name) of a node id, as pytest's junitxml computes them."""
    path, bracket, params = nodeid.partition("[")
    names = path.split("::")
    names[0] = re.sub(r"\.py$", "", names[0].replace("/", "."))
    names[-1] += bracket + params
    return ".".join(names[:-1]), names[-1]


class Reporter:
    """Collects reports and prints progress and the summary.

    Args:
        stream: Where to write.
        color: Use rich colour and a live progress bar (a TTY).
        quiet: Print only the summary (``--json`` mode prints nothing but JSON).
    """

    def __init__(self, stream: IO[str] | None = None, *, color: bool = False, quiet: bool = False) -> None:
        self.stream = stream or sys.stdout
        self.color = color
        self.quiet = quiet
        self.stats: dict[str, list[dict[str, Any]]] = {}
        self.cases: dict[str, _Case] = {}
        self.durations: dict[str, float] = {}
        self.outcomes: dict[str, str] = {}
        self.started = time.perf_counter()
        self.total = 0
        self.done = 0
        self.column = 0
        self.notes: list[str] = []
        self.failures = 0
        self._progress: Any = None
        self._seen_warnings: set[tuple[str, str]] = set()
        self.stale: set[str] = set()  # node ids the index promised but pytest did not collect
        self._task: Any = None
        self._flushed_at = 0.0

    # ------------------------------------------------------------ events

    def begin(self, total: int) -> None:
        """Start the run display for `total` tests."""
        self.total = total
        self.started = time.perf_counter()
        if self.color and not self.quiet:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._progress = Progress(
                TextColumn("[bold]dxpytest"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task("tests", total=total)

    def __call__(self, event: str, payload: Any) -> None:
        if event == "report":
            self.report(payload)
        elif event == "warning":
            self.warning(payload)
        elif event == "crash":
            self.crash(payload)
        elif event == "note":
            self.note(str(payload))

    def warning(self, body: dict[str, Any]) -> None:
        """Count a warning; one raised at import time counts once, however many workers saw it."""
        key = (str(body.get("nodeid", "")), str(body.get("message", "")))
        if not key[0]:
            if key in self._seen_warnings:
                return
            self._seen_warnings.add(key)
        self.stats.setdefault("warnings", []).append(body)

    def note(self, text: str) -> None:
        """Print a line about the session (not a test result)."""
        self.notes.append(text)
        if not self.quiet:
            self._newline()
            self._print(f"dxpytest: {text}")

    def report(self, body: dict[str, Any]) -> None:
        """Count one phase report."""
        category = str(body.get("category", ""))
        nodeid = str(body.get("nodeid", ""))
        if body.get("missing"):
            self.stale.add(nodeid)
        when = body.get("when")
        if category:
            self.stats.setdefault(category, []).append(body)
        if category in ("failed", "error"):
            self.failures += 1
        case = self.cases.get(nodeid)
        if case is None:
            case = self.cases[nodeid] = _Case(nodeid)
        case.duration_s += float(body.get("duration", 0.0))
        case.elapsed_s += float(body.get("elapsed", 0.0))
        case.properties.extend(body.get("properties", []))
        self._junit(case, body, category)
        self._remember(nodeid, category, when)
        if when in ("teardown", "collect"):
            self.done += 1
            if self._progress is not None:
                self._progress.update(self._task, completed=self.done)
        letter = str(body.get("letter", ""))
        if letter and not self.quiet and self._progress is None:
            self._letter(letter)

    def crash(self, crash: Crash) -> None:
        """A worker died; report its test as failed when this was its last chance."""
        where = crash.nodeid or "collection"
        if not crash.final:
            self.note(f"{crash.describe()} while running {where}; running it again once in a fresh worker")
            return
        text = f"{crash.describe()} (worker {crash.worker}, pid {crash.pid}) while running {where}"
        if crash.stack.strip():
            text += f"\n{crash.stack.rstrip()}"
        if crash.nodeid is None:
            self.note(text)
            return
        self.report(
            {
                "nodeid": crash.nodeid,
                "when": "teardown",
                "outcome": "failed",
                "category": "failed",
                "letter": "F",
                "word": "CRASHED",
                "longrepr": text,
                "duration": 0.0,
                "location": None,
                "properties": [],
            }
        )

    def deselected(self, count: int) -> None:
        """Record how many tests selection left out."""
        if count:
            self.stats["deselected"] = [{} for _ in range(count)]

    # ------------------------------------------------------------ bookkeeping

    def _remember(self, nodeid: str, category: str, when: Any) -> None:
        if category in ("failed", "error"):
            self.outcomes[nodeid] = "failed"
        elif (when in ("call", "setup") and category and nodeid not in self.outcomes) or (
            when == "call" and category and self.outcomes.get(nodeid) != "failed"
        ):
            self.outcomes[nodeid] = category

    def _junit(self, case: _Case, body: dict[str, Any], category: str) -> None:
        outcome = body.get("outcome")
        if outcome == "passed":
            return
        longrepr = str(body.get("longrepr", ""))
        when = body.get("when")
        if outcome == "failed" and not case.kind.startswith("error"):
            if when == "call" or body.get("word") == "CRASHED":
                case.kind, case.message = "failure", _first_line(longrepr)
            else:
                case.kind = "error"
                case.message = (
                    f'failed on {when} with "{_first_line(longrepr)}"'
                    if when != "collect"
                    else "collection failure"
                )
            case.text = longrepr
        elif outcome == "skipped" and not case.kind:
            if category == "xfailed":
                case.kind, case.message = "skipped", f"xfail: {body.get('wasxfail') or ''}".rstrip(": ")
                case.kind = "skipped-xfail"
            else:
                case.kind = "skipped"
                case.message = _skip_reason(longrepr)
            case.text = longrepr

    # ------------------------------------------------------------ output

    def _print(self, text: str, style: str | None = None) -> None:
        if self.color and style:
            from rich.console import Console

            Console(file=self.stream, highlight=False).print(text, style=style, markup=False)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def _letter(self, letter: str) -> None:
        """One progress letter; the stream is flushed at most every `FLUSH_EVERY_S`."""
        self.stream.write(letter)
        self.column += 1
        if self.column >= 80:
            self._newline()
        now = time.perf_counter()
        if now - self._flushed_at >= FLUSH_EVERY_S:
            self._flushed_at = now
            self.stream.flush()

    def _newline(self) -> None:
        if self.column:
            self.stream.write("\n")
            self.column = 0

    def _rule(self, title: str, char: str = "=", style: str | None = None) -> None:
        text = f" {title} " if title else ""
        width = 80
        left = max(1, (width - len(text)) // 2)
        right = max(1, width - len(text) - left)
        self._print(f"{char * left}{text}{char * right}", style)

    def summary_parts(self) -> list[tuple[str, str]]:
        """(text, key) parts of the final line, in pytest's order."""
        keys = list(KNOWN_TYPES) + [k for k in self.stats if k and k not in KNOWN_TYPES]
        return [(pluralize(len(self.stats[key]), key), key) for key in keys if self.stats.get(key)]

    def counts(self) -> dict[str, int]:
        """Number of reports per category."""
        return {key: len(value) for key, value in self.stats.items() if key}

    def elapsed_s(self) -> float:
        """Seconds since `begin`."""
        return time.perf_counter() - self.started

    def finish(self, *, interrupted: bool = False) -> None:
        """Print failures, the short summary and the final line."""
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
        if self.quiet:
            return
        self._newline()
        for title, key in (("ERRORS", "error"), ("FAILURES", "failed")):
            reports = [r for r in self.stats.get(key, []) if r.get("longrepr")]
            if reports:
                self._rule(title)
                for report in reports:
                    self._rule(_headline(report), "_", "red")
                    self._print(str(report.get("longrepr", "")))
                    for section, content in report.get("sections", []):
                        self._rule(str(section), "-")
                        self._print(str(content).rstrip())
        lines = self._short_summary()
        if lines:
            self._rule("short test summary info")
            for line in lines:
                self._print(line)
        if interrupted:
            self._rule("!!! Interrupted !!!", "!", "red")
        parts = [text for text, _ in self.summary_parts()] or ["no tests ran"]
        color = "red" if self.stats.get("failed") or self.stats.get("error") else "green"
        if not (self.stats.get("failed") or self.stats.get("error")) and (
            self.stats.get("xpassed") or self.stats.get("warnings")
        ):
            color = "yellow"
        self._rule(f"{', '.join(parts)} in {self.elapsed_s():.2f}s", "=", color)

    def _short_summary(self) -> list[str]:
        lines = []
        for key, word in (("error", "ERROR"), ("failed", "FAILED")):
            for report in self.stats.get(key, []):
                message = _first_line(str(report.get("longrepr", "")))
                nodeid = report.get("nodeid", "")
                when = report.get("when")
                suffix = f" - {message}" if message else ""
                if key == "error" and when not in ("collect", None):
                    lines.append(f"{word} {nodeid} - failed on {when}{suffix[2:] and ': ' + message}")
                else:
                    lines.append(f"{word} {nodeid}{suffix}")
        return lines

    def print_durations(self, count: int) -> None:
        """``--durations N``: the slowest phases (N=0: all)."""
        phases = sorted(((case.duration_s, case.nodeid) for case in self.cases.values()), reverse=True)
        if count > 0:
            phases = phases[:count]
        self._newline()
        self._rule(f"slowest {count} durations" if count else "slowest durations")
        for duration, nodeid in phases:
            self._print(f"{duration:.2f}s {nodeid}")

    def write_junit(self, path: str, *, suite_name: str = "pytest") -> None:
        """Write JUnit XML with pytest's testcase names and classnames."""
        from xml.sax.saxutils import escape, quoteattr

        from devcore.files import atomic_write

        counts = {"errors": 0, "failures": 0, "skipped": 0}
        body = []
        for case in self.cases.values():
            classname, name = mangle(case.nodeid)
            inner = ""
            if case.properties:
                props = "".join(
                    f"<property name={quoteattr(k)} value={quoteattr(v)} />" for k, v in case.properties
                )
                inner += f"<properties>{props}</properties>"
            if case.kind == "failure":
                counts["failures"] += 1
                inner += f"<failure message={quoteattr(case.message)}>{escape(case.text)}</failure>"
            elif case.kind == "error":
                counts["errors"] += 1
                inner += f"<error message={quoteattr(case.message)}>{escape(case.text)}</error>"
            elif case.kind == "skipped":
                counts["skipped"] += 1
                inner += f'<skipped type="pytest.skip" message={quoteattr(case.message)}>{escape(case.text)}</skipped>'
            elif case.kind == "skipped-xfail":
                counts["skipped"] += 1
                inner += f'<skipped type="pytest.xfail" message={quoteattr(case.message)} />'
            body.append(
                f'<testcase classname={quoteattr(classname)} name={quoteattr(name)} time="{case.duration_s:.3f}">{inner}</testcase>'
            )
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime())
        suite = (
            f'<testsuite name={quoteattr(suite_name)} errors="{counts["errors"]}" failures="{counts["failures"]}" '
            f'skipped="{counts["skipped"]}" tests="{len(self.cases)}" time="{self.elapsed_s():.3f}" '
            f'timestamp="{stamp}">{"".join(body)}</testsuite>'
        )
        atomic_write(
            path,
            f'<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests">{suite}</testsuites>',
        )

    def json_summary(self, exit_code: int) -> str:
        """The machine-readable outcome for ``--json``."""
        return json.dumps(
            {
                "exit_code": exit_code,
                "counts": self.counts(),
                "duration_s": round(self.elapsed_s(), 3),
                "failed": [r.get("nodeid") for r in self.stats.get("failed", [])],
                "errors": [r.get("nodeid") for r in self.stats.get("error", [])],
                "notes": self.notes,
            },
            sort_keys=True,
        )

    def exit_code(self, *, interrupted: bool) -> int:
        """pytest's exit code for what was seen."""
        if interrupted:
            return EXIT_INTERRUPTED
        if self.stats.get("failed") or self.stats.get("error"):
            return EXIT_FAILED
        if not self.cases:
            return EXIT_NO_TESTS
        return EXIT_OK


def _first_line(text: str) -> str:
    for line in reversed(text.strip().splitlines()):
        if line.startswith("E   "):
            return line[4:].strip()
    lines = text.strip().splitlines()
    return lines[-1].strip() if lines else ""


def _skip_reason(longrepr: str) -> str:
    _, _, reason = longrepr.rpartition(": ")
    return reason or longrepr


def _headline(report: dict[str, Any]) -> str:
    location = report.get("location")
    if location and len(location) == 3 and location[2]:
        return str(location[2])
    return str(report.get("nodeid", ""))

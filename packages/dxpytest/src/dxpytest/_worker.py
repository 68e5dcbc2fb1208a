"""A worker: one ``pytest.main`` whose collection and run loop are driven by the controller.

The worker is forked from the zygote, so ``import pytest`` and the plugins are already paid
for. Its pytest session collects nothing up front; on ``RUN`` it collects just the files of the
node ids it is given and runs those items through pytest's own ``pytest_runtest_protocol``
(fixtures, conftests, hooks, assertion rewriting, plugins). Test events (start, phase reports,
warnings) are appended to the worker's event log; the socket carries only the conversation.
"""

from __future__ import annotations

import os
import socket
import sys
import time
from typing import TYPE_CHECKING, Any

from dxpytest._protocol import Channel, EventWriter, Kind
from dxpytest._pytest_internals import (
    collection_warnings,
    ignored_by_hooks,
    keep_collection_nodes,
    keyword_names,
    quiet_terminal,
)

if TYPE_CHECKING:
    import pytest


def _longrepr(report: Any) -> str:
    if report.longrepr is None:
        return ""
    if isinstance(report.longrepr, tuple):
        path, line, message = report.longrepr
        return f"{path}:{line}: {message}"
    return str(report.longreprtext)


def serialize_report(report: Any, config: Any) -> dict[str, Any]:
    """The fields of a test or collection report that the controller needs (empty ones left
    out: most reports are of passing phases, and the worker writes one per phase)."""
    category, letter, word = config.hook.pytest_report_teststatus(report=report, config=config)
    outcome = report.outcome
    body: dict[str, Any] = {
        "nodeid": report.nodeid,
        "when": getattr(report, "when", "collect"),
        "outcome": outcome,
    }
    if category and getattr(report, "count_towards_summary", True):
        body["category"] = category
    if letter:
        body["letter"] = letter
    if text := str(word[0] if isinstance(word, tuple) else word):
        body["word"] = text
    if outcome != "passed" and (longrepr := _longrepr(report)):
        body["longrepr"] = longrepr
    if duration := float(getattr(report, "duration", 0.0)):
        body["duration"] = duration
    if hasattr(report, "wasxfail") and (wasxfail := str(report.wasxfail)):
        body["wasxfail"] = wasxfail
    if outcome == "failed" and report.sections:
        body["sections"] = [[title, text] for title, text in report.sections]
    if location := getattr(report, "location", None):
        body["location"] = list(location)
    if properties := getattr(report, "user_properties", None):
        body["properties"] = [[str(key), str(value)] for key, value in properties]
    return body


def describe_item(item: Any) -> list[Any]:
    """[node id, mark names, -k names] of a collected item."""
    return [item.nodeid, [mark.name for mark in item.iter_markers()], keyword_names(item)]


class WorkerPlugin:
    """The pytest plugin that turns a pytest session into a worker."""

    def __init__(self, channel: Channel, events: EventWriter, worker_id: int, worker_count: int) -> None:
        self.channel = channel
        self.events = events
        self.since = time.perf_counter()  # the end of the last test's reports, or the last batch's arrival
        self.worker_id = worker_id
        self.worker_count = worker_count
        self.collect_errors: list[list[str]] = []
        self.collect_skips: list[list[str]] = []
        self.stopping = False
        self.known: dict[str, dict[str, Any]] = {}  # path → node id → item, from earlier batches

    def pytest_configure(self, config: pytest.Config) -> None:
        self.config = config
        config.workerinput = {  # type: ignore[attr-defined]
            "workerid": f"gw{self.worker_id}",
            "workercount": self.worker_count,
            "testrunuid": os.environ.get("DXPYTEST_RUN_ID", "dxpytest"),
        }

    def pytest_collection(self, session: pytest.Session) -> bool:
        return True

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collect_errors.append([report.nodeid, _longrepr(report)])
        elif report.skipped:
            self.collect_skips.append([report.nodeid, _longrepr(report)])

    def pytest_runtest_logstart(self, nodeid: str, location: Any) -> None:
        self.events.write(Kind.START, {"nodeid": nodeid}, flush=True)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        body = serialize_report(report, self.config)
        if report.when == "teardown":
            # What the test cost this worker: everything since the previous test's teardown
            # report (or its batch's arrival): pytest's per-test hooks and reports, collecting
            # its file when it is the first of it, and its phases.
            now = time.perf_counter()
            body["elapsed"] = now - self.since
            self.since = now
        self.events.write(Kind.REPORT, body)

    def pytest_warning_recorded(self, warning_message: Any, when: str, nodeid: str, location: Any) -> None:
        self.events.write(Kind.WARNING, {"nodeid": nodeid, "message": str(warning_message.message)})

    def pytest_runtestloop(self, session: pytest.Session) -> bool:
        keep_collection_nodes(session)
        quiet_terminal(session.config)
        pending: list[Any] = []
        finished = False
        while True:
            if len(pending) <= 1 and not finished:
                finished = self._fetch(session, pending)
            if not pending or self.stopping:
                break
            item = pending.pop(0)
            nextitem = pending[0] if pending else None
            item.config.hook.pytest_runtest_protocol(item=item, nextitem=nextitem)
            if session.shouldfail or session.shouldstop or self._stop_requested():
                break
        self._send(Kind.BYE, {"modules": third_party_modules(str(session.config.rootpath))})
        return True

    def _send(self, kind: Kind, body: dict[str, Any]) -> None:
        """A message on the socket, after every event logged before it."""
        self.events.flush()
        self.channel.send(kind, body)

    def _stop_requested(self) -> bool:
        message = self.channel.receive(block=False)
        if message is not None and message[0] == Kind.STOP:
            self.stopping = True
        return self.stopping

    def _fetch(self, session: pytest.Session, pending: list[Any]) -> bool:
        """Ask for work until some arrives; True when the controller has no more."""
        while True:
            self._send(Kind.WANT, {})
            message = self.channel.receive()
            assert message is not None
            kind, body = message
            if kind == Kind.STOP:
                return True
            if kind == Kind.COLLECT:
                self._collect(session, body)
            elif kind == Kind.RUN:
                self.since = time.perf_counter()
                pending.extend(self._items(session, body))
                if pending:
                    return False

    def _collect_paths(self, session: pytest.Session, paths: list[str]) -> list[Any]:
        import pytest

        self.collect_errors = []
        self.collect_skips = []
        try:
            with collection_warnings(session):
                return list(session.perform_collect(paths))
        except pytest.UsageError as error:
            self.collect_errors.append([paths[0] if paths else "", str(error)])
            return []

    def _collect(self, session: pytest.Session, body: dict[str, Any]) -> None:
        """Collect each path, unless pytest's ignore hooks ignore it (asked when the body names
        ``ignore_from``); with ``verdict_only``, only ask (the controller has the items)."""
        units = []
        ignore_from = body.get("ignore_from")
        for path in body.get("paths", []):
            unit = {
                "path": path,
                "items": [],
                "errors": [],
                "skips": [],
                "ignored": False,
                "collected": False,
            }
            verdict = None if ignore_from is None else ignored_by_hooks(session, str(path), str(ignore_from))
            if verdict:
                unit["ignored"] = True
            elif verdict is None or not body.get("verdict_only"):
                items = self._collect_paths(session, [str(path)])
                unit["items"] = [describe_item(item) for item in items]
                unit.update(errors=self.collect_errors, skips=self.collect_skips, collected=True)
            units.append(unit)
        self._send(Kind.COLLECTED, {"units": units})

    def _items(self, session: pytest.Session, body: dict[str, Any]) -> list[Any]:
        paths = [str(path) for path in body.get("paths", [])]
        if paths and all(path in self.known for path in paths):
            by_id = {nodeid: item for path in paths for nodeid, item in self.known[path].items()}
            return self._choose(by_id, body)
        collected = self._collect_paths(session, paths)
        if not self.collect_errors and not self.collect_skips and len(paths) == 1:
            self.known[paths[0]] = {item.nodeid: item for item in collected}
        for nodeid, message in self.collect_errors:
            self.events.write(Kind.REPORT, collect_report(nodeid, message, skipped=False))
        for nodeid, message in self.collect_skips:
            self.events.write(Kind.REPORT, collect_report(nodeid, message, skipped=True))
        return self._choose({item.nodeid: item for item in collected}, body)

    def _choose(self, by_id: dict[str, Any], body: dict[str, Any]) -> list[Any]:
        """The requested items in the requested order; a missing one is reported, not dropped."""
        chosen = []
        for nodeid in body.get("nodeids", []):
            item = by_id.get(nodeid)
            if item is None:
                self.events.write(Kind.REPORT, _missing(nodeid))
            else:
                chosen.append(item)
        return chosen


def third_party_modules(rootdir: str) -> list[str]:
    """Top-level modules loaded in this process that live outside the project."""
    names = []
    for name, module in list(sys.modules.items()):
        if "." in name or name.startswith("_") or name == "__main__":
            continue
        location = getattr(module, "__file__", None)
        if location and not location.startswith(rootdir + os.sep):
            names.append(name)
    return sorted(names)


def collect_report(nodeid: str, message: str, *, skipped: bool) -> dict[str, Any]:
    """A report of a collection error or of a module skipped at import."""
    return {
        "nodeid": nodeid,
        "when": "collect",
        "outcome": "skipped" if skipped else "failed",
        "category": "skipped" if skipped else "error",
        "letter": "s" if skipped else "E",
        "word": "SKIPPED" if skipped else "ERROR",
        "longrepr": message,
        "duration": 0.0,
        "wasxfail": None,
        "sections": [],
        "location": None,
        "properties": [],
    }


def _missing(nodeid: str) -> dict[str, Any]:
    return {
        "nodeid": nodeid,
        "when": "collect",
        "outcome": "failed",
        "category": "error",
        "letter": "E",
        "word": "ERROR",
        "longrepr": f"dxpytest: {nodeid} was not found when pytest collected its file (stale index?)",
        "duration": 0.0,
        "wasxfail": None,
        "sections": [],
        "location": None,
        "properties": [],
        "missing": True,
    }


def run_worker(
    sock: socket.socket, events_fd: int, worker_id: int, worker_count: int, pytest_args: list[str]
) -> int:
    """Run one worker over `sock` (events appended to `events_fd`) until the controller stops
    it; returns pytest's exit code."""
    import pytest

    channel = Channel(sock)
    channel.send(Kind.HELLO, {"worker": worker_id, "pid": os.getpid()})
    os.environ["PYTEST_XDIST_WORKER"] = f"gw{worker_id}"
    os.environ["PYTEST_XDIST_WORKER_COUNT"] = str(worker_count)
    plugin = WorkerPlugin(channel, EventWriter(events_fd), worker_id, worker_count)
    args = [*pytest_args, "-W", "ignore::pytest.PytestAssertRewriteWarning"]
    code = pytest.main(args, plugins=[plugin])
    sys.stdout.flush()
    return int(code)

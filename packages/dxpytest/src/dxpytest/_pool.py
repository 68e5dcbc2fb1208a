"""The controller side of the worker pool: the zygote, the workers, and the event loop.

One selector loop reads every worker socket and the zygote's pipe, and every few tens of
milliseconds (and before any message of that worker) each worker's event log. A malformed frame or an
unexpected end of a worker's stream is a crash of that worker: its running test is reported as
crashed (exit code or signal, and the faulthandler stack it left), its other work goes back to
the queues, a replacement is forked, and a test that crashed twice is not tried again. A hard
deadline bounds the whole session; a hung test beyond ``test_timeout_s`` gets its worker killed.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import socket
import tempfile
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dxpytest._errors import ProtocolError, WorkerError
from dxpytest._protocol import EVENT_KINDS, Decoder, EventReader, Kind, encode
from dxpytest._scheduler import Scheduler, WorkUnit

MAX_ATTEMPTS = 2
MAX_STARTUP_FAILURES = 3
EXIT_WAIT_S = 5.0
STEP_S = 0.05


@dataclass
class Crash:
    """What is known about a worker that died while running `nodeid`."""

    nodeid: str | None
    worker: int
    pid: int
    code: int | None
    stack: str
    final: bool

    def describe(self) -> str:
        """A one-line cause: the signal or the exit code."""
        if self.code is None:
            return "worker connection lost"
        if self.code < 0:
            try:
                name = signal.Signals(-self.code).name
            except ValueError:
                name = f"signal {-self.code}"
            return f"worker killed by {name}"
        return f"worker exited with code {self.code}"


@dataclass
class _Worker:
    id: int
    sock: socket.socket
    decoder: Decoder = field(default_factory=Decoder)
    events: EventReader | None = None
    pid: int = 0
    current: str | None = None
    started_at: float = 0.0
    units: list[WorkUnit] = field(default_factory=list)
    done: set[str] = field(default_factory=set)
    collecting: str | None = None
    waiting: bool = False
    finished: bool = False
    stop_sent: bool = False


class Pool:
    """A zygote and its forked workers.

    The zygote process starts at once (it imports pytest and the plugins while the controller
    reads the configuration and the index); `configure` then tells it what to warm and how
    workers call pytest, and `start` forks the workers.

    Args:
        workers: How many workers to run at once.
        on_report: Called with each report dict, each start and each crash.
        deadline_s: Hard limit for the whole session (seconds from now).
        test_timeout_s: Kill a worker whose test runs longer than this (None: never).
        server: Fork the workers from the project's fork server (started if needed) instead of
            a zygote of our own.
    """

    def __init__(
        self,
        *,
        workers: int,
        on_report: Callable[[str, Any], None],
        deadline_s: float,
        test_timeout_s: float | None = None,
        server: bool = False,
    ) -> None:
        self.size = max(1, workers)
        self.on_report = on_report
        self.deadline = time.monotonic() + deadline_s
        self.test_timeout_s = test_timeout_s
        self._tmp = tempfile.TemporaryDirectory(prefix="dxpytest-")
        self.crash_dir = Path(self._tmp.name)
        self.socket_path = str(self.crash_dir / "pool.sock")
        self.selector = selectors.DefaultSelector()
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(self.socket_path)
        self.listener.listen(64)
        self.listener.setblocking(False)
        self.selector.register(self.listener, selectors.EVENT_READ, "accept")
        self.workers: dict[int, _Worker] = {}
        self.pids: dict[int, int] = {}  # pid -> worker id, for every worker the zygote forked
        self.connected: set[int] = set()  # worker ids that said HELLO
        self.startup_failures = 0
        self.exit_codes: dict[int, int] = {}
        self.next_id = 0
        self.crash_counts: dict[str, int] = {}
        self.zygote_decoder = Decoder()
        self.scheduler = Scheduler([], self.size)
        self.collect_queue: list[str] = []
        self.collect_options: dict[str, dict[str, Any]] = {}
        self.collected: dict[str, dict[str, Any]] = {}
        self.collect_pending = 0
        self.phase = "idle"
        self.modules: set[str] = set()
        self.stopping = False
        self.timed_out = False
        self.configured = False
        self._start_zygote(server=server)

    # ------------------------------------------------------------ zygote

    def _start_zygote(self, *, server: bool) -> None:
        from dxpytest._zygote_link import open_zygote

        self.zygote = open_zygote(self.crash_dir / "zygote.log", server=server)
        self.selector.register(self.zygote.fileno(), selectors.EVENT_READ, "zygote")
        self.ready = False

    def configure(self, *, pytest_args: list[str], rootdir: Path, imports: list[str]) -> None:
        """Tell the zygote what to import and how its workers run pytest.

        Args:
            pytest_args: Arguments for each worker's ``pytest.main`` (paths, ``-p``, ``-o``...).
            rootdir: The project's rootdir (its modules are never pre-imported).
            imports: Third-party modules the zygote imports before forking.
        """
        settings = {
            "imports": imports,
            "rootdir": str(rootdir),
            "socket": self.socket_path,
            "crash_dir": str(self.crash_dir),
            "workers": self.size,
            # Node ids are relative to the controller's rootdir; pytest in a worker would otherwise
            # derive its own from the working directory and the paths, and could disagree.
            "pytest_args": ["--rootdir", str(rootdir), *pytest_args],
        }
        self._to_zygote(Kind.INIT, settings)
        self.configured = True

    def _to_zygote(self, kind: Kind, body: dict[str, Any]) -> None:
        try:
            self.zygote.send(kind, body)
        except OSError as error:
            raise WorkerError(f"the zygote is gone: {self.zygote.tail()}") from error

    def _fork(self) -> None:
        worker_id = self.next_id
        self.next_id += 1
        self.scheduler.add_worker(worker_id)
        self._to_zygote(Kind.FORK, {"worker": worker_id})

    def _read_zygote(self) -> None:
        data = self.zygote.read()
        if data is None:
            return
        if not data:
            raise WorkerError(f"the zygote exited: {self.zygote.tail()}")
        for kind, body in self.zygote_decoder.feed(data):
            if kind == Kind.READY:
                self.ready = True
            elif kind == Kind.FORKED:
                self.pids[int(body["pid"])] = int(body["worker"])
            elif kind == Kind.EXITED:
                pid = int(body["pid"])
                self.exit_codes[pid] = int(body["code"])
                self._exited(pid)

    def _exited(self, pid: int) -> None:
        """A worker that dies before it said HELLO is a start-up failure: retry a few times."""
        worker_id = self.pids.get(pid)
        if worker_id is None or worker_id in self.connected or self.stopping or self.phase == "done":
            return
        self.startup_failures += 1
        log = self._crash_log(pid)
        if self.startup_failures > MAX_STARTUP_FAILURES:
            raise WorkerError(f"workers die at start-up (exit code {self.exit_codes[pid]}):\n{log}")
        self.on_report(
            "note", f"a worker died while starting (exit code {self.exit_codes[pid]}); starting another"
        )
        self.scheduler.remove_worker(worker_id)
        self._fork()

    # ------------------------------------------------------------ public phases

    def start(self, workers: int | None = None) -> None:
        """Fork `workers` workers (default: the pool's size; returns at once, they connect in
        the loop); after `configure`."""
        assert self.configured, "Pool.configure() first"
        self.size = max(1, workers or self.size)
        for _ in range(self.size):
            self._fork()

    def collect(
        self, paths: list[str], options: dict[str, dict[str, Any]] | None = None
    ) -> dict[str, dict[str, Any]]:
        """Have pytest collect `paths` (files or directories) in the workers.

        `options` adds, per path, the fields of its COLLECT message besides ``paths`` (see
        `dxpytest._protocol.Kind.COLLECT`).

        Returns:
            Per path: {"items": [[nodeid, marks, names]...], "errors": [[nodeid, text]...]}.
        """
        self.collect_options = dict(options or {})
        self.collect_queue = list(paths)
        self.collect_pending = len(paths)
        self.phase = "collect"
        self._serve_waiting()
        while self.collect_pending > 0 and not self.stopping:
            self._step()
        self.phase = "idle"
        return self.collected

    def run(self, units: list[WorkUnit], workers: int) -> None:
        """Run the units on at most `workers` workers until done (or `stop`, the deadline, Ctrl-C)."""
        while len(self.workers) < min(self.size, workers) and not self.stopping:
            self._step()
        keep = sorted(self.workers)[: max(1, workers)]
        for worker_id in sorted(self.workers)[max(1, workers) :]:
            self._stop_worker(self.workers[worker_id])
        self.size = max(1, workers)
        self.scheduler = Scheduler(units, len(keep))
        self.scheduler.queues = {
            worker_id: self.scheduler.queues.get(i, deque()) for i, worker_id in enumerate(keep)
        }
        self.phase = "run"
        self._serve_waiting()
        while not self._run_finished():
            self._step()
        self.phase = "done"

    def stop(self) -> None:
        """Stop handing out work and ask the workers to finish their current test."""
        self.stopping = True
        self.scheduler.clear()
        for worker in self.workers.values():
            self._stop_worker(worker)

    def close(self) -> None:
        """Kill the workers (through the zygote or the fork server) and remove the temporary files."""
        self.zygote.close()
        for worker in self.workers.values():
            with contextlib.suppress(OSError):
                worker.sock.close()
            if worker.events is not None:
                worker.events.close()
        self.selector.close()
        self.listener.close()
        self._tmp.cleanup()

    # ------------------------------------------------------------ loop

    def _run_finished(self) -> bool:
        """Done when no worker holds work and, the queues being empty, every worker has said BYE
        (with the third-party modules it imported, which the zygote imports next time)."""
        busy = any(worker.units and not worker.finished for worker in self.workers.values())
        if self.stopping:
            return not busy
        if busy or self.scheduler.remaining() or self._collecting():
            return False
        return all(worker.finished for worker in self.workers.values())

    def _collecting(self) -> bool:
        return self.collect_pending > 0

    def _step(self, timeout_s: float = STEP_S) -> None:
        now = time.monotonic()
        if now > self.deadline:
            self.timed_out = True
            self.on_report("note", "hard deadline reached: stopping the session")
            self.stop()
            for worker in list(self.workers.values()):
                self._kill(worker)
            raise TimeoutError("session deadline")
        for key, _ in self.selector.select(timeout=timeout_s):
            if key.data == "accept":
                self._accept()
            elif key.data == "zygote":
                self._read_zygote()
            else:
                self._read_worker(key.data)
        for worker in list(self.workers.values()):
            self._drain(worker)
        self._check_timeouts()

    def _drain(self, worker: _Worker) -> bool:
        """Handle the events `worker` logged so far; False when its log was malformed (the
        worker is then killed and lost)."""
        if worker.events is None:
            return True
        try:
            for kind, body in worker.events.read():
                self._event(worker, kind, body)
        except (ProtocolError, AttributeError, KeyError, TypeError, ValueError) as error:
            self.on_report("note", f"worker {worker.id}: {error}; stopping it")
            worker.events.close()
            worker.events = None
            self._kill(worker)
            self._lost(worker)
            return False
        return True

    def _accept(self) -> None:
        while True:
            try:
                sock, _ = self.listener.accept()
            except BlockingIOError:
                return
            sock.setblocking(False)
            worker = _Worker(id=-1, sock=sock)
            self.selector.register(sock, selectors.EVENT_READ, worker)

    def _read_worker(self, worker: _Worker) -> None:
        try:
            data = worker.sock.recv(1 << 16)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self._lost(worker)
            return
        if not self._drain(worker):
            return
        try:
            for kind, body in worker.decoder.feed(data):
                self._handle(worker, kind, body)
        except (ProtocolError, AttributeError, KeyError, TypeError, ValueError) as error:
            if worker.id >= 0:
                self.on_report("note", f"worker {worker.id}: {error}; closing its connection")
                self._kill(worker)
            self._lost(worker)

    def _hello(self, worker: _Worker, body: dict[str, Any]) -> bool:
        """Accept a connection only from a worker the zygote forked, once."""
        worker_id, pid = body.get("worker"), body.get("pid")
        if not isinstance(worker_id, int) or not isinstance(pid, int) or self.pids.get(pid) != worker_id:
            return False
        if worker_id in self.connected:
            return False
        try:
            worker.events = EventReader(str(self.crash_dir / f"worker-{pid}.events"))
        except OSError:
            return False
        worker.id, worker.pid = worker_id, pid
        self.connected.add(worker_id)
        self.workers[worker_id] = worker
        if self.stopping:
            self._stop_worker(worker)
        return True

    def _handle(self, worker: _Worker, kind: Kind, body: dict[str, Any]) -> None:
        if worker.id < 0:
            if kind != Kind.HELLO or not self._hello(worker, body):
                raise ProtocolError(f"{kind.name} from a connection that is not a known worker")
        elif kind == Kind.HELLO:
            raise ProtocolError("second HELLO")
        elif kind in EVENT_KINDS:
            raise ProtocolError(f"{kind.name} belongs in the event log")
        elif kind == Kind.COLLECTED:
            worker.collecting = None
            for unit in body.get("units", []):
                self.collected[str(unit.get("path"))] = unit
                self.collect_pending -= 1
        elif kind == Kind.WANT:
            worker.waiting = True
            self._serve(worker)
        elif kind == Kind.BYE:
            worker.finished = True
            if not self.stopping:
                self._requeue_unfinished(worker, None)
            worker.units.clear()
            self.modules.update(str(name) for name in body.get("modules", []))

    def _event(self, worker: _Worker, kind: Kind, body: dict[str, Any]) -> None:
        if kind == Kind.START:
            worker.current = str(body.get("nodeid", ""))
            worker.started_at = time.monotonic()
            self.on_report("start", worker.current)
        elif kind == Kind.REPORT:
            self._report(worker, body)
        else:
            self.on_report("warning", body)

    def _report(self, worker: _Worker, body: dict[str, Any]) -> None:
        nodeid = str(body.get("nodeid", ""))
        when = body.get("when")
        if when == "teardown" or when == "collect":
            worker.done.add(nodeid)
            if worker.current == nodeid:
                worker.current = None
        if when == "collect" and body.get("outcome") in ("failed", "skipped") and not body.get("missing"):
            prefix = nodeid.split("::")[0]
            for unit in worker.units:
                worker.done.update(n for n in unit.nodeids if n.split("::")[0] == prefix)
        self.on_report("report", body)

    def _serve_waiting(self) -> None:
        for worker in list(self.workers.values()):
            if worker.waiting:
                self._serve(worker)

    def _serve(self, worker: _Worker) -> None:
        if worker.stop_sent:
            return
        if self.stopping:
            self._stop_worker(worker)
            return
        if self.phase == "collect":
            if self.collect_queue:
                worker.collecting = self.collect_queue.pop(0)
                extra = self.collect_options.get(worker.collecting, {})
                self._send(worker, Kind.COLLECT, {**extra, "paths": [worker.collecting]})
            return
        if self.phase != "run":
            return
        worker.units = [unit for unit in worker.units if not set(unit.nodeids) <= worker.done]
        unit = self.scheduler.next_for(worker.id)
        if unit is None:  # no more work: the worker finishes what it holds and says BYE
            self._stop_worker(worker)
            return
        worker.units.append(unit)
        self._send(worker, Kind.RUN, {"paths": unit.paths, "nodeids": unit.nodeids})

    def _send(self, worker: _Worker, kind: Kind, body: dict[str, Any]) -> None:
        worker.waiting = False
        try:
            worker.sock.setblocking(True)
            worker.sock.sendall(encode(kind, body))
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                worker.sock.setblocking(False)

    def _stop_worker(self, worker: _Worker) -> None:
        if not worker.stop_sent:
            worker.stop_sent = True
            self._send(worker, Kind.STOP, {})

    def _kill(self, worker: _Worker) -> None:
        if worker.pid:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(worker.pid, signal.SIGKILL)

    def _check_timeouts(self) -> None:
        if self.test_timeout_s is None:
            return
        now = time.monotonic()
        for worker in list(self.workers.values()):
            if worker.current and now - worker.started_at > self.test_timeout_s:
                self.on_report(
                    "note", f"{worker.current} exceeded {self.test_timeout_s:g} s: killing its worker"
                )
                self._kill(worker)
                worker.started_at = now

    # ------------------------------------------------------------ crashes

    def _exit_code(self, pid: int) -> int | None:
        limit = time.monotonic() + EXIT_WAIT_S
        while pid not in self.exit_codes and time.monotonic() < limit:
            ready = self.selector.select(timeout=0.05)
            if any(key.data == "zygote" for key, _ in ready):
                self._read_zygote()
        return self.exit_codes.get(pid)

    def _lost(self, worker: _Worker) -> None:
        with contextlib.suppress(KeyError, ValueError):
            self.selector.unregister(worker.sock)
        worker.sock.close()
        if worker.id < 0 or worker.id not in self.workers:
            return
        if worker.events is not None:
            if not self._drain(worker):
                return  # a malformed log: `_drain` has already handled the loss
            worker.events.close()
        self.workers.pop(worker.id, None)
        if worker.finished and not worker.units:
            return
        code = self._exit_code(worker.pid) if worker.pid else None
        stack = self._crash_log(worker.pid)
        crashed = worker.current
        self._requeue_unfinished(worker, crashed)
        if crashed is not None:
            attempts = self.crash_counts.get(crashed, 0) + 1
            self.crash_counts[crashed] = attempts
            final = attempts >= MAX_ATTEMPTS
            self.on_report("crash", Crash(crashed, worker.id, worker.pid, code, stack, final))
            if not final:
                unit = next((u for u in worker.units if crashed in u.nodeids), None)
                paths = unit.paths if unit else [crashed.split("::")[0]]
                self.scheduler.requeue(WorkUnit(paths, [crashed], attempt=attempts))
        if worker.collecting is not None:
            crash = Crash(None, worker.id, worker.pid, code, stack, True)
            message = f"{crash.describe()} while collecting {worker.collecting}\n{stack}"
            self.collected[worker.collecting] = {
                "path": worker.collecting,
                "items": [],
                "errors": [[worker.collecting, message]],
            }
            self.collect_pending -= 1
        if not self.stopping and self.phase != "done" and (self.phase != "run" or self.scheduler.remaining()):
            self._fork()
        self.scheduler.remove_worker(worker.id)

    def _requeue_unfinished(self, worker: _Worker, crashed: str | None) -> None:
        for unit in worker.units:
            rest = [n for n in unit.nodeids if n not in worker.done and n != crashed]
            if rest:
                self.scheduler.requeue(WorkUnit(unit.paths, rest, unit.cost_s, unit.attempt))

    def _crash_log(self, pid: int) -> str:
        path = self.crash_dir / f"worker-{pid}.log"
        try:
            return path.read_text(encoding="utf-8", errors="replace")[-8000:]
        except OSError:
            return ""

"""The zygote: a process that imports pytest, the plugins and third-party dependencies once,
then forks warm workers on request (``python -P -m dxpytest._zygote``).

It talks to the controller over its stdin/stdout with framed messages (INIT → READY, FORK →
FORKED, and EXITED whenever a worker ends, with its exit code or minus the signal number).
Workers set PR_SET_PDEATHSIG so that they never outlive the zygote, and the zygote does the same
towards the controller.
"""

from __future__ import annotations

import contextlib
import faulthandler
import gc
import os
import select
import signal
import socket
import sys
import threading
from pathlib import Path
from typing import Any

from dxpytest._protocol import Decoder, Kind, encode

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when its parent dies (no-op elsewhere)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def load_plugins() -> None:
    """Import the installed pytest plugins (entry points ``pytest11``), as pytest would."""
    if os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD"):
        return
    from importlib.metadata import entry_points

    for entry_point in entry_points(group="pytest11"):
        with contextlib.suppress(Exception):
            entry_point.load()


def warm(imports: list[str], rootdir: str) -> int:
    """Import third-party modules the tests use (never the project's own); count successes."""
    import importlib
    import importlib.util

    count = 0
    for name in imports:
        if name in sys.modules:
            continue
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        origin = getattr(spec, "origin", None) if spec else None
        if not origin or origin in ("built-in", "frozen") or origin.startswith(rootdir + os.sep):
            continue
        try:
            importlib.import_module(name)
        except BaseException:  # a module failing at import is the test's business, not ours
            continue
        count += 1
        if threading.active_count() > 1:  # forking with threads is unsafe: stop warming here
            break
    return count


def _send(kind: Kind, body: dict[str, Any]) -> None:
    os.write(1, encode(kind, body))


def fork_worker(
    worker_id: int,
    settings: dict[str, Any],
    *,
    close_fds: tuple[int, ...] = (),
    cwd: str | None = None,
    env: dict[str, str] | None = None,
    umask: int | None = None,
) -> int:
    """Fork a worker that connects to the controller's socket in `settings`; returns its pid.

    Args:
        worker_id: The id the controller gave it.
        settings: The controller's INIT body (socket, crash_dir, workers, pytest_args).
        close_fds: Descriptors of the parent the worker must not keep (a server's sockets).
        cwd: Working directory to enter first (a fork server's controller's).
        env: The environment to run with (a fork server's controller's).
        umask: The file mode creation mask to run with (a fork server's controller's).
    """
    # The worker's garbage collections then skip everything pytest, the plugins and the warmed
    # modules allocated here (15% of a worker's time on trivial tests), and leave those pages shared.
    gc.freeze()
    pid = os.fork()
    if pid:
        return pid
    code = 70
    try:
        for fd in close_fds:
            with contextlib.suppress(OSError):
                os.close(fd)
        die_with_parent()
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        if cwd is not None:
            os.chdir(cwd)
        if env is not None:
            os.environ.clear()
            os.environ.update(env)
        if umask is not None:
            os.umask(umask)
        code = _worker_main(worker_id, settings)
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        sys.stderr.flush()
        os._exit(code)


def _worker_main(worker_id: int, settings: dict[str, Any]) -> int:
    """In the forked child: stdio, faulthandler and the event log, then the worker itself."""
    crash = open(Path(settings["crash_dir"]) / f"worker-{os.getpid()}.log", "w")  # noqa: SIM115
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    os.dup2(crash.fileno(), 2)
    faulthandler.enable(file=crash, all_threads=True)
    from dxpytest._worker import run_worker

    events = os.open(
        Path(settings["crash_dir"]) / f"worker-{os.getpid()}.events",
        os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC,
        0o600,
    )
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(settings["socket"])
    return run_worker(sock, events, worker_id, int(settings["workers"]), list(settings["pytest_args"]))


def _reap() -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        _send(Kind.EXITED, {"pid": pid, "code": code})


def main() -> None:
    """Serve the controller until it closes our stdin."""
    die_with_parent()
    import pytest  # noqa: F401  (the point of the zygote: paid while the controller reads the index)

    load_plugins()
    decoder = Decoder()
    settings: dict[str, Any] = {}
    while True:
        ready, _, _ = select.select([0], [], [], 0.05)
        _reap()
        if not ready:
            continue
        data = os.read(0, 65536)
        if not data:
            break
        for kind, body in decoder.feed(data):
            if kind == Kind.INIT:
                settings = body
                imported = warm(list(body.get("imports", [])), str(body.get("rootdir", "")))
                _send(Kind.READY, {"pid": os.getpid(), "imported": imported})
            elif kind == Kind.FORK:
                pid = fork_worker(int(body["worker"]), settings)
                _send(Kind.FORKED, {"worker": body["worker"], "pid": pid})
    os._exit(0)


if __name__ == "__main__":
    main()

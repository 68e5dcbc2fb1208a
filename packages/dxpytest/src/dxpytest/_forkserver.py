"""The fork server: a zygote that outlives one invocation (``python -P -m dxpytest._forkserver
SOCKET IDLE_S``).

It binds its Unix socket first (so the controller that started it can connect at once), then
imports pytest and the plugins, like the per-run zygote, and serves any number of controllers,
each on its own connection: ATTACH (the controller's working directory and environment) →
ATTACHED, or STALE when a file it imported changed; then the zygote conversation (INIT → READY,
FORK → FORKED, EXITED). Workers are forked into the controller's directory and environment.
When a controller's connection closes, its workers are killed. With no controller for
`IDLE_S` seconds the server removes its socket and exits; a stale server does the same once its
last controller leaves. Workers die with the server (``PR_SET_PDEATHSIG``).
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import socket
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from dxpytest._errors import ProtocolError
from dxpytest._protocol import Decoder, Kind, encode
from dxpytest._zygote import fork_worker, load_plugins, warm

REAP_EVERY_S = 0.05
IDLE_POLL_S = 1.0


def _stat_key(path: str) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size


class Imports:
    """What this process imported, as (mtime_ns, size) of every module file, every ``sys.path``
    directory and the ``.pth`` files in them: when any of these changes, a fresh process could
    import something else, so the server must not fork from this one any more."""

    def __init__(self) -> None:
        self.stats: dict[str, tuple[int, int] | None] = {}
        self.update()

    def update(self) -> None:
        """Record the files of modules imported since the last call (and the path entries)."""
        for entry in sys.path:
            if entry and entry not in self.stats and os.path.isdir(entry):
                self.stats[entry] = _stat_key(entry)
                with contextlib.suppress(OSError):
                    for name in os.listdir(entry):
                        if name.endswith(".pth"):
                            pth = os.path.join(entry, name)
                            self.stats[pth] = _stat_key(pth)
        for module in list(sys.modules.values()):
            path = getattr(module, "__file__", None)
            if isinstance(path, str) and path not in self.stats:
                self.stats[path] = _stat_key(path)

    def changed(self) -> str | None:
        """The first recorded file whose stat differs now, or None."""
        for path, key in self.stats.items():
            if _stat_key(path) != key:
                return path
        return None


@dataclass
class _Session:
    """One controller's connection."""

    conn: socket.socket
    decoder: Decoder = field(default_factory=Decoder)
    cwd: str | None = None
    env: dict[str, str] | None = None
    umask: int | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    pids: set[int] = field(default_factory=set)


class Server:
    """The serving loop (see the module docstring)."""

    def __init__(self, listener: socket.socket, path: str, idle_s: float) -> None:
        self.listener = listener
        self.path = path
        self.inode = os.stat(path).st_ino
        self.idle_s = idle_s
        self.sessions: dict[int, _Session] = {}
        self.owners: dict[int, _Session] = {}  # worker pid → its controller's session
        self.imports = Imports()
        self.stale: str | None = None
        self.idle_since = time.monotonic()

    def serve(self) -> None:
        """Serve until idle for `idle_s`, or stale and left by every controller."""
        while True:
            self._reap()
            idle = not self.sessions and not self.owners
            if idle and (self.stale is not None or time.monotonic() - self.idle_since > self.idle_s):
                break
            timeout = REAP_EVERY_S if self.owners else IDLE_POLL_S
            waited: list[socket.socket | int] = [self.listener, *self.sessions]
            readable, _, _ = select.select(waited, [], [], timeout)
            for item in readable:
                if item is self.listener:
                    self._accept()
                elif item in self.sessions:
                    self._read(self.sessions[item])

    def retire(self) -> None:
        """Give up the socket name and stop listening."""
        self._unlink_name()
        self.listener.close()

    def _unlink_name(self) -> None:
        """Remove the socket file if it is still ours (a newer server may have taken the name)."""
        with contextlib.suppress(OSError):
            if os.stat(self.path).st_ino == self.inode:
                os.unlink(self.path)

    def _accept(self) -> None:
        try:
            conn, _ = self.listener.accept()
        except OSError:
            return
        self.sessions[conn.fileno()] = _Session(conn)

    def _read(self, session: _Session) -> None:
        try:
            data = session.conn.recv(1 << 16)
            messages = session.decoder.feed(data) if data else None
        except (OSError, ProtocolError):
            messages = None
        if messages is None:
            self._close(session)
            return
        for kind, body in messages:
            try:
                self._handle(session, kind, body)
            except (OSError, KeyError, TypeError, ValueError):
                self._close(session)
                return

    def _handle(self, session: _Session, kind: Kind, body: dict[str, Any]) -> None:
        if kind == Kind.ATTACH:
            session.cwd = str(body["cwd"])
            session.env = {str(key): str(value) for key, value in dict(body["env"]).items()}
            session.umask = int(body.get("umask", 0o022))
            if body.get("check", True) and self.stale is None:
                self.stale = self.imports.changed()
                if self.stale is not None:
                    self._unlink_name()  # found by no new controller; finishes with those it has
            if self.stale is not None:
                self._send(session, Kind.STALE, {"reason": f"{self.stale} changed"})
            else:
                self._send(session, Kind.ATTACHED, {"pid": os.getpid()})
        elif kind == Kind.INIT:
            session.settings = body
            imported = warm(list(body.get("imports", [])), str(body.get("rootdir", "")))
            self.imports.update()
            self._send(session, Kind.READY, {"pid": os.getpid(), "imported": imported})
        elif kind == Kind.FORK and session.cwd is not None:
            pid = fork_worker(
                int(body["worker"]),
                session.settings,
                close_fds=(self.listener.fileno(), *self.sessions),
                cwd=session.cwd,
                env=session.env,
                umask=session.umask,
            )
            session.pids.add(pid)
            self.owners[pid] = session
            self._send(session, Kind.FORKED, {"worker": body["worker"], "pid": pid})
        else:
            raise ValueError(f"unexpected {kind.name}")

    def _send(self, session: _Session, kind: Kind, body: dict[str, Any]) -> None:
        session.conn.sendall(encode(kind, body))

    def _close(self, session: _Session) -> None:
        """The controller left: its workers go with it."""
        for pid in session.pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        self.sessions.pop(session.conn.fileno(), None)
        session.conn.close()
        if not self.sessions:
            self.idle_since = time.monotonic()

    def _reap(self) -> None:
        while self.owners:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                self.owners.clear()
                return
            if pid == 0:
                return
            session = self.owners.pop(pid, None)
            if session is None or session.conn.fileno() not in self.sessions:
                continue
            session.pids.discard(pid)
            code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
            with contextlib.suppress(OSError):
                self._send(session, Kind.EXITED, {"pid": pid, "code": code})


def bind(path: str) -> socket.socket:
    """Listen on `path` (replacing a dead server's socket file)."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    os.chmod(path, 0o600)
    listener.listen(64)
    return listener


def main(argv: list[str]) -> None:
    """Bind, leave the starter (which waits for us) and tell it on stdout that the socket is
    there, then warm up and serve."""
    path, idle_s = argv[0], float(argv[1])
    listener = bind(path)
    if os.fork():
        os._exit(0)
    os.write(1, b"bound\n")
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 1)
    os.close(devnull)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    import pytest  # noqa: F401  (the point of the server: paid once per project, not per run)

    load_plugins()
    server = Server(listener, path, idle_s)
    try:
        server.serve()
    finally:
        server.retire()
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1:])

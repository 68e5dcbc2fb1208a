"""How the controller reaches a zygote: a child process of its own, or the project's fork server.

Both speak the same frames (`dxpytest._protocol`); the pool reads whichever it has through
`fileno`/`read` and writes through `send`. The fork server (`dxpytest._forkserver`) is found by a
key over what a server's imports depend on: the interpreter, dxpytest's own files, the working
directory and the environment (but for variables of the shell such as ``PWD``). What the server
imported since is checked by the server itself when a controller attaches.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import socket
import stat
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from dxpytest.__about__ import __version__
from dxpytest._errors import ProtocolError, WorkerError
from dxpytest._protocol import Decoder, Kind, encode

IDLE_S = 600.0
START_WAIT_S = 30.0
ATTACH_WAIT_S = 60.0
ATTEMPTS = 3
SHELL_VARIABLES = frozenset({"PWD", "OLDPWD", "SHLVL", "_", "COLUMNS", "LINES"})


def server_wanted(flag: bool) -> bool:
    """Use the fork server unless ``--no-server`` or ``$DXPYTEST_NO_SERVER`` turn it off, or the
    platform has no ``fork`` or Unix sockets."""
    disabled = os.environ.get("DXPYTEST_NO_SERVER", "") not in ("", "0")
    return flag and not disabled and hasattr(os, "fork") and hasattr(socket, "AF_UNIX")


def idle_s() -> float:
    """How long an unused server lives (``$DXPYTEST_SERVER_IDLE_S``, default 600 s)."""
    try:
        return float(os.environ.get("DXPYTEST_SERVER_IDLE_S", IDLE_S))
    except ValueError:
        return IDLE_S


class LocalZygote:
    """A zygote of this controller's own (``python -P -m dxpytest._zygote``), in its own
    process group, logging to `log_path`."""

    def __init__(self, log_path: Path) -> None:
        self.log = open(log_path, "w+b")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-P", "-m", "dxpytest._zygote"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            start_new_session=True,
        )
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.stdin, self.stdout = self.process.stdin, self.process.stdout
        os.set_blocking(self.stdout.fileno(), False)

    def fileno(self) -> int:
        """The descriptor to wait on for the zygote's messages."""
        return self.stdout.fileno()

    def send(self, kind: Kind, body: dict[str, object]) -> None:
        """One message to the zygote (OSError when it is gone)."""
        self.stdin.write(encode(kind, body))
        self.stdin.flush()

    def read(self) -> bytes | None:
        """What the zygote sent (b"" when it is gone, None when nothing is there)."""
        try:
            return os.read(self.stdout.fileno(), 65536)
        except BlockingIOError:
            return None

    def tail(self) -> str:
        """The end of the zygote's stderr."""
        self.log.seek(0)
        return self.log.read()[-2000:].decode("utf-8", "replace")

    def close(self) -> None:
        """Kill the zygote's process group (the workers with it)."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(Exception):
            self.process.wait(timeout=5)
        for stream in (self.stdin, self.stdout):
            with contextlib.suppress(OSError):
                stream.close()
        self.log.close()


class ServerZygote:
    """A connection to the project's fork server; closing it kills this controller's workers."""

    def __init__(self, sock: socket.socket, log_path: Path) -> None:
        self.sock = sock
        self.log_path = log_path
        sock.setblocking(False)

    def fileno(self) -> int:
        """The descriptor to wait on for the server's messages."""
        return self.sock.fileno()

    def send(self, kind: Kind, body: dict[str, object]) -> None:
        """One message to the server (OSError when it is gone)."""
        self.sock.setblocking(True)
        try:
            self.sock.sendall(encode(kind, body))
        finally:
            self.sock.setblocking(False)

    def read(self) -> bytes | None:
        """What the server sent (b"" when it is gone, None when nothing is there)."""
        try:
            return self.sock.recv(65536)
        except BlockingIOError:
            return None
        except OSError:
            return b""

    def tail(self) -> str:
        """The end of the server's log."""
        try:
            return self.log_path.read_bytes()[-2000:].decode("utf-8", "replace")
        except OSError:
            return ""

    def close(self) -> None:
        """Leave the server, which kills the workers it forked for us at once."""
        self.sock.close()


def open_zygote(log_path: Path, *, server: bool) -> LocalZygote | ServerZygote:
    """The project's fork server when `server` (and it can be reached or started), else a zygote
    of our own."""
    if server:
        with contextlib.suppress(WorkerError, OSError):
            return connect_server(Path.cwd(), dict(os.environ), idle_s=idle_s())
    return LocalZygote(log_path)


def server_directory() -> Path:
    """A private directory (mode 0700, ours) for server sockets: the user's runtime directory,
    else their cache directory.

    Raises:
        WorkerError: Neither can be made private.
    """
    import warnings

    import platformdirs

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when it falls back from XDG_RUNTIME_DIR
        candidates = [
            platformdirs.user_runtime_path("dxpytest"),
            platformdirs.user_cache_path("dxpytest") / "servers",
        ]
    for candidate in candidates:
        with contextlib.suppress(OSError):
            candidate.mkdir(mode=0o700, parents=True, exist_ok=True)
            status = candidate.lstat()
            if stat.S_ISDIR(status.st_mode) and status.st_uid == os.getuid():
                if stat.S_IMODE(status.st_mode) & 0o077:
                    candidate.chmod(0o700)
                return candidate
    raise WorkerError("no private directory for the fork server")


def server_key(cwd: Path, env: Mapping[str, str]) -> str:
    """The name of the server for an invocation from `cwd` with `env` (see the module docstring)."""
    import hashlib  # not devcore.hashing: blake3's import costs more than this whole key

    package = Path(__file__).parent
    sources = sorted(
        (entry.name, entry.stat().st_mtime_ns, entry.stat().st_size) for entry in package.glob("*.py")
    )
    variables = sorted((key, value) for key, value in env.items() if key not in SHELL_VARIABLES)
    text = repr((sys.executable, sys.version, __version__, str(cwd), variables, sources))
    return hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=12).hexdigest()


def connect_server(cwd: Path, env: Mapping[str, str], *, idle_s: float) -> ServerZygote:
    """Attach to the fork server for (`cwd`, `env`), starting one when there is none or the one
    found is stale.

    Raises:
        WorkerError: No server could be reached or started.
    """
    directory = server_directory()
    name = server_key(cwd, env)
    path, log = directory / f"{name}.sock", directory / f"{name}.log"
    umask = os.umask(0o077)
    os.umask(umask)
    attach = {"cwd": str(cwd), "env": dict(env), "umask": umask}
    for _ in range(ATTEMPTS):
        sock = _connect(path)
        if sock is None:
            from devcore.files import file_lock  # filelock's import costs a run that finds its server

            with file_lock(directory / f"{name}.lock", timeout_s=START_WAIT_S):
                sock = _connect(path)
                if sock is None:
                    _start(path, log, idle_s=idle_s)
                    sock = _connect(path)
                    if sock is None:
                        break
                    sock.sendall(encode(Kind.ATTACH, {**attach, "check": False}))
                    return ServerZygote(sock, log)
        if _attached(sock, attach):
            return ServerZygote(sock, log)
        sock.close()
    raise WorkerError(f"the fork server at {path} could not be reached")


def _connect(path: Path) -> socket.socket | None:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(str(path))
    except OSError:
        sock.close()
        return None
    return sock


def _attached(sock: socket.socket, attach: dict[str, object]) -> bool:
    """Attach to a running server; False when it is stale or goes away."""
    decoder = Decoder()
    try:
        sock.sendall(encode(Kind.ATTACH, {**attach, "check": True}))
        while True:
            ready, _, _ = select.select([sock], [], [], ATTACH_WAIT_S)
            data = sock.recv(65536) if ready else b""
            if not data:
                return False
            for kind, _ in decoder.feed(data):
                return kind == Kind.ATTACHED
    except (OSError, ProtocolError):
        return False


def _start(path: Path, log: Path, *, idle_s: float) -> None:
    """Start a server at `path` and wait until its socket is bound (it imports pytest after)."""
    with open(log, "wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-P", "-m", "dxpytest._forkserver", str(path), repr(idle_s)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=log_file,
            start_new_session=True,
        )
    assert process.stdout is not None
    with process.stdout:
        ready, _, _ = select.select([process.stdout], [], [], START_WAIT_S)
        if ready:
            process.stdout.readline()
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=START_WAIT_S)

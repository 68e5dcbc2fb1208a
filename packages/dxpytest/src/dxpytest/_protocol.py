"""The wire between the controller, the zygote and the workers.

A frame is a fixed 10-byte header — magic ``DXPW``, protocol version (u8), message type (u8),
body length (u32, big-endian) — followed by a msgpack body (``devcore.serial``) that must be a
map with string keys. Anything else (another magic or version, an unknown type, a body over
`MAX_BODY_BYTES` or not a map) raises `ProtocolError`; the reader then drops the connection.

The zygote (a child of one controller, over its stdin and stdout) and the fork server (shared by
the controllers of a project, over a Unix socket) speak the same frames; the server's
conversation starts with ATTACH.

Two paths per worker: the socket carries the conversation (HELLO, WANT, RUN, COLLECT, STOP,
BYE...); a worker's test events (START, REPORT, WARNING) are appended to its event log, a file the
controller reads on its own schedule. Writing a report then costs one ``write`` and never wakes
the controller, and every event written before a worker crashed is still there to be read.
"""

from __future__ import annotations

import enum
import os
import socket
import struct
from typing import Any

from devcore.serial import SerialError, packb, unpackb
from dxpytest._errors import ProtocolError

MAGIC = b"DXPW"
VERSION = 1
HEADER = struct.Struct("!4sBBI")
MAX_BODY_BYTES = 16 * 1024 * 1024


class Kind(enum.IntEnum):
    """Message types."""

    HELLO = 1  # worker → controller: {"worker": id, "pid": pid}
    WANT = 2  # worker → controller: {} asks for more work
    RUN = 3  # controller → worker: {"paths": [...], "nodeids": [...]}
    COLLECT = 4  # controller → worker: {"paths": [...], "ignore_from"?: path, "verdict_only"?: bool}
    COLLECTED = 5  # worker → controller: {"units": [{"path", "items", "errors", "ignored", "collected"}]}
    START = 6  # worker → controller: {"nodeid": id}
    REPORT = 7  # worker → controller: one test phase report
    STOP = 8  # controller → worker: finish now
    INIT = 9  # controller → zygote: {"imports": [...]}
    READY = 10  # zygote → controller: {"pid": pid, "imported": n}
    FORK = 11  # controller → zygote: {"worker": id}
    FORKED = 12  # zygote → controller: {"worker": id, "pid": pid}
    EXITED = 13  # zygote → controller: {"pid": pid, "code": exit code or -signal}
    WARNING = 14  # worker → controller: {"nodeid": id, "message": text}
    BYE = 15  # worker → controller: {} the worker finished cleanly
    ATTACH = 16  # controller → fork server: {"cwd": dir, "env": {...}, "check": bool}
    ATTACHED = 17  # fork server → controller: {"pid": pid}
    STALE = 18  # fork server → controller: {"reason": text} a file it imported changed


EVENT_KINDS = frozenset({Kind.START, Kind.REPORT, Kind.WARNING})
_KINDS = {int(kind): kind for kind in Kind}


def encode(kind: Kind, body: dict[str, Any]) -> bytes:
    """One frame: the header and the msgpack body.

    Raises:
        ProtocolError: The body is larger than `MAX_BODY_BYTES`.
    """
    payload = packb(body)
    if len(payload) > MAX_BODY_BYTES:
        raise ProtocolError(f"body of {len(payload)} bytes exceeds {MAX_BODY_BYTES}")
    return HEADER.pack(MAGIC, VERSION, int(kind), len(payload)) + payload


def _decode_body(payload: bytes) -> dict[str, Any]:
    try:
        body = unpackb(payload)
    except (SerialError, ValueError, TypeError, OverflowError, RecursionError) as error:
        raise ProtocolError(f"undecodable body ({type(error).__name__})") from error
    except Exception as error:  # msgpack raises its own exception classes for bad data
        raise ProtocolError(f"undecodable body ({type(error).__name__})") from error
    if not isinstance(body, dict) or not all(type(key) is str for key in body):
        raise ProtocolError("body is not a map with string keys")
    return body


class Decoder:
    """Incremental frame reader: feed bytes, get (kind, body) messages."""

    def __init__(self, *, max_body_bytes: int = MAX_BODY_BYTES) -> None:
        self._buffer = bytearray()
        self._max = max_body_bytes

    def feed(self, data: bytes) -> list[tuple[Kind, dict[str, Any]]]:
        """Add received bytes; return the complete messages they finish.

        Raises:
            ProtocolError: The stream is malformed; the connection must be closed.
        """
        buffer = self._buffer
        buffer += data
        messages: list[tuple[Kind, dict[str, Any]]] = []
        start, size = 0, len(buffer)
        try:
            while size - start >= HEADER.size:
                magic, version, kind, length = HEADER.unpack_from(buffer, start)
                if magic != MAGIC:
                    raise ProtocolError("bad magic")
                if version != VERSION:
                    raise ProtocolError(f"unsupported version {version}")
                if kind not in _KINDS:
                    raise ProtocolError(f"unknown message type {kind}")
                if length > self._max:
                    raise ProtocolError(f"body of {length} bytes exceeds {self._max}")
                end = start + HEADER.size + length
                if size < end:
                    break
                messages.append((_KINDS[kind], _decode_body(bytes(buffer[start + HEADER.size : end]))))
                start = end
        finally:
            del buffer[:start]  # once per call: the frames read so far, even when one is malformed
        return messages

    @property
    def pending(self) -> int:
        """Bytes received but not yet part of a complete frame."""
        return len(self._buffer)


class Channel:
    """A blocking, framed connection over a socket (used inside workers)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self._decoder = Decoder()
        self._inbox: list[tuple[Kind, dict[str, Any]]] = []

    def send(self, kind: Kind, body: dict[str, Any] | None = None) -> None:
        """Send one message."""
        self.sock.sendall(encode(kind, body or {}))

    def receive(self, *, block: bool = True) -> tuple[Kind, dict[str, Any]] | None:
        """The next message; None when not blocking and nothing is there.

        Raises:
            ProtocolError: The peer sent a malformed frame.
            ConnectionError: The peer closed the connection.
        """
        while not self._inbox:
            try:
                data = self.sock.recv(65536) if block else self.sock.recv(65536, socket.MSG_DONTWAIT)
            except BlockingIOError:
                return None
            if not data:
                raise ConnectionError("peer closed the connection")
            self._inbox.extend(self._decoder.feed(data))
        return self._inbox.pop(0)


class EventWriter:
    """The worker's end of its event log.

    Events are buffered and appended in one ``write`` at each `flush`: the worker flushes when a
    test starts (so a crash or a hang finds every earlier result and the running test's START in
    the log) and before each message on the socket (so the log is complete when the controller
    reads that message).
    """

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._pending = bytearray()

    def write(self, kind: Kind, body: dict[str, Any], *, flush: bool = False) -> None:
        """Queue one event (START, REPORT or WARNING); with `flush`, append everything now."""
        self._pending += encode(kind, body)
        if flush:
            self.flush()

    def flush(self) -> None:
        """Append the queued events to the log."""
        data = memoryview(bytes(self._pending))
        self._pending.clear()
        while data:
            data = data[os.write(self.fd, data) :]


class EventReader:
    """The controller's end of a worker's event log.

    Args:
        path: The log file (the worker creates it before it says HELLO).

    Raises:
        OSError: The file cannot be opened.
    """

    def __init__(self, path: str) -> None:
        self.fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        self._decoder = Decoder()

    def read(self) -> list[tuple[Kind, dict[str, Any]]]:
        """Every complete event appended since the last call.

        Raises:
            ProtocolError: The log holds a malformed frame or a message that is not an event.
        """
        messages: list[tuple[Kind, dict[str, Any]]] = []
        while data := os.read(self.fd, 1 << 20):
            messages.extend(self._decoder.feed(data))
        for kind, _ in messages:
            if kind not in EVENT_KINDS:
                raise ProtocolError(f"{kind.name} in an event log")
        return messages

    def close(self) -> None:
        """Close the file (idempotent)."""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

from __future__ import annotations

import os
import random
import socket
import struct
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dxpytest._errors import ProtocolError
from dxpytest._pool import Pool
from dxpytest._protocol import HEADER, MAGIC, MAX_BODY_BYTES, VERSION, Channel, Decoder, Kind, encode

FUZZ_FRAMES = int(os.environ.get("DXPYTEST_FUZZ_FRAMES", "10000"))

bodies = st.dictionaries(
    st.text(max_size=10),
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers(-(2**63), 2**63 - 1)
        | st.text(max_size=20)
        | st.binary(max_size=20),
        lambda children: (
            st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
        ),
        max_leaves=10,
    ),
    max_size=5,
)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(list(Kind)), bodies)
def test_frames_round_trip(kind: Kind, body: dict[str, Any]) -> None:
    assert Decoder().feed(encode(kind, body)) == [(kind, body)]


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(list(Kind)), bodies), max_size=5), st.integers(1, 64))
def test_frames_survive_any_chunking(messages: list[tuple[Kind, dict[str, Any]]], chunk: int) -> None:
    stream = b"".join(encode(kind, body) for kind, body in messages)
    decoder = Decoder()
    received = []
    for start in range(0, len(stream), chunk):
        received.extend(decoder.feed(stream[start : start + chunk]))
    assert received == messages
    assert decoder.pending == 0


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=200))
def test_random_bytes_decode_or_raise_protocol_error(data: bytes) -> None:
    try:
        messages = Decoder().feed(data)
    except ProtocolError:
        return
    assert all(isinstance(body, dict) for _, body in messages)


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (struct.pack("!4sBBI", b"XXXX", VERSION, 1, 0), "bad magic"),
        (struct.pack("!4sBBI", MAGIC, VERSION + 1, 1, 0), "unsupported version"),
        (struct.pack("!4sBBI", MAGIC, VERSION, 200, 0), "unknown message type"),
        (struct.pack("!4sBBI", MAGIC, VERSION, 1, MAX_BODY_BYTES + 1), "exceeds"),
    ],
)
def test_bad_headers_are_rejected_before_the_body(header: bytes, reason: str) -> None:
    with pytest.raises(ProtocolError, match=reason):
        Decoder().feed(header)


def test_a_body_that_is_not_a_map_is_rejected() -> None:
    from devcore.serial import packb

    payload = packb([1, 2, 3])
    with pytest.raises(ProtocolError, match="map"):
        Decoder().feed(HEADER.pack(MAGIC, VERSION, 1, len(payload)) + payload)


def _fuzz_frame(rng: random.Random) -> bytes:
    kind = rng.choice(["random", "truncated", "oversized", "bad-body", "valid"])
    good = encode(rng.choice(list(Kind)), {"nodeid": "x" * rng.randrange(50)})
    if kind == "random":
        return rng.randbytes(rng.randrange(1, 64))
    if kind == "truncated":
        return good[: rng.randrange(1, len(good))]
    if kind == "oversized":
        return HEADER.pack(MAGIC, VERSION, int(Kind.REPORT), MAX_BODY_BYTES + rng.randrange(1, 1 << 20))
    if kind == "bad-body":
        junk = rng.randbytes(rng.randrange(1, 32))
        return HEADER.pack(MAGIC, VERSION, int(Kind.REPORT), len(junk)) + junk
    return good


def test_fuzzed_frames_never_crash_or_hang_the_controller(tmp_path: Path) -> None:
    """Random, truncated, oversized and garbled frames hit the pool's worker socket; the
    controller drops each bad connection and still runs a real suite to the right result."""
    (tmp_path / "test_ok.py").write_text("def test_one():\n    pass\n\ndef test_two():\n    pass\n")
    reports: list[dict[str, Any]] = []
    pool = Pool(
        workers=1,
        on_report=lambda event, payload: reports.append(payload) if event == "report" else None,
        deadline_s=600,
    )
    pool.configure(
        pytest_args=[str(tmp_path), "-p", "no:randomly", "-p", "no:cacheprovider"],
        rootdir=tmp_path,
        imports=[],
    )
    rng = random.Random(1234)
    try:
        connections = 0
        for _ in range(FUZZ_FRAMES):
            if connections % 50 == 0:
                sender = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                sender.connect(pool.socket_path)
                sender.setblocking(False)
            connections += 1
            try:
                sender.send(_fuzz_frame(rng))
            except (BlockingIOError, BrokenPipeError, ConnectionResetError):
                sender.close()
                connections = 0
            if connections % 50 == 0:
                sender.close()
            pool._step(timeout_s=0)
        sender.close()
        for _ in range(100):
            pool._step(timeout_s=0.01)
        pool.start()
        from dxpytest._scheduler import WorkUnit

        nodeids = ["test_ok.py::test_one", "test_ok.py::test_two"]
        pool.run([WorkUnit([str(tmp_path / "test_ok.py")], nodeids)], 1)
    finally:
        pool.close()
    calls = [r for r in reports if r.get("when") == "call"]
    assert sorted(r["nodeid"] for r in calls) == nodeids
    assert all(r["outcome"] == "passed" for r in calls)


def test_channel_receives_across_partial_reads() -> None:
    left, right = socket.socketpair()
    try:
        channel = Channel(right)
        frame = encode(Kind.RUN, {"paths": ["a"], "nodeids": ["a::b"]})
        left.sendall(frame[:5])
        assert channel.receive(block=False) is None
        left.sendall(frame[5:])
        assert channel.receive() == (Kind.RUN, {"paths": ["a"], "nodeids": ["a::b"]})
        left.close()
        with pytest.raises(ConnectionError):
            channel.receive()
    finally:
        right.close()

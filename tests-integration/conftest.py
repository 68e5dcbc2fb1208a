"""What several integration tests share: the pygen CLI and a DMS emulator run as a real process."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest

PYGEN = [sys.executable, "-c", "from pygen._cli import main; main()"]


@contextmanager
def _emulator_process(*args: str) -> Iterator[str]:
    """`pygen emulator serve` on a free loopback port; yields its URL, stops it with SIGTERM."""
    process = subprocess.Popen(
        [*PYGEN, "emulator", "serve", "--port", "0", "--json", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line:
            pytest.fail(f"the emulator did not start: {process.stderr.read() if process.stderr else ''}")
        yield json.loads(line)["url"]
    finally:
        process.send_signal(signal.SIGTERM)
        _, errors = process.communicate(timeout=60)
        assert process.returncode == 0, errors


@pytest.fixture
def pygen_emulator() -> Callable[..., AbstractContextManager[str]]:
    """Start an emulator process with the given `serve` arguments: `with pygen_emulator(...) as url`."""
    return _emulator_process

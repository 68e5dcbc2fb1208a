from __future__ import annotations

import subprocess
import sys

import devcore


def test_public_surface_is_pinned() -> None:
    assert sorted(devcore.__all__) == [
        "CorruptFileError",
        "DevcoreError",
        "LockTimeout",
        "SerialError",
        "WatchError",
        "WatchPathNotFound",
        "__version__",
    ]


def test_import_is_cheap() -> None:
    code = (
        "import sys, devcore; print(sorted(m for m in ('watchdog', 'blake3', 'msgpack') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"

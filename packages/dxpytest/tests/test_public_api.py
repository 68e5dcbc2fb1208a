from __future__ import annotations

import subprocess
import sys

import dxpytest


def test_public_surface_is_pinned() -> None:
    assert sorted(dxpytest.__all__) == [
        "ConfigError",
        "DxpytestError",
        "ProtocolError",
        "UsageError",
        "WorkerError",
        "__version__",
    ]


def test_errors_share_one_root_with_builtin_mixins() -> None:
    assert issubclass(dxpytest.ConfigError, dxpytest.DxpytestError)
    assert issubclass(dxpytest.ConfigError, ValueError)
    assert issubclass(dxpytest.WorkerError, RuntimeError)
    assert dxpytest.UsageError("bad", argument="-k x").argument == "-k x"


def test_import_is_cheap() -> None:
    code = "import sys, dxpytest; print(sorted(m for m in ('pytest', 'tree_sitter', 'rich', 'msgpack') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"

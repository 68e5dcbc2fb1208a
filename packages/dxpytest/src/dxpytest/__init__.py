"""Fast runner for pytest-style suites: static discovery, warm workers, work stealing.

The tool is its command line, ``dxpytest``; the package exposes its version and its errors.
"""

from __future__ import annotations

from dxpytest.__about__ import __version__
from dxpytest._errors import ConfigError, DxpytestError, ProtocolError, UsageError, WorkerError

__all__ = ["ConfigError", "DxpytestError", "ProtocolError", "UsageError", "WorkerError", "__version__"]

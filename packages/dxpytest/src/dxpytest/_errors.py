"""Errors of dxpytest.

DxpytestError
├── ConfigError (ValueError)      a pytest configuration file cannot be read; ``.path``
├── UsageError (ValueError)       a bad command line (expression, shard, node id); ``.argument``
├── ProtocolError (ValueError)    a malformed worker frame; ``.reason``
└── WorkerError (RuntimeError)    the worker pool cannot start or lost its zygote
"""

from __future__ import annotations

TYPE_CHECKING = False  # `python -m dxpytest` imports this module first: keep it cheap
if TYPE_CHECKING:
    from pathlib import Path


class DxpytestError(Exception):
    """Base of every error this package raises."""


class ConfigError(DxpytestError, ValueError):
    """A pytest configuration file cannot be parsed, or holds a bad value."""

    def __init__(self, message: str, *, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path


class UsageError(DxpytestError, ValueError):
    """A bad command-line argument: an expression, a shard spec, a missing path."""

    def __init__(self, message: str, *, argument: str | None = None) -> None:
        super().__init__(message)
        self.argument = argument


class ProtocolError(DxpytestError, ValueError):
    """A frame on the worker wire is malformed (bad magic, version, type, size or body)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"malformed frame: {reason}")
        self.reason = reason


class WorkerError(DxpytestError, RuntimeError):
    """The worker pool cannot start, or its zygote died."""

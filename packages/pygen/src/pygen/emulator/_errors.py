"""Errors of the emulator.

PygenError
└── EmulatorError
    ├── RequestError: a request the DMS API would reject (`.code`, `.missing`, `.duplicated`);
    │   the app answers it as `{"error": {...}}` with that status
    └── ModelLoadError (ValueError): a model or instance YAML file that cannot be loaded (`.path`)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pygen._errors import PygenError


class EmulatorError(PygenError):
    """Base of every error the emulator raises."""


class RequestError(EmulatorError):
    """A request the DMS API would reject; served as an error body with status `code`."""

    def __init__(
        self,
        code: int,
        message: str,
        *,
        missing: list[dict[str, Any]] | None = None,
        duplicated: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.missing = missing
        self.duplicated = duplicated
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        """The error body: `{"error": {"code", "message", "missing"?, "duplicated"?}}`."""
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.missing:
            error["missing"] = self.missing
        if self.duplicated:
            error["duplicated"] = self.duplicated
        return {"error": error}


class ModelLoadError(EmulatorError, ValueError):
    """A model or instance file that cannot be loaded; `.path` names it."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = Path(path)
        self.reason = reason


def bad_request(message: str, **kwargs: Any) -> RequestError:
    """A 400 error."""
    return RequestError(400, message, **kwargs)

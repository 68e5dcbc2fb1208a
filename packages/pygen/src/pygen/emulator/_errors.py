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


def constraint_violation(detail: str) -> RequestError:
    """A 400 for a request field out of its bounds, worded as the API's request validation words it."""
    return bad_request(
        f"Request had 1 constraint violations. Please fix the request and try again. [{detail}]"
    )


def quoted_ids(references: list[dict[str, Any]]) -> str:
    """`'space:externalId/version', ...`: how the API names missing schema items in its messages."""
    names = []
    for ref in references:
        version = f"/{ref['version']}" if ref.get("version") else ""
        names.append(f"'{ref.get('space')}:{ref.get('externalId')}{version}'")
    return ", ".join(names)

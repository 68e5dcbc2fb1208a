"""Errors of pygen-cdf.

PygenError
├── ModelError (ValueError): a data model that cannot be read (`.path`, `.where`)
│   ├── IRFormatError: plain data that is not a pygen IR
│   └── ModelValidationError: a model with errors (`.issues`)
├── GenerationError: an SDK that cannot be generated or is stale (`.path`)
│   └── StaleSDKError: `--check` found generated files out of date (`.paths`)
├── DMSError (pygen.client): DMSConnectionError, DMSAPIError ← DMSNotFoundError, DMSDuplicatedError,
│   DMSAuthError (`.code`, `.request_id`, `.missing`, `.duplicated`)
└── EmulatorError (pygen.emulator): RequestError (`.code`), ModelLoadError (`.path`)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pygen.ir import Issue


class PygenError(Exception):
    """Base of every error this package raises."""


class ModelError(PygenError, ValueError):
    """A data model that cannot be read: `.path` is the file, `.where` the place inside it."""

    def __init__(self, message: str, *, path: str | None = None, where: str | None = None) -> None:
        self.path = path
        self.where = where
        prefix = ": ".join(part for part in (path, where) if part)
        super().__init__(f"{prefix}: {message}" if prefix else message)


class IRFormatError(ModelError):
    """Plain data that is not a pygen IR of a supported format."""


class ModelValidationError(ModelError):
    """A model with validation errors; `.issues` lists them (each with a stable code)."""

    def __init__(self, issues: Sequence[Issue]) -> None:
        self.issues = tuple(issues)
        lines = "\n".join(f"  {issue}" for issue in self.issues)
        super().__init__(f"the data model has {len(self.issues)} error(s):\n{lines}")


class GenerationError(PygenError):
    """An SDK that cannot be generated, formatted or written; `.path` names the file if any."""

    def __init__(self, message: str, *, path: str | None = None) -> None:
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)


class StaleSDKError(GenerationError):
    """`pygen generate --check`: the files in `.paths` differ from what would be generated."""

    def __init__(self, paths: Sequence[str]) -> None:
        self.paths = tuple(paths)
        super().__init__(
            f"the generated SDK is stale ({len(self.paths)} file(s) differ): " + ", ".join(self.paths)
        )

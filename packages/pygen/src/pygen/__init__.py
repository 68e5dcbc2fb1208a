"""Typed Python SDK generator for Cognite Data Fusion data models, with its own DMS client and a local DMS emulator."""

from __future__ import annotations

from pygen.__about__ import __version__
from pygen._errors import (
    GenerationError,
    IRFormatError,
    ModelError,
    ModelValidationError,
    PygenError,
    StaleSDKError,
)

__all__ = [
    "GenerationError",
    "IRFormatError",
    "ModelError",
    "ModelValidationError",
    "PygenError",
    "StaleSDKError",
    "__version__",
]

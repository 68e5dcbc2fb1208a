"""Typed Python SDK generator for Cognite Data Fusion data models, with its own DMS client and a local DMS emulator."""

from __future__ import annotations

from pygen.__about__ import __version__
from pygen._errors import PygenError

__all__ = ["PygenError", "__version__"]

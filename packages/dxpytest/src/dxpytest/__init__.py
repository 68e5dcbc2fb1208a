"""Fast runner for pytest-style suites: static discovery, warm workers, work stealing."""

from __future__ import annotations

from dxpytest.__about__ import __version__
from dxpytest._errors import DxpytestError

__all__ = ["DxpytestError", "__version__"]

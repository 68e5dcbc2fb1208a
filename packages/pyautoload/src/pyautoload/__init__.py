"""Zeitwerk-style autoloader for Python: names resolve lazily by file convention; eager loading and reloading."""

from __future__ import annotations

from pyautoload.__about__ import __version__
from pyautoload._errors import PyautoloadError

__all__ = ["PyautoloadError", "__version__"]

"""Extension manager: make any package importable on demand from an isolated, shared cache."""

from __future__ import annotations

from xtnsmgr.__about__ import __version__
from xtnsmgr._errors import XtnsmgrError

__all__ = ["XtnsmgrError", "__version__"]

"""Validated, versioned hot reload of YAML/.env configuration with rollback and subscriptions."""

from __future__ import annotations

from phoenix_hotreload.__about__ import __version__
from phoenix_hotreload._errors import PhoenixError

__all__ = ["PhoenixError", "__version__"]

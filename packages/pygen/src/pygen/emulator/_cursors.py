"""Opaque cursors: a position encoded as URL-safe base64 JSON."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from pygen.emulator._errors import bad_request


def encode_cursor(position: dict[str, Any]) -> str:
    """An opaque cursor for a position."""
    return base64.urlsafe_b64encode(json.dumps(position, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, kind: str) -> int:
    """The integer position of kind `kind` in a cursor (0 for no cursor), or a 400 if it is invalid."""
    if not cursor:
        return 0
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        position = json.loads(base64.urlsafe_b64decode(padded.encode()))
        value = position[kind]
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise bad_request(f"Invalid cursor: {cursor!r}.") from exc
    if not isinstance(value, int) or value < 0:
        raise bad_request(f"Invalid cursor: {cursor!r}.")
    return value

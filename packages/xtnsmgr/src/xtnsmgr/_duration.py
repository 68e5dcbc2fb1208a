"""Durations: ``datetime.timedelta`` or seconds in the API, ``30d`` / ``12h`` / ``90m`` / ``45s`` on the command line."""

from __future__ import annotations

import math
from datetime import timedelta

from xtnsmgr._errors import ExtensionConfigError

Duration = float | timedelta
"""A duration for the public API: a ``timedelta``, or seconds as a number."""

_UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 7 * 86400.0}
_DURATION = r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$"  # compiled on first use: a hit never parses one


def parse_duration_s(text: str) -> float:
    """Seconds in a duration such as ``30d`` (units: s, m, h, d, w; none means seconds).

    Raises:
        ExtensionConfigError: the text is not a duration.
    """
    import re

    match = re.match(_DURATION, text)
    if match is None:
        raise ExtensionConfigError(text, "not a duration (e.g. 30d, 12h, 90m, 45s)")
    return float(match[1]) * _UNITS[match[2] or "s"]


def seconds_of(duration: Duration | None) -> float | None:
    """A duration in seconds (``None`` stays ``None``: no limit).

    Raises:
        ExtensionConfigError: it is neither a ``timedelta`` nor a finite number of seconds.
    """
    if duration is None:
        return None
    if isinstance(duration, timedelta):
        return duration.total_seconds()
    if type(duration) in (int, float) and math.isfinite(duration):
        return float(duration)
    raise ExtensionConfigError(duration, "a duration is a datetime.timedelta or a finite number of seconds")

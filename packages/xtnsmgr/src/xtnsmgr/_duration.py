"""Durations on the command line: ``30d``, ``12h``, ``90m``, ``45s`` or plain seconds."""

from __future__ import annotations

import re

from xtnsmgr._errors import ExtensionConfigError

_UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 7 * 86400.0}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$")


def parse_duration_s(text: str) -> float:
    """Seconds in a duration such as ``30d`` (units: s, m, h, d, w; none means seconds).

    Raises:
        ExtensionConfigError: the text is not a duration.
    """
    match = _DURATION.match(text)
    if match is None:
        raise ExtensionConfigError(text, "not a duration (e.g. 30d, 12h, 90m, 45s)")
    return float(match[1]) * _UNITS[match[2] or "s"]

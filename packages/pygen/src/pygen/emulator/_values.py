"""Checking and normalising property values against container property types."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from typing import Any

from pygen.emulator._errors import bad_request

_INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
_FLOAT32_MAX = 3.4028234663852886e38


def normalize_timestamp(value: Any) -> str | None:
    """The DMS form of a timestamp (`2024-01-02T03:04:05.678+00:00`, UTC), or None if invalid."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    parsed = parsed.astimezone(UTC)
    return parsed.strftime("%Y-%m-%dT%H:%M:%S.") + f"{parsed.microsecond // 1000:03d}+00:00"


def _is_date(value: Any) -> bool:
    if not isinstance(value, str) or len(value) != 10:
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_reference(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("space"), str)
        and isinstance(value.get("externalId"), str)
        and set(value) <= {"space", "externalId"}
    )


def _scalar(kind: str, ptype: dict[str, Any], value: Any) -> tuple[bool, Any]:
    """Whether `value` fits the scalar type `kind`, and its stored form."""
    if kind in ("text", "timeseries", "file", "sequence"):
        return isinstance(value, str), value
    if kind == "boolean":
        return isinstance(value, bool), value
    if kind in _INT_RANGES:
        low, high = _INT_RANGES[kind]
        return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high, value
    if kind in ("float32", "float64"):
        ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        if ok and kind == "float32":
            ok = abs(value) <= _FLOAT32_MAX
        return ok, float(value) if ok else value
    if kind == "timestamp":
        normalized = normalize_timestamp(value)
        return normalized is not None, normalized
    if kind == "date":
        return _is_date(value), value
    if kind == "json":
        return True, value
    if kind == "direct":
        return _is_reference(value), value
    if kind == "enum":
        return isinstance(value, str) and value in (ptype.get("values") or {}), value
    return False, value


def check_value(name: str, prop: dict[str, Any], value: Any) -> Any:
    """The stored form of `value` for container property `prop`, or a 400 naming the property."""
    ptype = prop["type"]
    kind = ptype.get("type", "")
    if value is None:
        if not prop.get("nullable", True):
            raise bad_request(f"Invalid value for non-nullable property '{name}'. Value cannot be null.")
        return None
    if ptype.get("list"):
        if not isinstance(value, list):
            raise bad_request(f"Property '{name}' expects a list of {kind}, got {type(value).__name__}.")
        max_size = ptype.get("maxListSize") or (100 if kind == "direct" else 1000)
        if len(value) > max_size:
            raise bad_request(f"Property '{name}' has {len(value)} items; the maximum is {max_size}.")
        stored = []
        for item in value:
            ok, converted = _scalar(kind, ptype, item)
            if not ok:
                raise bad_request(f"Property '{name}' expects items of type {kind}, got {item!r}.")
            stored.append(converted)
        return stored
    ok, converted = _scalar(kind, ptype, value)
    if not ok:
        if kind == "enum":
            raise bad_request(
                f"Property '{name}' expects one of {sorted(ptype.get('values') or {})}, got {value!r}."
            )
        raise bad_request(f"Property '{name}' expects a value of type {kind}, got {value!r}.")
    return converted


def direct_targets(prop: dict[str, Any], value: Any) -> list[dict[str, str]]:
    """The nodes a direct-relation value points at (empty for other types)."""
    if prop["type"].get("type") != "direct" or value is None:
        return []
    return list(value) if isinstance(value, list) else [value]

"""Plain-data form of the IR: dicts, lists, strings and numbers, tagged by node kind.

The form is what `devcore.serial` (msgpack) and JSON carry, so an IR written by one tool
(or language) is read back exactly by another.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from pygen._errors import IRFormatError
from pygen.ir._model import (
    CDFReference,
    ClassDef,
    DirectRelation,
    EdgeRelation,
    Enum,
    EnumType,
    EnumValue,
    ListOf,
    Model,
    NodeRef,
    Nullable,
    Primitive,
    Property,
    ReverseRelation,
    ViewRef,
)

FORMAT_VERSION = 1
_TAG = "$node"
_NODES: dict[str, type[Any]] = {
    cls.__name__: cls
    for cls in (
        CDFReference,
        ClassDef,
        DirectRelation,
        EdgeRelation,
        Enum,
        EnumType,
        EnumValue,
        ListOf,
        Model,
        NodeRef,
        Nullable,
        Primitive,
        Property,
        ReverseRelation,
        ViewRef,
    )
}


def to_dict(model: Model) -> dict[str, Any]:
    """Turn a model into plain data (tagged dicts) with a format version.

    Args:
        model: The IR to convert.

    Returns:
        A dict of only dicts, lists, strings, numbers, booleans and None.
    """
    return {"format": FORMAT_VERSION, "model": _dump(model)}


def from_dict(data: Any) -> Model:
    """Rebuild a model from `to_dict` output.

    Args:
        data: The plain data.

    Returns:
        The model, equal to the one that was dumped.

    Raises:
        IRFormatError: The data is not an IR of a supported format version.
    """
    if not isinstance(data, dict) or data.get("format") != FORMAT_VERSION:
        raise IRFormatError(f"not a pygen IR of format {FORMAT_VERSION}")
    model = _load(data.get("model"), "model")
    if not isinstance(model, Model):
        raise IRFormatError("the IR's root is not a Model", where="model")
    return model


def _dump(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {_TAG: type(value).__name__}
        for field in dataclasses.fields(value):
            out[field.name] = _dump(getattr(value, field.name))
        return out
    if isinstance(value, tuple):
        return [_dump(item) for item in value]
    return value


def _load(value: Any, where: str) -> Any:
    if isinstance(value, list):
        return tuple(_load(item, f"{where}[{index}]") for index, item in enumerate(value))
    if not isinstance(value, dict):
        return value
    cls = _NODES.get(value.get(_TAG, ""))
    if cls is None:
        raise IRFormatError(f"unknown IR node kind {value.get(_TAG)!r}", where=where)
    names = {field.name for field in dataclasses.fields(cls)}
    unknown = set(value) - names - {_TAG}
    if unknown:
        raise IRFormatError(f"unknown fields {sorted(unknown)} in {cls.__name__}", where=where)
    kwargs = {name: _load(item, f"{where}.{name}") for name, item in value.items() if name != _TAG}
    try:
        return cls(**kwargs)
    except TypeError as error:
        raise IRFormatError(f"bad {cls.__name__}: {error}", where=where) from None

"""Container property types: `{"type": "text", "list": false, ...}` and friends."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag

from pygen.dms._base import DMSModel
from pygen.dms._ids import ContainerId, ViewId

PRIMITIVE_TYPES = ("boolean", "float32", "float64", "int32", "int64", "timestamp", "date", "json")
CDF_REFERENCE_TYPES = ("timeseries", "file", "sequence")


class _ListablePropertyType(DMSModel):
    _always_dump = ("type",)
    list: bool | None = None
    max_list_size: int | None = None


class TextType(_ListablePropertyType):
    """UTF-8 text, compared with `collation`."""

    type: Literal["text"] = "text"
    collation: str | None = None


class PrimitiveType(_ListablePropertyType):
    """boolean, float32, float64, int32, int64, timestamp, date or json."""

    type: Literal["boolean", "float32", "float64", "int32", "int64", "timestamp", "date", "json"]


class DirectRelationType(_ListablePropertyType):
    """A reference (or list of references) to nodes; `container` constrains the target."""

    type: Literal["direct"] = "direct"
    container: ContainerId | None = None
    source: ViewId | None = None


class EnumValue(DMSModel):
    """One allowed value of an enum property."""

    name: str | None = None
    description: str | None = None


class EnumType(DMSModel):
    """One of a fixed set of string values; `unknown_value` is what readers see for a new value."""

    _always_dump = ("type",)
    type: Literal["enum"] = "enum"
    values: dict[str, EnumValue] = Field(default_factory=dict)
    unknown_value: str | None = None


class CDFReferenceType(_ListablePropertyType):
    """The external id of a time series, file or sequence."""

    type: Literal["timeseries", "file", "sequence"]


class UnknownPropertyType(DMSModel):
    """A property type this version does not know (a newer server); kept as sent."""

    type: str


def _property_type_tag(value: Any) -> str:
    kind = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
    if kind == "text":
        return "text"
    if kind in PRIMITIVE_TYPES:
        return "primitive"
    if kind == "direct":
        return "direct"
    if kind == "enum":
        return "enum"
    if kind in CDF_REFERENCE_TYPES:
        return "reference"
    return "unknown"


PropertyType = Annotated[
    Annotated[TextType, Tag("text")]
    | Annotated[PrimitiveType, Tag("primitive")]
    | Annotated[DirectRelationType, Tag("direct")]
    | Annotated[EnumType, Tag("enum")]
    | Annotated[CDFReferenceType, Tag("reference")]
    | Annotated[UnknownPropertyType, Tag("unknown")],
    Discriminator(_property_type_tag),
]
"""Any container property type, chosen by its `type` field."""

"""The intermediate representation: a data model described without any target language.

Every node is a frozen dataclass of plain values, so an IR compares by value, hashes, and
round-trips through `pygen.ir.to_dict` / `pygen.ir.from_dict` (and `devcore.serial`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

PrimitiveKind = Literal[
    "text", "boolean", "int32", "int64", "float32", "float64", "timestamp", "date", "json"
]
CDFReferenceKind = Literal["timeseries", "file", "sequence"]
UsedFor = Literal["node", "edge", "all"]
Direction = Literal["outwards", "inwards"]

PRIMITIVE_KINDS: tuple[PrimitiveKind, ...] = (
    "text",
    "boolean",
    "int32",
    "int64",
    "float32",
    "float64",
    "timestamp",
    "date",
    "json",
)
CDF_REFERENCE_KINDS: tuple[CDFReferenceKind, ...] = ("timeseries", "file", "sequence")


@dataclass(frozen=True, order=True)
class ViewRef:
    """The identity of a view (a class of the IR): space, external id and version."""

    space: str
    external_id: str
    version: str

    def __str__(self) -> str:
        return f"{self.space}:{self.external_id}/{self.version}"


@dataclass(frozen=True, order=True)
class NodeRef:
    """A node identity (space, external id), such as the type of an edge."""

    space: str
    external_id: str


@dataclass(frozen=True)
class Primitive:
    """A scalar value: text, boolean, integers, floats, timestamp, date or json."""

    kind: PrimitiveKind


@dataclass(frozen=True)
class EnumType:
    """A value out of the enum called `enum` in `Model.enums`."""

    enum: str


@dataclass(frozen=True)
class CDFReference:
    """The external id of a CDF resource: a time series, a file or a sequence."""

    kind: CDFReferenceKind


@dataclass(frozen=True)
class DirectRelation:
    """A reference to another node; `target` is the view it is read through, if known."""

    target: ViewRef | None = None


@dataclass(frozen=True)
class ListOf:
    """A list of `item` values (at most `max_count` when set)."""

    item: ScalarType
    max_count: int | None = None


@dataclass(frozen=True)
class Nullable:
    """A value that may be absent."""

    inner: ScalarType | ListOf


ScalarType = Primitive | EnumType | CDFReference | DirectRelation
TypeRef = Primitive | EnumType | CDFReference | DirectRelation | ListOf | Nullable


@dataclass(frozen=True)
class Property:
    """A stored property of a class (a container property in DMS).

    `name` is the identifier in the target language; `dms_name` the property identifier
    on the server (the alias). They are equal until a naming transformer runs.
    """

    name: str
    dms_name: str
    type: TypeRef
    description: str | None = None
    default: str | int | float | bool | None = None
    immutable: bool = False
    container: tuple[str, str, str] | None = None  # (space, external id, property identifier)
    inherited_from: ViewRef | None = None


@dataclass(frozen=True)
class EdgeRelation:
    """Nodes reached through edges of `edge_type` (one or many), optionally with edge properties."""

    name: str
    dms_name: str
    edge_type: NodeRef
    target: ViewRef
    direction: Direction = "outwards"
    multi: bool = True
    edge_class: ViewRef | None = None
    description: str | None = None
    inherited_from: ViewRef | None = None


@dataclass(frozen=True)
class ReverseRelation:
    """Nodes of `target` whose direct relation `through_property` points at this node."""

    name: str
    dms_name: str
    target: ViewRef
    through_view: ViewRef
    through_property: str
    multi: bool = True
    description: str | None = None
    inherited_from: ViewRef | None = None


Relationship = EdgeRelation | ReverseRelation


@dataclass(frozen=True)
class EnumValue:
    """One value of an enum: `name` in the target language, `dms_name` on the server."""

    name: str
    dms_name: str
    description: str | None = None


@dataclass(frozen=True)
class Enum:
    """A closed set of text values (open at read time: unknown server values are kept)."""

    name: str
    values: tuple[EnumValue, ...]
    description: str | None = None


@dataclass(frozen=True)
class ClassDef:
    """A view: its properties, relationships and the views it implements (`parents`)."""

    view: ViewRef
    name: str
    used_for: UsedFor = "node"
    writable: bool = True
    parents: tuple[ViewRef, ...] = ()
    properties: tuple[Property, ...] = ()
    relationships: tuple[Relationship, ...] = ()
    description: str | None = None

    @property
    def dms_name(self) -> str:
        """The external id of the view on the server."""
        return self.view.external_id


@dataclass(frozen=True)
class Model:
    """One SDK: the classes and enums of one or several data models."""

    name: str
    data_models: tuple[ViewRef, ...] = ()
    classes: tuple[ClassDef, ...] = ()
    enums: tuple[Enum, ...] = ()
    description: str | None = None
    metadata: tuple[tuple[str, str], ...] = field(default=())

    def class_by_view(self) -> dict[ViewRef, ClassDef]:
        """Map every view id to its class."""
        return {cls.view: cls for cls in self.classes}

    def enum_by_name(self) -> dict[str, Enum]:
        """Map every enum name to its enum."""
        return {enum.name: enum for enum in self.enums}


def unwrap(type_: TypeRef) -> tuple[ScalarType, bool, bool]:
    """Split a type into (scalar item type, is nullable, is list)."""
    nullable = isinstance(type_, Nullable)
    inner = type_.inner if isinstance(type_, Nullable) else type_
    if isinstance(inner, ListOf):
        return inner.item, nullable, True
    return inner, nullable, False

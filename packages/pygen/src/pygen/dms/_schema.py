"""Spaces, containers, views and data models, in their write (`...Apply`) and read forms."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag

from pygen.dms._base import DMSModel
from pygen.dms._data_types import PropertyType
from pygen.dms._ids import ContainerId, DataModelId, DirectRelationReference, SpaceId, ViewId

UsedFor = Literal["node", "edge", "all"]


class _Timestamps(DMSModel):
    is_global: bool | None = None
    created_time: int | None = None
    last_updated_time: int | None = None


class SpaceApply(DMSModel):
    """A space to create or update."""

    space: str
    name: str | None = None
    description: str | None = None

    def as_id(self) -> SpaceId:
        """The identifier of this space."""
        return SpaceId(self.space)


class Space(SpaceApply, _Timestamps):
    """A space as the server returns it."""


class ContainerProperty(DMSModel):
    """One property of a container: its type and storage rules."""

    type: PropertyType
    nullable: bool | None = None
    auto_increment: bool | None = None
    immutable: bool | None = None
    default_value: Any = None
    name: str | None = None
    description: str | None = None


class Constraint(DMSModel):
    """A `requires` (`require`) or `uniqueness` (`properties`, `by_space`) constraint."""

    constraint_type: str
    require: ContainerId | None = None
    properties: list[str] | None = None
    by_space: bool | None = None


class Index(DMSModel):
    """A `btree` (optionally `cursorable`) or `inverted` index over properties."""

    index_type: str
    properties: list[str] = Field(default_factory=list)
    cursorable: bool | None = None
    by_space: bool | None = None


class ContainerApply(DMSModel):
    """A container to create or update."""

    space: str
    external_id: str
    properties: dict[str, ContainerProperty]
    name: str | None = None
    description: str | None = None
    used_for: UsedFor | None = None
    constraints: dict[str, Constraint] | None = None
    indexes: dict[str, Index] | None = None

    def as_id(self) -> ContainerId:
        """The identifier of this container."""
        return ContainerId(self.space, self.external_id)


class Container(ContainerApply, _Timestamps):
    """A container as the server returns it."""


class PropertyId(DMSModel):
    """A property of a view or container: `{"source": ..., "identifier": ...}`."""

    source: ViewId | ContainerId
    identifier: str


class MappedPropertyApply(DMSModel):
    """A view property mapped onto a container property."""

    container: ContainerId
    container_property_identifier: str
    name: str | None = None
    description: str | None = None
    source: ViewId | None = None


class MappedProperty(MappedPropertyApply):
    """A mapped view property as the server returns it, with the container property's type."""

    type: PropertyType | None = None
    nullable: bool | None = None
    immutable: bool | None = None
    auto_increment: bool | None = None
    default_value: Any = None


class EdgeConnection(DMSModel):
    """A single or multi edge connection from (outwards) or to (inwards) nodes of this view."""

    connection_type: Literal["single_edge_connection", "multi_edge_connection"] | None = None
    type: DirectRelationReference
    source: ViewId
    name: str | None = None
    description: str | None = None
    edge_source: ViewId | None = None
    direction: Literal["outwards", "inwards"] | None = None


class ReverseDirectRelation(DMSModel):
    """The nodes whose direct relation `through` points at this node (single or multi)."""

    connection_type: Literal["single_reverse_direct_relation", "multi_reverse_direct_relation"]
    source: ViewId
    through: PropertyId
    name: str | None = None
    description: str | None = None


class UnknownViewProperty(DMSModel):
    """A view property kind this version does not know (a newer server); kept as sent."""


def _view_property_tag(value: Any) -> str:
    if not isinstance(value, dict):
        kinds: dict[type, str] = {
            EdgeConnection: "edge",
            ReverseDirectRelation: "reverse",
            MappedProperty: "mapped",
            MappedPropertyApply: "mapped",
        }
        return kinds.get(type(value), "unknown")
    connection = value.get("connectionType")
    if isinstance(connection, str) and "reverse" in connection:
        return "reverse"
    if "through" in value:
        return "reverse"
    if connection is not None or ("type" in value and "source" in value and "container" not in value):
        return "edge"
    if "container" in value:
        return "mapped"
    return "unknown"


ViewPropertyApply = Annotated[
    Annotated[MappedPropertyApply, Tag("mapped")]
    | Annotated[EdgeConnection, Tag("edge")]
    | Annotated[ReverseDirectRelation, Tag("reverse")]
    | Annotated[UnknownViewProperty, Tag("unknown")],
    Discriminator(_view_property_tag),
]
"""A view property in a write request."""

ViewProperty = Annotated[
    Annotated[MappedProperty, Tag("mapped")]
    | Annotated[EdgeConnection, Tag("edge")]
    | Annotated[ReverseDirectRelation, Tag("reverse")]
    | Annotated[UnknownViewProperty, Tag("unknown")],
    Discriminator(_view_property_tag),
]
"""A view property as the server returns it."""


class _Versioned(DMSModel):
    """What views and data models share: a versioned identity, a name and a description."""

    space: str
    external_id: str
    version: str
    name: str | None = None
    description: str | None = None


class _ViewBase(_Versioned):
    """What both forms of a view have: the filter and the views it implements."""

    filter: dict[str, Any] | None = None
    implements: list[ViewId] | None = None

    def as_id(self) -> ViewId:
        """The identifier of this view."""
        return ViewId(self.space, self.external_id, self.version)


class ViewApply(_ViewBase):
    """A view to create or update."""

    properties: dict[str, ViewPropertyApply] | None = None


class View(_ViewBase, _Timestamps):
    """A view as the server returns it: inherited properties expanded, types resolved."""

    writable: bool | None = None
    used_for: UsedFor | None = None
    properties: dict[str, ViewProperty] = Field(default_factory=dict)


def _view_tag(value: Any) -> str:
    if isinstance(value, dict):
        return "id" if set(value) <= {"space", "externalId", "version", "type"} else "view"
    return "id" if isinstance(value, ViewId) else "view"


class _DataModelBase(_Versioned):
    """What both forms of a data model have: its identifier."""

    def as_id(self) -> DataModelId:
        """The identifier of this data model."""
        return DataModelId(self.space, self.external_id, self.version)


class DataModelApply(_DataModelBase):
    """A data model to create or update: its views by id or inline."""

    views: (
        list[
            Annotated[
                Annotated[ViewId, Tag("id")] | Annotated[ViewApply, Tag("view")],
                Discriminator(_view_tag),
            ]
        ]
        | None
    ) = None


class DataModel(_DataModelBase, _Timestamps):
    """A data model as the server returns it: views by id, or inline with `inlineViews=true`."""

    views: list[
        Annotated[Annotated[ViewId, Tag("id")] | Annotated[View, Tag("view")], Discriminator(_view_tag)]
    ] = Field(default_factory=list)

"""Base classes of the generated read and write classes.

A generated class declares its fields with Python names and, as class metadata, the view it
reads (`_view`) and the DMS name and kind of every field (`_props`). Everything else (loading
a node or an edge, dumping a write, schema-drift tolerance) lives here, once.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any, ClassVar, Literal, Self, TypeAlias, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from pygen.dms import DirectRelationReference, Edge, EdgeApply, Node, NodeApply, NodeOrEdgeData, ViewId

PropertyKind = Literal[
    "text", "boolean", "int", "float", "timestamp", "date", "json", "enum", "cdf", "direct"
]

E = TypeVar("E", bound=Enum)
OpenEnum: TypeAlias = Annotated[E | str, Field(union_mode="left_to_right")]
"""An enum value, or the text of a value this SDK does not know yet (kept, never an error)."""


class PropertySpec:
    """What the runtime knows of one field: its DMS name, kind and whether it holds a list."""

    __slots__ = ("dms_name", "is_list", "kind")

    def __init__(self, dms_name: str, kind: PropertyKind, is_list: bool = False) -> None:
        self.dms_name = dms_name
        self.kind = kind
        self.is_list = is_list


class RelationSpec:
    """A relationship the query builder can follow: a direct, reverse or edge relation."""

    __slots__ = ("direction", "dms_name", "edge_type", "kind", "multi", "target", "through")

    def __init__(
        self,
        kind: Literal["direct", "reverse", "edge"],
        dms_name: str,
        target: ViewId,
        *,
        multi: bool = False,
        through: tuple[ViewId, str] | None = None,
        edge_type: tuple[str, str] | None = None,
        direction: Literal["outwards", "inwards"] = "outwards",
    ) -> None:
        self.kind = kind
        self.dms_name = dms_name
        self.target = target
        self.multi = multi
        self.through = through
        self.edge_type = edge_type
        self.direction = direction


def _view_key(view: ViewId) -> str:
    return f"{view.external_id}/{view.version}"


def _dump_value(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [_dump_value(item) for item in value]
    if isinstance(value, DirectRelationReference):
        return {"space": value.space, "externalId": value.external_id}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat(timespec="milliseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


class _Base(BaseModel):
    model_config = ConfigDict(extra="allow", protected_namespaces=(), validate_assignment=False)
    _view: ClassVar[ViewId]
    _props: ClassVar[Mapping[str, PropertySpec]] = {}
    _relations: ClassVar[Mapping[str, RelationSpec]] = {}

    @classmethod
    def view_id(cls) -> ViewId:
        """The view this class reads and writes."""
        return cls._view

    @classmethod
    def dms_names(cls) -> dict[str, str]:
        """Python field name -> DMS property identifier."""
        return {name: spec.dms_name for name, spec in cls._props.items()}


class DomainModel(_Base):
    """A node read through a view. Unknown properties from the server are kept as extras."""

    space: str
    external_id: str
    version: int | None = None
    created_time: int | None = None
    last_updated_time: int | None = None
    deleted_time: int | None = None
    _related: dict[str, list[DomainModel]] = PrivateAttr(default_factory=dict)

    @classmethod
    def load(cls, instance: Node | Edge) -> Self:
        """Build the object from a node (or an edge) the DMS client returned."""
        data = instance.properties.get(cls._view.space, {}).get(_view_key(cls._view), {})
        by_dms = {spec.dms_name: name for name, spec in cls._props.items()}
        values: dict[str, Any] = {}
        for dms_name, value in data.items():
            name = by_dms.get(dms_name)
            if name is not None:
                values[name] = value
            elif dms_name not in cls.model_fields:
                values[dms_name] = value  # schema drift: a property this SDK does not know
        return cls.model_validate({**cls._instance_fields(instance), **values})

    @classmethod
    def _instance_fields(cls, instance: Node | Edge) -> dict[str, Any]:
        return {
            "space": instance.space,
            "external_id": instance.external_id,
            "version": instance.version,
            "created_time": instance.created_time,
            "last_updated_time": instance.last_updated_time,
            "deleted_time": instance.deleted_time,
        }

    def as_id(self) -> DirectRelationReference:
        """The reference to this instance (space, external id)."""
        return DirectRelationReference(self.space, self.external_id)

    def related(self, name: str) -> list[DomainModel]:
        """The instances the query builder fetched through the relationship `name`."""
        return self._related.get(name, [])

    def _write_values(self) -> dict[str, Any]:
        values = {name: getattr(self, name) for name in self._props if name in self.model_fields_set}
        return {"space": self.space, "external_id": self.external_id, **values}


class DomainEdge(DomainModel):
    """An edge read through a view: a typed link from `start_node` to `end_node`."""

    edge_type: DirectRelationReference
    start_node: DirectRelationReference
    end_node: DirectRelationReference

    @classmethod
    def _instance_fields(cls, instance: Node | Edge) -> dict[str, Any]:
        fields = super()._instance_fields(instance)
        if isinstance(instance, Edge):
            fields.update(edge_type=instance.type, start_node=instance.start_node, end_node=instance.end_node)
        return fields

    def _write_values(self) -> dict[str, Any]:
        values = super()._write_values()
        values.update(edge_type=self.edge_type, start_node=self.start_node, end_node=self.end_node)
        return values


class DomainModelWrite(_Base):
    """A node to create or update through a view; only the fields you set are written."""

    model_config = ConfigDict(extra="forbid")

    space: str
    external_id: str
    existing_version: int | None = None

    def dump(self) -> list[NodeApply | EdgeApply]:
        """The node (and the edges of its edge relations) as DMS write objects."""
        properties = {
            spec.dms_name: _dump_value(getattr(self, name))
            for name, spec in self._props.items()
            if name in self.model_fields_set
        }
        node = NodeApply(
            space=self.space,
            external_id=self.external_id,
            existing_version=self.existing_version,
            sources=[NodeOrEdgeData(source=self._view, properties=properties)],
        )
        return [node, *self._edges()]

    def _edges(self) -> list[EdgeApply]:
        edges: list[EdgeApply] = []
        me = DirectRelationReference(self.space, self.external_id)
        for name, spec in self._relations.items():
            targets = getattr(self, name, None) if name in self.model_fields_set else None
            if spec.kind != "edge" or not targets or spec.edge_type is None:
                continue
            edge_type = DirectRelationReference(*spec.edge_type)
            for target in targets:
                start, end = (me, target) if spec.direction == "outwards" else (target, me)
                external_id = f"{edge_type.external_id}:{start.external_id}:{end.external_id}"
                edges.append(
                    EdgeApply(
                        space=self.space,
                        external_id=external_id[:255],
                        type=edge_type,
                        start_node=start,
                        end_node=end,
                    )
                )
        return edges

    def as_id(self) -> DirectRelationReference:
        """The reference to this instance (space, external id)."""
        return DirectRelationReference(self.space, self.external_id)


class DomainEdgeWrite(DomainModelWrite):
    """An edge to create or update through a view."""

    edge_type: DirectRelationReference
    start_node: DirectRelationReference
    end_node: DirectRelationReference

    def dump(self) -> list[NodeApply | EdgeApply]:
        """The edge as a DMS write object."""
        properties = {
            spec.dms_name: _dump_value(getattr(self, name))
            for name, spec in self._props.items()
            if name in self.model_fields_set
        }
        return [
            EdgeApply(
                space=self.space,
                external_id=self.external_id,
                type=self.edge_type,
                start_node=self.start_node,
                end_node=self.end_node,
                existing_version=self.existing_version,
                sources=[NodeOrEdgeData(source=self._view, properties=properties)],
            )
        ]


ReadT = TypeVar("ReadT", bound=DomainModel)
WriteT = TypeVar("WriteT", bound=DomainModelWrite)

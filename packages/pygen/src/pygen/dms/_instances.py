"""Nodes and edges, in their write (`...Apply`) and read forms, and the results of an apply."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag

from pygen.dms._base import DMSModel
from pygen.dms._ids import ContainerId, DirectRelationReference, EdgeId, NodeId, ViewId


def _source_tag(value: Any) -> str:
    if isinstance(value, dict):
        if value.get("type") == "container" or ("version" not in value and value.get("type") != "view"):
            return "container"
        return "view"
    return "container" if isinstance(value, ContainerId) else "view"


SourceId = Annotated[
    Annotated[ViewId, Tag("view")] | Annotated[ContainerId, Tag("container")],
    Discriminator(_source_tag),
]
"""A view or a container, as the source of instance properties."""


class NodeOrEdgeData(DMSModel):
    """The property values an instance gets through one view or container."""

    source: SourceId
    properties: dict[str, Any] = Field(default_factory=dict)


class _Instance(DMSModel):
    """What every form of a node or edge has: its identity (`instance_type` is always written)."""

    _always_dump = ("instance_type",)
    space: str
    external_id: str


class _Written(_Instance):
    """The write form's optimistic lock and property values."""

    existing_version: int | None = None
    sources: list[NodeOrEdgeData] | None = None


class _EdgeEnds(DMSModel):
    """An edge's type and the nodes it goes from and to."""

    type: DirectRelationReference
    start_node: DirectRelationReference
    end_node: DirectRelationReference


class NodeApply(_Written):
    """A node to create or update."""

    instance_type: Literal["node"] = "node"
    type: DirectRelationReference | None = None

    def as_id(self) -> NodeId:
        """The identifier of this node."""
        return NodeId(self.space, self.external_id)


class EdgeApply(_Written, _EdgeEnds):
    """An edge to create or update: typed, from `start_node` to `end_node`."""

    instance_type: Literal["edge"] = "edge"

    def as_id(self) -> EdgeId:
        """The identifier of this edge."""
        return EdgeId(self.space, self.external_id)


InstanceProperties = dict[str, dict[str, dict[str, Any]]]
"""`properties.<space>.<view external id/version or container external id>.<property>`."""


class _Read(_Instance):
    """The read form's version, timestamps and property values."""

    version: int | None = None
    created_time: int | None = None
    last_updated_time: int | None = None
    deleted_time: int | None = None
    properties: InstanceProperties = Field(default_factory=dict)


class Node(_Read):
    """A node as the server returns it."""

    instance_type: Literal["node"] = "node"
    type: DirectRelationReference | None = None

    def as_id(self) -> NodeId:
        """The identifier of this node."""
        return NodeId(self.space, self.external_id)


class Edge(_Read, _EdgeEnds):
    """An edge as the server returns it."""

    instance_type: Literal["edge"] = "edge"

    def as_id(self) -> EdgeId:
        """The identifier of this edge."""
        return EdgeId(self.space, self.external_id)


def _instance_tag(value: Any) -> str:
    kind = value.get("instanceType") if isinstance(value, dict) else getattr(value, "instance_type", None)
    return "edge" if kind == "edge" else "node"


Instance = Annotated[
    Annotated[Node, Tag("node")] | Annotated[Edge, Tag("edge")], Discriminator(_instance_tag)
]
"""A node or an edge, chosen by `instanceType`."""

InstanceApply = Annotated[
    Annotated[NodeApply, Tag("node")] | Annotated[EdgeApply, Tag("edge")], Discriminator(_instance_tag)
]
"""A node or an edge to write, chosen by `instanceType`."""


class InstanceApplyResult(DMSModel):
    """What the server did with one applied instance."""

    instance_type: Literal["node", "edge"]
    space: str
    external_id: str
    version: int
    was_modified: bool
    created_time: int | None = None
    last_updated_time: int | None = None

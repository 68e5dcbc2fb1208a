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


class NodeApply(DMSModel):
    """A node to create or update."""

    _always_dump = ("instance_type",)
    instance_type: Literal["node"] = "node"
    space: str
    external_id: str
    existing_version: int | None = None
    type: DirectRelationReference | None = None
    sources: list[NodeOrEdgeData] | None = None

    def as_id(self) -> NodeId:
        """The identifier of this node."""
        return NodeId(self.space, self.external_id)


class EdgeApply(DMSModel):
    """An edge to create or update: typed, from `start_node` to `end_node`."""

    _always_dump = ("instance_type",)
    instance_type: Literal["edge"] = "edge"
    space: str
    external_id: str
    type: DirectRelationReference
    start_node: DirectRelationReference
    end_node: DirectRelationReference
    existing_version: int | None = None
    sources: list[NodeOrEdgeData] | None = None

    def as_id(self) -> EdgeId:
        """The identifier of this edge."""
        return EdgeId(self.space, self.external_id)


InstanceProperties = dict[str, dict[str, dict[str, Any]]]
"""`properties.<space>.<view external id/version or container external id>.<property>`."""


class Node(DMSModel):
    """A node as the server returns it."""

    _always_dump = ("instance_type",)
    instance_type: Literal["node"] = "node"
    space: str
    external_id: str
    version: int | None = None
    created_time: int | None = None
    last_updated_time: int | None = None
    deleted_time: int | None = None
    type: DirectRelationReference | None = None
    properties: InstanceProperties = Field(default_factory=dict)

    def as_id(self) -> NodeId:
        """The identifier of this node."""
        return NodeId(self.space, self.external_id)


class Edge(DMSModel):
    """An edge as the server returns it."""

    _always_dump = ("instance_type",)
    instance_type: Literal["edge"] = "edge"
    space: str
    external_id: str
    type: DirectRelationReference
    start_node: DirectRelationReference
    end_node: DirectRelationReference
    version: int | None = None
    created_time: int | None = None
    last_updated_time: int | None = None
    deleted_time: int | None = None
    properties: InstanceProperties = Field(default_factory=dict)

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

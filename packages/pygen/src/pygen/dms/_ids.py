"""Identifiers of DMS resources: frozen, hashable, positional-friendly."""

from __future__ import annotations

from typing import Any, Literal

from pygen.dms._base import FrozenDMSModel, positional


class SpaceId(FrozenDMSModel):
    """A space, by name."""

    space: str

    def __init__(self, space: str | None = None, /, **data: Any) -> None:
        if space is not None:
            data["space"] = space
        super().__init__(**data)


class ContainerId(FrozenDMSModel):
    """A container: `space` and `external_id`."""

    space: str
    external_id: str
    type: Literal["container"] = "container"

    def __init__(self, space: str | None = None, external_id: str | None = None, /, **data: Any) -> None:
        positional(data, space=space, external_id=external_id)
        super().__init__(**data)


class ViewId(FrozenDMSModel):
    """A view: `space`, `external_id` and `version`."""

    space: str
    external_id: str
    version: str | None = None
    type: Literal["view"] = "view"

    def __init__(
        self,
        space: str | None = None,
        external_id: str | None = None,
        version: str | None = None,
        /,
        **data: Any,
    ) -> None:
        positional(data, space=space, external_id=external_id, version=version)
        super().__init__(**data)


class DataModelId(FrozenDMSModel):
    """A data model: `space`, `external_id` and `version`."""

    space: str
    external_id: str
    version: str | None = None

    def __init__(
        self,
        space: str | None = None,
        external_id: str | None = None,
        version: str | None = None,
        /,
        **data: Any,
    ) -> None:
        positional(data, space=space, external_id=external_id, version=version)
        super().__init__(**data)


class DirectRelationReference(FrozenDMSModel):
    """A reference to a node: the value of a direct relation and of a node or edge `type`."""

    space: str
    external_id: str

    def __init__(self, space: str | None = None, external_id: str | None = None, /, **data: Any) -> None:
        positional(data, space=space, external_id=external_id)
        super().__init__(**data)


class NodeId(FrozenDMSModel):
    """A node: `space` and `external_id`."""

    _always_dump = ("instance_type",)
    space: str
    external_id: str
    instance_type: Literal["node"] = "node"

    def __init__(self, space: str | None = None, external_id: str | None = None, /, **data: Any) -> None:
        positional(data, space=space, external_id=external_id)
        super().__init__(**data)


class EdgeId(FrozenDMSModel):
    """An edge: `space` and `external_id`."""

    _always_dump = ("instance_type",)
    space: str
    external_id: str
    instance_type: Literal["edge"] = "edge"

    def __init__(self, space: str | None = None, external_id: str | None = None, /, **data: Any) -> None:
        positional(data, space=space, external_id=external_id)
        super().__init__(**data)

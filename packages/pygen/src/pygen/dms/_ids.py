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


class _Identified(FrozenDMSModel):
    """An identifier made of `space` and `external_id`: `Kind(space, external_id)`.

    Subclasses repeat `__init__` (delegating here) so that type checkers keep it positional.
    """

    space: str
    external_id: str

    def __init__(self, space: str | None = None, external_id: str | None = None, /, **data: Any) -> None:
        positional(data, space=space, external_id=external_id)
        super().__init__(**data)


class _Versioned(FrozenDMSModel):
    """An identifier made of `space`, `external_id` and `version`: `Kind(space, external_id, version)`."""

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


class ContainerId(_Identified):
    """A container: `space` and `external_id`."""

    type: Literal["container"] = "container"

    def __init__(self, *ids: str | None, **data: Any) -> None:
        super().__init__(*ids, **data)


class ViewId(_Versioned):
    """A view: `space`, `external_id` and `version`."""

    type: Literal["view"] = "view"

    def __init__(self, *ids: str | None, **data: Any) -> None:
        super().__init__(*ids, **data)


class DataModelId(_Versioned):
    """A data model: `space`, `external_id` and `version`."""

    def __init__(self, *ids: str | None, **data: Any) -> None:
        super().__init__(*ids, **data)


class DirectRelationReference(_Identified):
    """A reference to a node: the value of a direct relation and of a node or edge `type`."""

    def __init__(self, *ids: str | None, **data: Any) -> None:
        super().__init__(*ids, **data)


class NodeId(_Identified):
    """A node: `space` and `external_id`."""

    _always_dump = ("instance_type",)
    instance_type: Literal["node"] = "node"

    def __init__(self, *ids: str | None, **data: Any) -> None:
        super().__init__(*ids, **data)


class EdgeId(_Identified):
    """An edge: `space` and `external_id`."""

    _always_dump = ("instance_type",)
    instance_type: Literal["edge"] = "edge"

    def __init__(self, *ids: str | None, **data: Any) -> None:
        super().__init__(*ids, **data)

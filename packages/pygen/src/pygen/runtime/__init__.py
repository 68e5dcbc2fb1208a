"""The runtime every generated SDK depends on (a normal import, never copied code).

Generated read/write classes subclass `DomainModel` / `DomainModelWrite` (and the edge twins),
API classes subclass `ReadAPI` / `WriteAPI`, query builders subclass `Select`, and the SDK
client subclasses `GeneratedClient`. Requests go through `pygen.client` (sync and async).
"""

from __future__ import annotations

from pygen.runtime._api import (
    AggregateGroup,
    Aggregation,
    Bucket,
    Chunk,
    CommonFilters,
    IdLike,
    ReadAPI,
    WriteAPI,
    resolve_limit,
)
from pygen.runtime._client import GeneratedClient
from pygen.runtime._filters import build_filter, filter_arguments, property_filter
from pygen.runtime._model import (
    DomainEdge,
    DomainEdgeWrite,
    DomainModel,
    DomainModelWrite,
    OpenEnum,
    PropertySpec,
    RelationSpec,
)
from pygen.runtime._select import (
    MAX_DEPTH,
    BooleanFilter,
    DirectFilter,
    ExistsFilter,
    ListFilter,
    RangeFilter,
    RootT,
    Select,
    TextFilter,
)

__all__ = [
    "MAX_DEPTH",
    "AggregateGroup",
    "Aggregation",
    "BooleanFilter",
    "Bucket",
    "Chunk",
    "CommonFilters",
    "DirectFilter",
    "DomainEdge",
    "DomainEdgeWrite",
    "DomainModel",
    "DomainModelWrite",
    "ExistsFilter",
    "GeneratedClient",
    "IdLike",
    "ListFilter",
    "OpenEnum",
    "PropertySpec",
    "RangeFilter",
    "ReadAPI",
    "RelationSpec",
    "RootT",
    "Select",
    "TextFilter",
    "WriteAPI",
    "build_filter",
    "filter_arguments",
    "property_filter",
    "resolve_limit",
]

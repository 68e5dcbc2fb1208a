"""A language-agnostic intermediate representation (IR) of CDF data models.

Parse DMS data models (`parse_data_models`, `load_model_file`), validate them (`validate`,
`check`), transform them (`flatten_inheritance`, `apply_python_naming`) and serialize them
(`to_dict` / `from_dict`, plain data that `devcore.serial` and JSON carry).
"""

from __future__ import annotations

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
    Relationship,
    ReverseRelation,
    TypeRef,
    ViewRef,
    unwrap,
)
from pygen.ir._parse import load_model_file, parse_data_models
from pygen.ir._serialize import from_dict, to_dict
from pygen.ir._synthetic import edge_case_data_model, synthetic_data_model
from pygen.ir._transform import apply_python_naming, flatten_inheritance, prepare_python, select_views
from pygen.ir._validate import Issue, check, validate

__all__ = [
    "CDFReference",
    "ClassDef",
    "DirectRelation",
    "EdgeRelation",
    "Enum",
    "EnumType",
    "EnumValue",
    "Issue",
    "ListOf",
    "Model",
    "NodeRef",
    "Nullable",
    "Primitive",
    "Property",
    "Relationship",
    "ReverseRelation",
    "TypeRef",
    "ViewRef",
    "apply_python_naming",
    "check",
    "edge_case_data_model",
    "flatten_inheritance",
    "from_dict",
    "load_model_file",
    "parse_data_models",
    "prepare_python",
    "select_views",
    "synthetic_data_model",
    "to_dict",
    "unwrap",
    "validate",
]

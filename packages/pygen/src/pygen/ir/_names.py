"""Identifier rules for generated Python: case conversion, reserved words and mangling."""

from __future__ import annotations

import builtins
import keyword
import re

# Members of pydantic.BaseModel (v2, with the deprecated v1 API) and of the runtime's base
# classes; a field with one of these names would shadow them.
_MODEL_ATTRIBUTES = frozenset(
    {
        "construct",
        "copy",
        "dict",
        "fields",
        "from_orm",
        "json",
        "parse_file",
        "parse_obj",
        "parse_raw",
        "schema",
        "schema_json",
        "update_forward_refs",
        "validate",
        "model_computed_fields",
        "model_config",
        "model_construct",
        "model_copy",
        "model_dump",
        "model_dump_json",
        "model_extra",
        "model_fields",
        "model_fields_set",
        "model_json_schema",
        "model_parametrized_name",
        "model_post_init",
        "model_rebuild",
        "model_validate",
        "model_validate_json",
        "model_validate_strings",
        # pygen.runtime: instance metadata, class metadata and methods
        "space",
        "external_id",
        "version",
        "created_time",
        "last_updated_time",
        "deleted_time",
        "instance_type",
        "edge_type",
        "start_node",
        "end_node",
        "as_id",
        "as_write",
        "dump",
        "load",
        "view_id",
        "dms_names",
        "data_record",
    }
)
# Parameters of the generated API methods next to `**filters`, and the common keyword filters:
# a property with one of these names would collide with them.
API_PARAMETERS = frozenset(
    {
        "sort_by",
        "descending",
        "limit",
        "chunk_size",
        "cursor",
        "query",
        "properties",
        "aggregation",
        "interval",
        "group_by",
        "space",
        "external_id_prefix",
        "filter",
    }
)
# Methods of the generated query builders and read classes.
_BUILDER_METHODS = frozenset({"fetch", "afetch", "related", "select"})
RESERVED_MEMBER_NAMES = frozenset(
    {
        *keyword.kwlist,
        *keyword.softkwlist,
        *dir(builtins),
        *_MODEL_ATTRIBUTES,
        *API_PARAMETERS,
        *_BUILDER_METHODS,
    }
)
RESERVED_CLASS_NAMES = frozenset({*keyword.kwlist, *dir(builtins), "Any", "ClassVar", "Literal"})
_ACRONYM = re.compile(r"([A-Z]+)([A-Z][a-z])")
_CAMEL = re.compile(r"([a-z])([A-Z])")
_NOT_IDENTIFIER = re.compile(r"\W+")


def to_snake(name: str) -> str:
    """`directReverseMulti` -> `direct_reverse_multi`; `my-prop` -> `my_prop`."""
    text = _CAMEL.sub(r"\1_\2", _ACRONYM.sub(r"\1_\2", name))
    return _NOT_IDENTIFIER.sub("_", text).strip("_").lower()


def to_pascal(name: str) -> str:
    """`cognite-asset` -> `CogniteAsset`; keeps inner capitals (`CogniteCADModel`)."""
    parts = [part for part in _NOT_IDENTIFIER.sub(" ", name.replace("_", " ")).split(" ") if part]
    return "".join(part[:1].upper() + part[1:] for part in parts)


def member_name(dms_name: str) -> str:
    """A safe Python attribute name for a DMS property: snake_case, never reserved or private."""
    name = to_snake(dms_name) or "property"
    if name[0].isdigit():
        name = f"n_{name}"
    if name in RESERVED_MEMBER_NAMES or not name.isidentifier():
        name = f"{name}_"
    return name


def class_name(dms_name: str) -> str:
    """A safe Python class name for a view or an enum."""
    name = to_pascal(dms_name) or "View"
    if name[0].isdigit():
        name = f"V{name}"
    if name in RESERVED_CLASS_NAMES or not name.isidentifier():
        name = f"{name}_"
    return name


def enum_member_name(dms_name: str) -> str:
    """A safe Enum member name for a DMS enum value (case kept)."""
    name = _NOT_IDENTIFIER.sub("_", dms_name).strip("_") or "value"
    if name[0].isdigit():
        name = f"n_{name}"
    if keyword.iskeyword(name) or name in {"name", "value", "mro"} or name.startswith("_"):
        name = f"{name}_"
    return name


def unique(name: str, taken: set[str]) -> str:
    """`name`, or `name_2`, `name_3`, ... whichever is not in `taken`; adds the result to it."""
    candidate, counter = name, 2
    while candidate in taken:
        candidate = f"{name.rstrip('_')}_{counter}"
        counter += 1
    taken.add(candidate)
    return candidate

from __future__ import annotations

import keyword
from pathlib import Path

import pytest

from pygen import ModelError
from pygen.ir import (
    ViewRef,
    edge_case_data_model,
    flatten_inheritance,
    load_model_file,
    parse_data_models,
    prepare_python,
)


def test_flattening_gives_every_ancestor_member() -> None:
    model = flatten_inheritance(parse_data_models(edge_case_data_model()))
    level9 = next(c for c in model.classes if c.name == "Level9")
    names = [p.dms_name for p in level9.properties]
    assert sorted(names) == sorted([*(f"depth{i}" for i in range(10)), "link"])
    link = next(p for p in level9.properties if p.dms_name == "link")
    assert link.inherited_from is None  # Level9 narrows the link's target itself


def test_flattening_fills_in_write_format_models() -> None:
    views = [
        {"space": "s", "externalId": "Base", "version": "1", "properties": {"a": {"type": {"type": "text"}}}},
        {
            "space": "s",
            "externalId": "Child",
            "version": "1",
            "implements": [{"space": "s", "externalId": "Base", "version": "1"}],
            "properties": {},
        },
    ]
    model = flatten_inheritance(
        parse_data_models({"space": "s", "externalId": "M", "version": "1", "views": views})
    )
    child = model.classes[1]
    assert [(p.dms_name, p.inherited_from) for p in child.properties] == [("a", ViewRef("s", "Base", "1"))]


def test_flattening_a_cycle_raises() -> None:
    views = [
        {
            "space": "s",
            "externalId": "A",
            "version": "1",
            "implements": [{"space": "s", "externalId": "A", "version": "1"}],
        }
    ]
    with pytest.raises(ModelError, match="cycle"):
        flatten_inheritance(
            parse_data_models({"space": "s", "externalId": "M", "version": "1", "views": views})
        )


def test_python_naming_is_safe_unique_and_keeps_aliases() -> None:
    model = prepare_python(parse_data_models(edge_case_data_model()))
    class_names = [c.name for c in model.classes] + [e.name for e in model.enums]
    assert len(set(class_names)) == len(class_names)
    assert "FieldWrite" not in class_names  # the write class of view Field owns that name
    for cls in model.classes:
        names = [m.name for m in (*cls.properties, *cls.relationships)]
        assert len(set(names)) == len(names), cls.name
        for name in names:
            assert name.isidentifier()
            assert not keyword.iskeyword(name)
            assert not name.startswith("_")
    field = next(c for c in model.classes if c.name == "Field")
    assert {p.dms_name: p.name for p in field.properties} == {
        "my-prop": "my_prop",
        "3d": "n_3d",
        "foo_bar": "foo_bar",
        "FooBar": "foo_bar_2",
        "fooBar": "foo_bar_3",
        "kind": "kind",
    }


def test_cognite_core_prepares_for_python(fixtures_dir: Path) -> None:
    model = prepare_python(load_model_file(fixtures_dir / "CogniteCore" / "model.yaml"))
    asset = next(c for c in model.classes if c.name == "CogniteAsset")
    assert {"name", "parent", "type_", "children"} <= {
        m.name for m in (*asset.properties, *asset.relationships)
    }

"""Every API method of every view of Omni, CogniteCore and the edge cases, against the emulator.

For each writable view the test writes sample instances with a value for every property, then
reads them back through retrieve, list (with each keyword filter the view has), iterate,
search, aggregate, histogram and the query builder, and deletes them; the async twins run too.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import types
import typing
from pathlib import Path
from typing import Any

import pytest

from pygen.dms import DirectRelationReference
from pygen.runtime import DomainEdgeWrite, PropertySpec, filter_arguments

from .conftest import INSTANCE_SPACE, Setup

SAMPLES = 3


def _enum_class(write_class: Any, name: str) -> type[enum.Enum] | None:
    annotation = write_class.model_fields[name].annotation
    for arg in [annotation, *typing.get_args(annotation)]:
        for inner in [arg, *typing.get_args(arg)]:
            if isinstance(inner, type) and issubclass(inner, enum.Enum):
                return inner
    return None


def _value(write_class: Any, name: str, spec: PropertySpec, index: int) -> Any:
    kind = spec.kind
    if kind == "enum":
        members = list(_enum_class(write_class, name) or [])
        value: Any = members[index % len(members)]
    elif kind == "text":
        value = f"v{index}-{name}"
    elif kind == "cdf":
        value = f"ref_{index}"
    elif kind == "boolean":
        value = index % 2 == 0
    elif kind == "int":
        value = index + 1
    elif kind == "float":
        value = index + 0.5
    elif kind == "timestamp":
        value = dt.datetime(2024, 1, 1, tzinfo=dt.UTC) + dt.timedelta(hours=index)
    elif kind == "date":
        value = dt.date(2024, 1, 1) + dt.timedelta(days=index)
    elif kind == "json":
        value = {"index": index}
    else:
        value = DirectRelationReference(INSTANCE_SPACE, f"target-{index}")
    return [value] if spec.is_list else value


def _write(view_api: Any, index: int, prefix: str) -> Any:
    cls = view_api._write_class
    values = {name: _value(cls, name, spec, index) for name, spec in cls._props.items()}
    if issubclass(cls, DomainEdgeWrite):
        values.update(
            edge_type=DirectRelationReference(INSTANCE_SPACE, "edge-type"),
            start_node=DirectRelationReference(INSTANCE_SPACE, f"{prefix}-start-{index}"),
            end_node=DirectRelationReference(INSTANCE_SPACE, f"{prefix}-end-{index}"),
        )
    return cls(space=INSTANCE_SPACE, external_id=f"{prefix}-{index}", **values)


def _exercise_view(setup: Setup, accessor: str) -> None:
    api = getattr(setup.sdk, accessor)
    read = api._read_class
    prefix = f"t-{accessor}"
    if not hasattr(api, "_write_class"):
        assert isinstance(api.list(limit=5), list)
        assert isinstance(api.aggregate(), list)
        return
    is_edge = issubclass(api._write_class, DomainEdgeWrite)
    if is_edge:
        nodes = [
            {"instanceType": "node", "space": INSTANCE_SPACE, "externalId": f"{prefix}-{end}-{i}"}
            for i in range(SAMPLES)
            for end in ("start", "end")
        ]
        setup.client.instances.apply(nodes)
    items = [_write(api, index, prefix) for index in range(SAMPLES)]
    results = api.upsert(items)
    assert len([r for r in results if r.external_id.startswith(prefix)]) == SAMPLES

    one = api.retrieve(f"{prefix}-0")
    assert one is not None
    assert one.external_id == f"{prefix}-0"
    for name in read._props:
        expected = getattr(items[0], name)
        got = getattr(one, name)
        assert _same(got, expected), (accessor, name, got, expected)
    assert [r.external_id for r in api.retrieve([f"{prefix}-1", f"{prefix}-2"])] == [
        f"{prefix}-1",
        f"{prefix}-2",
    ]
    assert api.retrieve("absent") is None
    assert one.as_write().external_id == one.external_id

    mine = {"external_id_prefix": prefix}
    assert len(api.list(limit=None, **mine)) == SAMPLES
    assert len(api.list(limit=2, **mine)) == 2
    assert api.list(limit=0, **mine) == []
    by_id = api.list(limit=None, sort_by="external_id", descending=True, **mine)
    assert [item.external_id for item in by_id] == [f"{prefix}-{i}" for i in reversed(range(SAMPLES))]

    for keyword, (name, operator) in filter_arguments(read._props).items():
        value = getattr(items[0], name)
        argument: Any = {"equals": value, "prefix": "v0", "min": value, "max": value}[operator]
        if isinstance(argument, list):
            argument = argument[0]
        found = {item.external_id for item in api.list(limit=None, **mine, **{keyword: argument})}
        assert f"{prefix}-0" in found, (accessor, keyword, argument)

    chunks = list(api.iterate(chunk_size=2, **mine))
    assert [len(chunk) for chunk in chunks] == [2, 1]
    resumed = list(api.iterate(chunk_size=2, cursor=chunks[0].cursor, **mine))
    assert [item.external_id for chunk in resumed for item in chunk] == [
        item.external_id for item in chunks[1]
    ]

    if hasattr(api, "search"):
        assert {item.external_id for item in api.search(None, limit=None, **mine)} == {
            f"{prefix}-{i}" for i in range(SAMPLES)
        }
    (count,) = api.aggregate("count", **mine)
    assert count.value == SAMPLES
    if hasattr(api, "histogram"):
        numeric = next(
            name for name, spec in read._props.items() if spec.kind in ("int", "float") and not spec.is_list
        )
        buckets = api.histogram(numeric, 1000.0, **mine)
        assert sum(bucket.count for bucket in buckets) == SAMPLES
        (total,) = api.aggregate("sum", numeric, **mine)
        assert total.value == pytest.approx(sum(getattr(item, numeric) for item in items))
    fetched = api.select().fetch(limit=None)
    assert {f"{prefix}-{i}" for i in range(SAMPLES)} <= {item.external_id for item in fetched}

    async def twins() -> None:
        assert len(await api.alist(limit=None, **mine)) == SAMPLES
        found = await api.aretrieve(f"{prefix}-1")
        assert found is not None
        assert [len(c) async for c in api.aiterate(chunk_size=2, **mine)] == [2, 1]
        (counted,) = await api.aaggregate("count", **mine)
        assert counted.value == SAMPLES
        assert len(await api.select().afetch(limit=None)) >= SAMPLES
        await api.aupsert(items[:1])
        assert await api.adelete(f"{prefix}-0")

    asyncio.run(twins())
    deleted = api.delete([f"{prefix}-1", f"{prefix}-2"])
    assert len(deleted) == 2
    assert api.list(limit=None, **mine) == []


def _same(got: Any, expected: Any) -> bool:
    if isinstance(expected, list):
        return (
            isinstance(got, list)
            and len(got) == len(expected)
            and all(_same(g, e) for g, e in zip(got, expected, strict=True))
        )
    if isinstance(expected, float):
        return got == pytest.approx(expected)
    return bool(got == expected)


@pytest.mark.parametrize("name", ["Omni", "CogniteCore", "EdgeCases"])
def test_every_method_of_every_view(name: str, tmp_path: Path) -> None:
    setup = Setup(name, tmp_path)
    try:
        accessors = sorted(type(setup.sdk)._apis)
        assert accessors
        for accessor in accessors:
            _exercise_view(setup, accessor)
    finally:
        setup.close()


def test_the_module_is_imported_on_first_use(omni: Setup) -> None:
    assert isinstance(omni.module, types.ModuleType)
    assert omni.sdk.primitive_nullable is omni.sdk.primitive_nullable

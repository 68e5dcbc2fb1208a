from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pygen.client import DMSAPIError, DMSClient, DMSNotFoundError
from pygen.dms import ContainerApply, ContainerId, DataModelId, SpaceApply, ViewApply, ViewId
from pygen.emulator import Emulator


def test_omni_model_reads_back_exactly_as_the_fixture(client: DMSClient, fixtures_dir: Path) -> None:
    expected = yaml.safe_load((fixtures_dir / "Omni" / "model.yaml").read_text())
    (model,) = client.data_models.retrieve(DataModelId("sp_pygen_models", "Omni", "1"), inline_views=True)
    got = {v.external_id: v.dump() for v in model.views}
    assert len(got) == len(expected["views"]) == 23
    for view in expected["views"]:
        read = got[view["externalId"]]
        for key, value in view.items():
            if key not in ("createdTime", "lastUpdatedTime"):
                assert read[key] == value, (view["externalId"], key)


def test_cognite_core_loads_with_synthesised_containers(emulator: Emulator, fixtures_dir: Path) -> None:
    counts = emulator.load(fixtures_dir / "CogniteCore" / "model.yaml", is_global=True)
    assert counts["views"] == 33
    assert counts["containers"] > 0
    with emulator.client() as client:
        assert client.views.list(limit=None) == []  # global items need include_global
        views = client.views.list(limit=None, include_global=True)
        assert len(views) == 33
        asset = next(v for v in views if v.external_id == "CogniteAsset")
        assert "parent" in asset.properties
        assert "name" in asset.properties


def test_schema_apply_list_retrieve_delete(emulator: Emulator) -> None:
    with emulator.client() as client:
        client.spaces.apply(SpaceApply(space="s1", name="One"))
        container = ContainerApply.load(
            {
                "space": "s1",
                "externalId": "C",
                "properties": {"name": {"type": {"type": "text"}}, "n": {"type": {"type": "int32"}}},
            }
        )
        (stored,) = client.containers.apply(container)
        assert stored.properties["name"].nullable is True
        assert stored.used_for == "node"
        view = ViewApply.load(
            {
                "space": "s1",
                "externalId": "V",
                "version": "1",
                "properties": {
                    "name": {
                        "container": {"space": "s1", "externalId": "C"},
                        "containerPropertyIdentifier": "name",
                    }
                },
            }
        )
        (read,) = client.views.apply(view)
        assert read.writable is False or read.writable is True
        assert read.properties["name"].type.type == "text"  # type: ignore[union-attr]
        assert [v.as_id() for v in client.views.retrieve(ViewId("s1", "V", "1"))] == [ViewId("s1", "V", "1")]
        assert client.containers.retrieve(ContainerId("s1", "missing")) == []
        assert client.views.delete(ViewId("s1", "V", "1")) == [ViewId("s1", "V", "1")]
        assert client.views.list(limit=None) == []


def test_view_on_a_missing_container_is_a_400_naming_it(emulator: Emulator) -> None:
    with emulator.client() as client:
        client.spaces.apply(SpaceApply(space="s1"))
        view = {
            "space": "s1",
            "externalId": "V",
            "version": "1",
            "properties": {
                "p": {"container": {"space": "s1", "externalId": "Nope"}, "containerPropertyIdentifier": "p"}
            },
        }
        with pytest.raises(DMSNotFoundError) as info:
            client.views.apply(view)
        assert info.value.code == 400
        assert info.value.missing == [{"space": "s1", "externalId": "Nope"}]
        assert info.value.request_id


def test_duplicated_ids_in_one_request_are_reported(emulator: Emulator) -> None:
    with emulator.client() as client, pytest.raises(DMSAPIError) as info:
        client.spaces.apply([SpaceApply(space="a"), SpaceApply(space="a")])
    assert info.value.duplicated == [{"space": "a"}]


def test_list_limit_is_validated_like_the_api(emulator: Emulator) -> None:
    with emulator.client() as client, pytest.raises(DMSAPIError) as info:
        client._http.request("GET", "/models/spaces", params={"limit": 1001})
    assert info.value.code == 400
    assert info.value.message == (
        "Request had 1 constraint violations. Please fix the request and try again. "
        "[limit must be less than or equal to 1000]"
    )


def test_inherited_properties_can_be_left_out(emulator: Emulator) -> None:
    mapped = {"container": {"space": "s", "externalId": "C"}, "containerPropertyIdentifier": "a"}
    service = emulator.service
    service.apply_schema("spaces", {"items": [{"space": "s"}]})
    service.apply_schema(
        "containers",
        {"items": [{"space": "s", "externalId": "C", "properties": {"a": {"type": {"type": "text"}}}}]},
    )
    parent = {"space": "s", "externalId": "Parent", "version": "1", "properties": {"a": mapped}}
    child = {
        "space": "s",
        "externalId": "Child",
        "version": "1",
        "implements": [{"space": "s", "externalId": "Parent", "version": "1"}],
        "properties": {"b": mapped},
    }
    service.apply_schema("views", {"items": [parent, child]})
    with emulator.client() as client:
        (full,) = client.views.retrieve(ViewId("s", "Child", "1"))
        (own,) = client.views.retrieve(ViewId("s", "Child", "1"), include_inherited_properties=False)
        assert set(full.properties) == {"a", "b"}
        assert set(own.properties) == {"b"}
        listed = client.views.list(limit=None, include_inherited_properties=False)
        assert {v.external_id: set(v.properties) for v in listed} == {"Parent": {"a"}, "Child": {"b"}}


def test_typing_describes_the_returned_properties(client: DMSClient) -> None:
    view = {"type": "view", "space": "sp_pygen_models", "externalId": "PrimitiveNullable", "version": "1"}
    body = {
        "instanceType": "node",
        "sources": [{"source": view, "properties": ["*"]}],
        "includeTyping": True,
        "limit": 2,
    }
    typing = client._http.request("POST", "/models/instances/list", json=body)["typing"]
    props = typing["sp_pygen_models"]["PrimitiveNullable/1"]
    assert props["int32"]["type"] == {"type": "int32", "list": False}
    assert props["text"]["nullable"] is True


def test_versions_latest_by_default_all_on_request(emulator: Emulator) -> None:
    service = emulator.service
    service.apply_schema("spaces", {"items": [{"space": "s"}]})
    service.apply_schema(
        "containers",
        {"items": [{"space": "s", "externalId": "C", "properties": {"a": {"type": {"type": "text"}}}}]},
    )
    mapped = {"container": {"space": "s", "externalId": "C"}, "containerPropertyIdentifier": "a"}
    with emulator.client() as client:
        for version in ("1", "2"):
            client.views.apply(
                {"space": "s", "externalId": "V", "version": version, "properties": {f"p{version}": mapped}}
            )
            client.data_models.apply(
                {
                    "space": "s",
                    "externalId": "M",
                    "version": version,
                    "views": [{"space": "s", "externalId": "V", "version": version}],
                }
            )
        assert [v.version for v in client.views.list(limit=None)] == ["2"]
        assert sorted(v.version for v in client.views.list(limit=None, all_versions=True)) == ["1", "2"]
        assert [m.version for m in client.data_models.list(limit=None)] == ["2"]
        assert len(client.data_models.list(limit=None, all_versions=True)) == 2
        (v1,) = client.views.retrieve(ViewId("s", "V", "1"))
        assert set(v1.properties) == {"p1"}
        (latest,) = client.views.retrieve({"space": "s", "externalId": "V"})
        assert latest.version == "2"

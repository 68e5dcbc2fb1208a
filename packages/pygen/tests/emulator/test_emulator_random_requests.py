"""Random request bodies get a 200 or a 4xx error body from the emulator, never a crash."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pygen.emulator import Emulator
from pygen.emulator._emulator import IN_PROCESS_URL

PREFIX = "/api/v1/projects/p/models"
ENDPOINTS = [
    "/spaces",
    "/spaces/byids",
    "/containers",
    "/views",
    "/views/byids",
    "/datamodels",
    "/instances",
    "/instances/list",
    "/instances/byids",
    "/instances/delete",
    "/instances/search",
    "/instances/aggregate",
    "/instances/query",
    "/instances/sync",
]
keys = st.sampled_from(
    [
        "items",
        "space",
        "externalId",
        "version",
        "properties",
        "filter",
        "limit",
        "cursor",
        "with",
        "select",
        "view",
        "sources",
        "instanceType",
        "type",
        "nodes",
        "edges",
        "aggregates",
        "groupBy",
        "query",
        "sort",
        "x",
    ]
)
values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 2_000) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=12,
)
bodies = st.dictionaries(keys, values, max_size=5)


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with Emulator() as emulator:
        emulator.service.apply_schema("spaces", {"items": [{"space": "s"}]})
        with httpx.Client(base_url=IN_PROCESS_URL, transport=emulator.transport()) as client:
            yield client


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(endpoint=st.sampled_from(ENDPOINTS), body=bodies | values)
def test_random_bodies_never_crash_the_emulator(http: httpx.Client, endpoint: str, body: Any) -> None:
    response = http.post(PREFIX + endpoint, json=body)
    assert response.status_code == 200 or 400 <= response.status_code < 500
    if response.status_code != 200:
        error = response.json()["error"]
        assert error["code"] == response.status_code
        assert error["message"]
        assert response.headers["x-request-id"]


@given(
    params=st.dictionaries(
        st.sampled_from(["limit", "cursor", "space", "includeGlobal", "allVersions", "inlineViews"]),
        st.text(max_size=6),
        max_size=4,
    )
)
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_random_list_parameters_never_crash(http: httpx.Client, params: dict[str, str]) -> None:
    response = http.get(PREFIX + "/views", params=params)
    assert response.status_code in (200, 400)

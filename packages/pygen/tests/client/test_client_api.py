from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from pygen.client import DMSAuthError, DMSClient, OAuthClientCredentials, Token
from pygen.dms import Equals, NodeApply, NodeId, NodeOrEdgeData, SpaceApply, ViewId
from pygen.emulator import AuthConfig, Emulator
from pygen.emulator._emulator import IN_PROCESS_URL

NULLABLE = ViewId("sp_pygen_models", "PrimitiveNullable", "1")


def _nodes(count: int, space: str = "bulk") -> list[NodeApply]:
    return [
        NodeApply(
            space=space,
            external_id=f"n{i:05d}",
            sources=[NodeOrEdgeData(source=NULLABLE, properties={"int64": i})],
        )
        for i in range(count)
    ]


def test_calls_are_chunked_to_the_api_limits(omni: Emulator, client: DMSClient) -> None:
    client.spaces.apply([SpaceApply(space="bulk")])
    spaces = [SpaceApply(space=f"x{i}") for i in range(250)]
    assert len(client.spaces.apply(spaces)) == 250
    assert omni.request_counts["POST /spaces"] == 1 + 3
    results = client.instances.apply(_nodes(2_500))
    assert [r.external_id for r in results] == [f"n{i:05d}" for i in range(2_500)]  # input order kept
    assert omni.request_counts["POST /instances"] == 3
    before = omni.request_counts["POST /instances/list"]
    seen = [
        n.external_id
        for n in client.instances.iterate(filter=Equals(["node", "space"], "bulk"), chunk_size=1000)
    ]
    assert len(seen) == 2_500
    assert omni.request_counts["POST /instances/list"] - before == 3
    assert len(client.instances.retrieve([NodeId("bulk", f"n{i:05d}") for i in range(1_500)])) == 1_500


def test_list_stops_at_the_limit_without_extra_requests(omni: Emulator, client: DMSClient) -> None:
    before = omni.request_counts["POST /instances/list"]
    assert len(client.instances.list(limit=7)) == 7
    assert omni.request_counts["POST /instances/list"] - before == 1


def test_async_client_does_the_same(omni: Emulator) -> None:
    async def scenario() -> tuple[int, int, int]:
        async with omni.async_client(max_workers=3) as client:
            await client.spaces.apply(SpaceApply(space="bulk"))
            await client.instances.apply(_nodes(2_100))
            listed = [n async for n in client.instances.iterate(filter=Equals(["node", "space"], "bulk"))]
            limited = await client.instances.list(limit=5)
            views = await client.views.list(limit=None)
            return len(listed), len(limited), len(views)

    assert asyncio.run(scenario()) == (2_100, 5, 23)


@pytest.fixture
def secured() -> Iterator[Emulator]:
    auth = AuthConfig(required=True, tokens={"static"}, clients={"app": "s3cret"}, token_ttl_s=120)
    with Emulator(auth=auth) as emulator:
        yield emulator


def test_static_and_callable_tokens(secured: Emulator) -> None:
    with DMSClient(IN_PROCESS_URL, "p", transport=secured.transport(), credentials=Token("static")) as client:
        assert client.spaces.list() == []
    calls = []

    def token() -> str:
        calls.append(1)
        return "static"

    with DMSClient(IN_PROCESS_URL, "p", transport=secured.transport(), credentials=Token(token)) as client:
        client.spaces.list()
        client.spaces.list()
    assert len(calls) == 2


def test_missing_or_wrong_token_is_an_auth_error(secured: Emulator) -> None:
    with (
        DMSClient(IN_PROCESS_URL, "p", transport=secured.transport()) as client,
        pytest.raises(DMSAuthError) as info,
    ):
        client.spaces.list()
    assert info.value.code == 401
    with (
        DMSClient(IN_PROCESS_URL, "p", transport=secured.transport(), credentials=Token("nope")) as client,
        pytest.raises(DMSAuthError),
    ):
        client.spaces.list()


def test_oauth_client_credentials_are_cached_and_refreshed(secured: Emulator) -> None:
    now = [0.0]
    credentials = OAuthClientCredentials(
        IN_PROCESS_URL + secured.token_url,
        "app",
        "s3cret",
        scopes=["user_impersonation"],
        refresh_margin_s=30,
        clock=lambda: now[0],
    )
    with DMSClient(IN_PROCESS_URL, "p", transport=secured.transport(), credentials=credentials) as client:
        for _ in range(5):
            client.spaces.list()
        assert credentials.fetch_count == 1
        now[0] = 95.0  # 120 s token, refreshed 30 s before expiry
        client.spaces.list()
        assert credentials.fetch_count == 2


def test_oauth_with_a_wrong_secret_is_an_auth_error(secured: Emulator) -> None:
    credentials = OAuthClientCredentials(IN_PROCESS_URL + secured.token_url, "app", "wrong")
    with (
        DMSClient(IN_PROCESS_URL, "p", transport=secured.transport(), credentials=credentials) as client,
        pytest.raises(DMSAuthError, match="invalid_client"),
    ):
        client.spaces.list()


def test_async_oauth(secured: Emulator) -> None:
    credentials = OAuthClientCredentials(IN_PROCESS_URL + secured.token_url, "app", "s3cret")

    async def scenario() -> int:
        async with secured.async_client(credentials=credentials) as client:
            await asyncio.gather(*(client.spaces.list() for _ in range(5)))
        return credentials.fetch_count

    assert asyncio.run(scenario()) == 1


def test_space_narrows_instance_lists(client: DMSClient) -> None:
    client.spaces.apply(SpaceApply(space="bulk"))
    client.instances.apply(_nodes(3))
    assert [n.space for n in client.instances.list(space="bulk", limit=None)] == ["bulk"] * 3
    narrowed = client.instances.list(
        space="bulk", filter=Equals(["node", "externalId"], "n00001"), limit=None
    )
    assert [n.external_id for n in narrowed] == ["n00001"]
    assert sum(1 for _ in client.instances.iterate(space="sp_omni_instances")) >= 90

from __future__ import annotations

import asyncio

from pygen.client import DMSClient
from pygen.dms import Equals, NodeApply, NodeOrEdgeData, SpaceApply, ViewId
from pygen.emulator import Emulator

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


def test_space_narrows_instance_lists(client: DMSClient) -> None:
    client.spaces.apply(SpaceApply(space="bulk"))
    client.instances.apply(_nodes(3))
    assert [n.space for n in client.instances.list(space="bulk", limit=None)] == ["bulk"] * 3
    narrowed = client.instances.list(
        space="bulk", filter=Equals(["node", "externalId"], "n00001"), limit=None
    )
    assert [n.external_id for n in narrowed] == ["n00001"]
    assert sum(1 for _ in client.instances.iterate(space="sp_omni_instances")) >= 90

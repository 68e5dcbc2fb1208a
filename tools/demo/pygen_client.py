"""pygen 1/2: the local DMS emulator and our DMS client, on real files in a temporary directory."""

from __future__ import annotations

import logging
import tempfile
import time
from pathlib import Path

from pygen.client import DMSAPIError, DMSClient, RetryPolicy, Token
from pygen.dms import And, Equals, NodeApply, NodeOrEdgeData, Range, ViewId
from pygen.emulator import Emulator, FaultConfig

MODEL = """\
space: demo
externalId: Plant
version: '1'
views:
- space: demo
  externalId: Pump
  version: '1'
  usedFor: node
  implements: []
  properties:
    name:
      container: {space: demo, externalId: Pump}
      containerPropertyIdentifier: name
      type: {type: text, list: false}
      nullable: false
    flowRate:
      container: {space: demo, externalId: Pump}
      containerPropertyIdentifier: flowRate
      type: {type: float64, list: false}
      nullable: true
    site:
      container: {space: demo, externalId: Pump}
      containerPropertyIdentifier: site
      type: {type: enum, values: {north: {}, south: {}}}
      nullable: true
"""
PUMP = ViewId("demo", "Pump", "1")


def step(text: str) -> None:
    print(f"\n> {text}")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "plant.yaml").write_text(MODEL)
        db = root / "dms.db"
        step(f"load a read-format model into an emulator stored in {db.name} (its container is synthesised)")
        with Emulator(db) as emulator:
            print("  loaded:", {k: v for k, v in emulator.load(root / "plant.yaml").items() if v})
            with emulator.serve() as url, DMSClient(url, "demo", credentials=Token("any")) as client:
                print(f"  serving on {url}")
                step("apply 2,500 pumps: the client splits them into requests of 1,000")
                pumps = [
                    NodeApply(
                        space="demo",
                        external_id=f"pump-{i:04d}",
                        sources=[
                            NodeOrEdgeData(
                                source=PUMP,
                                properties={
                                    "name": f"Pump {i}",
                                    "flowRate": i * 0.5,
                                    "site": "north" if i % 3 else "south",
                                },
                            )
                        ],
                    )
                    for i in range(2_500)
                ]
                started = time.perf_counter()
                results = client.instances.apply(pumps)
                print(
                    f"  {len(results)} applied in {time.perf_counter() - started:.2f} s, "
                    f"{emulator.request_counts['POST /instances']} requests"
                )
                step("a bad value is refused with the API's 400 and a typed error")
                bad = NodeApply(
                    space="demo",
                    external_id="bad",
                    sources=[NodeOrEdgeData(source=PUMP, properties={"name": "x", "site": "east"})],
                )
                try:
                    client.instances.apply(bad)
                except Exception as exc:
                    print(f"  {type(exc).__name__}: {exc}")
                step("a stale existingVersion is refused in the real server's own words")
                try:
                    client.instances.apply(pumps[0].model_copy(update={"existing_version": 9}))
                except DMSAPIError as exc:
                    print(f"  {exc.code}: {exc.message}")
                step("filter, sort and paginate lazily")
                flt = And(
                    Equals(["demo", "Pump/1", "site"], "south"),
                    Range(["demo", "Pump/1", "flowRate"], gte=1000),
                )
                fastest = client.instances.list(
                    filter=flt,
                    sort=[{"property": ["demo", "Pump/1", "flowRate"], "direction": "descending"}],
                    sources=[PUMP],
                    limit=3,
                )
                for node in fastest:
                    print("  ", node.external_id, node.properties["demo"]["Pump/1"])
                count = sum(1 for _ in client.instances.iterate(filter=flt, chunk_size=200))
                print(f"  {count} southern pumps with flowRate >= 1000, iterated 200 at a time")
                step("aggregate: average flow rate per site, and a histogram")
                for item in client.instances.aggregate(
                    PUMP,
                    [{"avg": {"property": "flowRate"}}, {"count": {"property": "externalId"}}],
                    group_by=["site"],
                ):
                    print("  ", item.group, [(a["aggregate"], a["value"]) for a in item.aggregates])
                (hist,) = client.instances.aggregate(
                    PUMP, [{"histogram": {"property": "flowRate", "interval": 250}}]
                )
                print(
                    "   flowRate buckets:", [(b["start"], b["count"]) for b in hist.aggregates[0]["buckets"]]
                )
                step("full-text search")
                print("  ", [n.external_id for n in client.instances.search(PUMP, "pump 1234")])

        step("reopen the same database file with 30 % injected 429/503 faults: every call still succeeds")
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("  retry: %(message)s"))
        logging.getLogger("pygen.client").addHandler(handler)
        logging.getLogger("pygen.client").setLevel(logging.INFO)
        with Emulator(db, faults=FaultConfig(rate=0.3, retry_after_s=0.01, seed=3)) as emulator:
            with emulator.client(retry=RetryPolicy(max_retries=20)) as client:
                counts = [len(client.instances.list(limit=10)) for _ in range(8)]
            print(
                f"  8 calls, {counts[0]} nodes each, {sum(emulator.request_counts.values())} requests served"
            )


if __name__ == "__main__":
    main()

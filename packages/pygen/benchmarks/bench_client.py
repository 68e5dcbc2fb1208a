"""pygen's DMS client side by side with cognite-sdk, both against the same local emulator.

Run: hatch run bench:python packages/pygen/benchmarks/bench_client.py
Sizes: PYGEN_BENCH_NODES (100000), PYGEN_BENCH_FAULT_CALLS (1000), PYGEN_BENCH_RETRIEVE (5000).
Each measurement runs in a fresh subprocess so start-up and peak RSS are measured alone; the
emulator runs as its own process (`pygen emulator serve`).
"""

from __future__ import annotations

import json
import logging
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

NODES = int(os.environ.get("PYGEN_BENCH_NODES", "100000"))
FAULT_CALLS = int(os.environ.get("PYGEN_BENCH_FAULT_CALLS", "1000"))
RETRIEVE = int(os.environ.get("PYGEN_BENCH_RETRIEVE", "5000"))
RETRY_AFTER_S = 0.05
SPACE = "bench"
VIEW = {"space": SPACE, "externalId": "Item", "version": "1"}


def populate(db: Path, count: int) -> None:
    from pygen.emulator import Emulator

    with Emulator(db) as emulator:
        service = emulator.service
        service.apply_schema("spaces", {"items": [{"space": SPACE}]})
        props = {"name": {"type": {"type": "text"}}, "value": {"type": {"type": "int64"}}}
        service.apply_schema(
            "containers", {"items": [{"space": SPACE, "externalId": "Item", "properties": props}]}
        )
        mapping = {
            p: {"container": {"space": SPACE, "externalId": "Item"}, "containerPropertyIdentifier": p}
            for p in props
        }
        service.apply_schema("views", {"items": [{**VIEW, "properties": mapping}]})
        for start in range(0, count, 1000):
            items = [
                {
                    "instanceType": "node",
                    "space": SPACE,
                    "externalId": f"item{i:06d}",
                    "sources": [
                        {
                            "source": {**VIEW, "type": "view"},
                            "properties": {"name": f"item number {i}", "value": i},
                        }
                    ],
                }
                for i in range(start, min(count, start + 1000))
            ]
            service.apply_instances({"items": items})


class Server:
    def __init__(self, *args: str) -> None:
        command = [
            sys.executable,
            "-c",
            "from pygen._cli import main; main()",
            "emulator",
            "serve",
            "--port",
            "0",
            "--json",
            *args,
        ]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        self.url = json.loads(self.process.stdout.readline())["url"]

    def stats(self) -> dict[str, int]:
        import httpx

        return httpx.get(self.url + "/emulator/stats").json()["requests"]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def worker(argv: list[str]) -> dict[str, Any]:
    """One measurement in this (fresh) process; prints JSON."""
    task, who, url = argv
    started = time.perf_counter()
    if who == "pygen":
        import pygen.dms
        from pygen.client import DMSClient, RetryPolicy, Token

        # The client imports its models at the first call, and pydantic builds a model's schema at
        # its first use: one-off start-up costs (see the start-up rows), kept out of the throughput.
        pygen.dms.Node.load({"space": "warm-up", "externalId": "warm-up"})

        client: Any = DMSClient(url, "bench", credentials=Token("t"), retry=RetryPolicy(max_retries=30))
    else:
        from cognite.client import ClientConfig, CogniteClient, global_config
        from cognite.client.credentials import Token as SDKToken

        global_config.max_retries = 30
        global_config.max_retry_backoff = 1
        global_config.disable_pypi_version_check = True
        client = CogniteClient(
            ClientConfig(client_name="bench", project="bench", credentials=SDKToken("t"), base_url=url)
        )
    setup_s = time.perf_counter() - started
    baseline_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started, cpu_started = time.perf_counter(), time.process_time()
    result: dict[str, Any] = {"setup_s": setup_s}
    if task == "iterate":
        count = 0
        if who == "pygen":
            for _ in client.instances.iterate(chunk_size=1000):
                count += 1
        else:
            for chunk in client.data_modeling.instances(chunk_size=1000, instance_type="node"):
                count += len(chunk)
        result["count"] = count
    elif task == "list":
        limit = 10_000
        items = (
            client.instances.list(limit=limit)
            if who == "pygen"
            else client.data_modeling.instances.list(limit=limit)
        )
        result["count"] = len(items)
    elif task == "retrieve":
        ids = [(SPACE, f"item{i:06d}") for i in range(RETRIEVE)]
        if who == "pygen":
            from pygen.dms import NodeId

            result["count"] = len(client.instances.retrieve([NodeId(*i) for i in ids]))
        else:
            result["count"] = len(client.data_modeling.instances.retrieve(nodes=ids).nodes)
    elif task == "faults":
        waits: list[tuple[float, str | None]] = []

        class Collect(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                if hasattr(record, "wait_s"):
                    waits.append((record.wait_s, record.retry_after))

        logging.getLogger("pygen.client").addHandler(Collect())
        logging.getLogger("pygen.client").setLevel(logging.INFO)
        ok = 0
        for _ in range(FAULT_CALLS):
            if who == "pygen":
                client.instances.list(limit=5)
            else:
                client.data_modeling.instances.list(limit=5)
            ok += 1
        result["ok"] = ok
        result["retries"] = len(waits)
        result["honoured"] = sum(
            1 for wait, header in waits if header is not None and wait >= float(header) - 1e-9
        )
    result["seconds"] = time.perf_counter() - started
    result["cpu_s"] = time.process_time() - cpu_started  # the client's own work, whatever the load
    result["rss_growth_mb"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - baseline_kb) / 1024
    return result


def run_worker(task: str, who: str, url: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--worker", task, who, url], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def best_start_s(command: list[str], repeat: int = 5) -> float:
    """Best wall time of `command`, with bytecode caches as a pip install has them (one warm-up run)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(command, capture_output=True, check=True, env=env)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True, env=env)
        times.append(time.perf_counter() - started)
    return min(times)


def first_call_s(url: str) -> tuple[float, float]:
    """Start-up as a script sees it: import, build a client, list one node (pygen, cognite-sdk)."""
    python = sys.executable
    ours = (
        "from pygen.client import DMSClient, Token; "
        f"DMSClient({url!r}, 'bench', credentials=Token('t')).instances.list(limit=1)"
    )
    theirs = (
        "from cognite.client import ClientConfig, CogniteClient, global_config; "
        "from cognite.client.credentials import Token; "
        "global_config.disable_pypi_version_check = True; "
        "CogniteClient(ClientConfig(client_name='bench', project='bench', credentials=Token('t'), "
        f"base_url={url!r})).data_modeling.instances.list(limit=1)"
    )
    return best_start_s([python, "-c", ours]), best_start_s([python, "-c", theirs], 3)


def row(name: str, ours: float, theirs: float, unit: str, lower_is_better: bool = True) -> str:
    if min(ours, theirs) <= 0:
        return f"| {name} | {ours:,.3f} {unit} | {theirs:,.3f} {unit} | n/a |"
    ratio = theirs / ours if lower_is_better else ours / theirs
    return f"| {name} | {ours:,.3f} {unit} | {theirs:,.3f} {unit} | {ratio:,.1f}x |"


def main() -> None:
    lines = ["| metric | pygen | cognite-sdk | pygen advantage |", "| --- | --- | --- | --- |"]
    python = sys.executable
    pygen_cli = str(Path(python).with_name("pygen"))
    floor = best_start_s([python, "-c", "pass"])
    lines.append(row("`python -c pass` (interpreter floor, in both)", floor, floor, "s"))
    lines.append(
        row(
            "import the client",
            best_start_s([python, "-c", "import pygen.client"]),
            best_start_s([python, "-c", "import cognite.client"], 3),
            "s",
        )
    )
    lines.append(
        row(
            "`pygen --help` vs `import cognite.client` (floor of the anchor CLI)",
            best_start_s([pygen_cli, "--help"]),
            best_start_s([python, "-c", "import cognite.client"], 3),
            "s",
        )
    )

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        started = time.perf_counter()
        populate(db, NODES)
        print(
            f"loaded {NODES:,} nodes into the emulator in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )
        server = Server("--db", str(db))
        try:
            lines.append(row("import, build a client, list 1 node", *first_call_s(server.url), "s"))
            results: dict[str, dict[str, dict[str, Any]]] = {"iterate": {}}
            for who in ("pygen", "sdk"):
                before = server.stats().get("POST /instances/list", 0)
                results["iterate"][who] = run_worker("iterate", who, server.url)
                results["iterate"][who]["list_calls"] = server.stats().get("POST /instances/list", 0) - before
            for task in ("list", "retrieve"):  # throughput: the best of five runs, the clients taking turns
                runs = [
                    (who, run_worker(task, who, server.url)) for _ in range(5) for who in ("pygen", "sdk")
                ]
                results[task] = {
                    who: min((r for w, r in runs if w == who), key=lambda r: r["seconds"])
                    for who in ("pygen", "sdk")
                }
        finally:
            server.stop()
        it = results["iterate"]
        lines.append(
            row(f"iterate {NODES:,} nodes, chunk 1,000", it["pygen"]["seconds"], it["sdk"]["seconds"], "s")
        )
        lines.append(
            f"| list calls for the iteration | {it['pygen']['list_calls']} | {it['sdk']['list_calls']} | |"
        )
        lines.append(
            row(
                "peak RSS growth while iterating",
                it["pygen"]["rss_growth_mb"],
                it["sdk"]["rss_growth_mb"],
                "MB",
            )
        )
        for task, n in (("list", 10_000), ("retrieve", RETRIEVE)):
            r = results[task]
            lines.append(
                row(
                    f"{task} throughput ({n:,} nodes)",
                    r["pygen"]["count"] / r["pygen"]["seconds"],
                    r["sdk"]["count"] / r["sdk"]["seconds"],
                    "nodes/s",
                    lower_is_better=False,
                )
            )
        for task in ("iterate", "list", "retrieve"):
            r = results[task]
            per_node = {who: r[who]["cpu_s"] * 1e6 / max(1, r[who]["count"]) for who in ("pygen", "sdk")}
            lines.append(row(f"client CPU per node, {task}", per_node["pygen"], per_node["sdk"], "µs"))

    server = Server("--fault-rate", "0.3", "--retry-after", str(RETRY_AFTER_S))
    try:
        faults = {who: run_worker("faults", who, server.url) for who in ("pygen", "sdk")}
    finally:
        server.stop()
    ours, theirs = faults["pygen"], faults["sdk"]
    lines.append(
        f"| {FAULT_CALLS:,} calls with 30 % 429/503 injected: succeeded | {ours['ok']:,} | {theirs['ok']:,} | |"
    )
    lines.append(
        f"| retries; waits that honoured Retry-After ({RETRY_AFTER_S} s) | {ours['retries']}; {ours['honoured']} | not observable (SDK ignores Retry-After) | |"
    )
    lines.append(row("time for the faulty calls", ours["seconds"], theirs["seconds"], "s"))
    print("\n".join(lines))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        print(json.dumps(worker(sys.argv[2:])))
    else:
        main()

"""`pygen emulator ...`: run the local DMS emulator."""

from __future__ import annotations

import json
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

import click


def _pairs(values: tuple[str, ...], what: str, separator: str) -> dict[str, str]:
    pairs = {}
    for value in values:
        name, sep, rest = value.partition(separator)
        if not sep or not name:
            raise click.BadParameter(f"expected {what}, got {value!r}")
        pairs[name] = rest
    return pairs


@click.group()
def emulator() -> None:
    """A local emulator of the CDF Data Modeling Service."""


@emulator.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port (0 picks a free one).")
@click.option("--db", "db", default=":memory:", show_default=True, help="sqlite file for the data.")
@click.option(
    "--load",
    "loads",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="Model, container or instance YAML (or a directory) to load first; repeatable.",
)
@click.option(
    "--snapshot",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Start from a snapshot written by `pygen emulator snapshot`.",
)
@click.option("--var", "variables", multiple=True, help="NAME=VALUE for {{ NAME }} placeholders; repeatable.")
@click.option("--global", "is_global", is_flag=True, help="Mark the loaded schema as global.")
@click.option(
    "--token", "tokens", multiple=True, help="A bearer token to accept (turns auth on); repeatable."
)
@click.option(
    "--client", "clients", multiple=True, help="ID:SECRET of an OAuth client (turns auth on); repeatable."
)
@click.option(
    "--fault-rate",
    default=0.0,
    show_default=True,
    type=click.FloatRange(0, 1),
    help="Fraction of requests answered 429/503.",
)
@click.option(
    "--retry-after", default=1.0, show_default=True, type=float, help="Retry-After (s) sent with faults."
)
@click.option(
    "--latency-ms", default=0.0, show_default=True, type=float, help="Latency added to every request."
)
@click.option(
    "--strict-direct-relations/--lax-direct-relations",
    default=True,
    show_default=True,
    help="Strict (as CDF): a direct-relation target must have data in the container its type names. "
    "Lax: placeholder targets are auto-created as empty nodes.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the address as JSON.")
def serve(
    host: str,
    port: int,
    db: str,
    loads: tuple[Path, ...],
    snapshot: Path | None,
    variables: tuple[str, ...],
    is_global: bool,
    tokens: tuple[str, ...],
    clients: tuple[str, ...],
    fault_rate: float,
    retry_after: float,
    latency_ms: float,
    strict_direct_relations: bool,
    as_json: bool,
) -> None:
    """Serve the emulator over HTTP until interrupted (Ctrl-C or SIGTERM).

    The API is at http://HOST:PORT/api/v1/projects/<any project>/models/...; the OAuth token
    endpoint (client credentials) at http://HOST:PORT/oauth2/token.
    """
    from pygen.emulator import AuthConfig, Emulator, EmulatorError, FaultConfig, ServerThread

    auth = AuthConfig(
        required=bool(tokens or clients),
        tokens=set(tokens),
        clients=_pairs(clients, "ID:SECRET", ":"),
    )
    faults = FaultConfig(rate=fault_rate, retry_after_s=retry_after, latency_ms=latency_ms)
    try:
        instance = Emulator(db, auth=auth, faults=faults, strict_direct_relations=strict_direct_relations)
        if snapshot is not None:
            instance.load_snapshot(snapshot)
        counts = [
            instance.load(path, variables=_pairs(variables, "NAME=VALUE", "="), is_global=is_global)
            for path in loads
        ]
        server = ServerThread(instance.app, host=host, port=port)
        server.start()
    except (EmulatorError, OSError, RuntimeError) as exc:
        raise click.ClickException(str(exc)) from exc
    loaded = {key: sum(c[key] for c in counts) for key in counts[0]} if counts else {}
    if as_json:
        click.echo(json.dumps({"url": server.url, "db": db, "loaded": loaded}))
    else:
        click.echo(f"DMS emulator serving at {server.url} (db: {db})")
        if loaded:
            click.echo("loaded: " + ", ".join(f"{n} {k}" for k, n in loaded.items() if n))
    sys.stdout.flush()
    _wait_for_stop()
    server.stop()
    instance.close()


@emulator.command()
@click.argument("db", type=click.Path(exists=True, dir_okay=False))
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print what was written as JSON.")
def snapshot(db: str, output: Path, as_json: bool) -> None:
    """Write the content of emulator database DB to the snapshot file OUTPUT."""
    from pygen.emulator import Emulator

    with Emulator(db) as instance:
        counts = instance.save_snapshot(output)
    click.echo(json.dumps({"snapshot": str(output), **counts}) if as_json else f"wrote {output}: {counts}")


def _wait_for_stop() -> None:
    stop = threading.Event()

    def handle(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)
    while not stop.wait(0.5):
        pass

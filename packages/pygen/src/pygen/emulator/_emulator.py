"""`Emulator`: a local DMS with its data in sqlite, served in-process or over a loopback socket."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from pygen.client import AsyncDMSClient, DMSClient
from pygen.emulator._app import TOKEN_PATH, AuthConfig, FaultConfig, create_app
from pygen.emulator._loader import Loader
from pygen.emulator._server import InProcessTransport, serving
from pygen.emulator._service import DMSService
from pygen.emulator._snapshot import load_snapshot, save_snapshot
from pygen.emulator._store import Store

IN_PROCESS_URL = "http://emulator.local"


class Emulator:
    """A local emulator of the CDF Data Modeling Service.

    Args:
        db: a sqlite file, or `":memory:"` (the default).
        auth: bearer checks and OAuth clients (default: none required).
        faults: injected 429/503 faults and latency (default: none).
        strict_direct_relations: require direct-relation targets to have data in the container their
            type names, as CDF always does (the default); off lets placeholder targets be
            auto-created as empty nodes.

    Example:
        >>> with Emulator() as emulator, emulator.client() as client:
        ...     client.spaces.apply(SpaceApply(space="demo"))
    """

    def __init__(
        self,
        db: str | Path = ":memory:",
        *,
        auth: AuthConfig | None = None,
        faults: FaultConfig | None = None,
        strict_direct_relations: bool = True,
    ) -> None:
        self.store = Store(str(db))
        self.service = DMSService(self.store, strict_direct_relations=strict_direct_relations)
        self.auth = auth or AuthConfig()
        self.faults = faults or FaultConfig()
        self.app = create_app(self.service, auth=self.auth, faults=self.faults)
        self._transports: list[InProcessTransport] = []

    @property
    def request_counts(self) -> Counter[str]:
        """How many API requests were served, by `"METHOD /path"` (path after `/models`)."""
        counts: Counter[str] = self.app.state.gate.requests
        return counts

    @property
    def token_url(self) -> str:
        """The path of the OAuth client-credentials token endpoint (join it to the base URL)."""
        return TOKEN_PATH

    def load(
        self, path: str | Path, *, variables: dict[str, str] | None = None, is_global: bool = False
    ) -> dict[str, int]:
        """Load a data model, container or instance YAML file (or a directory of them).

        Returns:
            How many spaces, containers, views, data models and instances were loaded.

        Raises:
            ModelLoadError: a file cannot be read, parsed or applied (names the file).
        """
        return Loader(self.service, variables=variables, is_global=is_global).load(path)

    def save_snapshot(self, path: str | Path) -> dict[str, int]:
        """Write all schema and instances to one framed, checksummed file (atomically).

        Returns:
            How many spaces, containers, views, data models and live instances the file holds.
        """
        with self.service.lock:
            return save_snapshot(self.store, path)

    def load_snapshot(self, path: str | Path) -> None:
        """Replace all data with a snapshot written by `save_snapshot`.

        Raises:
            ModelLoadError: the file is missing, damaged or not a snapshot (nothing is changed).
        """
        with self.service.lock:
            load_snapshot(self.store, path)
            self.service.reload()

    def transport(self) -> InProcessTransport:
        """A blocking httpx transport into this emulator (closed with the emulator)."""
        transport = InProcessTransport(self.app)
        self._transports.append(transport)
        return transport

    def async_transport(self) -> httpx.ASGITransport:
        """An async httpx transport into this emulator."""
        return httpx.ASGITransport(app=self.app)

    def client(self, project: str = "emulator", **options: Any) -> DMSClient:
        """A `DMSClient` talking to this emulator in-process (no socket)."""
        return DMSClient(IN_PROCESS_URL, project, transport=self.transport(), **options)

    def async_client(self, project: str = "emulator", **options: Any) -> AsyncDMSClient:
        """An `AsyncDMSClient` talking to this emulator in-process (no socket)."""
        return AsyncDMSClient(IN_PROCESS_URL, project, transport=self.async_transport(), **options)

    @contextmanager
    def serve(self, *, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
        """Serve over HTTP on a loopback socket for the block; yields the base URL (port 0: a free port)."""
        with serving(self.app, host=host, port=port) as url:
            yield url

    def close(self) -> None:
        """Close in-process transports and the database."""
        for transport in self._transports:
            transport.close()
        self._transports.clear()
        self.store.close()

    def __enter__(self) -> Emulator:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

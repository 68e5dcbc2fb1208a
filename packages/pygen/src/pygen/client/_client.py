"""`DMSClient` and `AsyncDMSClient`: the entry points of the DMS client."""

from __future__ import annotations

from abc import ABC, abstractmethod
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pygen.client import _build as b
from pygen.client._api import InstancesAPI, SchemaAPI
from pygen.client._auth import Credentials
from pygen.client._executors import AsyncExecutor, Executor, Runner
from pygen.client._http import AsyncHTTP, ClientConfig, SyncHTTP
from pygen.client._instance_calls import InstanceCalls
from pygen.client._retry import RetryPolicy
from pygen.client._schema_calls import SchemaCalls

if TYPE_CHECKING:
    import httpx

    from pygen.dms import Container, DataModel, Space, View

TransportT = TypeVar("TransportT", "httpx.BaseTransport", "httpx.AsyncBaseTransport")


class _Client(ABC, Generic[TransportT]):
    """What both clients share: the configuration from the constructor's arguments."""

    def __init__(
        self,
        base_url: str,
        project: str,
        *,
        credentials: Credentials | None = None,
        timeout_s: float = 30.0,
        retry: RetryPolicy | None = None,
        max_workers: int = 4,
        transport: TransportT | None = None,
        **options: Any,
    ) -> None:
        self.config = ClientConfig(
            base_url=base_url,
            project=project,
            credentials=credentials,
            timeout_s=timeout_s,
            retry=retry or RetryPolicy(),
            max_workers=max_workers,
            **options,
        )
        self._open(transport)

    @abstractmethod
    def _open(self, transport: TransportT | None) -> None:
        """Build the HTTP layer and the resource APIs over `transport`."""


class DMSClient(_Client["httpx.BaseTransport"]):
    """A light, blocking client of the CDF Data Modeling Service.

    Args:
        base_url: the cluster URL (`https://<cluster>.cognitedata.com`) or an emulator's URL.
        project: the CDF project.
        credentials: `Token(...)`, `OAuthClientCredentials(...)`, or None for no auth header.
        timeout_s: per-request timeout in seconds.
        retry: how 429/502/503/504 and connection errors are retried.
        max_workers: chunk requests in flight at once when a call is split.
        transport: an httpx transport (e.g. the emulator's in-process one).
        **options: more `ClientConfig` fields (`max_connections`, `headers`).

    Example:
        >>> with DMSClient("http://127.0.0.1:8000", "demo", credentials=Token("t")) as client:
        ...     client.spaces.apply(SpaceApply(space="my_space"))
    """

    def _open(self, transport: httpx.BaseTransport | None) -> None:
        self._http = SyncHTTP(self.config, transport)
        self._runner = Runner(self.config.max_workers)
        run = Executor(self._http, self._runner)
        self.spaces: SchemaAPI[Space, Executor] = SchemaAPI(SchemaCalls(b.SPACES), run)
        self.containers: SchemaAPI[Container, Executor] = SchemaAPI(SchemaCalls(b.CONTAINERS), run)
        self.views: SchemaAPI[View, Executor] = SchemaAPI(SchemaCalls(b.VIEWS), run)
        self.data_models: SchemaAPI[DataModel, Executor] = SchemaAPI(SchemaCalls(b.DATA_MODELS), run)
        self.instances: InstancesAPI[Executor] = InstancesAPI(InstanceCalls(), run)

    def close(self) -> None:
        """Close the connection pool and the worker threads."""
        self._runner.close()
        self._http.close()

    def __enter__(self) -> DMSClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class AsyncDMSClient(_Client["httpx.AsyncBaseTransport"]):
    """The async twin of `DMSClient`: the same APIs, awaited; arguments as for `DMSClient`.

    `transport` is an `httpx.AsyncBaseTransport`, e.g. `httpx.ASGITransport(emulator.app)`.
    """

    def _open(self, transport: httpx.AsyncBaseTransport | None) -> None:
        self._http = AsyncHTTP(self.config, transport)
        run = AsyncExecutor(self._http, self.config.max_workers)
        self.spaces: SchemaAPI[Space, AsyncExecutor] = SchemaAPI(SchemaCalls(b.SPACES), run)
        self.containers: SchemaAPI[Container, AsyncExecutor] = SchemaAPI(SchemaCalls(b.CONTAINERS), run)
        self.views: SchemaAPI[View, AsyncExecutor] = SchemaAPI(SchemaCalls(b.VIEWS), run)
        self.data_models: SchemaAPI[DataModel, AsyncExecutor] = SchemaAPI(SchemaCalls(b.DATA_MODELS), run)
        self.instances: InstancesAPI[AsyncExecutor] = InstancesAPI(InstanceCalls(), run)

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def __aenter__(self) -> AsyncDMSClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

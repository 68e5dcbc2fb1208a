"""`DMSClient` and `AsyncDMSClient`: the entry points of the DMS client."""

from __future__ import annotations

from types import TracebackType
from typing import Any

import httpx

from pygen.client import _build as b
from pygen.client._async_api import AsyncInstancesAPI, AsyncRunner, AsyncSchemaAPI
from pygen.client._auth import Credentials
from pygen.client._http import AsyncHTTP, ClientConfig, SyncHTTP
from pygen.client._retry import RetryPolicy
from pygen.client._sync_api import InstancesAPI, Runner, SchemaAPI
from pygen.dms import Container, DataModel, Space, View


def _config(
    base_url: str,
    project: str,
    credentials: Credentials | None,
    timeout_s: float,
    retry: RetryPolicy | None,
    max_workers: int,
    options: dict[str, Any],
) -> ClientConfig:
    return ClientConfig(
        base_url=base_url,
        project=project,
        credentials=credentials,
        timeout_s=timeout_s,
        retry=retry or RetryPolicy(),
        max_workers=max_workers,
        **options,
    )


class DMSClient:
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

    def __init__(
        self,
        base_url: str,
        project: str,
        *,
        credentials: Credentials | None = None,
        timeout_s: float = 30.0,
        retry: RetryPolicy | None = None,
        max_workers: int = 4,
        transport: httpx.BaseTransport | None = None,
        **options: Any,
    ) -> None:
        self.config = _config(base_url, project, credentials, timeout_s, retry, max_workers, options)
        self._http = SyncHTTP(self.config, transport)
        self._runner = Runner(max_workers)
        self.spaces: SchemaAPI[Space] = SchemaAPI(self._http, self._runner, b.SPACES)
        self.containers: SchemaAPI[Container] = SchemaAPI(self._http, self._runner, b.CONTAINERS)
        self.views: SchemaAPI[View] = SchemaAPI(self._http, self._runner, b.VIEWS)
        self.data_models: SchemaAPI[DataModel] = SchemaAPI(self._http, self._runner, b.DATA_MODELS)
        self.instances = InstancesAPI(self._http, self._runner)

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


class AsyncDMSClient:
    """The async twin of `DMSClient`: the same APIs, awaited; arguments as for `DMSClient`.

    `transport` is an `httpx.AsyncBaseTransport`, e.g. `httpx.ASGITransport(emulator.app)`.
    """

    def __init__(
        self,
        base_url: str,
        project: str,
        *,
        credentials: Credentials | None = None,
        timeout_s: float = 30.0,
        retry: RetryPolicy | None = None,
        max_workers: int = 4,
        transport: httpx.AsyncBaseTransport | None = None,
        **options: Any,
    ) -> None:
        self.config = _config(base_url, project, credentials, timeout_s, retry, max_workers, options)
        self._http = AsyncHTTP(self.config, transport)
        runner = AsyncRunner(max_workers)
        self.spaces: AsyncSchemaAPI[Space] = AsyncSchemaAPI(self._http, runner, b.SPACES)
        self.containers: AsyncSchemaAPI[Container] = AsyncSchemaAPI(self._http, runner, b.CONTAINERS)
        self.views: AsyncSchemaAPI[View] = AsyncSchemaAPI(self._http, runner, b.VIEWS)
        self.data_models: AsyncSchemaAPI[DataModel] = AsyncSchemaAPI(self._http, runner, b.DATA_MODELS)
        self.instances = AsyncInstancesAPI(self._http, runner)

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def __aenter__(self) -> AsyncDMSClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

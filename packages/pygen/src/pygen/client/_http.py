"""The HTTP layer: one pooled httpx client, auth headers, retries, logging and error mapping."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from pygen.client._auth import Credentials
from pygen.client._errors import DMSConnectionError, api_error_class
from pygen.client._retry import RetryPolicy

logger = logging.getLogger("pygen.client")

_CONNECTION_ERRORS = (httpx.TransportError,)


@dataclass(frozen=True)
class ClientConfig:
    """Where and how the client talks to DMS.

    Attributes:
        base_url: the cluster URL, e.g. `https://api.cognitedata.com` or the emulator's URL.
        project: the CDF project.
        credentials: how requests are authenticated (None sends no `Authorization` header).
        timeout_s: the per-request timeout (connect, read, write and pool).
        retry: the retry policy.
        max_workers: how many chunk requests run at once when a call is split.
        max_connections: the size of the connection pool.
        headers: extra headers sent with every request.
    """

    base_url: str
    project: str
    credentials: Credentials | None = None
    timeout_s: float = 30.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    max_workers: int = 4
    max_connections: int = 20
    headers: dict[str, str] = field(default_factory=dict)

    def api_path(self, path: str) -> str:
        """The full path of an API resource path such as `/models/spaces`."""
        return f"/api/v1/projects/{self.project}{path}"

    def httpx_options(self) -> dict[str, Any]:
        """Keyword arguments shared by the sync and async httpx clients."""
        return {
            "base_url": self.base_url,
            "timeout": httpx.Timeout(self.timeout_s),
            "limits": httpx.Limits(
                max_connections=self.max_connections, max_keepalive_connections=self.max_connections
            ),
            "headers": {"User-Agent": "pygen-cdf", **self.headers},
        }


def _raise_for_response(response: httpx.Response, method: str, path: str) -> None:
    if response.status_code < 400:
        return
    request_id = response.headers.get("x-request-id")
    try:
        error = response.json().get("error", {})
    except (ValueError, AttributeError):
        error = {}
    if not isinstance(error, dict):
        error = {}
    message = str(error.get("message") or response.reason_phrase or "error")
    missing, duplicated = error.get("missing"), error.get("duplicated")
    cls = api_error_class(response.status_code, missing, duplicated)
    raise cls(
        message,
        code=int(error.get("code") or response.status_code),
        request_id=request_id,
        missing=missing,
        duplicated=duplicated,
        method=method,
        path=path,
    )


def _body(response: httpx.Response) -> dict[str, Any]:
    if not response.content:
        return {}
    data = response.json()
    return data if isinstance(data, dict) else {"items": data}


def _log_response(method: str, path: str, response: httpx.Response, started: float) -> None:
    logger.debug(
        "%s %s -> %s in %.1f ms (x-request-id: %s)",
        method,
        path,
        response.status_code,
        (time.perf_counter() - started) * 1000,
        response.headers.get("x-request-id"),
        extra={"status": response.status_code, "request_id": response.headers.get("x-request-id")},
    )


def _log_retry(
    method: str, path: str, attempt: int, status: int | None, wait_s: float, retry_after: str | None
) -> None:
    logger.info(
        "%s %s: attempt %d failed (%s), retrying in %.3f s",
        method,
        path,
        attempt + 1,
        status if status is not None else "connection error",
        wait_s,
        extra={"attempt": attempt, "status": status, "wait_s": wait_s, "retry_after": retry_after},
    )


class SyncHTTP:
    """Blocking requests with retries over one pooled `httpx.Client`."""

    def __init__(self, config: ClientConfig, transport: httpx.BaseTransport | None = None) -> None:
        self.config = config
        self._client = httpx.Client(transport=transport, **config.httpx_options())

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def request(
        self, method: str, path: str, *, json: Any = None, params: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Send a request to an API path (`/models/...`), retrying, and return the JSON body.

        Raises:
            DMSAPIError: the server answered with an error.
            DMSConnectionError: the server could not be reached after every retry.
        """
        full_path = self.config.api_path(path)
        policy = self.config.retry
        attempt = 0
        while True:
            headers = {"x-request-id": uuid.uuid4().hex[:16]}
            if self.config.credentials is not None:
                headers["Authorization"] = self.config.credentials.authorization(self._client)
            started = time.perf_counter()
            try:
                response = self._client.request(method, full_path, json=json, params=params, headers=headers)
            except _CONNECTION_ERRORS as exc:
                if not policy.should_retry(attempt, None):
                    raise DMSConnectionError(
                        f"{method} {full_path}: {exc!r}", method=method, url=full_path
                    ) from exc
                wait_s = policy.wait_s(attempt)
                _log_retry(method, full_path, attempt, None, wait_s, None)
            else:
                _log_response(method, full_path, response, started)
                if not policy.should_retry(attempt, response.status_code):
                    _raise_for_response(response, method, full_path)
                    return _body(response)
                retry_after = response.headers.get("Retry-After")
                wait_s = policy.wait_s(attempt, retry_after)
                _log_retry(method, full_path, attempt, response.status_code, wait_s, retry_after)
            time.sleep(wait_s)
            attempt += 1


class AsyncHTTP:
    """Async requests with retries over one pooled `httpx.AsyncClient`."""

    def __init__(self, config: ClientConfig, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.config = config
        self._client = httpx.AsyncClient(transport=transport, **config.httpx_options())

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()

    async def request(
        self, method: str, path: str, *, json: Any = None, params: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Send a request to an API path (`/models/...`), retrying, and return the JSON body.

        Raises:
            DMSAPIError: the server answered with an error.
            DMSConnectionError: the server could not be reached after every retry.
        """
        full_path = self.config.api_path(path)
        policy = self.config.retry
        attempt = 0
        while True:
            headers = {"x-request-id": uuid.uuid4().hex[:16]}
            if self.config.credentials is not None:
                headers["Authorization"] = await self.config.credentials.aauthorization(self._client)
            started = time.perf_counter()
            try:
                response = await self._client.request(
                    method, full_path, json=json, params=params, headers=headers
                )
            except _CONNECTION_ERRORS as exc:
                if not policy.should_retry(attempt, None):
                    raise DMSConnectionError(
                        f"{method} {full_path}: {exc!r}", method=method, url=full_path
                    ) from exc
                wait_s = policy.wait_s(attempt)
                _log_retry(method, full_path, attempt, None, wait_s, None)
            else:
                _log_response(method, full_path, response, started)
                if not policy.should_retry(attempt, response.status_code):
                    _raise_for_response(response, method, full_path)
                    return _body(response)
                retry_after = response.headers.get("Retry-After")
                wait_s = policy.wait_s(attempt, retry_after)
                _log_retry(method, full_path, attempt, response.status_code, wait_s, retry_after)
            await asyncio.sleep(wait_s)
            attempt += 1

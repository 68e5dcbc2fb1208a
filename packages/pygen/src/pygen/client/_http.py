"""The HTTP layer: one pooled httpx client, auth headers, retries, logging and error mapping.

httpx is imported when a client is built, not with this module: `import pygen.client` stays cheap.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pygen.client._auth import Credentials
from pygen.client._errors import DMSConnectionError, api_error_class
from pygen.client._retry import RetryPolicy

if TYPE_CHECKING:
    import httpx

logger = logging.getLogger("pygen.client")


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
        import httpx

        return {
            "base_url": self.base_url,
            "timeout": httpx.Timeout(self.timeout_s),
            "limits": httpx.Limits(
                max_connections=self.max_connections, max_keepalive_connections=self.max_connections
            ),
            "headers": {"User-Agent": "pygen-cdf", **self.headers},
        }


def _request_id(response: httpx.Response, sent: str) -> str:
    """The server's `x-request-id` for this response, or the one the client sent if it echoes none."""
    return response.headers.get("x-request-id") or sent


def _raise_for_response(response: httpx.Response, method: str, path: str, request_id: str) -> None:
    if response.status_code < 400:
        return
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


def _log_response(method: str, path: str, response: httpx.Response, started: float, request_id: str) -> None:
    logger.debug(
        "%s %s -> %s in %.1f ms (x-request-id: %s)",
        method,
        path,
        response.status_code,
        (time.perf_counter() - started) * 1000,
        request_id,
        extra={"status": response.status_code, "request_id": request_id},
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


class _Attempts:
    """The retry loop of one API request without its I/O.

    `prepare` gives the keyword arguments of the next attempt (a fresh `x-request-id` each time);
    `settle` takes what the attempt brought (a response or a transport error) and returns the JSON
    body when it is the answer (raising for an error answer), or None after setting `wait_s`, the
    pause before the next attempt.
    """

    def __init__(self, config: ClientConfig, method: str, path: str, json: Any, params: Any) -> None:
        self.method = method
        self.url = config.api_path(path)
        self._json = json
        self._params = params
        self._policy = config.retry
        self._attempt = 0
        self._started = 0.0
        self._sent_id = ""
        self.wait_s = 0.0

    def prepare(self, authorization: str | None) -> dict[str, Any]:
        self._sent_id = uuid.uuid4().hex[:16]
        headers = {"x-request-id": self._sent_id}
        if authorization is not None:
            headers["Authorization"] = authorization
        self._started = time.perf_counter()
        return {
            "method": self.method,
            "url": self.url,
            "json": self._json,
            "params": self._params,
            "headers": headers,
        }

    def settle(self, outcome: httpx.Response | httpx.TransportError) -> dict[str, Any] | None:
        status, retry_after, request_id = None, None, self._sent_id
        if not isinstance(outcome, Exception):
            status, retry_after = outcome.status_code, outcome.headers.get("Retry-After")
            request_id = _request_id(outcome, self._sent_id)
            _log_response(self.method, self.url, outcome, self._started, request_id)
        if not self._policy.should_retry(self._attempt, status):
            if isinstance(outcome, Exception):
                message = f"{self.method} {self.url}: {outcome!r} (x-request-id: {request_id})"
                raise DMSConnectionError(message, method=self.method, url=self.url) from outcome
            _raise_for_response(outcome, self.method, self.url, request_id)
            return _body(outcome)
        self.wait_s = self._policy.wait_s(self._attempt, retry_after)
        _log_retry(self.method, self.url, self._attempt, status, self.wait_s, retry_after)
        self._attempt += 1
        return None


class SyncHTTP:
    """Blocking requests with retries over one pooled `httpx.Client`."""

    def __init__(self, config: ClientConfig, transport: httpx.BaseTransport | None = None) -> None:
        import httpx

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
        attempts = _Attempts(self.config, method, path, json, params)
        while (body := attempts.settle(self._attempt(attempts))) is None:
            time.sleep(attempts.wait_s)
        return body

    def _attempt(self, attempts: _Attempts) -> httpx.Response | httpx.TransportError:
        import httpx

        credentials = self.config.credentials
        authorization = None if credentials is None else credentials.authorization(self._client)
        try:
            return self._client.request(**attempts.prepare(authorization))
        except httpx.TransportError as exc:
            return exc


class AsyncHTTP:
    """Async requests with retries over one pooled `httpx.AsyncClient`."""

    def __init__(self, config: ClientConfig, transport: httpx.AsyncBaseTransport | None = None) -> None:
        import httpx

        self.config = config
        self._client = httpx.AsyncClient(transport=transport, **config.httpx_options())

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()

    async def request(
        self, method: str, path: str, *, json: Any = None, params: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """The async twin of `SyncHTTP.request`."""
        attempts = _Attempts(self.config, method, path, json, params)
        while (body := attempts.settle(await self._attempt(attempts))) is None:
            import asyncio

            await asyncio.sleep(attempts.wait_s)
        return body

    async def _attempt(self, attempts: _Attempts) -> httpx.Response | httpx.TransportError:
        import httpx

        credentials = self.config.credentials
        authorization = None if credentials is None else await credentials.aauthorization(self._client)
        try:
            return await self._client.request(**attempts.prepare(authorization))
        except httpx.TransportError as exc:
            return exc

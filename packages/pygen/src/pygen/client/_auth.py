"""Credentials: a static token, a token callable, or OAuth client credentials with a cached token."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from pygen.client._errors import DMSAuthError

if TYPE_CHECKING:
    import asyncio

    import httpx


class Credentials(Protocol):
    """Anything that gives the `Authorization` header value for a request."""

    def authorization(self, http: httpx.Client) -> str:
        """The header value, fetching a token through `http` if needed."""
        ...

    async def aauthorization(self, http: httpx.AsyncClient) -> str:
        """The header value, fetching a token through `http` if needed (async)."""
        ...


class Token:
    """A bearer token: a fixed string, or a callable called before every request.

    Args:
        token: the token, or a function returning the current token.
    """

    def __init__(self, token: str | Callable[[], str]) -> None:
        self._token = token

    def _value(self) -> str:
        return self._token() if callable(self._token) else self._token

    def authorization(self, http: httpx.Client) -> str:
        """`Bearer <token>`."""
        return f"Bearer {self._value()}"

    async def aauthorization(self, http: httpx.AsyncClient) -> str:
        """`Bearer <token>`."""
        return f"Bearer {self._value()}"


@dataclass
class _CachedToken:
    access_token: str
    expires_at: float


class OAuthClientCredentials:
    """The OAuth 2.0 client-credentials flow, with the token cached and refreshed before expiry.

    Args:
        token_url: the identity provider's token endpoint.
        client_id: the client id.
        client_secret: the client secret.
        scopes: scopes to request.
        audience: the audience to request, if the provider needs one.
        refresh_margin_s: refresh this many seconds before the token expires.
        clock: seconds since an arbitrary origin (tests may pass their own).
    """

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str,
        *,
        scopes: list[str] | None = None,
        audience: str | None = None,
        refresh_margin_s: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token_url = token_url
        self.client_id = client_id
        self._client_secret = client_secret
        self.scopes = list(scopes or [])
        self.audience = audience
        self.refresh_margin_s = refresh_margin_s
        self._clock = clock
        self._cached: _CachedToken | None = None
        self._lock = threading.Lock()
        self._alock: asyncio.Lock | None = None
        self.fetch_count = 0

    def _form(self) -> dict[str, str]:
        form = {
            "grant_type": "client_credentials",
            "client_id": self.client_id,
            "client_secret": self._client_secret,
        }
        if self.scopes:
            form["scope"] = " ".join(self.scopes)
        if self.audience:
            form["audience"] = self.audience
        return form

    def _fresh(self) -> str | None:
        cached = self._cached
        if cached is not None and self._clock() < cached.expires_at - self.refresh_margin_s:
            return cached.access_token
        return None

    def _store(self, response: httpx.Response) -> str:
        self.fetch_count += 1
        body = _token_body(response, self.token_url)
        self._cached = _CachedToken(body["access_token"], self._clock() + float(body.get("expires_in", 3600)))
        return self._cached.access_token

    def authorization(self, http: httpx.Client) -> str:
        """`Bearer <token>`, fetching a new token when the cached one is about to expire."""
        with self._lock:
            token = self._fresh()
            if token is None:
                import httpx

                try:
                    response = http.post(self.token_url, data=self._form())
                except httpx.HTTPError as exc:
                    raise _token_error(self.token_url, str(exc)) from exc
                token = self._store(response)
        return f"Bearer {token}"

    async def aauthorization(self, http: httpx.AsyncClient) -> str:
        """`Bearer <token>`, fetching a new token when the cached one is about to expire (async)."""
        if self._alock is None:
            import asyncio

            self._alock = asyncio.Lock()
        async with self._alock:
            token = self._fresh()
            if token is None:
                import httpx

                try:
                    response = await http.post(self.token_url, data=self._form())
                except httpx.HTTPError as exc:
                    raise _token_error(self.token_url, str(exc)) from exc
                token = self._store(response)
        return f"Bearer {token}"


def _token_body(response: httpx.Response, url: str) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.status_code != 200 or not isinstance(body, dict) or "access_token" not in body:
        detail = (
            body.get("error_description") or body.get("error") if isinstance(body, dict) else response.text
        )
        raise _token_error(url, f"{response.status_code}: {detail}")
    return body


def _token_error(url: str, detail: str) -> DMSAuthError:
    return DMSAuthError(f"could not get a token from {url}: {detail}", code=401, method="POST", path=url)

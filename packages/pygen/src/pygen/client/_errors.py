"""Errors of the DMS client.

PygenError
└── DMSError
    ├── DMSConnectionError (ConnectionError): the server could not be reached, retries exhausted
    └── DMSAPIError: the server answered with an error (`.code`, `.request_id`, `.missing`, ...)
        ├── DMSNotFoundError (LookupError): `.missing` lists the ids that do not exist
        ├── DMSDuplicatedError: `.duplicated` lists the ids given twice or already present
        └── DMSAuthError (PermissionError): 401 or 403, or the token could not be obtained
"""

from __future__ import annotations

from typing import Any

from pygen._errors import PygenError


class DMSError(PygenError):
    """Base of every error the DMS client raises."""


class DMSConnectionError(DMSError, ConnectionError):
    """The server could not be reached (connection refused, reset, timed out) after every retry."""

    def __init__(self, message: str, *, method: str, url: str) -> None:
        super().__init__(message)
        self.method = method
        self.url = url


class DMSAPIError(DMSError):
    """The server answered a request with an error.

    Attributes:
        code: the HTTP status code.
        message: the server's message.
        request_id: the `x-request-id` of the failed request (quote it in support tickets).
        missing: identifiers the server reported as missing.
        duplicated: identifiers the server reported as duplicated.
        method: the HTTP method of the request.
        path: the request path.
    """

    def __init__(
        self,
        message: str,
        *,
        code: int,
        request_id: str | None = None,
        missing: list[dict[str, Any]] | None = None,
        duplicated: list[dict[str, Any]] | None = None,
        method: str = "",
        path: str = "",
    ) -> None:
        self.code = code
        self.message = message
        self.request_id = request_id
        self.missing = missing or []
        self.duplicated = duplicated or []
        self.method = method
        self.path = path
        super().__init__(f"{method} {path} failed with {code}: {message} (x-request-id: {request_id})")


class DMSNotFoundError(DMSAPIError, LookupError):
    """Some of the requested identifiers do not exist; `.missing` lists them."""


class DMSDuplicatedError(DMSAPIError):
    """Some identifiers were given twice or already exist; `.duplicated` lists them."""


class DMSAuthError(DMSAPIError, PermissionError):
    """The request was not authenticated (401) or not allowed (403)."""


def api_error_class(code: int, missing: list[Any] | None, duplicated: list[Any] | None) -> type[DMSAPIError]:
    """The most specific error class for a server error."""
    if code in (401, 403):
        return DMSAuthError
    if missing:
        return DMSNotFoundError
    if duplicated:
        return DMSDuplicatedError
    if code == 404:
        return DMSNotFoundError
    return DMSAPIError

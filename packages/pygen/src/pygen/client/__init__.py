"""A light httpx client of the CDF Data Modeling Service (DMS), sync and async."""

from __future__ import annotations

from pygen.client._auth import Credentials, OAuthClientCredentials, Token
from pygen.client._client import AsyncDMSClient, DMSClient
from pygen.client._errors import (
    DMSAPIError,
    DMSAuthError,
    DMSConnectionError,
    DMSDuplicatedError,
    DMSError,
    DMSNotFoundError,
)
from pygen.client._http import ClientConfig
from pygen.client._retry import RetryPolicy, parse_retry_after

__all__ = [
    "AsyncDMSClient",
    "ClientConfig",
    "Credentials",
    "DMSAPIError",
    "DMSAuthError",
    "DMSClient",
    "DMSConnectionError",
    "DMSDuplicatedError",
    "DMSError",
    "DMSNotFoundError",
    "OAuthClientCredentials",
    "RetryPolicy",
    "Token",
    "parse_retry_after",
]

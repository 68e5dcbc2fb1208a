from __future__ import annotations

import subprocess
import sys

import pygen.client
import pygen.dms
import pygen.emulator


def test_client_surface_is_pinned() -> None:
    assert sorted(pygen.client.__all__) == [
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


def test_emulator_surface_is_pinned() -> None:
    assert sorted(pygen.emulator.__all__) == [
        "AuthConfig",
        "DMSService",
        "Emulator",
        "EmulatorError",
        "FaultConfig",
        "InProcessTransport",
        "ModelLoadError",
        "RequestError",
        "ServerThread",
        "Store",
        "create_app",
        "instance_to_apply",
        "view_to_apply",
    ]


def test_every_dms_name_is_exported() -> None:
    assert len(pygen.dms.__all__) == len(set(pygen.dms.__all__)) == 72
    assert all(hasattr(pygen.dms, name) for name in pygen.dms.__all__)


def test_import_pygen_and_the_cli_stay_light() -> None:
    code = "import sys, pygen, pygen._cli; print(sorted(m for m in ('httpx', 'pydantic', 'starlette', 'uvicorn', 'yaml') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_import_of_the_client_defers_httpx_and_pydantic() -> None:
    code = (
        "import sys, pygen.client; "
        "print(sorted(m for m in ('asyncio', 'httpx', 'pydantic', 'pygen.dms') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"

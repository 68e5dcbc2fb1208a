"""A local emulator of the CDF Data Modeling Service: an ASGI app over sqlite.

Use it in-process (`Emulator().client()`), over a loopback socket (`with emulator.serve() as url`),
or from the command line (`pygen emulator serve`).
"""

from __future__ import annotations

from pygen.emulator._app import AuthConfig, FaultConfig, create_app
from pygen.emulator._emulator import Emulator
from pygen.emulator._errors import EmulatorError, ModelLoadError, RequestError
from pygen.emulator._loader import instance_to_apply, view_to_apply
from pygen.emulator._server import InProcessTransport, ServerThread
from pygen.emulator._service import DMSService
from pygen.emulator._store import Store

__all__ = [
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

"""The ASGI app: DMS routes, a token endpoint, bearer checks, request ids and fault injection."""

from __future__ import annotations

import asyncio
import gzip
import json
import random
import secrets
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from pygen.emulator._errors import RequestError, bad_request
from pygen.emulator._service import DMSService

API_PREFIX = "/api/v1/projects/{project}/models"
TOKEN_PATH = "/oauth2/token"
STATS_PATH = "/emulator/stats"


@dataclass
class FaultConfig:
    """Injected failures and latency, for resilience tests.

    Attributes:
        rate: the fraction of API requests answered with a fault (0 to 1).
        statuses: the statuses faults are drawn from.
        retry_after_s: the `Retry-After` sent with a fault (None sends none).
        latency_ms: added to every API request.
        seed: seed of the fault draw (None: random).
    """

    rate: float = 0.0
    statuses: tuple[int, ...] = (429, 503)
    retry_after_s: float | None = 1.0
    latency_ms: float = 0.0
    seed: int | None = None


@dataclass
class AuthConfig:
    """Who may call the API.

    Attributes:
        required: whether API requests need `Authorization: Bearer <token>`.
        tokens: tokens always accepted.
        clients: OAuth client id -> secret, for the client-credentials token endpoint.
        token_ttl_s: lifetime of issued tokens.
    """

    required: bool = False
    tokens: set[str] = field(default_factory=set)
    clients: dict[str, str] = field(default_factory=dict)
    token_ttl_s: float = 3600.0


class _Gate:
    """Bearer checks, issued tokens and fault draws of one app."""

    def __init__(self, auth: AuthConfig, faults: FaultConfig) -> None:
        self.auth = auth
        self.faults = faults
        self.issued: dict[str, float] = {}
        self.rng = random.Random(faults.seed)
        self.requests: Counter[str] = Counter()

    def check_bearer(self, request: Request) -> None:
        if not self.auth.required:
            return
        header = request.headers.get("authorization", "")
        token = header[7:] if header.lower().startswith("bearer ") else ""
        if token in self.auth.tokens:
            return
        expires = self.issued.get(token)
        if expires is None or expires < time.monotonic():
            raise RequestError(401, "Unauthorized: a valid bearer token is required.")

    def fault(self) -> RequestError | None:
        if self.faults.rate <= 0 or self.rng.random() >= self.faults.rate:
            return None
        status = self.rng.choice(self.faults.statuses)
        headers = (
            {} if self.faults.retry_after_s is None else {"Retry-After": f"{self.faults.retry_after_s:g}"}
        )
        message = "Too many requests" if status == 429 else "Service unavailable"
        return RequestError(status, f"{message} (injected fault).", headers=headers)

    def issue(self, form: dict[str, Any]) -> dict[str, Any]:
        if form.get("grant_type") != "client_credentials":
            raise RequestError(400, "unsupported_grant_type")
        client_id = str(form.get("client_id", ""))
        secret = self.auth.clients.get(client_id)
        if secret is None or not secrets.compare_digest(secret, str(form.get("client_secret", ""))):
            raise RequestError(401, "invalid_client")
        token = secrets.token_urlsafe(24)
        self.issued[token] = time.monotonic() + self.auth.token_ttl_s
        return {"access_token": token, "token_type": "Bearer", "expires_in": int(self.auth.token_ttl_s)}


def _error_response(error: RequestError, request_id: str) -> JSONResponse:
    return JSONResponse(
        error.body(), status_code=error.code, headers={**error.headers, "x-request-id": request_id}
    )


async def _json_body(request: Request) -> Any:
    raw = await request.body()
    if not raw:
        return {}
    try:
        if request.headers.get("content-encoding", "").lower() == "gzip":
            raw = gzip.decompress(raw)
        return json.loads(raw)
    except (ValueError, OSError, EOFError) as exc:
        raise bad_request(f"The request body is not valid JSON: {exc}.") from exc


def _params(request: Request) -> dict[str, Any]:
    return dict(request.query_params)


def create_app(
    service: DMSService, *, auth: AuthConfig | None = None, faults: FaultConfig | None = None
) -> Starlette:
    """The emulator's ASGI app over `service`.

    Args:
        service: the DMS semantics and data.
        auth: bearer checks and OAuth clients (default: no auth required).
        faults: injected failures and latency (default: none).
    """
    gate = _Gate(auth or AuthConfig(), faults or FaultConfig())

    def endpoint(
        handler: Callable[[Request, Any], Any], *, reads_body: bool = True
    ) -> Callable[[Request], Awaitable[Response]]:
        async def run(request: Request) -> Response:
            request_id = request.headers.get("x-request-id") or uuid.uuid4().hex[:16]
            gate.requests[f"{request.method} {request.url.path.split('/models', 1)[-1]}"] += 1
            try:
                if gate.faults.latency_ms:
                    await asyncio.sleep(gate.faults.latency_ms / 1000)
                gate.check_bearer(request)
                fault = gate.fault()
                if fault is not None:
                    raise fault
                body = await _json_body(request) if reads_body else None
                result = handler(request, body)
            except RequestError as error:
                return _error_response(error, request_id)
            except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
                malformed = bad_request(f"Malformed request body: {type(exc).__name__}: {exc}.")
                return _error_response(malformed, request_id)
            return JSONResponse(result, headers={"x-request-id": request_id})

        return run

    def schema_routes(resource: str) -> list[Route]:
        base = f"{API_PREFIX}/{resource}"
        return [
            Route(base, endpoint(lambda r, b: service.apply_schema(resource, b)), methods=["POST"]),
            Route(
                base,
                endpoint(lambda r, b: service.list_schema(resource, _params(r)), reads_body=False),
                methods=["GET"],
            ),
            Route(
                f"{base}/byids",
                endpoint(lambda r, b: service.retrieve_schema(resource, b, _params(r))),
                methods=["POST"],
            ),
            Route(
                f"{base}/delete", endpoint(lambda r, b: service.delete_schema(resource, b)), methods=["POST"]
            ),
        ]

    instances = f"{API_PREFIX}/instances"
    routes = [
        *(
            route
            for resource in ("spaces", "containers", "views", "datamodels")
            for route in schema_routes(resource)
        ),
        Route(instances, endpoint(lambda r, b: service.apply_instances(b)), methods=["POST"]),
        Route(f"{instances}/byids", endpoint(lambda r, b: service.retrieve_instances(b)), methods=["POST"]),
        Route(f"{instances}/delete", endpoint(lambda r, b: service.delete_instances(b)), methods=["POST"]),
        Route(f"{instances}/list", endpoint(lambda r, b: service.list_instances(b)), methods=["POST"]),
        Route(f"{instances}/search", endpoint(lambda r, b: service.search_instances(b)), methods=["POST"]),
        Route(
            f"{instances}/aggregate", endpoint(lambda r, b: service.aggregate_instances(b)), methods=["POST"]
        ),
        Route(f"{instances}/query", endpoint(lambda r, b: service.query(b)), methods=["POST"]),
        Route(f"{instances}/sync", endpoint(lambda r, b: service.sync(b)), methods=["POST"]),
    ]

    async def token(request: Request) -> Response:
        form = dict(parse_qsl((await request.body()).decode("utf-8", "replace")))
        try:
            return JSONResponse(gate.issue(form))
        except RequestError as error:
            return JSONResponse({"error": error.message}, status_code=error.code)

    async def stats(request: Request) -> Response:
        return JSONResponse({"requests": dict(gate.requests)})

    app = Starlette(
        routes=[
            *routes,
            Route(TOKEN_PATH, token, methods=["POST"]),
            Route(STATS_PATH, stats, methods=["GET"]),
        ]
    )
    app.state.gate = gate
    app.state.service = service
    return app

"""WebSocket handshakes go straight to their endpoints (web/ws.py), past the HTTP layers.

Every middleware and routing layer lets a WebSocket through untouched, yet each stays on
the stack — a coroutine frame apiece — for as long as the socket is open, and FastAPI solves
the endpoint's dependencies on every connect. With ten thousand idle widgets that was a
third of the server's memory per connection above the bare relay's (docs/benchmarks.md).
The endpoints are still declared on web/ws.py's router, which this table is read from, so
the route list (and the permission matrix built from it) stays the one source.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable

from fastapi.routing import APIRouter, APIWebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket

from sportello import log_context

Endpoint = Callable[[WebSocket], Awaitable[None]]


def socket_endpoints(router: APIRouter) -> dict[str, Endpoint]:
    return {
        route.path: route.endpoint
        for route in router.routes
        if isinstance(route, APIWebSocketRoute)
    }


class SocketShortcut:
    def __init__(self, app: ASGIApp, endpoints: dict[str, Endpoint]) -> None:
        self.app = app
        self.endpoints = endpoints

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        endpoint = self.endpoints.get(scope["path"]) if scope["type"] == "websocket" else None
        if endpoint is None:
            await self.app(scope, receive, send)
            return
        log_context.begin(connection_id=secrets.token_hex(6))
        await endpoint(WebSocket(scope, receive, send))

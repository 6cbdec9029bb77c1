"""The client's address and scheme behind trusted reverse proxies (domain/proxies.py).

The one place ``X-Forwarded-For`` and ``X-Forwarded-Proto`` are read: uvicorn's own
proxy-headers middleware is off (serving.py), so ``SPORTELLO_TRUSTED_PROXIES`` is the only
rule, and everything after this sees the client in ``scope["client"]`` and the scheme in
``scope["scheme"]`` (rate limits, the visitor's country, HSTS, secure cookies).
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.types import ASGIApp, Receive, Scope, Send

from sportello.domain.proxies import (
    client_address,
    forwarded_scheme,
    is_trusted,
    parse_networks,
)


class TrustedProxies:
    def __init__(self, app: ASGIApp, trusted: Sequence[str]) -> None:
        self.app = app
        self.trusted = parse_networks(trusted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if (
            self.trusted
            and scope["type"] in ("http", "websocket")
            and client
            and is_trusted(client[0], self.trusted)
        ):
            forwarded: list[str] = []
            proto: str | None = None
            for name, value in scope["headers"]:
                if name == b"x-forwarded-for":
                    forwarded.append(value.decode("latin-1"))
                elif name == b"x-forwarded-proto":
                    proto = value.decode("latin-1")
            host = client_address(client[0], forwarded, self.trusted)
            if host != client[0]:
                scope["client"] = (host, 0)
            scheme = forwarded_scheme(client[0], proto, self.trusted)
            if scheme is not None:
                secure = scheme in ("https", "wss")
                if scope["type"] == "websocket":
                    scope["scheme"] = "wss" if secure else "ws"
                else:
                    scope["scheme"] = "https" if secure else "http"
        await self.app(scope, receive, send)

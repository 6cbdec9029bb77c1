"""One line per HTTP request at info: method, route, status and time, with a request id
the answer carries back (``X-Request-ID``; a client's own, if it sends a sane one, so a
proxy's id follows the request through), and the agent and contact once known.

The route is logged as declared (``/api/contacts/{contact_id}/accept``) with the contact id
as a field: a path or a query string can hold a file's name or a token, a route cannot.
"""

from __future__ import annotations

import logging
import re
import secrets
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sportello import log_context

log = logging.getLogger("sportello.requests")

_SANE_ID = re.compile(rb"^[A-Za-z0-9._:-]{1,64}$")
HEADER = b"x-request-id"


def _incoming_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == HEADER and _SANE_ID.match(value):
            return bytes(value).decode()
    return None


class RequestLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_id(scope) or secrets.token_hex(8)
        log_context.begin(request_id=request_id)
        status = 500
        began = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (HEADER, request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if log.isEnabledFor(logging.INFO):
                route = getattr(scope.get("route"), "path", None)
                named = str(scope.get("path_params", {}).get("contact_id", ""))
                log_context.note(contact_id=int(named) if named.isdigit() else None)
                log.info(
                    "%s %s %s",
                    scope["method"],
                    route or "(no route)",
                    status,
                    extra={"ms": round((time.perf_counter() - began) * 1000, 1)},
                )

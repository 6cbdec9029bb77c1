"""Admission control for contact requests: a bound on how many one process works on at once.

Past its capacity a server that takes every request queues them all behind its one writer;
each waits longer than the last, clients give up, and the work done for them is wasted —
served throughput collapses instead of levelling off. Refusing the excess at the door, before
the body is parsed or a transaction opened, costs a few microseconds and keeps every admitted
request's wait bounded (by ``intake_max_in_flight`` creations), so the served rate stays
at capacity however much more is offered, and recovers as soon as the offered load drops.

A refused request answers ``503 overloaded`` with ``Retry-After``; the widget waits and
retries with jitter (frontend/widget/session.ts). Pure ASGI, inside the CORS middleware so
the widget can read the answer.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from sportello.errors import OverloadedError
from sportello.web.errors import error_response

CONTACT_REQUESTS = ("POST", "/api/visitor/contacts")


class AdmissionGate:
    """The count of one process's contact requests in flight, and of those refused."""

    def __init__(self, max_in_flight: int, retry_after: int) -> None:
        self.max_in_flight = max_in_flight
        self.retry_after = retry_after
        self.in_flight = 0
        self.refused = 0


class AdmissionMiddleware:
    def __init__(self, app: ASGIApp, *, gate: AdmissionGate) -> None:
        self.app = app
        self.gate = gate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        gate = self.gate
        if (
            gate.max_in_flight <= 0
            or scope["type"] != "http"
            or (scope["method"], scope["path"]) != CONTACT_REQUESTS
        ):
            await self.app(scope, receive, send)
            return
        if gate.in_flight >= gate.max_in_flight:
            gate.refused += 1
            error = OverloadedError(
                "too many visitors are asking for help right now; try again shortly",
                retry_after=gate.retry_after,
            )
            await error_response(error)(scope, receive, send)
            return
        gate.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            gate.in_flight -= 1

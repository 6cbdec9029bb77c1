"""The baseline: a bare WebSocket relay speaking just enough of Sportello's API.

Same stack as the server (uvicorn, uvloop, httptools, the ``websockets-sansio``
implementation, deflate off, Starlette routing), but no storage and no routing rules: state
is a few dicts in memory, every console sees every offer of its service, a message is
relayed to the contact's agent and visitors at once. The bench's client code runs unchanged
against it, so the difference between the two is what storage, routing and the durable
stream cost.

Run alone: ``python -m bench.relay --port 8400``.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
from dataclasses import dataclass, field
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect


@dataclass
class Contact:
    id: int
    service_id: int
    visitor_name: str
    agent_id: int | None = None
    visitors: set[WebSocket] = field(default_factory=set)
    log: list[dict[str, Any]] = field(default_factory=list)
    """Events meant for the visitor, kept in memory so a widget can resume."""


class Relay:
    def __init__(self) -> None:
        self.position = 0
        self.contacts: dict[int, Contact] = {}
        self.consoles: dict[int, set[WebSocket]] = {}
        self.console_service: dict[WebSocket, int | None] = {}
        self.agent_ids: dict[str, int] = {}
        self._ids = itertools.count(1)
        self._messages = itertools.count(1)

    # -- plumbing ----------------------------------------------------------------------
    def _event(self, kind: str, contact_id: int, data: dict[str, Any]) -> dict[str, Any]:
        self.position += 1
        return {
            "type": "event",
            "position": self.position,
            "kind": kind,
            "contact_id": contact_id,
            "at": 0.0,
            "data": data,
        }

    async def _send(self, targets: set[WebSocket], frame: dict[str, Any]) -> None:
        text = orjson.dumps(frame).decode()
        for ws in list(targets):
            with contextlib.suppress(RuntimeError, WebSocketDisconnect):
                await ws.send_text(text)

    def contact(self, contact_id: int) -> Contact:
        found = self.contacts.get(contact_id)
        if found is None:
            found = self.contacts[contact_id] = Contact(contact_id, 0, "")
        return found

    def _agent(self, request: Request) -> int:
        header = request.headers.get("authorization", "")
        token = header[7:] if header.lower().startswith("bearer ") else ""
        return self.agent_ids.setdefault(token, len(self.agent_ids) + 1)

    # -- HTTP --------------------------------------------------------------------------
    async def login(self, request: Request) -> Response:
        body = orjson.loads(await request.body())
        agent_id = self.agent_ids.setdefault(body["login"], len(self.agent_ids) + 1)
        return _json({"token": body["login"], "agent": {"id": agent_id}})

    async def console_session(self, request: Request) -> Response:
        return _json({"id": str(self._agent(request))}, 201)

    async def create_contact(self, request: Request) -> Response:
        body = orjson.loads(await request.body())
        contact = Contact(next(self._ids), int(body["service_id"]), body["name"])
        self.contacts[contact.id] = contact
        created = self._event("contact.created", contact.id, {"state": "pending"})
        contact.log.append(created)
        entry = {"contact_id": contact.id, "visitor_name": contact.visitor_name}
        offered = self._event("contact.offered", contact.id, {"entry": entry})
        await self._send(self._service_consoles(contact.service_id), offered)
        view = {"id": contact.id, "state": "pending", "visitor_name": contact.visitor_name}
        return _json({"contact": view, "token": str(contact.id)}, 201)

    def _service_consoles(self, service_id: int) -> set[WebSocket]:
        return {ws for ws, s in self.console_service.items() if s is None or s == service_id}

    async def accept(self, request: Request) -> Response:
        agent_id = self._agent(request)
        contact = self.contact(int(request.path_params["contact_id"]))
        if contact.agent_id is not None:
            return _json({"code": "already_taken", "message": "taken"}, 409)
        contact.agent_id = agent_id
        dequeued = self._event("contact.dequeued", contact.id, {"reason": "assigned"})
        await self._send(self._service_consoles(contact.service_id), dequeued)
        joined = self._event("contact.joined", contact.id, {"agent": {"id": agent_id}})
        contact.log.append(joined)
        await self._send(contact.visitors, joined)
        view = {"id": contact.id, "state": "assigned", "visitor": {"name": contact.visitor_name}}
        assigned = self._event("contact.assigned", contact.id, {"contact": view})
        await self._send(self.consoles.get(agent_id, set()), assigned)
        return _json(view)

    async def close(self, request: Request) -> Response:
        contact = self.contact(int(request.path_params["contact_id"]))
        closed = self._event("contact.closed", contact.id, {"state": "closed"})
        contact.log.append(closed)
        targets = contact.visitors | self.consoles.get(contact.agent_id or 0, set())
        await self._send(targets, closed)
        return _json({"id": contact.id, "state": "closed"})

    async def healthz(self, _request: Request) -> Response:
        return _json({"ok": True, "position": self.position})

    # -- WebSocket ---------------------------------------------------------------------
    async def console_ws(self, ws: WebSocket) -> None:
        agent_id = int(ws.query_params.get("session", "0"))
        service = ws.query_params.get("service")
        await ws.accept()
        await ws.send_text(orjson.dumps({"type": "hello", "position": self.position}).decode())
        self.consoles.setdefault(agent_id, set()).add(ws)
        self.console_service[ws] = int(service) if service else None
        try:
            await self._read(ws, "agent")
        finally:
            self.consoles[agent_id].discard(ws)
            self.console_service.pop(ws, None)

    async def visitor_ws(self, ws: WebSocket) -> None:
        contact = self.contact(int(ws.query_params.get("token", "0")))
        since = ws.query_params.get("since")
        await ws.accept()
        view = {"id": contact.id, "state": "assigned" if contact.agent_id else "pending"}
        hello = {"type": "hello", "position": self.position, "contact": view}
        await ws.send_text(orjson.dumps(hello).decode())
        if since is not None:
            after = int(since)
            for frame in contact.log:
                if frame["position"] > after:
                    await ws.send_text(orjson.dumps(frame).decode())
        contact.visitors.add(ws)
        try:
            await self._read(ws, "visitor")
        finally:
            contact.visitors.discard(ws)

    async def _read(self, ws: WebSocket, sender: str) -> None:
        try:
            while True:
                frame = orjson.loads(await ws.receive_text())
                if frame.get("type") == "message.send":
                    await self._message(ws, sender, frame)
                elif frame.get("type") == "ping":
                    await ws.send_text(
                        orjson.dumps({"type": "pong", "ref": frame.get("ref")}).decode()
                    )
        except WebSocketDisconnect:
            pass

    async def _message(self, ws: WebSocket, sender: str, frame: dict[str, Any]) -> None:
        contact = self.contact(int(frame["contact_id"]))
        message = {
            "id": next(self._messages),
            "contact_id": contact.id,
            "sender": sender,
            "client_msg_id": frame.get("client_msg_id"),
            "text": frame["text"],
        }
        await ws.send_text(
            orjson.dumps(
                {"type": "ack", "ref": frame.get("client_msg_id"), "message": message}
            ).decode()
        )
        event = self._event("message.created", contact.id, {"message": message})
        contact.log.append(event)
        targets = contact.visitors | self.consoles.get(contact.agent_id or 0, set())
        await self._send(targets, event)


def _json(body: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type="application/json")


def build_app() -> Starlette:
    relay = Relay()
    return Starlette(
        routes=[
            Route("/healthz", relay.healthz),
            Route("/api/auth/login", relay.login, methods=["POST"]),
            Route("/api/console-sessions", relay.console_session, methods=["POST"]),
            Route("/api/visitor/contacts", relay.create_contact, methods=["POST"]),
            Route("/api/contacts/{contact_id:int}/accept", relay.accept, methods=["POST"]),
            Route("/api/contacts/{contact_id:int}/close", relay.close, methods=["POST"]),
            WebSocketRoute("/ws/console", relay.console_ws),
            WebSocketRoute("/ws/visitor", relay.visitor_ws),
        ]
    )


def main(argv: list[str] | None = None) -> int:
    import uvicorn

    parser = argparse.ArgumentParser(prog="python -m bench.relay", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8400)
    args = parser.parse_args(argv)
    uvicorn.run(
        build_app(),
        host=args.host,
        port=args.port,
        ws="websockets-sansio",
        ws_per_message_deflate=False,
        log_level="warning",
        loop="uvloop",
        http="httptools",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

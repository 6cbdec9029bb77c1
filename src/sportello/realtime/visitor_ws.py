"""The widget's stream: only its own contact, only what a visitor may see."""

from __future__ import annotations

from typing import Any

from starlette.websockets import WebSocket

from sportello.actions.context import Ctx
from sportello.actions.messages import do_mark_messages, do_send_message
from sportello.actions.visitor_presence import do_visitor_connected, do_visitor_disconnected
from sportello.domain.principals import VisitorPrincipal
from sportello.errors import ForbiddenError
from sportello.queries.contacts import contact_for_visitor, fetch_contact_row
from sportello.realtime.frames import ClientFrame, Ping, Receipt, SendMessage, Typing
from sportello.realtime.hub import StreamHub
from sportello.realtime.session import StreamSession
from sportello.stream.events import Event


class VisitorSession(StreamSession):
    def __init__(self, ws: WebSocket, ctx: Ctx, hub: StreamHub, visitor: VisitorPrincipal) -> None:
        super().__init__(ws, ctx, hub)
        self.visitor = visitor
        self.agent_id: int | None = None
        self.link = 0
        """This connection's number among the visitor's connections (see visitor_presence)."""

    def subscribe(self) -> None:
        self.hub.add_visitor(self.visitor.contact_id, self)

    def unsubscribe(self) -> None:
        self.hub.remove_visitor(self.visitor.contact_id, self)
        self._presence(online=self.hub.visitors_online(self.visitor.contact_id) > 0)

    def _presence(self, *, online: bool) -> None:
        if self.agent_id is None:
            return
        self.ctx.bus.send_signal(
            {
                "kind": "visitor.presence",
                "to": "agent",
                "agent_id": self.agent_id,
                "contact_id": self.visitor.contact_id,
                "online": online,
            }
        )

    async def on_open(self) -> None:
        self.link = await do_visitor_connected(self.ctx, self.visitor.contact_id)

    async def on_close(self) -> None:
        await do_visitor_disconnected(self.ctx, self.visitor.contact_id, self.link)

    def replay_contact(self) -> int | None:
        return self.visitor.contact_id

    async def snapshot(self, conn: Any) -> dict[str, Any]:
        row = await fetch_contact_row(conn, self.visitor.contact_id)
        self.agent_id = row.agent_id
        self._presence(online=True)
        return {"contact": await contact_for_visitor(conn, row), "link": self.link}

    def transform(self, event: Event, *, replay: bool) -> dict[str, Any] | None:
        if not event.for_visitor or event.contact_id != self.visitor.contact_id:
            return None
        if event.kind == "contact.joined":
            self.agent_id = event.payload["agent"]["id"]
        elif event.kind == "contact.requeued":
            self.agent_id = None
        return event.frame()

    async def handle(self, frame: ClientFrame) -> None:
        if isinstance(frame, Ping):
            return
        if frame.contact_id != self.visitor.contact_id:
            raise ForbiddenError("this connection is for another contact")
        if isinstance(frame, SendMessage):
            message, created = await do_send_message(
                self.ctx, self.visitor, frame.contact_id, frame.text, frame.client_msg_id
            )
            await self.send(
                {
                    "type": "ack",
                    "ref": frame.client_msg_id,
                    "message": message,
                    "duplicate": not created,
                }
            )
        elif isinstance(frame, Typing):
            if self.agent_id is not None:
                self.ctx.bus.send_signal(
                    {
                        "kind": "typing",
                        "to": "agent",
                        "agent_id": self.agent_id,
                        "contact_id": frame.contact_id,
                        "from": "visitor",
                        "active": frame.active,
                    }
                )
        elif isinstance(frame, Receipt):
            await do_mark_messages(
                self.ctx, self.visitor, frame.contact_id, frame.up_to, frame.state
            )

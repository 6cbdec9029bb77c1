"""The widget's stream: only its own contact, only what a visitor may see."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.websockets import WebSocket

from sportello.actions.call_resume import do_interrupt_link_calls
from sportello.actions.calls import do_report_media
from sportello.actions.context import Ctx
from sportello.actions.messages import do_mark_messages, do_send_message
from sportello.actions.visitor_presence import do_visitor_connected, do_visitor_disconnected
from sportello.domain.model import ContactState
from sportello.domain.principals import VisitorPrincipal
from sportello.errors import ForbiddenError
from sportello.queries.calls import for_visitor
from sportello.queries.contacts import contact_for_visitor, fetch_contact_row
from sportello.queries.limits import client_limits
from sportello.realtime.calls import handle_call_frame
from sportello.realtime.frames import (
    CallFrame,
    ClientFrame,
    MediaCapabilities,
    Ping,
    Receipt,
    SendMessage,
    Typing,
)
from sportello.realtime.hub import StreamHub
from sportello.realtime.ice import ice_config
from sportello.realtime.queue_lines import QueueLines
from sportello.realtime.session import StreamSession
from sportello.stream.bus import Signal
from sportello.stream.events import Event


class VisitorSession(StreamSession):
    def __init__(
        self,
        ws: WebSocket,
        ctx: Ctx,
        hub: StreamHub,
        lines: QueueLines,
        visitor: VisitorPrincipal,
        admit: Callable[[list[str]], None] | None = None,
    ) -> None:
        super().__init__(ws, ctx, hub)
        self.visitor = visitor
        self.lines = lines
        """Where this widget, while its contact waits, learns its place in line."""
        self.admit = admit
        """Checks the sites of the contact's service (the page's origin); raises to refuse."""
        self.agent_id: int | None = None
        self.link = 0
        self.service_id = 0
        """The contact's service (read with the hello)."""
        self.typing_preview = False
        """Whether the service shows the agent the visitor's drafts (read with the hello: a
        change applies from the widget's next connection)."""
        """This connection's number among the visitor's connections (see visitor_presence)."""

    def subscribe(self) -> None:
        self.hub.add_visitor(self.visitor.contact_id, self)

    def unsubscribe(self) -> None:
        self.hub.remove_visitor(self.visitor.contact_id, self)
        self.lines.unwatch(self)
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
        self.link = await do_visitor_connected(self.ctx, self.visitor.contact_id, self.admit)
        self.ctx.open_links.add((self.visitor.contact_id, self.link))

    async def on_close(self) -> None:
        self.ctx.open_links.discard((self.visitor.contact_id, self.link))
        await do_interrupt_link_calls(self.ctx, self.visitor.contact_id, self.link)
        if self.closed_by_shutdown:
            return  # a shutdown is not a departure: the next start presumes one from then
        await do_visitor_disconnected(self.ctx, self.visitor.contact_id, self.link)

    def signal(self, signal: Signal) -> None:
        """Call signalling goes to the visitor's connection in the call only."""
        if signal.get("kind") == "call.signal" and signal.get("link") != self.link:
            return
        super().signal({k: v for k, v in signal.items() if k != "link"})

    def _typing_signal(self, frame: Typing) -> Signal:
        """Typing news for the agent; the draft only when the service shows it (the widget
        does not send it otherwise, and one that does is not listened to)."""
        signal: Signal = {
            "kind": "typing",
            "to": "agent",
            "agent_id": self.agent_id,
            "contact_id": frame.contact_id,
            "from": "visitor",
            "active": frame.active,
        }
        if self.typing_preview and frame.active and frame.draft is not None:
            signal["draft"] = frame.draft[: self.ctx.settings.max_message_chars]
        return signal

    def show_place(self, frame: dict[str, Any]) -> None:
        """Its place in line changed (realtime/queue_lines.py): an ephemeral frame."""
        self._enqueue(frame)

    def replay_contact(self) -> int | None:
        return self.visitor.contact_id

    async def snapshot(self, conn: Any) -> dict[str, Any]:
        row = await fetch_contact_row(conn, self.visitor.contact_id)
        self.agent_id = row.agent_id
        self.service_id = row.service_id
        if row.state == ContactState.PENDING.value:
            self.lines.watch(self, row.id, row.service_id)
        self._presence(online=True)
        contact = await contact_for_visitor(conn, row, with_messages=not self.resuming)
        self.typing_preview = bool(contact["service"]["typing_preview"])
        return {
            "contact": contact,
            "link": self.link,
            "limits": client_limits(self.ctx.settings),
            "ice": ice_config(
                self.ctx.settings, f"contact-{self.visitor.contact_id}", self.ctx.clock.now()
            ),
        }

    def transform(self, event: Event, *, replay: bool) -> dict[str, Any] | Event | None:
        if not event.for_visitor or event.contact_id != self.visitor.contact_id:
            return None
        if event.kind == "contact.joined":
            self.agent_id = event.payload["agent"]["id"]
        elif event.kind == "contact.requeued":
            self.agent_id = None
            if not replay:
                self.lines.watch(self, self.visitor.contact_id, self.service_id)
        if "call" not in event.payload:
            return event
        frame = event.frame()
        frame["data"] = {**event.payload, "call": for_visitor(event.payload["call"])}
        return frame

    async def handle(self, frame: ClientFrame) -> None:
        if isinstance(frame, Ping):
            return
        if frame.contact_id != self.visitor.contact_id:
            raise ForbiddenError("this connection is for another contact")
        if isinstance(frame, SendMessage):
            peer = self.ws.client.host if self.ws.client else "unknown"
            await self.ctx.limits.visitor_message(frame.contact_id, peer, self.ctx.clock.now())
            message, created = await do_send_message(
                self.ctx,
                self.visitor,
                frame.contact_id,
                frame.text,
                frame.client_msg_id,
                canned_reply_id=frame.canned_reply_id,
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
                self.ctx.bus.send_signal(self._typing_signal(frame))
        elif isinstance(frame, Receipt):
            await do_mark_messages(
                self.ctx, self.visitor, frame.contact_id, frame.up_to, frame.state
            )
        elif isinstance(frame, MediaCapabilities):
            media = frame.model_dump(include={"webrtc", "camera", "microphone", "permission"})
            await do_report_media(self.ctx, self.visitor, frame.contact_id, media)
        elif isinstance(frame, CallFrame):
            await handle_call_frame(self.ctx, self.visitor, frame, link=self.link)

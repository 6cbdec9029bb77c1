"""The console's stream: the agent's waiting area plus everything about their contacts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, or_, select
from starlette.websockets import WebSocket

from sportello.actions.agents import do_connect_session, do_disconnect_session
from sportello.actions.call_resume import do_interrupt_session_calls
from sportello.actions.context import Ctx
from sportello.actions.messages import do_mark_messages, do_send_message
from sportello.domain.principals import AgentPrincipal
from sportello.errors import ForbiddenError
from sportello.queries.agents import agent_state, session_view
from sportello.queries.calls import session_calls
from sportello.queries.contacts import contacts_for_agent
from sportello.queries.limits import client_limits
from sportello.queries.notes import MENTIONS_KEPT_SECONDS, recent_mentions
from sportello.realtime.calls import handle_call_frame
from sportello.realtime.frames import (
    CallFrame,
    ClientFrame,
    MediaCapabilities,
    Receipt,
    SendMessage,
    Typing,
)
from sportello.realtime.hub import StreamHub
from sportello.realtime.ice import ice_config
from sportello.realtime.session import StreamSession
from sportello.routing.views import public_entry, sees_entry, waiting_for_agent
from sportello.storage.tables import console_sessions, contacts
from sportello.stream.bus import Signal
from sportello.stream.events import Event

HOLDING = ("assigned", "transferring")
ENTRY_NEWS = frozenset({"visitor.departed", "visitor.returned", "contact.waiting_message"})
"""Queue events about a waiting contact that leave it waiting (every other one removes it)."""
ENDED_KEPT_SECONDS = 12 * 3600
"""An ended contact stays in the console until removed, or for at most this long."""


class ConsoleSession(StreamSession):
    def __init__(
        self,
        ws: WebSocket,
        ctx: Ctx,
        hub: StreamHub,
        agent: AgentPrincipal,
        session_id: str,
        sign_in: str,
    ) -> None:
        super().__init__(ws, ctx, hub)
        self.agent = agent
        self.session_id = session_id
        self.sign_in = sign_in
        """Hash of the sign-in token this socket was opened with: logging out closes it."""
        self.waiting: set[int] = set()

    def subscribe(self) -> None:
        self.hub.add_console(self.agent.id, self.sign_in, self)

    def unsubscribe(self) -> None:
        self.hub.remove_console(self.agent.id, self.sign_in, self)

    async def on_open(self) -> None:
        await do_connect_session(self.ctx, self.agent, self.session_id)

    async def on_close(self) -> None:
        await do_disconnect_session(self.ctx, self.agent, self.session_id)
        await do_interrupt_session_calls(self.ctx, self.session_id)

    def signal(self, signal: Signal) -> None:
        """Call signalling goes to the console session in the call only."""
        session = signal.get("session")
        if session is not None and session != self.session_id:
            return
        super().signal({k: v for k, v in signal.items() if k != "session"})

    @property
    def ended_kept(self) -> int:
        """How long an ended contact stays on the agent's desk unless removed earlier."""
        return self.ctx.settings.ended_panel_seconds or ENDED_KEPT_SECONDS

    async def snapshot(self, conn: Any) -> dict[str, Any]:
        waiting = await waiting_for_agent(conn, self.agent.id)
        self.waiting = {e["contact_id"] for e in waiting}
        rows = await conn.execute(
            select(contacts)
            .where(
                contacts.c.agent_id == self.agent.id,
                or_(
                    contacts.c.state.in_(HOLDING),
                    and_(
                        contacts.c.state == "closed",
                        contacts.c.dismissed.is_(False),
                        contacts.c.closed_at >= self.ctx.clock.now() - self.ended_kept,
                    ),
                ),
            )
            .order_by(contacts.c.assigned_at)
        )
        held = await contacts_for_agent(conn, rows.all())
        media = (
            await conn.execute(
                select(console_sessions).where(console_sessions.c.id == self.session_id)
            )
        ).first()
        return {
            "session_id": self.session_id,
            "server_time": self.ctx.clock.now(),
            "idle_seconds": self.ctx.settings.idle_seconds,
            "ended_panel_seconds": self.ctx.settings.ended_panel_seconds,
            "limits": client_limits(self.ctx.settings),
            "ice": ice_config(self.ctx.settings, f"agent-{self.agent.id}", self.ctx.clock.now()),
            "session": None if media is None else session_view(media),
            "agent": await agent_state(
                conn, self.agent.id, self.ctx.clock.now(), self.ctx.settings.agent_grace_seconds
            ),
            "waiting": [public_entry(e, self.agent.id) for e in waiting],
            "contacts": held,
            "calls": await session_calls(conn, self.session_id),
            "mentions": await recent_mentions(
                conn, self.agent.id, self.ctx.clock.now() - MENTIONS_KEPT_SECONDS
            ),
        }

    def transform(self, event: Event, *, replay: bool) -> dict[str, Any] | Event | None:
        if event.for_queue:
            # The snapshot sent at (re)connect already holds the current waiting area.
            return None if replay else self._queue_frame(event)
        if event.agent_id != self.agent.id:
            return None
        return event

    def _queue_frame(self, event: Event) -> dict[str, Any] | Event | None:
        contact_id = event.contact_id
        assert contact_id is not None
        if event.kind == "contact.offered":
            entry = event.payload["entry"]
            if sees_entry(self.agent.id, entry):
                self.waiting.add(contact_id)
                frame = event.frame()
                frame["data"] = {"entry": public_entry(entry, self.agent.id)}
                return frame
            if contact_id in self.waiting:
                self.waiting.discard(contact_id)
                return {
                    **event.frame(),
                    "kind": "contact.dequeued",
                    "data": {"contact_id": contact_id, "reason": "withdrawn"},
                }
            return None
        if contact_id not in self.waiting:
            return None
        if event.kind not in ENTRY_NEWS:
            self.waiting.discard(contact_id)
        return event

    async def handle(self, frame: ClientFrame) -> None:
        if isinstance(frame, SendMessage):
            message, created = await do_send_message(
                self.ctx,
                self.agent,
                frame.contact_id,
                frame.text,
                frame.client_msg_id,
                frame.translation,
                canned_reply_id=frame.canned_reply_id,
            )
            await self.send(
                {
                    "type": "ack",
                    "ref": frame.client_msg_id,
                    "message": message,
                    "duplicate": not created,
                    "visitor_online": self.hub.visitors_online(frame.contact_id) > 0,
                }
            )
        elif isinstance(frame, Typing):
            await self._typing(frame)
        elif isinstance(frame, Receipt):
            await do_mark_messages(self.ctx, self.agent, frame.contact_id, frame.up_to, frame.state)
        elif isinstance(frame, MediaCapabilities):
            raise ForbiddenError("only the visitor's widget reports its media capabilities")
        elif isinstance(frame, CallFrame):
            await handle_call_frame(self.ctx, self.agent, frame, session_id=self.session_id)

    async def _typing(self, frame: Typing) -> None:
        async with self.ctx.db.read() as conn:
            holder = await conn.scalar(
                select(contacts.c.agent_id).where(contacts.c.id == frame.contact_id)
            )
        if holder != self.agent.id:
            raise ForbiddenError("you are not assigned to this contact")
        self.ctx.bus.send_signal(
            {
                "kind": "typing",
                "to": "visitor",
                "contact_id": frame.contact_id,
                "from": "agent",
                "active": frame.active,
            }
        )

"""The supervision stream: the reader's live view, recomputed whenever the stream moves or
an agent's consoles come and go (by the process's shared ``SupervisionViews``), plus the
events of the contacts that view shows (so a supervisor's read-only transcript updates
live) and the left messages of its services. Resumable from a position like a console: the
view is current state and always comes whole; the events are replayed."""

from __future__ import annotations

from typing import Any

from starlette.websockets import WebSocket

from sportello.actions.context import Ctx
from sportello.domain.principals import AgentPrincipal
from sportello.errors import ForbiddenError
from sportello.queries.supervision import ViewClock, supervision_view, visible_contacts
from sportello.realtime.frames import ClientFrame
from sportello.realtime.hub import StreamHub
from sportello.realtime.session import StreamSession
from sportello.realtime.supervision_views import SupervisionViews
from sportello.stream.bus import Signal
from sportello.stream.events import Event

UNSEEN_KINDS = frozenset({"contact.colour_changed", "contact.dismissed", "contact.translation"})
"""Contact events that change nothing the view shows (neither do messages, pages, links)."""


def changes_view(kind: str) -> bool:
    return kind.startswith(("contact.", "agent.")) and kind not in UNSEEN_KINDS


class SupervisionSession(StreamSession):
    def __init__(
        self,
        ws: WebSocket,
        ctx: Ctx,
        hub: StreamHub,
        views: SupervisionViews,
        reader: AgentPrincipal,
        sign_in: str,
        utc_offset_minutes: int,
    ) -> None:
        super().__init__(ws, ctx, hub)
        self.views = views
        self.reader = reader
        self.sign_in = sign_in
        self.utc_offset_minutes = utc_offset_minutes
        self.visible: set[int] = set()
        """Contacts this reader's views have shown: only their events are sent."""
        self.services: set[int] = set()
        """The services of the last view: left messages of those (or of none) are sent."""
        self.day = 0.0
        """Where the last view's "today" starts."""

    def subscribe(self) -> None:
        self.hub.add_watcher(self.reader.id, self.sign_in, self)

    def unsubscribe(self) -> None:
        self.hub.remove_watcher(self)
        self.views.remove(self)

    async def snapshot(self, conn: Any) -> dict[str, Any]:
        clock = ViewClock(
            self.ctx.clock.now(), self.ctx.settings.agent_grace_seconds, self.utc_offset_minutes
        )
        view = await supervision_view(conn, self.reader, clock)
        self._shown(view)
        return {"view": view}

    def _shown(self, view: dict[str, Any]) -> None:
        self.visible |= visible_contacts(view)
        self.services = {s["id"] for s in view["services"]}
        self.day = view["today"]["since"]

    async def _catch_up(self, since: int | None) -> None:
        await super()._catch_up(since)
        # Only now: a view computed before the hello's could overtake it.
        self.views.add(self)

    def show(self, position: int, view: dict[str, Any]) -> None:
        """A recomputed view (shared with the readers of the same scope: never changed)."""
        self._shown(view)
        self._enqueue({"type": "view", "position": position, "view": view})

    def deliver(self, event: Event) -> None:
        super().deliver(event)
        if changes_view(event.kind):
            self.views.changed()

    def signal(self, signal: Signal) -> None:
        self.views.changed()

    def transform(self, event: Event, *, replay: bool) -> dict[str, Any] | Event | None:
        if event.kind.startswith("left_message."):
            service_id = event.payload.get("service_id")
            return event if service_id is None or service_id in self.services else None
        if event.for_queue or event.contact_id not in self.visible:
            return None
        if event.kind == "note.mentioned":
            return None  # a notification for the agent named; the note itself is note.created
        if event.agent_id is None and not event.for_visitor:
            return None
        return event

    async def handle(self, frame: ClientFrame) -> None:
        raise ForbiddenError("the supervision view is read-only")

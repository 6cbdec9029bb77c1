"""The supervisor's live view: agents, the waiting area per service and today's figures.

Read from the stored rows (presence derived as for consoles, figures counted as the reports'
overview counts them: reports/tallies.py), so the view can be recomputed at any moment and
always agrees with the reports.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.domain.principals import AgentPrincipal
from sportello.queries.agents import agent_view
from sportello.queries.contacts import HOLDING
from sportello.reports.scope import ReportScope, report_scope
from sportello.reports.tallies import tallies
from sportello.routing.snapshot import SESSION_STALE_SECONDS
from sportello.storage.tables import agents, console_sessions, contacts, services

DAY = 86_400
TODAY_FIGURES = ("requests", "answered", "dissuaded", "abandoned", "in_progress", "wait_avg")


@dataclass(frozen=True)
class ViewClock:
    now: float
    agent_grace_seconds: float
    utc_offset_minutes: int = 0

    def day_start(self) -> float:
        """Midnight of today in the reader's time zone, in UNIX seconds."""
        shift = self.utc_offset_minutes * 60
        return (self.now + shift) // DAY * DAY - shift


def _in_scope(scope: ReportScope, service_id: int) -> bool:
    return scope.everything or service_id in scope.service_ids


def _contact_card(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "state": row.state,
        "medium": row.medium,
        "service_id": row.service_id,
        "visitor_name": row.visitor_name,
        "created_at": row.created_at,
        "assigned_at": row.assigned_at,
        "dissuade_at": row.transfer_due_at if row.state == "transferring" else row.dissuade_at,
        "priority": row.priority,
        "requeued": row.requeued_at is not None,
    }


async def _media(conn: AsyncConnection, now: float) -> dict[int, dict[str, bool]]:
    """Each agent's switches over their live consoles: a medium is on when any console has it."""
    rows = await conn.execute(
        select(console_sessions).where(
            console_sessions.c.connections > 0,
            console_sessions.c.heartbeat_at >= now - SESSION_STALE_SECONDS,
        )
    )
    media: dict[int, dict[str, bool]] = {}
    for row in rows:
        seen = media.setdefault(row.agent_id, {"chat": False, "voice": False, "video": False})
        seen["chat"] |= bool(row.chat_on)
        seen["voice"] |= bool(row.voice_on)
        seen["video"] |= bool(row.video_on)
    return media


async def supervision_view(
    conn: AsyncConnection, reader: AgentPrincipal, clock: ViewClock
) -> dict[str, Any]:
    """What the reader supervises: an admin every service, a supervisor those whose tags
    they hold; the agents who can serve one of them (or hold one of their contacts)."""
    scope = await report_scope(conn, reader)
    service_rows = [
        r
        for r in await conn.execute(select(services).order_by(services.c.name))
        if _in_scope(scope, r.id)
    ]
    live_rows = await conn.execute(
        select(contacts)
        .where(contacts.c.state.in_(("pending", *HOLDING)))
        .order_by(contacts.c.priority, contacts.c.created_at)
    )
    waiting: dict[int, list[dict[str, Any]]] = defaultdict(list)
    held: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in live_rows:
        if not _in_scope(scope, row.service_id):
            continue
        if row.state == "pending":
            waiting[row.service_id].append(_contact_card(row))
        elif row.agent_id is not None:
            held[row.agent_id].append(_contact_card(row))
    media = await _media(conn, clock.now)
    live = {agent_id: 1 for agent_id in media}
    people = []
    for row in await conn.execute(select(agents).order_by(agents.c.display_name)):
        serves = any(set(s.tags) <= set(row.tags) for s in service_rows)
        if not (scope.everything or serves or row.id in held):
            continue
        view = agent_view(row, live.get(row.id, 0), clock.now, clock.agent_grace_seconds)
        people.append(
            {
                "id": row.id,
                "display_name": row.display_name,
                "role": row.role,
                "status": view["status"],
                "reconnecting": view["reconnecting"],
                "away_since": row.away_since,
                "media": media.get(row.id, {"chat": False, "voice": False, "video": False}),
                "load": len(held.get(row.id, [])),
                "chat_limit": row.chat_limit,
                "contacts": held.get(row.id, []),
            }
        )
    by_service, total = await tallies(conn, scope, clock.day_start(), clock.now + 1)
    return {
        "server_time": clock.now,
        "agent_grace_seconds": clock.agent_grace_seconds,
        "agents": people,
        "services": [
            {
                "id": s.id,
                "name": s.name,
                "waiting": waiting.get(s.id, []),
                "today": _figures(by_service.get(s.id)),
            }
            for s in service_rows
        ],
        "today": {"since": clock.day_start(), **_figures(total)},
    }


def _figures(group: dict[str, Any] | None) -> dict[str, Any]:
    return {k: (group or {}).get(k, None if k == "wait_avg" else 0) for k in TODAY_FIGURES}


def visible_contacts(view: dict[str, Any]) -> set[int]:
    """The contacts a view shows: their events may be streamed to its reader."""
    ids = {c["id"] for s in view["services"] for c in s["waiting"]}
    return ids | {c["id"] for a in view["agents"] for c in a["contacts"]}

"""The supervisor's live view: agents, the waiting area per service and today's figures.

Read from the stored rows (presence derived as for consoles, figures counted as the reports'
overview counts them: reports/tallies.py), so the view can be recomputed at any moment and
always agrees with the reports. The rows are read once per change (``load_floor``) and each
reader's view is cut from them (``cut_view``), so many readers cost about what one does.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, select, true
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.domain.model import Role
from sportello.domain.principals import AgentPrincipal
from sportello.domain.scope import supervises
from sportello.queries.agents import agent_view
from sportello.queries.contacts import HOLDING
from sportello.reports.scope import ReportScope
from sportello.reports.tallies import tallies, total_of
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


@dataclass(frozen=True)
class Floor:
    """What every reader's view is cut from, read once per change for all of them."""

    now: float
    agent_grace_seconds: float
    services: list[Any]
    live: list[Any]
    """Contacts waiting or held, in queue order."""
    agents: list[Any]
    media: dict[int, dict[str, bool]]
    today: dict[float, dict[int, dict[str, Any]]]
    """Per midnight asked for: today's figures per service, every service."""


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


async def load_floor(
    conn: AsyncConnection, now: float, agent_grace_seconds: float, midnights: set[float]
) -> Floor:
    services_rows = list(await conn.execute(select(services).order_by(services.c.name)))
    live = await conn.execute(
        select(contacts)
        .where(contacts.c.state.in_(("pending", *HOLDING)))
        .order_by(contacts.c.priority, contacts.c.created_at)
    )
    agent_rows = await conn.execute(select(agents).order_by(agents.c.display_name))
    return Floor(
        now=now,
        agent_grace_seconds=agent_grace_seconds,
        services=services_rows,
        live=list(live),
        agents=list(agent_rows),
        media=await _media(conn, now),
        today={day: await tallies(conn, true(), day, now + 1) for day in midnights},
    )


def scope_in(floor: Floor, reader: AgentPrincipal) -> ReportScope:
    """The reader's report scope, from the floor's rows (as ``report_scope`` reads it)."""
    if reader.role is Role.ADMIN:
        return ReportScope(True, frozenset(), reader.id)
    tags: list[str] = next((r.tags for r in floor.agents if r.id == reader.id), [])
    ids = frozenset(int(s.id) for s in floor.services if supervises(reader.role, tags, s.tags))
    return ReportScope(False, ids, reader.id)


async def handled_elsewhere(
    conn: AsyncConnection, scope: ReportScope, since: float, until: float
) -> dict[int, dict[str, Any]]:
    """Today's figures of the contacts a supervisor handled in services they do not
    supervise: the reports count those too."""
    if scope.everything:
        return {}
    outside = ~contacts.c.service_id.in_(sorted(scope.service_ids))
    return await tallies(conn, and_(scope.handled(), outside), since, until)


def cut_view(
    floor: Floor, scope: ReportScope, day_start: float, elsewhere: dict[int, dict[str, Any]]
) -> dict[str, Any]:
    """One reader's view: an admin every service, a supervisor those whose tags they hold;
    the agents who can serve one of them (or hold one of their contacts)."""
    service_rows = [r for r in floor.services if _in_scope(scope, r.id)]
    waiting: dict[int, list[dict[str, Any]]] = defaultdict(list)
    held: dict[int, list[dict[str, Any]]] = defaultdict(list)
    load: dict[int, int] = defaultdict(int)
    for row in floor.live:
        if row.state != "pending" and row.agent_id is not None:
            load[row.agent_id] += 1  # every contact counts, the reader's services or not
        if not _in_scope(scope, row.service_id):
            continue
        if row.state == "pending":
            waiting[row.service_id].append(_contact_card(row))
        elif row.agent_id is not None:
            held[row.agent_id].append(_contact_card(row))
    people = []
    for row in floor.agents:
        serves = any(set(s.tags) <= set(row.tags) for s in service_rows)
        if not (scope.everything or serves or row.id in held):
            continue
        if not row.enabled:
            continue  # disabled: nobody's colleague (disabling handed its contacts back)
        live = 1 if row.id in floor.media else 0
        view = agent_view(row, live, floor.now, floor.agent_grace_seconds)
        people.append(
            {
                "id": row.id,
                "display_name": row.display_name,
                "role": row.role,
                "status": view["status"],
                "reconnecting": view["reconnecting"],
                "away_since": row.away_since,
                "media": floor.media.get(row.id, {"chat": False, "voice": False, "video": False}),
                "load": load[row.id],
                "elsewhere": load[row.id] - len(held.get(row.id, [])),
                "chat_limit": row.chat_limit,
                "contacts": held.get(row.id, []),
            }
        )
    counted = floor.today[day_start]
    by_service = {k: v for k, v in counted.items() if _in_scope(scope, k)} | elsewhere
    return {
        "server_time": floor.now,
        "agent_grace_seconds": floor.agent_grace_seconds,
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
        "today": {"since": day_start, **_figures(total_of(by_service.values()))},
        "scope": {
            "everything": scope.everything,
            "services": [s.name for s in service_rows],
            "handled_elsewhere": bool(elsewhere),
        },
    }


async def supervision_view(
    conn: AsyncConnection, reader: AgentPrincipal, clock: ViewClock
) -> dict[str, Any]:
    """One reader's view, as of now (the HTTP snapshot, a socket's hello)."""
    day = clock.day_start()
    floor = await load_floor(conn, clock.now, clock.agent_grace_seconds, {day})
    scope = scope_in(floor, reader)
    return cut_view(floor, scope, day, await handled_elsewhere(conn, scope, day, clock.now + 1))


def _figures(group: dict[str, Any] | None) -> dict[str, Any]:
    return {k: (group or {}).get(k, None if k == "wait_avg" else 0) for k in TODAY_FIGURES}


def visible_contacts(view: dict[str, Any]) -> set[int]:
    """The contacts a view shows: their events may be streamed to its reader."""
    ids = {c["id"] for s in view["services"] for c in s["waiting"]}
    return ids | {c["id"] for a in view["agents"] for c in a["contacts"]}

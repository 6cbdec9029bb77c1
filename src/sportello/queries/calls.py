"""Call views, the media a visitor may ask for, and who may relay a call's signalling."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.storage.direct import DirectStatement
from sportello.storage.tables import agents, calls, console_sessions, contacts, services

CALL_MEDIA = ("voice", "video")


def call_view(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "contact_id": row.contact_id,
        "started_by": row.started_by,
        "requested": row.requested,
        "media": row.media,
        "state": row.state,
        "agent_session": row.agent_session,
        "offered_at": row.offered_at,
        "answered_at": row.answered_at,
        "connected_at": row.connected_at,
        "ended_at": row.ended_at,
        "ended_by": row.ended_by,
        "end_reason": row.end_reason,
        "agent_gone_at": row.agent_gone_at,
        "visitor_gone_at": row.visitor_gone_at,
    }


def for_visitor(view: dict[str, Any] | None) -> dict[str, Any] | None:
    """The widget's copy: without the agent's console session."""
    if view is None:
        return None
    return {k: v for k, v in view.items() if k != "agent_session"}


_CALL = DirectStatement(select(calls).where(calls.c.id == bindparam("call")))
"""Read on every connect (storage/direct.py)."""


async def fetch_call(conn: AsyncConnection, call_id: int | None) -> Any:
    if call_id is None:
        return None
    rows = await _CALL.rows(conn, {"call": call_id})
    return rows[0] if rows else None


async def live_call(conn: AsyncConnection, contact: Any) -> dict[str, Any] | None:
    row = await fetch_call(conn, contact.live_call_id)
    return None if row is None else call_view(row)


async def session_calls(conn: AsyncConnection, session_id: str) -> list[dict[str, Any]]:
    """The live calls of a console session: what it takes back after any reconnect (its
    resumed ``hello`` carries no contacts, so the calls come on their own)."""
    rows = await conn.execute(
        select(calls)
        .join(contacts, contacts.c.live_call_id == calls.c.id)
        .where(calls.c.agent_session == session_id)
        .order_by(calls.c.id)
    )
    return [call_view(r) for r in rows]


async def calls_of(conn: AsyncConnection, contact_id: int) -> list[dict[str, Any]]:
    rows = await conn.execute(
        select(calls).where(calls.c.contact_id == contact_id).order_by(calls.c.id)
    )
    return [call_view(r) for r in rows]


# Read on every widget's hello (storage/direct.py).
_OFFERED = DirectStatement(select(services.c.media).where(services.c.id == bindparam("service")))
_ALLOWED = DirectStatement(
    select(agents.c.voice_allowed, agents.c.video_allowed).where(agents.c.id == bindparam("agent"))
)
_AGENT_SESSIONS = select(console_sessions.c.voice_on, console_sessions.c.video_on).where(
    console_sessions.c.agent_id == bindparam("agent")
)
_LIVE_SESSIONS = DirectStatement(_AGENT_SESSIONS.where(console_sessions.c.connections > 0))
_SESSION = DirectStatement(_AGENT_SESSIONS.where(console_sessions.c.id == bindparam("session")))


async def call_media(
    conn: AsyncConnection, contact: Any, session_id: str | None = None
) -> list[str]:
    """Media a call on this contact may use now: the service offers it, the holder's profile
    allows it and their console session (``session_id``, or any live one) has it on."""
    if contact.agent_id is None or contact.state not in ("assigned", "transferring"):
        return []
    [service] = await _OFFERED.rows(conn, {"service": contact.service_id})
    offered = service.media
    [agent] = await _ALLOWED.rows(conn, {"agent": contact.agent_id})
    if session_id is None:
        sessions = await _LIVE_SESSIONS.rows(conn, {"agent": contact.agent_id})
    else:
        sessions = await _SESSION.rows(conn, {"agent": contact.agent_id, "session": session_id})
    allowed = {"voice": bool(agent.voice_allowed), "video": bool(agent.video_allowed)}
    return [
        medium
        for medium in CALL_MEDIA
        if medium in (offered or [])
        and allowed[medium]
        and any(getattr(s, f"{medium}_on") for s in sessions)
    ]

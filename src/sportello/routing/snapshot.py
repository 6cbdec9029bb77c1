"""Reading the routing snapshot (agents, live sessions, loads, pending contacts) from storage."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import replace
from typing import Any

from sqlalchemy import bindparam, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.domain.model import (
    ActiveContact,
    AgentSnapshot,
    AgentStatus,
    ContactState,
    Medium,
    PendingContact,
    Sender,
)
from sportello.routing.busy_queue import WhenBusy, is_queued
from sportello.routing.rules import group_member
from sportello.storage.direct import DirectStatement
from sportello.storage.tables import (
    agents,
    calls,
    console_sessions,
    contacts,
    messages,
    services,
    transfer_groups,
    transfers,
)

SESSION_STALE_SECONDS = 45.0
"""A console session whose node has not refreshed it for this long is not live."""

HOLDING_STATES = (ContactState.ASSIGNED.value, ContactState.TRANSFERRING.value)
WAITING_STATES = (ContactState.PENDING.value, ContactState.TRANSFERRING.value)
"""Contacts waiting for an agent: new or handed back, and those being transferred."""


LAST_SENDER = (
    select(messages.c.sender)
    .where(messages.c.contact_id == contacts.c.id, messages.c.sender != Sender.SYSTEM.value)
    .order_by(messages.c.id.desc())
    .limit(1)
    .correlate(contacts)
    .scalar_subquery()
    .label("last_sender")
)
"""Who wrote a held contact's last message (system lines aside): the idle rule's input."""


def _live_sessions() -> Any:
    return (console_sessions.c.connections > 0) & (
        console_sessions.c.heartbeat_at >= bindparam("since")
    )


_HOLDING = or_(*(contacts.c.state == state for state in HOLDING_STATES))
"""Spelled as equalities, not ``IN``: a statement run on SQLite's driver has no expanding
parameters (storage/direct.py)."""
_SESSIONS = select(console_sessions).where(_live_sessions())
_HELD = (
    select(
        contacts.c.agent_id,
        contacts.c.last_message_at,
        contacts.c.assigned_at,
        calls.c.requested,
        LAST_SENDER,
    )
    .outerjoin(calls, calls.c.id == contacts.c.live_call_id)
    .where(_HOLDING, contacts.c.agent_id.is_not(None))
)
_ENABLED = select(agents).where(agents.c.enabled.is_(True))
_AT_WORK = select(console_sessions.c.agent_id).where(_live_sessions()).scalar_subquery()

_READS_AT_WORK = (
    DirectStatement(_SESSIONS),
    DirectStatement(_HELD.where(contacts.c.agent_id.in_(_AT_WORK))),
    DirectStatement(_ENABLED.where(agents.c.id.in_(_AT_WORK))),
)
"""A routing pass's read: the agents with a live console session."""
_READS_OF_ONE = (
    DirectStatement(_SESSIONS.where(console_sessions.c.agent_id == bindparam("agent"))),
    DirectStatement(_HELD.where(contacts.c.agent_id == bindparam("agent"))),
    DirectStatement(_ENABLED.where(agents.c.id == bindparam("agent"))),
)
"""An accept's check of its agent's room."""
_READS_OF_ALL = (DirectStatement(_SESSIONS), DirectStatement(_HELD), DirectStatement(_ENABLED))


async def load_agents(
    conn: AsyncConnection,
    now: float,
    *,
    only: Collection[int] | None = None,
    live_only: bool = False,
) -> list[AgentSnapshot]:
    """Every enabled agent, or ``only`` these, or (``live_only``) those with a live console
    session — the only ones routing can offer anything to, so a routing pass reads the
    agents at work, not every account.

    Run on every new contact and every accept: the usual shapes (the agents at work, one
    agent, every agent) are statements built once (storage/direct.py)."""
    params: dict[str, Any] = {"since": now - SESSION_STALE_SECONDS}
    if only is not None and len(only) > 1:
        session_rows, held_rows, agent_rows = await _read_some(conn, params, only)
    else:
        if only is not None:
            if not only:
                return []
            params["agent"] = next(iter(only))
            reads = _READS_OF_ONE
        else:
            reads = _READS_AT_WORK if live_only else _READS_OF_ALL
        session_rows, held_rows, agent_rows = [await read.rows(conn, params) for read in reads]
    sessions: dict[int, list[Any]] = defaultdict(list)
    for row in session_rows:
        sessions[row.agent_id].append(row)
    active: dict[int, list[ActiveContact]] = defaultdict(list)
    for row in held_rows:
        active[row.agent_id].append(
            ActiveContact(
                # a held contact weighs as its live call, or as a chat once no call is
                # live: a contact that started as voice or video included
                medium=Medium(row.requested) if row.requested else Medium.CHAT,
                last_message_at=row.last_message_at,
                started_at=row.assigned_at or now,
                awaiting_agent=row.last_sender != Sender.AGENT.value,
            )
        )
    result = []
    for row in agent_rows:
        live = sessions.get(row.id, [])
        media: set[Medium] = set()
        for s in live:
            if s.chat_on:
                media.add(Medium.CHAT)
            if s.voice_on:
                media.add(Medium.VOICE)
            if s.video_on:
                media.add(Medium.VIDEO)
        result.append(
            AgentSnapshot(
                id=row.id,
                tags=frozenset(row.tags),
                status=AgentStatus(row.status),
                chat_limit=row.chat_limit,
                voice_allowed=bool(row.voice_allowed),
                video_allowed=bool(row.video_allowed),
                live_sessions=len(live),
                media_on=frozenset(media),
                active_contacts=tuple(active.get(row.id, ())),
            )
        )
    return result


async def _read_some(
    conn: AsyncConnection, params: dict[str, Any], only: Collection[int]
) -> tuple[list[Any], list[Any], list[Any]]:
    """The same three reads for a few agents (a routing check after several accepts)."""
    ids = list(only)
    return (
        list(await conn.execute(_SESSIONS.where(console_sessions.c.agent_id.in_(ids)), params)),
        list(await conn.execute(_HELD.where(contacts.c.agent_id.in_(ids)))),
        list(await conn.execute(_ENABLED.where(agents.c.id.in_(ids)))),
    )


_WAITING = or_(*(contacts.c.state == state for state in WAITING_STATES))
_PENDING_QUERY = (
    select(
        contacts.c.id,
        contacts.c.state,
        contacts.c.medium,
        contacts.c.priority,
        contacts.c.created_at,
        contacts.c.starred_agent_id,
        contacts.c.requeued_at,
        contacts.c.prefer_agent_id,
        contacts.c.prefer_until,
        contacts.c.offered_to,
        contacts.c.blocked_for,
        contacts.c.starred,
        contacts.c.queued_at,
        contacts.c.offered_at,
        services.c.tags,
        services.c.when_busy,
    )
    .join(services, services.c.id == contacts.c.service_id)
    .where(_WAITING)
)
_PENDING = DirectStatement(_PENDING_QUERY)
_STARRED_PENDING = DirectStatement(_PENDING_QUERY.where(contacts.c.starred.is_(True)))
"""Read by every new contact's routing (storage/direct.py)."""


StoredOffer = tuple[list[int], list[int], bool]
"""A waiting contact's offer as stored: offered to, blocked for (no room), starred."""


async def load_pending(
    conn: AsyncConnection, *, starred_only: bool = False
) -> list[PendingContact]:
    """Every waiting contact, or only the starred ones (those reserving an agent's room)."""
    pending, _ = await load_pending_offers(conn, starred_only=starred_only)
    return pending


async def load_pending_offers(
    conn: AsyncConnection, *, starred_only: bool = False
) -> tuple[list[PendingContact], dict[int, StoredOffer]]:
    """The waiting contacts, and the offer each has stored (a full pass rewrites only the
    offers its plan changes, and reads nothing more for the others)."""
    read = _STARRED_PENDING if starred_only else _PENDING
    rows = await read.rows(conn, {})
    result = []
    stored: dict[int, StoredOffer] = {}
    legs: dict[int, Any] | None = None
    tags_by_agent: dict[int, list[str]] | None = None
    for row in rows:
        stored[row.id] = (
            list(row.offered_to or []),
            list(row.blocked_for or []),
            bool(row.starred),
        )
        contact = PendingContact(
            id=row.id,
            service_tags=frozenset(row.tags),
            medium=Medium(row.medium),
            priority=row.priority,
            created_at=row.created_at,
            starred_agent_id=row.starred_agent_id,
            requeued=row.requeued_at is not None,
            preferred_agent_id=row.prefer_agent_id,
            preferred_until=row.prefer_until,
            queue_mode=row.when_busy == WhenBusy.QUEUE,
            queued=is_queued(row.queued_at, row.offered_at),
        )
        if row.state == ContactState.TRANSFERRING.value:
            legs = legs if legs is not None else await open_legs(conn)
            tags_by_agent = tags_by_agent if tags_by_agent is not None else await agent_tags(conn)
            leg = legs.get(row.id)
            if leg is None:
                continue
            contact = _transfer_target(contact, leg, tags_by_agent)
        result.append(contact)
    return result, stored


def _transfer_target(
    contact: PendingContact, leg: Any, tags_by_agent: dict[int, list[str]]
) -> PendingContact:
    """A contact being transferred waits for its target: the agent (starred), or the
    group's members who have not rejected it, at the group's priority, from when it was
    sent."""
    if leg.to_agent_id is not None:
        return replace(
            contact,
            starred_agent_id=leg.to_agent_id,
            created_at=leg.requested_at,
            queue_mode=False,
            queued=False,
        )
    excluded = {leg.from_agent_id, *leg.rejected_by}
    members = frozenset(
        agent_id
        for agent_id, tags in tags_by_agent.items()
        if agent_id not in excluded
        and leg.group_tags is not None
        and group_member(tags, leg.group_tags, leg.match_all)
    )
    return replace(
        contact,
        starred_agent_id=None,
        candidates=members,
        priority=leg.group_priority or contact.priority,
        created_at=leg.requested_at,
        queue_mode=False,
        queued=False,
    )


async def open_legs(conn: AsyncConnection) -> dict[int, Any]:
    """The pending transfer leg of every contact being transferred, with its group."""
    rows = await conn.execute(
        select(
            transfers,
            transfer_groups.c.tags.label("group_tags"),
            transfer_groups.c.match_all,
            transfer_groups.c.priority.label("group_priority"),
        )
        .outerjoin(transfer_groups, transfer_groups.c.id == transfers.c.group_id)
        .where(transfers.c.state == "pending")
    )
    return {row.contact_id: row for row in rows}


async def agent_tags(conn: AsyncConnection) -> dict[int, list[str]]:
    rows = await conn.execute(select(agents.c.id, agents.c.tags))
    return {row.id: list(row.tags) for row in rows}

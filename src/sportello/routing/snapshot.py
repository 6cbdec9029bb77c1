"""Reading the routing snapshot (agents, live sessions, loads, pending contacts) from storage."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import replace
from typing import Any

from sqlalchemy import select
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


async def load_agents(
    conn: AsyncConnection,
    now: float,
    *,
    only: Collection[int] | None = None,
    live_only: bool = False,
) -> list[AgentSnapshot]:
    """Every enabled agent, or ``only`` these, or (``live_only``) those with a live console
    session — the only ones routing can offer anything to, so a routing pass reads the
    agents at work, not every account."""
    sessions: dict[int, list[Any]] = defaultdict(list)
    query = select(console_sessions).where(
        console_sessions.c.connections > 0,
        console_sessions.c.heartbeat_at >= now - SESSION_STALE_SECONDS,
    )
    if only is not None:
        query = query.where(console_sessions.c.agent_id.in_(list(only)))
    for row in await conn.execute(query):
        sessions[row.agent_id].append(row)
    if live_only:
        only = sorted(sessions) if only is None else sorted(set(only) & set(sessions))
    if only is not None and not only:
        return []
    active: dict[int, list[ActiveContact]] = defaultdict(list)
    held = (
        select(
            contacts.c.agent_id,
            contacts.c.last_message_at,
            contacts.c.assigned_at,
            calls.c.requested,
            LAST_SENDER,
        )
        .outerjoin(calls, calls.c.id == contacts.c.live_call_id)
        .where(contacts.c.state.in_(HOLDING_STATES), contacts.c.agent_id.is_not(None))
    )
    if only is not None:
        held = held.where(contacts.c.agent_id.in_(list(only)))
    for row in await conn.execute(held):
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
    enabled = select(agents).where(agents.c.enabled.is_(True))
    if only is not None:
        enabled = enabled.where(agents.c.id.in_(list(only)))
    for row in await conn.execute(enabled):
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


async def load_pending(
    conn: AsyncConnection, *, starred_only: bool = False
) -> list[PendingContact]:
    """Every waiting contact, or only the starred ones (those reserving an agent's room)."""
    query = (
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
            contacts.c.queued_at,
            contacts.c.offered_at,
            services.c.tags,
            services.c.when_busy,
        )
        .join(services, services.c.id == contacts.c.service_id)
        .where(contacts.c.state.in_(WAITING_STATES))
    )
    if starred_only:
        query = query.where(contacts.c.starred.is_(True))
    rows = await conn.execute(query)
    result = []
    legs: dict[int, Any] | None = None
    tags_by_agent: dict[int, list[str]] | None = None
    for row in rows.all():
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
    return result


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

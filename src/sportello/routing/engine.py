"""The routing engine: keep offers up to date inside the caller's transaction.

Three entry points, none of which reads the whole queue on the hot path:

- ``route_new``: a contact was just created; plan it alone against the agents at work and
  the starred contacts (the only waiting contacts that weigh on an agent). A contact that
  comes last in the queue cannot change any earlier contact's offer.
- ``reroute_agents``: these agents' loads changed (an accept, a close); compare each one's
  ``capacity_key`` with the one the last full pass planned with. Equal keys mean every
  stored offer still holds, and nothing else is read; a changed key runs the full pass.
- ``reroute``: the full pass — every waiting contact planned again and every changed
  offer written. Transfers, status and session changes, and the periodic tick ask for it.

Each changed offer is a guarded update on the contact's state and a ``contact.offered``
queue event. On PostgreSQL, passes run one at a time (``one_pass_at_a_time``), so a pass
reads every earlier pass's result; a transaction that routes takes that lock before any row
lock, so a pass waiting for a row never waits for a transaction that waits for it.

The database stays the truth: the keys are a process's memory of what the last full pass it
ran saw, and the periodic full pass heals a memory made stale by another
process's changes (accepting re-checks the limit inside its transaction in any case).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.domain.model import AgentSnapshot, ContactState, Offer, PendingContact
from sportello.routing.busy_queue import released
from sportello.routing.rules import CapacityKey, capacity_key, plan_offers, reserving_agents
from sportello.routing.snapshot import (
    WAITING_STATES,
    StoredOffer,
    load_agents,
    load_pending,
    load_pending_offers,
)
from sportello.routing.views import waiting_entries
from sportello.storage.tables import contacts, services
from sportello.stream.events import EventWriter

ROUTING_LOCK = 7262002
"""The advisory lock a PostgreSQL routing pass holds until its transaction ends."""
_TAKE_ROUTING_LOCK = text(f"SELECT pg_advisory_xact_lock({ROUTING_LOCK})")


async def one_pass_at_a_time(conn: AsyncConnection) -> None:
    """Wait for any other routing pass (PostgreSQL; SQLite has one writer). Re-entrant: an
    action that routes takes it first, before its row locks, and the pass takes it again."""
    if conn.dialect.name == "postgresql":
        await conn.execute(_TAKE_ROUTING_LOCK)


class RoutingMemo:
    """Each agent's ``capacity_key`` as the last full pass of this process planned it."""

    def __init__(self) -> None:
        self.keys: dict[int, CapacityKey] = {}

    def remember(
        self, agents: Iterable[AgentSnapshot], plan: dict[int, Offer], now: float, idle: int
    ) -> None:
        reserving = reserving_agents(plan.values())
        self.keys = {a.id: capacity_key(a, now, idle, a.id in reserving) for a in agents}


async def reroute(
    conn: AsyncConnection,
    writer: EventWriter,
    now: float,
    idle_seconds: int,
    memo: RoutingMemo | None = None,
) -> dict[int, Offer]:
    """Bring every waiting contact's offer up to date; return the full plan."""
    await one_pass_at_a_time(conn)
    pending, stored = await load_pending_offers(conn)
    if not pending:
        if memo is not None:
            memo.keys = {}
        return {}
    agents = await load_agents(conn, now, live_only=True)
    plan = plan_offers(pending, agents, now, idle_seconds)
    if memo is not None:
        memo.remember(agents, plan, now, idle_seconds)
    changed = [cid for cid, offer in plan.items() if stored[cid] != _as_stored(offer)]
    current = await waiting_entries(conn, changed) if changed else {}
    for contact_id in sorted(changed):  # rows locked in id order, like every multi-row writer
        await store_offer(conn, writer, current[contact_id], plan[contact_id], now)
    return plan


def _as_stored(offer: Offer) -> StoredOffer:
    return sorted(offer.agent_ids), sorted(offer.blocked_ids), offer.starred


async def reroute_agents(
    conn: AsyncConnection,
    writer: EventWriter,
    now: float,
    idle_seconds: int,
    agent_ids: Collection[int],
    memo: RoutingMemo,
) -> bool:
    """These agents' loads changed: run the full pass only if that can change an offer.
    Returns whether it ran."""
    await one_pass_at_a_time(conn)
    agents = await load_agents(conn, now, only=agent_ids)
    reserving = await _reserving(conn)
    unchanged = len(agents) == len(agent_ids) and all(
        memo.keys.get(a.id) == capacity_key(a, now, idle_seconds, a.id in reserving) for a in agents
    )
    if unchanged:
        return False
    await reroute(conn, writer, now, idle_seconds, memo)
    return True


async def route_new(
    conn: AsyncConnection, writer: EventWriter, contact: PendingContact, now: float, idle: int
) -> Offer:
    """Offer a contact just created, planned after the starred contacts ahead of it. An
    offer to nobody is not stored: the caller rejects or queues the contact.

    A contact of a service that queues when busy (``contact.queue_mode``) is planned after
    every waiting contact instead, since the queued ones and the offered ones ahead of it
    claim the room it could take; only such a service pays for reading them."""
    await one_pass_at_a_time(conn)
    agents = await load_agents(conn, now, live_only=True)
    ahead = [
        c
        for c in await load_pending(conn, starred_only=not contact.queue_mode)
        if c.id != contact.id
    ]
    offer = plan_offers([*ahead, contact], agents, now, idle)[contact.id]
    if offer.agent_ids:
        entry = (await waiting_entries(conn, [contact.id]))[contact.id]
        await store_offer(conn, writer, entry, offer, now)
    return offer


async def _reserving(conn: AsyncConnection) -> set[int]:
    """The agents the stored offers of starred waiting contacts name."""
    rows = await conn.execute(
        select(contacts.c.offered_to).where(
            contacts.c.state.in_(WAITING_STATES), contacts.c.starred.is_(True)
        )
    )
    return {agent_id for (offered_to,) in rows for agent_id in offered_to or []}


async def store_offer(
    conn: AsyncConnection, writer: EventWriter, entry: dict[str, Any], offer: Offer, now: float
) -> None:
    """Write a changed offer (guarded on the contact's state) and say so to the consoles. A
    queued contact offered to someone leaves the queue here (``release``)."""
    offered_to, blocked_for, starred = _as_stored(offer)
    changes: dict[str, Any] = {
        "offered_to": offered_to,
        "blocked_for": blocked_for,
        "starred": starred,
    }
    if all(entry[key] == value for key, value in changes.items()):
        return
    if released(bool(entry.get("queued")), bool(offer.agent_ids)):
        await _release(conn, writer, entry, changes, now)
        return
    result = await conn.execute(
        update(contacts)
        .where(contacts.c.id == entry["contact_id"], contacts.c.state == entry["state"])
        .values(changes)
    )
    if result.rowcount != 1:
        return
    entry.update(changes)
    await writer.append(
        "contact.offered", {"entry": entry}, contact_id=entry["contact_id"], for_queue=True
    )


async def _release(
    conn: AsyncConnection,
    writer: EventWriter,
    entry: dict[str, Any],
    changes: dict[str, Any],
    now: float,
) -> None:
    """Room freed up for a queued contact: it is offered, and its dissuasion countdown starts
    now. Guarded on still being queued, so it leaves the queue exactly once."""
    seconds = await conn.scalar(
        select(services.c.dissuasion_seconds).where(services.c.id == entry["service_id"])
    )
    dissuade_at = now + int(seconds or 30)
    result = await conn.execute(
        update(contacts)
        .where(
            contacts.c.id == entry["contact_id"],
            contacts.c.state == ContactState.PENDING.value,
            contacts.c.queued_at.is_not(None),
            contacts.c.offered_at.is_(None),
        )
        .values({**changes, "offered_at": now, "dissuade_at": dissuade_at})
    )
    if result.rowcount != 1:
        return
    entry.update(changes, queued=False, dissuade_at=dissuade_at)
    await writer.append(
        "contact.unqueued",
        {"dissuade_at": dissuade_at, "offered_at": now},
        contact_id=entry["contact_id"],
        for_visitor=True,
    )
    await writer.append(
        "contact.offered", {"entry": entry}, contact_id=entry["contact_id"], for_queue=True
    )

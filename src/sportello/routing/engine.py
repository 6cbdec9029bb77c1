"""The routing engine: recompute offers inside the caller's transaction and record changes.

Called by every action that can change who may take what (a contact created, accepted or
closed, an agent paused or resumed, a console session opened, closed or switched) and by the
periodic tick (idle chats, stale sessions). Each changed offer is a guarded update on the
contact's state and a ``contact.offered`` queue event.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.domain.model import Offer
from sportello.routing.rules import plan_offers
from sportello.routing.snapshot import load_agents, load_pending
from sportello.routing.views import waiting_entries
from sportello.storage.tables import contacts
from sportello.stream.events import EventWriter


async def reroute(
    conn: AsyncConnection, writer: EventWriter, now: float, idle_seconds: int
) -> dict[int, Offer]:
    """Bring every pending contact's offer up to date; return the full plan."""
    await writer.lock()
    pending = await load_pending(conn)
    if not pending:
        return {}
    agents = await load_agents(conn, now)
    plan = plan_offers(pending, agents, now, idle_seconds)
    current = await waiting_entries(conn, [p.id for p in pending])
    for contact_id, offer in plan.items():
        entry = current[contact_id]
        changes = {
            "offered_to": sorted(offer.agent_ids),
            "blocked_for": sorted(offer.blocked_ids),
            "starred": offer.starred,
        }
        if all(entry[key] == value for key, value in changes.items()):
            continue
        result = await conn.execute(
            update(contacts)
            .where(contacts.c.id == contact_id, contacts.c.state == entry["state"])
            .values(changes)
        )
        if result.rowcount != 1:
            continue
        entry.update(changes)
        await writer.append(
            "contact.offered", {"entry": entry}, contact_id=contact_id, for_queue=True
        )
    return plan

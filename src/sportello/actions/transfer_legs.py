"""Ending a transfer leg. Below every contact action, so closing or handing back a contact
being transferred ends its leg too."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.queries.transfers import PENDING, open_leg
from sportello.storage.tables import transfers
from sportello.stream.events import EventWriter

ENDED = "ended"


async def end_leg(
    conn: AsyncConnection,
    leg_id: int,
    outcome: str,
    now: float,
    *,
    reason: str = "",
    accepted_by: int | None = None,
) -> bool:
    """Guarded pending → ended. False when another transition ended it first."""
    result = await conn.execute(
        update(transfers)
        .where(transfers.c.id == leg_id, transfers.c.state == PENDING)
        .values(state=ENDED, outcome=outcome, reason=reason, accepted_by=accepted_by, ended_at=now)
    )
    return result.rowcount == 1


async def end_open_leg(
    conn: AsyncConnection, writer: EventWriter, contact_id: int, now: float, outcome: str
) -> None:
    """The contact left the transferring state another way (closed, handed back): its leg
    ends and the targets' waiting areas drop it."""
    leg = await open_leg(conn, contact_id)
    if leg is None or not await end_leg(conn, leg.id, outcome, now):
        return
    await writer.append(
        "contact.dequeued",
        {"contact_id": contact_id, "reason": outcome},
        contact_id=contact_id,
        for_queue=True,
    )

"""Transfer legs as agents and reports see them (the note included: never sent to visitors)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.storage.tables import agents, transfers

PENDING = "pending"


async def open_leg(conn: AsyncConnection, contact_id: int) -> Any:
    """The contact's pending transfer leg, or None."""
    return (
        await conn.execute(
            select(transfers).where(
                transfers.c.contact_id == contact_id, transfers.c.state == PENDING
            )
        )
    ).first()


async def taken_by_transfer(conn: AsyncConnection, contact_id: int, agent_id: int) -> bool:
    """Whether the contact's latest transfer leg was accepted by another agent: only then
    is a late accept beaten by a colleague (``already_taken``); a leg that was cancelled,
    timed out or rejected left nothing to take (``no_transfer_pending``)."""
    latest = (
        await conn.execute(
            select(transfers.c.outcome, transfers.c.accepted_by)
            .where(transfers.c.contact_id == contact_id)
            .order_by(transfers.c.id.desc())
            .limit(1)
        )
    ).first()
    return latest is not None and latest.outcome == "accepted" and latest.accepted_by != agent_id


async def passed_on_by(conn: AsyncConnection, contact_id: int, agent_id: int) -> bool:
    """Whether this agent held the contact and transferred it (so they still read it)."""
    found = await conn.scalar(
        select(transfers.c.id)
        .where(
            transfers.c.contact_id == contact_id,
            transfers.c.from_agent_id == agent_id,
            transfers.c.outcome == "accepted",
        )
        .limit(1)
    )
    return found is not None


async def _card(conn: AsyncConnection, agent_id: int | None) -> dict[str, Any] | None:
    if agent_id is None:
        return None
    row = (
        await conn.execute(
            select(
                agents.c.id, agents.c.display_name, agents.c.nickname, agents.c.avatar_url
            ).where(agents.c.id == agent_id)
        )
    ).first()
    if row is None:
        return None
    return {
        "id": row.id,
        "display_name": row.display_name,
        "nickname": row.nickname,
        "avatar_url": row.avatar_url,
    }


async def leg_view(conn: AsyncConnection, leg_id: int) -> dict[str, Any]:
    row = (await conn.execute(select(transfers).where(transfers.c.id == leg_id))).one()
    return await leg_view_of(conn, row)


async def leg_view_of(conn: AsyncConnection, row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "contact_id": row.contact_id,
        "from_agent": await _card(conn, row.from_agent_id),
        "to_agent": await _card(conn, row.to_agent_id),
        "group": None if not row.group_name else {"id": row.group_id, "name": row.group_name},
        "note": row.note,
        "state": row.state,
        "outcome": row.outcome,
        "reason": row.reason,
        "rejected_by": list(row.rejected_by or []),
        "accepted_by": await _card(conn, row.accepted_by),
        "taken_over": bool(row.taken_over),
        "requested_at": row.requested_at,
        "due_at": row.due_at,
        "ended_at": row.ended_at,
        "seconds_to_accept": (
            row.ended_at - row.requested_at if row.outcome == "accepted" else None
        ),
    }


async def legs_of(conn: AsyncConnection, contact_id: int) -> list[dict[str, Any]]:
    rows = await conn.execute(
        select(transfers).where(transfers.c.contact_id == contact_id).order_by(transfers.c.id)
    )
    return [await leg_view_of(conn, row) for row in rows.all()]

"""Contacts outlive their agent: handed back to the queue when the agent signs out choosing
so, after the agent-disconnect grace with no live console (product.md §2, §3), or at once
when an admin disables the account.

A handed-back contact is pending again with its whole history, goes ahead of new contacts
(``requeued_at``), gets a fresh dissuasion time, and its visitor is told.
"""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.actions.calls import end_live_call
from sportello.actions.contacts import HOLDING, close_held
from sportello.actions.context import Ctx
from sportello.actions.transfer_legs import end_open_leg
from sportello.domain.model import ContactState
from sportello.domain.principals import AgentPrincipal
from sportello.errors import ContactsInProgressError
from sportello.queries.contacts import agent_card, fetch_contact_row
from sportello.security.tokens import hash_token
from sportello.storage.tables import agents, auth_sessions, contacts, services
from sportello.stream.events import EventWriter

Release = Literal["end", "requeue"]


def agents_gone_query(away_before: float) -> Select[Any]:
    """Contacts held by agents who have had no live console since before ``away_before``."""
    return (
        select(contacts.c.id)
        .join(agents, agents.c.id == contacts.c.agent_id)
        .where(agents.c.away_since <= away_before, contacts.c.state.in_(HOLDING))
    )


async def held_contact_ids(conn: AsyncConnection, agent_id: int) -> list[int]:
    rows = await conn.execute(
        select(contacts.c.id)
        .where(contacts.c.agent_id == agent_id, contacts.c.state.in_(HOLDING))
        .order_by(contacts.c.id)
    )
    return [int(r.id) for r in rows]


async def requeue(
    conn: AsyncConnection, writer: EventWriter, row: Any, now: float, reason: str
) -> bool:
    """Guarded held → pending. False when another transition won."""
    dissuasion = await conn.scalar(
        select(services.c.dissuasion_seconds).where(services.c.id == row.service_id)
    )
    dissuade_at = now + int(dissuasion or 30)
    result = await conn.execute(
        update(contacts)
        .where(
            contacts.c.id == row.id,
            contacts.c.agent_id == row.agent_id,
            contacts.c.state.in_(HOLDING),
        )
        .values(
            state=ContactState.PENDING.value,
            agent_id=None,
            offered_to=[],
            blocked_for=[],
            starred=False,
            requeued_at=now,
            dissuade_at=dissuade_at,
            transfer_due_at=None,
        )
    )
    if result.rowcount != 1:
        return False
    await end_live_call(conn, writer, row, now, "requeued", "system")
    if row.state == ContactState.TRANSFERRING.value:
        await end_open_leg(conn, writer, row.id, now, "requeued")
    await writer.append(
        "contact.requeued",
        {
            "state": "pending",
            "reason": reason,
            "previous_agent": await agent_card(conn, row.agent_id),
            "dissuade_at": dissuade_at,
        },
        contact_id=row.id,
        agent_id=row.agent_id,
        for_visitor=True,
    )
    return True


async def hand_back(
    conn: AsyncConnection, writer: EventWriter, agent_id: int, now: float, reason: str
) -> list[int]:
    """Hand back every contact the agent holds, each with its guarded update."""
    moved = []
    for contact_id in await held_contact_ids(conn, agent_id):
        row = await fetch_contact_row(conn, contact_id, lock=True)
        held = row.agent_id == agent_id and row.state in HOLDING
        if held and await requeue(conn, writer, row, now, reason):
            moved.append(row.id)
    return moved


async def do_requeue_due(ctx: Ctx) -> list[int]:
    """Hand back the contacts of every agent whose disconnect grace has run out."""
    now = ctx.clock.now()
    moved: list[int] = []
    async with ctx.transaction() as (conn, writer):
        due = await conn.execute(
            agents_gone_query(now - ctx.settings.agent_grace_seconds).order_by(contacts.c.id)
        )
        for (contact_id,) in due.all():
            row = await fetch_contact_row(conn, contact_id, lock=True)
            if row.state in HOLDING and await requeue(conn, writer, row, now, "agent_gone"):
                moved.append(row.id)
        if moved:
            ctx.reroute_soon()
    return moved


async def do_release_contacts(
    ctx: Ctx, agent: AgentPrincipal, how: Release | None, signing_out: str | None = None
) -> list[int]:
    """Before signing out: end the agent's contacts in progress or hand them back.

    With contacts in progress and no choice, nothing changes and the caller is asked to
    choose (``contacts_in_progress``) — unless the agent stays signed in elsewhere (another
    sign-in than ``signing_out``, a session token), where the contacts simply stay theirs."""
    now = ctx.clock.now()
    async with ctx.transaction() as (conn, writer):
        held = await held_contact_ids(conn, agent.id)
        if held and how is None:
            if signing_out is not None and await _signed_in_elsewhere(
                conn, agent.id, signing_out, now
            ):
                return []
            raise ContactsInProgressError(
                "you have contacts in progress: end them or hand them back to the queue",
                contacts=held,
            )
        for contact_id in held:
            row = await fetch_contact_row(conn, contact_id, lock=True)
            if row.state not in HOLDING or row.agent_id != agent.id:
                continue
            if how == "end":
                await close_held(conn, writer, row, now, "agent")
            else:
                await requeue(conn, writer, row, now, "agent_signed_out")
        if held:
            ctx.reroute_soon()
        return held


async def _signed_in_elsewhere(
    conn: AsyncConnection, agent_id: int, token: str, now: float
) -> bool:
    other = await conn.scalar(
        select(auth_sessions.c.token_hash)
        .where(
            auth_sessions.c.agent_id == agent_id,
            auth_sessions.c.token_hash != hash_token(token),
            auth_sessions.c.expires_at > now,
        )
        .limit(1)
    )
    return other is not None

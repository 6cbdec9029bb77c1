"""Transfers (product.md §2): the holder sends a contact to an agent or a transfer group with
an optional note; the first target to accept takes it with its whole history. The holder
keeps it (and its weight) until then, and gets it back when every target rejects it, when
the transfer timeout passes, or by cancelling.

The contact is ``transferring`` while a leg is pending; its ``transfer_due_at`` is a timer
like dissuasion (fired once, by any process, across restarts). The targets see it in their
waiting area through the normal routing pass (``routing/snapshot.py``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.actions.calls import end_live_call
from sportello.actions.context import Ctx
from sportello.actions.room import check_room
from sportello.actions.transfer_legs import end_leg
from sportello.domain.model import ContactState, Medium, PendingContact
from sportello.domain.principals import AgentPrincipal
from sportello.errors import (
    AlreadyTakenError,
    ContactClosedError,
    ForbiddenError,
    NotEligibleError,
    NotFoundError,
    NoTransferPendingError,
    NotTransferableError,
    TransferPendingError,
    ValidationFailedError,
)
from sportello.queries.calls import call_media
from sportello.queries.contacts import agent_card, contact_for_agent, fetch_contact_row
from sportello.queries.transfers import leg_view, open_leg, taken_by_transfer
from sportello.routing.engine import one_pass_at_a_time, reroute
from sportello.routing.rules import agent_load, group_member, is_eligible
from sportello.routing.snapshot import load_agents
from sportello.storage.tables import contacts, services, transfer_groups, transfers
from sportello.stream.events import EventWriter

NOTE_MAX = 2000
REASON_MAX = 500


async def do_request_transfer(
    ctx: Ctx,
    agent: AgentPrincipal,
    contact_id: int,
    *,
    to_agent_id: int | None,
    group_id: int | None,
    note: str,
) -> dict[str, Any]:
    """assigned → transferring: the holder picks an agent or a group who can take it."""
    if (to_agent_id is None) == (group_id is None):
        raise ValidationFailedError("name either agent_id or group_id")
    if len(note) > NOTE_MAX:
        raise ValidationFailedError(f"a note is at most {NOTE_MAX} characters")
    now = ctx.clock.now()
    async with ctx.transaction() as (conn, writer):
        await one_pass_at_a_time(conn)  # it routes: the routing lock before the row lock
        row = await fetch_contact_row(conn, contact_id, lock=True)
        _check_holding(agent, row)
        if row.state == ContactState.TRANSFERRING.value:
            raise TransferPendingError(
                "this contact is already being transferred", contact_id=row.id
            )
        if row.state != ContactState.ASSIGNED.value:
            raise ContactClosedError("the contact has already ended", state=row.state)
        group_name = ""
        if to_agent_id is not None:
            await _check_agent_target(ctx, conn, row, agent.id, to_agent_id, now)
        else:
            assert group_id is not None
            group_name = await _check_group_target(ctx, conn, row, agent.id, group_id, now)
        due_at = now + ctx.settings.transfer_timeout_seconds
        result = await conn.execute(
            insert(transfers)
            .values(
                contact_id=row.id,
                from_agent_id=agent.id,
                to_agent_id=to_agent_id,
                group_id=group_id,
                group_name=group_name,
                note=note.strip(),
                state="pending",
                rejected_by=[],
                requested_at=now,
                due_at=due_at,
            )
            .returning(transfers.c.id)
        )
        leg_id = int(result.scalar_one())
        moved = await conn.execute(
            update(contacts)
            .where(
                contacts.c.id == row.id,
                contacts.c.agent_id == agent.id,
                contacts.c.state == ContactState.ASSIGNED.value,
            )
            .values(state=ContactState.TRANSFERRING.value, transfer_due_at=due_at)
        )
        if moved.rowcount != 1:
            raise TransferPendingError("this contact changed meanwhile", contact_id=row.id)
        leg = await leg_view(conn, leg_id)
        await writer.append(
            "contact.transfer_requested", {"transfer": leg}, contact_id=row.id, agent_id=agent.id
        )
        await writer.append(
            "contact.transferring", {"state": "transferring"}, contact_id=row.id, for_visitor=True
        )
        await reroute(conn, writer, now, ctx.settings.idle_seconds, ctx.routing_memo)
        return leg


async def do_accept_transfer(ctx: Ctx, agent: AgentPrincipal, contact_id: int) -> dict[str, Any]:
    """transferring → assigned to a target: the first to accept wins (guarded update)."""
    now = ctx.clock.now()
    async with ctx.transaction() as (conn, writer):
        row = await fetch_contact_row(conn, contact_id, lock=True)
        return await accept_transfer(ctx, conn, writer, agent, row, now)


async def accept_transfer(
    ctx: Ctx,
    conn: AsyncConnection,
    writer: EventWriter,
    agent: AgentPrincipal,
    row: Any,
    now: float,
) -> dict[str, Any]:
    """The transfer's accept inside the caller's transaction (``row`` read with its lock)."""
    leg = await open_leg(conn, row.id)
    if row.state != ContactState.TRANSFERRING.value or leg is None:
        if row.state == ContactState.ASSIGNED.value and await taken_by_transfer(
            conn, row.id, agent.id
        ):
            raise AlreadyTakenError(
                "another agent has already taken this contact", contact_id=row.id
            )
        raise NoTransferPendingError("this contact is not being transferred", state=row.state)
    if agent.id not in (row.offered_to or []) and agent.id not in (row.blocked_for or []):
        raise NotEligibleError("this transfer is not offered to you", contact_id=row.id)
    await check_room(conn, agent.id, row.id, Medium(row.medium), now, ctx.settings.idle_seconds)
    return await hand_over(ctx, conn, writer, row, leg, agent.id, now)


async def hand_over(
    ctx: Ctx,
    conn: AsyncConnection,
    writer: EventWriter,
    row: Any,
    leg: Any,
    to_agent_id: int,
    now: float,
    *,
    taken_over: bool = False,
) -> dict[str, Any]:
    """The leg's target takes the contact (guarded on its state and holder), with its
    events: the previous holder is told (``contact.transfer_accepted``, or
    ``contact.taken_over`` for a supervisor's take-over, which never waited in a queue),
    the visitor sees the new agent join, the new holder gets the panel."""
    expected = ContactState.ASSIGNED if taken_over else ContactState.TRANSFERRING
    moved = await conn.execute(
        update(contacts)
        .where(
            contacts.c.id == row.id,
            contacts.c.agent_id == leg.from_agent_id,
            contacts.c.state == expected.value,
        )
        .values(
            state=ContactState.ASSIGNED.value,
            agent_id=to_agent_id,
            offered_to=[],
            blocked_for=[],
            starred=False,
            transfer_due_at=None,
        )
    )
    if moved.rowcount != 1 or not await end_leg(
        conn, leg.id, "accepted", now, accepted_by=to_agent_id
    ):
        raise AlreadyTakenError("another agent has already taken this contact")
    await end_live_call(conn, writer, row, now, "transferred", "system")
    view = await leg_view(conn, leg.id)
    if taken_over:
        await writer.append(
            "contact.taken_over",
            {"transfer": view, "by": view["to_agent"]},
            contact_id=row.id,
            agent_id=leg.from_agent_id,
        )
    else:
        await _dequeue(writer, row.id, "transferred")
        await writer.append(
            "contact.transfer_accepted",
            {"transfer": view},
            contact_id=row.id,
            agent_id=leg.from_agent_id,
        )
    joined = await fetch_contact_row(conn, row.id)
    await writer.append(
        "contact.joined",
        {
            "agent": await agent_card(conn, to_agent_id),
            "transferred": True,
            "call_media": await call_media(conn, joined),
        },
        contact_id=row.id,
        for_visitor=True,
    )
    detail = await contact_for_agent(conn, joined)
    await writer.append(
        "contact.assigned",
        {"contact": detail, "transfer": view},
        contact_id=row.id,
        agent_id=to_agent_id,
    )
    ctx.reroute_soon()
    return detail


async def do_reject_transfer(
    ctx: Ctx, agent: AgentPrincipal, contact_id: int, reason: str
) -> dict[str, Any]:
    """A target says no. An agent target's no, or the last group member's, returns it."""
    if len(reason) > REASON_MAX:
        raise ValidationFailedError(f"a reason is at most {REASON_MAX} characters")
    reason = reason.strip()
    now = ctx.clock.now()
    async with ctx.transaction() as (conn, writer):
        await one_pass_at_a_time(conn)  # it may route: the routing lock first
        row = await fetch_contact_row(conn, contact_id, lock=True)
        leg = await open_leg(conn, row.id)
        if row.state != ContactState.TRANSFERRING.value or leg is None:
            raise NoTransferPendingError("this contact is not being transferred", state=row.state)
        if agent.id not in (row.offered_to or []) and agent.id not in (row.blocked_for or []):
            raise NotEligibleError("this transfer is not offered to you", contact_id=row.id)
        rejected = sorted({*leg.rejected_by, agent.id})
        await conn.execute(
            update(transfers)
            .where(transfers.c.id == leg.id, transfers.c.state == "pending")
            .values(rejected_by=rejected, reason=reason)
        )
        await writer.append(
            "contact.transfer_rejected",
            {
                "transfer": await leg_view(conn, leg.id),
                "by": await agent_card(conn, agent.id),
                "reason": reason,
            },
            contact_id=row.id,
            agent_id=leg.from_agent_id,
        )
        if leg.to_agent_id is not None or not await _group_has_others(conn, leg, rejected, now):
            await _return(conn, writer, row, leg.id, "rejected", now, reason)
            ctx.reroute_soon()
        else:
            await reroute(conn, writer, now, ctx.settings.idle_seconds, ctx.routing_memo)
        return await leg_view(conn, leg.id)


async def do_cancel_transfer(ctx: Ctx, agent: AgentPrincipal, contact_id: int) -> dict[str, Any]:
    """The holder calls a pending transfer off."""
    now = ctx.clock.now()
    async with ctx.transaction() as (conn, writer):
        row = await fetch_contact_row(conn, contact_id, lock=True)
        _check_holding(agent, row)
        leg = await open_leg(conn, row.id)
        if row.state != ContactState.TRANSFERRING.value or leg is None:
            raise NoTransferPendingError("this contact is not being transferred", state=row.state)
        await _return(conn, writer, row, leg.id, "cancelled", now, "")
        ctx.reroute_soon()
        return await leg_view(conn, leg.id)


async def do_transfer_timeout_due(ctx: Ctx) -> list[int]:
    """Return every contact whose transfer timed out. Each returns once: the updates are
    guarded on the contact's state and the leg's."""
    now = ctx.clock.now()
    returned: list[int] = []
    async with ctx.transaction() as (conn, writer):
        due = await conn.execute(
            select(contacts.c.id)
            .where(
                contacts.c.state == ContactState.TRANSFERRING.value,
                contacts.c.transfer_due_at <= now,
            )
            .order_by(contacts.c.id)  # locked in id order, as a group of messages locks them
        )
        for (contact_id,) in due.all():
            row = await fetch_contact_row(conn, contact_id, lock=True)
            leg = await open_leg(conn, contact_id)
            if row.state != ContactState.TRANSFERRING.value or leg is None:
                continue
            if await _return(conn, writer, row, leg.id, "timed_out", now, ""):
                returned.append(contact_id)
        if returned:
            ctx.reroute_soon()
    return returned


async def return_transfers_to(
    conn: AsyncConnection, writer: EventWriter, agent_id: int, now: float
) -> list[int]:
    """Every pending transfer addressed to this agent (not to a group) goes back to its
    sender now, with the outcome ``target_disabled``: the agent's account was disabled."""
    legs = await conn.execute(
        select(transfers.c.id, transfers.c.contact_id)
        .where(transfers.c.to_agent_id == agent_id, transfers.c.state == "pending")
        .order_by(transfers.c.contact_id)
    )
    returned: list[int] = []
    for leg_id, contact_id in legs.all():
        row = await fetch_contact_row(conn, contact_id, lock=True)
        if await _return(conn, writer, row, leg_id, "target_disabled", now, ""):
            returned.append(contact_id)
    return returned


async def _return(
    conn: AsyncConnection,
    writer: EventWriter,
    row: Any,
    leg_id: int,
    outcome: str,
    now: float,
    reason: str,
) -> bool:
    """transferring → assigned back to the agent who sent it, with a notice."""
    moved = await conn.execute(
        update(contacts)
        .where(contacts.c.id == row.id, contacts.c.state == ContactState.TRANSFERRING.value)
        .values(
            state=ContactState.ASSIGNED.value,
            offered_to=[],
            blocked_for=[],
            starred=False,
            transfer_due_at=None,
        )
    )
    if moved.rowcount != 1 or not await end_leg(conn, leg_id, outcome, now, reason=reason):
        return False
    await _dequeue(writer, row.id, f"transfer_{outcome}")
    await writer.append(
        "contact.transfer_ended", {"state": "assigned"}, contact_id=row.id, for_visitor=True
    )
    view = await leg_view(conn, leg_id)
    kind = "contact.transfer_cancelled" if outcome == "cancelled" else "contact.transfer_returned"
    await writer.append(
        kind,
        {"transfer": view, "outcome": outcome, "reason": reason},
        contact_id=row.id,
        agent_id=row.agent_id,
    )
    return True


async def _dequeue(writer: EventWriter, contact_id: int, reason: str) -> None:
    await writer.append(
        "contact.dequeued",
        {"contact_id": contact_id, "reason": reason},
        contact_id=contact_id,
        for_queue=True,
    )


def _check_holding(agent: AgentPrincipal, row: Any) -> None:
    if row.agent_id != agent.id:
        raise ForbiddenError("only the agent holding this contact may do that", contact_id=row.id)


async def _probe(conn: AsyncConnection, row: Any) -> PendingContact:
    tags = await conn.scalar(select(services.c.tags).where(services.c.id == row.service_id))
    return PendingContact(
        id=row.id,
        service_tags=frozenset(tags or []),
        medium=Medium(row.medium),
        priority=row.priority,
        created_at=row.created_at,
    )


async def _check_agent_target(
    ctx: Ctx, conn: AsyncConnection, row: Any, sender: int, target: int, now: float
) -> None:
    if target == sender:
        raise NotTransferableError("you already hold this contact", agent_id=target)
    snapshot = {a.id: a for a in await load_agents(conn, now)}
    if target not in snapshot:
        raise NotFoundError(f"agent {target} does not exist", agent_id=target)
    probe = await _probe(conn, row)
    agent = snapshot[target]
    load = agent_load(agent, now, ctx.settings.idle_seconds)
    if not is_eligible(agent, probe, load, ignore_capacity=True):
        raise NotTransferableError(
            "this agent cannot take this contact (not ready, or without its medium or tags)",
            agent_id=target,
        )


async def _check_group_target(
    ctx: Ctx, conn: AsyncConnection, row: Any, sender: int, group_id: int, now: float
) -> str:
    group = (
        await conn.execute(select(transfer_groups).where(transfer_groups.c.id == group_id))
    ).first()
    if group is None:
        raise NotFoundError(f"transfer group {group_id} does not exist", group_id=group_id)
    probe = await _probe(conn, row)
    for agent in await load_agents(conn, now):
        if (
            agent.id != sender
            and group_member(agent.tags, group.tags, group.match_all)
            and is_eligible(
                agent,
                probe,
                agent_load(agent, now, ctx.settings.idle_seconds),
                ignore_capacity=True,
            )
        ):
            return str(group.name)
    raise NotTransferableError("nobody in this group can take this contact now", group_id=group_id)


async def _group_has_others(
    conn: AsyncConnection, leg: Any, rejected: list[int], now: float
) -> bool:
    """Whether a group member who has not rejected it could still take it."""
    group = (
        await conn.execute(select(transfer_groups).where(transfer_groups.c.id == leg.group_id))
    ).first()
    if group is None:
        return False
    excluded = {leg.from_agent_id, *rejected}
    row = await fetch_contact_row(conn, leg.contact_id)
    probe = await _probe(conn, row)
    for agent in await load_agents(conn, now):
        if (
            agent.id not in excluded
            and group_member(agent.tags, group.tags, group.match_all)
            and is_eligible(agent, probe, 0.0, ignore_capacity=True)
        ):
            return True
    return False

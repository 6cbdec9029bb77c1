"""Barge-in: a supervisor of the contact's service joins a conversation in progress, writes
to the visitor beside the agent (the agent sees those messages as the supervisor's), and
leaves again. Joining and leaving are events to the agent and the visitor, and audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.actions.audit import record_change
from sportello.actions.context import Ctx
from sportello.actions.messages import AGENT_MAY_WRITE, earlier_send, insert_message, validate_text
from sportello.domain.model import Sender
from sportello.domain.principals import AgentPrincipal
from sportello.errors import (
    AlreadyJoinedError,
    ConflictError,
    ContactClosedError,
    NotJoinedError,
)
from sportello.queries.contacts import agent_card, fetch_contact_row
from sportello.queries.intervention import check_supervises, open_join
from sportello.storage.tables import supervisor_joins
from sportello.stream.events import EventWriter


async def do_join_contact(ctx: Ctx, supervisor: AgentPrincipal, contact_id: int) -> dict[str, Any]:
    """Join the conversation: ``already_joined`` when in it (or holding it)."""
    now = ctx.clock.now()
    async with ctx.transaction() as (conn, writer):
        row = await fetch_contact_row(conn, contact_id, lock=True)
        await check_supervises(conn, supervisor, row)
        if row.state not in AGENT_MAY_WRITE:
            raise ContactClosedError("the contact is not in progress", state=row.state)
        if row.agent_id == supervisor.id or await open_join(conn, row.id, supervisor.id):
            raise AlreadyJoinedError("you are already in this conversation", contact_id=row.id)
        await conn.execute(
            insert(supervisor_joins).values(
                contact_id=row.id, agent_id=supervisor.id, joined_at=now
            )
        )
        card = await _announce(conn, writer, supervisor, row, now, joined=True)
        return {"contact_id": row.id, "supervisor": card, "joined_at": now}


async def do_leave_contact(ctx: Ctx, supervisor: AgentPrincipal, contact_id: int) -> dict[str, Any]:
    """Leave a conversation joined earlier (``not_joined`` otherwise, or a second time)."""
    now = ctx.clock.now()
    async with ctx.transaction() as (conn, writer):
        row = await fetch_contact_row(conn, contact_id, lock=True)
        await check_supervises(conn, supervisor, row)
        if not await end_join(conn, row.id, supervisor.id, now):
            raise NotJoinedError("you are not in this conversation", contact_id=row.id)
        card = await _announce(conn, writer, supervisor, row, now, joined=False)
        return {"contact_id": row.id, "supervisor": card, "left_at": now}


async def _announce(
    conn: AsyncConnection,
    writer: EventWriter,
    supervisor: AgentPrincipal,
    row: Any,
    now: float,
    *,
    joined: bool,
) -> dict[str, Any] | None:
    """Tell the agent and the visitor that the supervisor joined or left, and audit it."""
    kind = "contact.supervisor_joined" if joined else "contact.supervisor_left"
    card = await agent_card(conn, supervisor.id)
    await writer.append(
        kind, {"supervisor": card}, contact_id=row.id, agent_id=row.agent_id, for_visitor=True
    )
    await _audit(conn, supervisor, row, kind, now, joined=joined)
    return card


async def end_join(conn: AsyncConnection, contact_id: int, supervisor_id: int, now: float) -> bool:
    """End the supervisor's open join of this contact, if any (guarded: ends it once)."""
    left = await conn.execute(
        update(supervisor_joins)
        .where(
            supervisor_joins.c.contact_id == contact_id,
            supervisor_joins.c.agent_id == supervisor_id,
            supervisor_joins.c.left_at.is_(None),
        )
        .values(left_at=now)
    )
    return bool(left.rowcount == 1)


async def do_send_as_supervisor(
    ctx: Ctx, supervisor: AgentPrincipal, contact_id: int, text: str, client_msg_id: str | None
) -> tuple[dict[str, Any], bool]:
    """A joined supervisor's message to the visitor: an agent-side message whose
    ``agent_id`` is the supervisor's. A retry with the same client id returns the original."""
    validate_text(text, ctx.settings.max_message_chars)
    async with ctx.transaction() as (conn, writer):
        row = await fetch_contact_row(conn, contact_id, lock=True)
        await check_supervises(conn, supervisor, row)
        earlier = await earlier_send(conn, row.id, Sender.AGENT, client_msg_id)
        if earlier is not None and earlier["agent_id"] == supervisor.id:
            return earlier, False
        if await open_join(conn, row.id, supervisor.id) is None:
            raise NotJoinedError("join the conversation before writing in it", contact_id=row.id)
        if row.state not in AGENT_MAY_WRITE:
            raise ContactClosedError(
                f"the contact does not accept messages ({row.state})", state=row.state
            )
        message = await insert_message(
            conn,
            writer,
            row,
            Sender.AGENT,
            supervisor.id,
            text,
            client_msg_id,
            ctx.clock.now(),
            hold_for=ctx.settings.translation_hold_seconds,
        )
        if message is None:
            raise ConflictError("this client id was used by the agent", client_msg_id=client_msg_id)
    translation = message["translation"]
    if translation is not None and translation["state"] == "pending":
        ctx.translate_soon(message)
    return message, True


async def _audit(
    conn: Any,
    supervisor: AgentPrincipal,
    row: Any,
    action: str,
    now: float,
    *,
    joined: bool,
) -> None:
    await record_change(
        conn,
        actor=supervisor,
        at=now,
        action=action,
        target_kind="contact",
        target_id=row.id,
        target_name=row.visitor_name,
        before={"supervisor_joined": not joined},
        after={"supervisor_joined": joined},
    )

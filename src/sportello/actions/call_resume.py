"""Calls that survive a reconnect: a party's connection in the call going away interrupts
the call (a stored deadline, ``SPORTELLO_CALL_RECONNECT_SECONDS`` away) instead of ending
it; the party rejoining from a new connection re-binds the call to it and clears the
deadline; the scheduler ends the calls whose deadline passed, with a guarded update, exactly
once across processes and restarts. The media, browser to browser, never stopped for a
signalling blip; after a reload the rejoining side asks for a fresh negotiation.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.actions.calls import end_live_call, side_of
from sportello.actions.context import Ctx
from sportello.domain.calls import GONE_REASONS, LIVE, CallState, Side, lapsed_side
from sportello.domain.principals import Principal
from sportello.errors import ForbiddenError, NoCallError
from sportello.queries.calls import call_view, fetch_call
from sportello.queries.contacts import check_holder, fetch_contact_row
from sportello.storage.tables import calls, console_sessions, contacts
from sportello.stream.events import EventWriter

_LIVE_STATES = [s.value for s in LIVE]
_GONE = {Side.AGENT: calls.c.agent_gone_at, Side.VISITOR: calls.c.visitor_gone_at}


async def _append(writer: EventWriter, contact: Any, row: Any, kind: str, **data: Any) -> None:
    await writer.append(
        kind,
        {"call": call_view(row), **data},
        contact_id=contact.id,
        agent_id=contact.agent_id,
        for_visitor=True,
    )


async def interrupt_call(
    conn: AsyncConnection, writer: EventWriter, contact: Any, row: Any, side: Side, deadline: float
) -> None:
    """Start ``side``'s reconnect grace on a live call (once: a running grace stays)."""
    gone = _GONE[side]
    changed = await conn.execute(
        update(calls)
        .where(calls.c.id == row.id, calls.c.state.in_(_LIVE_STATES), gone.is_(None))
        .values({gone.key: deadline})
    )
    if changed.rowcount == 1:
        row = await fetch_call(conn, row.id)
        await _append(writer, contact, row, "call.interrupted", side=side.value, resume_by=deadline)


_SESSION_CALLS = (
    select(contacts)
    .join(calls, calls.c.id == contacts.c.live_call_id)
    .where(calls.c.agent_session == bindparam("session"), calls.c.agent_gone_at.is_(None))
)


async def do_interrupt_session_calls(ctx: Ctx, session_id: str) -> None:
    """The console session in a call has no connection left: its calls wait for it."""
    async with ctx.db.read() as conn:  # every console close asks; few have a call
        if (await conn.execute(_SESSION_CALLS, {"session": session_id})).first() is None:
            return
    now = ctx.clock.now()
    async with ctx.transaction() as (conn, writer):
        open_sockets = await conn.scalar(
            select(console_sessions.c.connections).where(console_sessions.c.id == session_id)
        )
        if open_sockets:
            return
        rows = await conn.execute(_SESSION_CALLS, {"session": session_id})
        for contact in rows.all():
            row = await fetch_call(conn, contact.live_call_id)
            deadline = now + ctx.settings.call_reconnect_seconds
            await interrupt_call(conn, writer, contact, row, Side.AGENT, deadline)


async def do_interrupt_link_calls(ctx: Ctx, contact_id: int, link: int) -> None:
    """The visitor's connection in the call closed (a blip, a page change, a closed tab)."""
    async with ctx.db.read() as conn:  # every widget close asks; few have a call
        live = await conn.scalar(
            select(calls.c.id)
            .join(contacts, contacts.c.live_call_id == calls.c.id)
            .where(contacts.c.id == contact_id, calls.c.visitor_link == link)
        )
    if live is None:
        return
    now = ctx.clock.now()
    async with ctx.transaction() as (conn, writer):
        contact = await fetch_contact_row(conn, contact_id, lock=True)
        row = await fetch_call(conn, contact.live_call_id)
        if row is not None and row.visitor_link == link:
            deadline = now + ctx.settings.call_reconnect_seconds
            await interrupt_call(conn, writer, contact, row, Side.VISITOR, deadline)


async def do_rejoin_call(
    ctx: Ctx,
    principal: Principal,
    contact_id: int,
    call_id: int,
    fresh: bool,
    *,
    session_id: str | None = None,
    link: int | None = None,
) -> None:
    """This connection takes (back) its side of the call: the agent's from the console
    session in the call, the visitor's from any of their pages. ``fresh``: the page lost its
    peer connection, so the call is negotiated again (the console in the call offers)."""
    side = side_of(principal)
    async with ctx.transaction() as (conn, writer):
        contact = await fetch_contact_row(conn, contact_id, lock=True)
        check_holder(principal, contact)
        row = await fetch_call(conn, call_id)
        if row is None or contact.live_call_id != call_id or CallState(row.state) not in LIVE:
            raise NoCallError("this contact has no such call in progress", call_id=call_id)
        if side is Side.AGENT:
            if row.agent_session != session_id:
                raise ForbiddenError("this call is on another console", call_id=call_id)
            moved = False
            values: dict[str, Any] = {"agent_gone_at": None}
        else:
            if row.visitor_link is None:
                return  # the visitor is not in the call yet: nothing to take back
            moved = row.visitor_link != link
            values = {"visitor_gone_at": None, "visitor_link": link}
        was_gone = _GONE[side].key
        if getattr(row, was_gone) is None and not moved and not fresh:
            return
        changed = await conn.execute(
            update(calls).where(calls.c.id == call_id, calls.c.state == row.state).values(values)
        )
        if changed.rowcount != 1:
            raise NoCallError("the call changed meanwhile", call_id=call_id)
        row = await fetch_call(conn, call_id)
        await _append(writer, contact, row, "call.resumed", side=side.value, renegotiate=fresh)


async def do_call_gone_due(ctx: Ctx) -> list[int]:
    """End every call whose absent party did not rejoin within the grace: exactly once, as
    ``agent_disconnected`` or ``visitor_left`` (the guarded end clears the deadlines)."""
    now = ctx.clock.now()
    ended: list[int] = []
    async with ctx.transaction() as (conn, writer):
        due = await conn.execute(
            select(calls.c.id, calls.c.contact_id)
            .where(or_(calls.c.agent_gone_at <= now, calls.c.visitor_gone_at <= now))
            .order_by(calls.c.contact_id)
        )
        for call_id, contact_id in due.all():
            contact = await fetch_contact_row(conn, contact_id, lock=True)
            row = await fetch_call(conn, call_id)
            side = lapsed_side(row.agent_gone_at, row.visitor_gone_at, now)
            if side is None:
                continue
            if contact.live_call_id != call_id:
                await conn.execute(
                    update(calls)
                    .where(calls.c.id == call_id)
                    .values(agent_gone_at=None, visitor_gone_at=None)
                )
                continue
            if await end_live_call(conn, writer, contact, now, GONE_REASONS[side], side.value):
                ended.append(call_id)
        if ended:
            ctx.reroute_soon()
    return ended


async def do_presume_calls_interrupted(ctx: Ctx) -> None:
    """Single-process start: no connection can be in a call yet, so both sides of every live
    call start the grace now (the parties' rejoins call it off)."""
    deadline = ctx.clock.now() + ctx.settings.call_reconnect_seconds
    async with ctx.transaction() as (conn, writer):
        rows = await conn.execute(
            select(contacts).where(contacts.c.live_call_id.is_not(None)).order_by(contacts.c.id)
        )
        for contact in rows.all():
            row = await fetch_call(conn, contact.live_call_id)
            if row is None or CallState(row.state) not in LIVE:
                continue
            if row.agent_session is not None:
                await interrupt_call(conn, writer, contact, row, Side.AGENT, deadline)
            if row.visitor_link is not None:
                await interrupt_call(conn, writer, contact, row, Side.VISITOR, deadline)

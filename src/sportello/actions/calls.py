"""Voice and video calls on a contact: every move is a guarded update of the call's state
(domain/calls.py decides which are allowed) with its durable event in the same transaction.

The media never reaches the server, and neither does the signalling's content here: offers,
answers and ICE candidates are relayed by the realtime sessions (bus signals, never stored).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.actions.context import Ctx
from sportello.domain.calls import LIVE, CallMove, CallState, Side, may_move, next_state
from sportello.domain.principals import Principal, VisitorPrincipal
from sportello.errors import (
    CallInProgressError,
    CallMoveRefusedError,
    ContactClosedError,
    MediumUnavailableError,
    NoCallError,
)
from sportello.queries.calls import call_media, call_view, fetch_call
from sportello.queries.contacts import HOLDING, check_holder, fetch_contact_row
from sportello.storage.tables import calls, contacts
from sportello.stream.events import EventWriter

NOT_GONE = {"agent_gone_at": None, "visitor_gone_at": None}
"""An ended call waits for nobody (see actions/call_resume.py)."""


def side_of(principal: Principal) -> Side:
    return Side.VISITOR if isinstance(principal, VisitorPrincipal) else Side.AGENT


async def _append(writer: EventWriter, contact: Any, row: Any) -> None:
    """``call.<state>`` for the agent holding the contact and its visitor."""
    await writer.append(
        f"call.{row.state}",
        {"call": call_view(row)},
        contact_id=contact.id,
        agent_id=contact.agent_id,
        for_visitor=True,
    )


async def place_call(
    conn: AsyncConnection,
    writer: EventWriter,
    contact: Any,
    side: Side,
    medium: str,
    now: float,
    *,
    session_id: str | None = None,
    link: int | None = None,
) -> Any:
    """Insert an offered call and make it the contact's live one (guarded: one at a time)."""
    call_id = (
        await conn.execute(
            insert(calls)
            .values(
                contact_id=contact.id,
                agent_id=contact.agent_id,
                started_by=side.value,
                requested=medium,
                state=CallState.OFFERED.value,
                agent_session=session_id,
                visitor_link=link,
                offered_at=now,
            )
            .returning(calls.c.id)
        )
    ).scalar_one()
    claimed = await conn.execute(
        update(contacts)
        .where(
            contacts.c.id == contact.id,
            contacts.c.live_call_id.is_(None),
            contacts.c.state.in_(HOLDING),
        )
        .values(live_call_id=call_id)
    )
    if claimed.rowcount != 1:
        raise CallInProgressError("this contact already has a call", call_id=contact.live_call_id)
    row = await fetch_call(conn, call_id)
    await _append(writer, contact, row)
    return row


async def do_start_call(
    ctx: Ctx,
    principal: Principal,
    contact_id: int,
    medium: str,
    *,
    session_id: str | None = None,
    link: int | None = None,
) -> dict[str, Any]:
    """The agent offers a call, or the visitor asks for one; the other side answers."""
    now = ctx.clock.now()
    async with ctx.transaction() as (conn, writer):
        contact = await fetch_contact_row(conn, contact_id, lock=True)
        check_holder(principal, contact)
        if contact.state not in HOLDING:
            raise ContactClosedError("the contact is not in progress", state=contact.state)
        if contact.live_call_id is not None:
            raise CallInProgressError(
                "this contact already has a call", call_id=contact.live_call_id
            )
        if medium not in await call_media(conn, contact, session_id):
            raise MediumUnavailableError(
                f"{medium} is not available on this contact now", medium=medium
            )
        row = await place_call(
            conn, writer, contact, side_of(principal), medium, now, session_id=session_id, link=link
        )
    ctx.reroute_soon()  # a call takes the agent's whole capacity: withdraw their offers
    return call_view(row)


async def _move(
    ctx: Ctx,
    principal: Principal,
    contact_id: int,
    call_id: int,
    move: CallMove,
    values: dict[str, Any],
) -> dict[str, Any] | None:
    now = ctx.clock.now()
    side = side_of(principal)
    async with ctx.transaction() as (conn, writer):
        contact = await fetch_contact_row(conn, contact_id, lock=True)
        check_holder(principal, contact)
        row = await fetch_call(conn, call_id)
        if row is None or row.contact_id != contact_id or CallState(row.state) not in LIVE:
            raise NoCallError("this contact has no such call in progress", call_id=call_id)
        state = CallState(row.state)
        if move is CallMove.CONNECT and state is CallState.CONNECTED:
            return None  # both peers report it; the first report recorded it
        target = next_state(state, move)
        if target is None or not may_move(Side(row.started_by), side, move):
            raise CallMoveRefusedError(
                f"a call that is {state.value} cannot be {move.value}ed by the {side.value}",
                state=state.value,
                move=move.value,
            )
        stamp = {
            CallState.ACCEPTED: "answered_at",
            CallState.DECLINED: "answered_at",
            CallState.CONNECTED: "connected_at",
            CallState.ENDED: "ended_at",
        }[target]
        if target in (CallState.DECLINED, CallState.ENDED):
            values = {**values, **NOT_GONE}
        await _transition(conn, row, state, target, {stamp: now, **values})
        if target is CallState.CONNECTED:
            await conn.execute(
                update(contacts).where(contacts.c.id == contact_id).values(used_voice_video=True)
            )
        if target in (CallState.DECLINED, CallState.ENDED):
            await _release(conn, contact_id, call_id)
        row = await fetch_call(conn, call_id)
        await _append(writer, contact, row)
    if target in (CallState.DECLINED, CallState.ENDED):
        ctx.reroute_soon()  # the agent's capacity is back: offer them the waiting contacts
    return call_view(row)


async def _transition(
    conn: AsyncConnection, row: Any, expected: CallState, target: CallState, values: dict[str, Any]
) -> None:
    changed = await conn.execute(
        update(calls)
        .where(calls.c.id == row.id, calls.c.state == expected.value)
        .values(state=target.value, **values)
    )
    if changed.rowcount != 1:
        raise CallMoveRefusedError("the call changed meanwhile", call_id=row.id)


async def _release(conn: AsyncConnection, contact_id: int, call_id: int) -> None:
    await conn.execute(
        update(contacts)
        .where(contacts.c.id == contact_id, contacts.c.live_call_id == call_id)
        .values(live_call_id=None)
    )


async def do_answer_call(
    ctx: Ctx,
    principal: Principal,
    contact_id: int,
    call_id: int,
    medium: str | None,
    *,
    session_id: str | None = None,
    link: int | None = None,
) -> dict[str, Any]:
    """Accept with ``medium`` (the agent's ENGAGE, the visitor's "video" or "voice only"),
    or decline with None (the agent's NOT NOW, the visitor's "decline")."""
    if medium is None:
        view = await _move(ctx, principal, contact_id, call_id, CallMove.DECLINE, {})
    else:
        where = {"agent_session": session_id} if session_id is not None else {"visitor_link": link}
        view = await _move(
            ctx, principal, contact_id, call_id, CallMove.ACCEPT, {"media": medium, **where}
        )
    assert view is not None
    return view


async def do_call_connected(
    ctx: Ctx, principal: Principal, contact_id: int, call_id: int
) -> dict[str, Any] | None:
    """A peer reports its connection up: the call is in use (the contact used voice/video)."""
    return await _move(ctx, principal, contact_id, call_id, CallMove.CONNECT, {})


async def do_end_call(
    ctx: Ctx, principal: Principal, contact_id: int, call_id: int, reason: str = "hung_up"
) -> dict[str, Any]:
    """Hang up (or withdraw an offer that was not answered yet)."""
    side = side_of(principal).value
    values = {"ended_by": side, "end_reason": reason}
    view = await _move(ctx, principal, contact_id, call_id, CallMove.END, values)
    assert view is not None
    return view


async def end_live_call(
    conn: AsyncConnection, writer: EventWriter, contact: Any, now: float, reason: str, by: str
) -> bool:
    """End the contact's call, if any, as part of another change (close, requeue, transfer,
    a party who did not come back within the reconnect grace); whether this ended it."""
    row = await fetch_call(conn, contact.live_call_id)
    if row is None or CallState(row.state) not in LIVE:
        return False
    changed = await conn.execute(
        update(calls)
        .where(calls.c.id == row.id, calls.c.state == row.state)
        .values(
            state=CallState.ENDED.value,
            ended_at=now,
            ended_by=by,
            end_reason=reason,
            **NOT_GONE,
        )
    )
    await _release(conn, contact.id, row.id)
    if changed.rowcount == 1:
        await _append(writer, contact, await fetch_call(conn, row.id))
        return True
    return False


async def do_report_media(
    ctx: Ctx, visitor: VisitorPrincipal, contact_id: int, media: dict[str, Any]
) -> None:
    """What the visitor's browser can do (WebRTC, camera, microphone, permission): stored
    for the console's icons; an event only when it changed (every page reports it)."""
    async with ctx.db.read() as conn:
        if (await fetch_contact_row(conn, contact_id)).visitor_media == media:
            return
    async with ctx.transaction() as (conn, writer):
        contact = await fetch_contact_row(conn, contact_id, lock=True)
        check_holder(visitor, contact)
        if contact.visitor_media == media:
            return
        await conn.execute(
            update(contacts).where(contacts.c.id == contact_id).values(visitor_media=media)
        )
        await writer.append(
            "visitor.media",
            {"media": media},
            contact_id=contact_id,
            agent_id=contact.agent_id,
        )


async def tell_call_media(conn: AsyncConnection, writer: EventWriter, contact_id: int) -> None:
    """Tell the visitor which media they may ask for now (after an accept or a switch)."""
    contact = await fetch_contact_row(conn, contact_id)
    await writer.append(
        "call.media",
        {"media": await call_media(conn, contact)},
        contact_id=contact_id,
        for_visitor=True,
    )

"""Visitor presence in the lifecycle: a page that goes away starts a grace, a return ends it.

Each widget connection takes the next ``visitor_link`` number; a close (or the page's
``pagehide`` beacon) starts the departure only if no newer connection has opened since, so
a page change whose new socket connects before the old one's close is handled is not a
departure. The deadline is a column (``visitor_gone_at``), fired by the scheduler with a
guarded update like dissuasion: exactly once, with any number of processes, after restarts.
A connection also records its node (``visitor_node``): when that process dies its sockets
never close, so another node starts the grace for it (``depart_from_dead_node``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.actions.call_resume import interrupt_call
from sportello.actions.contacts import HOLDING, VISITOR_GONE, close_held, finish_waiting
from sportello.actions.context import Ctx
from sportello.domain.calls import Side
from sportello.domain.model import ContactState
from sportello.domain.principals import VisitorPrincipal
from sportello.domain.rules import leave_outcome
from sportello.errors import NotFoundError
from sportello.queries.calls import fetch_call
from sportello.queries.contacts import check_holder, fetch_contact_row
from sportello.storage.direct import DirectStatement
from sportello.storage.tables import contacts, services
from sportello.stream.events import EventWriter

ACTIVE = (ContactState.PENDING.value, *HOLDING)


# A storm of widgets runs these once each: straight on SQLite's driver (storage/direct.py).
_CONTACT_AND_SITES = DirectStatement(
    select(contacts, services.c.sites.label("service_sites"))
    .join(services, services.c.id == contacts.c.service_id)
    .where(contacts.c.id == bindparam("contact"))
    .with_for_update(of=contacts)
)
_CONNECTED = DirectStatement(
    update(contacts)
    .where(contacts.c.id == bindparam("contact"))
    .values(
        visitor_link=bindparam("link"),
        visitor_left_at=None,
        visitor_gone_at=None,
        visitor_navigating=None,
        visitor_node=bindparam("node"),
    )
)


async def do_visitor_connected(
    ctx: Ctx, contact_id: int, admit: Callable[[list[str]], None] | None = None
) -> int:
    """A widget connected: its link number. A departure in progress is called off.

    ``admit`` sees the sites of the contact's service (read with the contact, in the same
    statement) and raises to refuse the connection before anything changes. Connections
    opening together share one transaction (group commit): a storm of widgets is a few
    commits, not one each."""

    async def connect(conn: AsyncConnection, writer: EventWriter) -> int:
        rows = await _CONTACT_AND_SITES.rows(conn, {"contact": contact_id})
        if not rows:
            raise NotFoundError(f"contact {contact_id} does not exist", contact_id=contact_id)
        row = rows[0]
        if admit is not None:
            admit(list(row.service_sites))
        if row.state not in ACTIVE:
            return int(row.visitor_link)
        link = int(row.visitor_link) + 1
        await _CONNECTED.rows(conn, {"contact": contact_id, "link": link, "node": ctx.node_id})
        if row.visitor_gone_at is not None:
            await _tell_agents(writer, row, "visitor.returned", {})
        return link

    link: int = await ctx.group_commit.run(connect, contact_id)
    return link


async def do_visitor_disconnected(ctx: Ctx, contact_id: int, link: int) -> None:
    """A widget connection closed: unless a newer one opened, the grace starts."""
    async with ctx.transaction() as (conn, writer):
        row = await fetch_contact_row(conn, contact_id, lock=True)
        await _depart(ctx, conn, writer, row, link, None)


async def do_visitor_departing(
    ctx: Ctx, visitor: VisitorPrincipal, link: int, navigating: bool
) -> dict[str, Any]:
    """The widget's page is being hidden for good (``pagehide``, sent as a beacon):
    ``navigating`` says whether the visitor follows a link to another page of the site."""
    async with ctx.transaction() as (conn, writer):
        row = await fetch_contact_row(conn, visitor.contact_id, lock=True)
        check_holder(visitor, row)
        started = await _depart(ctx, conn, writer, row, link, navigating)
        return {"departure": started}


async def _depart(
    ctx: Ctx,
    conn: AsyncConnection,
    writer: EventWriter,
    row: Any,
    link: int,
    navigating: bool | None,
) -> bool:
    if row.state not in ACTIVE or row.visitor_link != link:
        return False
    if row.visitor_gone_at is not None and (
        navigating is None or navigating == row.visitor_navigating
    ):
        return False  # already departing, and nothing new is known
    now = ctx.clock.now()
    left_at = row.visitor_left_at if row.visitor_gone_at is not None else now
    gone_at = (
        row.visitor_gone_at
        if row.visitor_gone_at is not None
        else now + ctx.settings.visitor_grace_seconds
    )
    known = navigating if navigating is not None else row.visitor_navigating
    await conn.execute(
        update(contacts)
        .where(contacts.c.id == row.id, contacts.c.visitor_link == link)
        .values(visitor_left_at=left_at, visitor_gone_at=gone_at, visitor_navigating=known)
    )
    await _tell_agents(
        writer,
        row,
        "visitor.departed",
        {"left_at": left_at, "gone_at": gone_at, "navigating": known},
    )
    return True


async def depart_from_dead_node(
    ctx: Ctx, conn: AsyncConnection, writer: EventWriter, node_id: str, last_seen: float
) -> list[int]:
    """The contacts whose newest widget connection was on a dead node: the grace starts now,
    as if each connection had closed when the node was last seen. Each start is a guarded
    update, so with any number of surviving nodes it happens once."""
    now = ctx.clock.now()
    left_at = min(last_seen, now)
    gone_at = now + ctx.settings.visitor_grace_seconds
    stranded = await conn.execute(
        select(contacts.c.id)
        .where(
            contacts.c.visitor_node == node_id,
            contacts.c.visitor_gone_at.is_(None),
            contacts.c.state.in_(ACTIVE),
        )
        .order_by(contacts.c.id)
    )
    started: list[int] = []
    for (contact_id,) in stranded.all():
        row = await fetch_contact_row(conn, contact_id, lock=True)
        result = await conn.execute(
            update(contacts)
            .where(
                contacts.c.id == row.id,
                contacts.c.visitor_node == node_id,
                contacts.c.visitor_link == row.visitor_link,
                contacts.c.visitor_gone_at.is_(None),
                contacts.c.state.in_(ACTIVE),
            )
            .values(visitor_left_at=left_at, visitor_gone_at=gone_at)
        )
        if result.rowcount != 1:
            continue
        await _tell_agents(
            writer,
            row,
            "visitor.departed",
            {"left_at": left_at, "gone_at": gone_at, "navigating": None},
        )
        call = await fetch_call(conn, row.live_call_id)
        if call is not None and call.visitor_link == row.visitor_link:
            # the media may well go on: the widget reconnecting elsewhere rejoins the call
            deadline = now + ctx.settings.call_reconnect_seconds
            await interrupt_call(conn, writer, row, call, Side.VISITOR, deadline)
        started.append(row.id)
    return started


async def call_off_for_open_links(
    ctx: Ctx, conn: AsyncConnection, writer: EventWriter, links: set[tuple[int, int]]
) -> list[int]:
    """This node was taken for dead (it stalled) while these widget connections (contact,
    link) stayed open on it: the departures other nodes started for them are called off."""
    departing = await conn.execute(
        select(contacts.c.id, contacts.c.visitor_link)
        .where(
            contacts.c.visitor_node == ctx.node_id,
            contacts.c.visitor_gone_at.is_not(None),
            contacts.c.state.in_(ACTIVE),
        )
        .order_by(contacts.c.id)
    )
    returned: list[int] = []
    for contact_id, link in departing.all():
        if (contact_id, link) not in links:
            continue
        row = await fetch_contact_row(conn, contact_id, lock=True)
        result = await conn.execute(
            update(contacts)
            .where(
                contacts.c.id == contact_id,
                contacts.c.visitor_node == ctx.node_id,
                contacts.c.visitor_link == link,
                contacts.c.visitor_gone_at.is_not(None),
                contacts.c.state.in_(ACTIVE),
            )
            .values(visitor_left_at=None, visitor_gone_at=None, visitor_navigating=None)
        )
        if result.rowcount == 1:
            await _tell_agents(writer, row, "visitor.returned", {})
            returned.append(contact_id)
    return returned


async def _tell_agents(writer: EventWriter, row: Any, kind: str, data: dict[str, Any]) -> None:
    """The agent holding the contact, or, while it waits, the agents it is offered to."""
    if row.state == ContactState.PENDING.value:
        await writer.append(kind, data, contact_id=row.id, for_queue=True)
    else:
        await writer.append(kind, data, contact_id=row.id, agent_id=row.agent_id)


async def do_visitor_gone_due(ctx: Ctx) -> list[int]:
    """End every contact whose visitor did not come back within the grace. Exactly once:
    each end is a guarded transition, and the deadline is cleared with it."""
    now = ctx.clock.now()
    ended: list[int] = []
    async with ctx.transaction() as (conn, writer):
        due = await conn.execute(
            select(contacts.c.id).where(contacts.c.visitor_gone_at <= now).order_by(contacts.c.id)
        )
        for (contact_id,) in due.all():
            row = await fetch_contact_row(conn, contact_id, lock=True)
            if row.visitor_gone_at is None or row.visitor_gone_at > now:
                continue
            if row.state == ContactState.PENDING.value:
                outcome = leave_outcome(row.visitor_left_at - row.created_at)
                done = await finish_waiting(
                    conn, writer, row.id, ContactState(outcome.value), outcome, now, VISITOR_GONE
                )
            elif row.state in HOLDING:
                await close_held(conn, writer, row, now, VISITOR_GONE)
                done = True
            else:
                done = False
            await conn.execute(
                update(contacts).where(contacts.c.id == row.id).values(visitor_gone_at=None)
            )
            if done:
                ended.append(row.id)
        if ended:
            ctx.reroute_soon()
    return ended


async def do_presume_visitors_away(ctx: Ctx) -> None:
    """Single-process start: no widget can be connected yet, so every active contact's
    visitor starts the grace now (widgets that reconnect call it off). The time the server
    was down is nobody's departure: a grace that started before the restart starts again
    now, keeping when the visitor left (what the outcome and dissuasion compare)."""
    now = ctx.clock.now()
    gone_at = now + ctx.settings.visitor_grace_seconds
    async with ctx.transaction() as (conn, writer):
        rows = await conn.execute(
            select(contacts.c.id).where(contacts.c.state.in_(ACTIVE)).order_by(contacts.c.id)
        )
        for (contact_id,) in rows.all():
            row = await fetch_contact_row(conn, contact_id, lock=True)
            if row.visitor_gone_at is None:
                await _depart(ctx, conn, writer, row, row.visitor_link, None)
            elif row.visitor_gone_at < gone_at:
                await conn.execute(
                    update(contacts).where(contacts.c.id == row.id).values(visitor_gone_at=gone_at)
                )
                await _tell_agents(
                    writer,
                    row,
                    "visitor.departed",
                    {
                        "left_at": row.visitor_left_at,
                        "gone_at": gone_at,
                        "navigating": row.visitor_navigating,
                    },
                )

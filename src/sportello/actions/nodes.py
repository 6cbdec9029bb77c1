"""Nodes: each server process keeps a heartbeat row in ``nodes``.

A node whose heartbeat is older than ``node_dead_seconds`` is dead (killed, crashed, cut
off from the database): its WebSockets will never close from the server's side, so any
other node starts the visitor-disconnect grace for the contacts whose newest widget
connection it held, then forgets the node. A node never judges itself, and one that finds
its row gone was only stalled: it calls off the departures of the widgets still connected
to it. Agents' consoles have their own per-session heartbeat (``do_refresh_node_sessions``).
"""

from __future__ import annotations

from sqlalchemy import delete, insert, select, update

from sportello.actions.context import Ctx
from sportello.actions.visitor_presence import call_off_for_open_links, depart_from_dead_node
from sportello.storage.tables import nodes


async def do_beat_node(ctx: Ctx) -> list[int]:
    """Refresh this node's heartbeat (registering it the first time) and start the grace
    for the visitors of dead nodes: the contacts whose grace started."""
    now = ctx.clock.now()
    async with ctx.transaction() as (conn, writer):
        beat = await conn.execute(
            update(nodes).where(nodes.c.id == ctx.node_id).values(heartbeat_at=now)
        )
        if beat.rowcount != 1:
            await conn.execute(
                insert(nodes).values(id=ctx.node_id, started_at=now, heartbeat_at=now)
            )
            await call_off_for_open_links(ctx, conn, writer, set(ctx.open_links))
        dead = await conn.execute(
            select(nodes.c.id, nodes.c.heartbeat_at).where(
                nodes.c.heartbeat_at < now - ctx.settings.node_dead_seconds,
                nodes.c.id != ctx.node_id,
            )
        )
        started: list[int] = []
        for node_id, last_seen in dead.all():
            started += await depart_from_dead_node(ctx, conn, writer, node_id, last_seen)
            await conn.execute(delete(nodes).where(nodes.c.id == node_id))
    return started

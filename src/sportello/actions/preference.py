""" "Start a new conversation": the new contact waits for the previous agent alone for
``same_agent_seconds`` (routing/rules.py preferred_audience), then for everyone.

The window is a timer row like the others (``contacts.prefer_until``): the scheduler ends
it with a guarded update and a routing pass in the same transaction, so it ends once,
in whichever process claims it, and a restart ends the windows that passed meanwhile."""

from __future__ import annotations

from sqlalchemy import select, update

from sportello.actions.context import Ctx
from sportello.routing.engine import one_pass_at_a_time, reroute
from sportello.storage.tables import contacts


async def do_end_preferences_due(ctx: Ctx) -> list[int]:
    """End every preference whose window passed and offer those contacts to everyone."""
    now = ctx.clock.now()
    async with ctx.transaction() as (conn, writer):
        await one_pass_at_a_time(conn)  # it routes: the routing lock before the row locks
        due = [
            int(contact_id)
            for (contact_id,) in await conn.execute(
                select(contacts.c.id).where(contacts.c.prefer_until <= now)
            )
        ]
        if not due:
            return []
        await conn.execute(
            update(contacts)
            .where(contacts.c.id.in_(due), contacts.c.prefer_until <= now)
            .values(prefer_until=None)
        )
        await reroute(conn, writer, now, ctx.settings.idle_seconds, ctx.routing_memo)
        return due

"""Background duties of every process: fire due timers, refresh live sessions, re-route.

Timers live in the database (a contact's ``dissuade_at``) and are claimed with guarded
updates, so any number of processes may run this loop: each due timer fires exactly once,
and a restart picks up whatever came due while the server was down.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import select

from sportello.actions.agents import do_refresh_node_sessions
from sportello.actions.contacts import do_dissuade_due
from sportello.actions.context import Ctx
from sportello.background import BackgroundLoop
from sportello.storage.tables import contacts

log = logging.getLogger(__name__)

TICK_SECONDS = 0.25
HEARTBEAT_SECONDS = 15.0
REROUTE_SECONDS = 5.0


class Scheduler(BackgroundLoop):
    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx

    async def _run(self) -> None:
        last_heartbeat = last_reroute = 0.0
        while True:
            try:
                if await self._anything_due():
                    await do_dissuade_due(self.ctx)
                loop_now = asyncio.get_running_loop().time()
                if loop_now - last_heartbeat >= HEARTBEAT_SECONDS:
                    await do_refresh_node_sessions(self.ctx)
                    last_heartbeat = loop_now
                if loop_now - last_reroute >= REROUTE_SECONDS:
                    self.ctx.reroute_soon()
                    last_reroute = loop_now
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("scheduler tick failed")
            await asyncio.sleep(TICK_SECONDS)

    async def _anything_due(self) -> bool:
        """A cheap indexed read, so idle ticks never take the write lock."""
        async with self.ctx.db.read() as conn:
            found = await conn.scalar(
                select(contacts.c.id)
                .where(
                    contacts.c.state == "pending", contacts.c.dissuade_at <= self.ctx.clock.now()
                )
                .limit(1)
            )
        return found is not None

"""Coalesced routing passes: a burst of accepts, closes and status changes costs one pass.

Creating a contact routes it inline (it must know at once whether anyone can take it);
every other change that may alter who can take what asks for a pass here, which runs in
its own transaction right after. The periodic tick asks too (idle chats, stale sessions).
"""

from __future__ import annotations

import asyncio
import logging

from sportello.actions.context import Ctx
from sportello.background import BackgroundLoop
from sportello.routing.engine import reroute

log = logging.getLogger(__name__)


class Rerouter(BackgroundLoop):
    def __init__(self, ctx: Ctx) -> None:
        self._ctx = ctx
        self._wanted = asyncio.Event()

    def kick(self) -> None:
        self._wanted.set()

    async def run_once(self) -> None:
        async with self._ctx.transaction() as (conn, writer):
            await reroute(conn, writer, self._ctx.clock.now(), self._ctx.settings.idle_seconds)

    async def _run(self) -> None:
        while True:
            await self._wanted.wait()
            self._wanted.clear()
            try:
                await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("routing pass failed; the next change or tick retries")

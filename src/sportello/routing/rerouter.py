"""Coalesced routing passes: a burst of accepts, closes and status changes costs one pass.

Creating a contact routes it inline (it must know at once whether anyone can take it);
every other change that may alter who can take what asks for a pass here, which runs in
its own transaction right after. An accept or a close names the agent whose load changed
(``load_changed``), and the pass runs only if that agent's room changed
(``engine.reroute_agents``); anything else asks for the full pass (``kick``), and so does
the periodic tick (idle chats, stale sessions, and another process's changes).

A full pass costs in proportion to the queue (every waiting contact is planned, and each
changed offer written and sent). Under a rush, with agents' room changing many times a
second, back-to-back passes over a long queue would take the whole writer; so after a pass
the next one waits as long as that one took: routing gets at most half of the writer, and
changes meanwhile are coalesced into the next pass.
"""

from __future__ import annotations

import asyncio
import logging
import time

from sportello.actions.context import Ctx
from sportello.background import BackgroundLoop
from sportello.routing.engine import reroute, reroute_agents

log = logging.getLogger(__name__)


class Rerouter(BackgroundLoop):
    def __init__(self, ctx: Ctx) -> None:
        self._ctx = ctx
        self._wanted = asyncio.Event()
        self._full = False
        self._agents: set[int] = set()
        self._held = 0.0
        """How long the last pass held the writer (from its first statement to its commit)."""

    def kick(self) -> None:
        self._full = True
        self._wanted.set()

    def load_changed(self, agent_id: int) -> None:
        self._agents.add(agent_id)
        self._wanted.set()

    async def run_once(self) -> None:
        full, agents = self._full, self._agents
        self._full, self._agents = False, set()
        now, idle = self._ctx.clock.now(), self._ctx.settings.idle_seconds
        self._held = 0.0
        try:
            async with self._ctx.transaction() as (conn, writer):
                began = time.perf_counter()
                if full:
                    await reroute(conn, writer, now, idle, self._ctx.routing_memo)
                elif agents:
                    await reroute_agents(conn, writer, now, idle, agents, self._ctx.routing_memo)
            self._held = time.perf_counter() - began
            self._ctx.figures.routing_pass.observe(self._held)
        except BaseException:
            self._full = True  # whatever was asked, the retry plans everything
            raise

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
            await asyncio.sleep(self._held)

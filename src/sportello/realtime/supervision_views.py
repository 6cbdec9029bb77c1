"""The supervision views of one process, recomputed together: a change (or a burst of them)
reads the stored rows once and cuts every open view from them, readers with the same scope
and time zone sharing one view — so twenty supervisors cost about what one does. Each
reader's "today" also rolls over at their midnight by itself."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any, Protocol

from sportello.actions.context import Ctx
from sportello.domain.principals import AgentPrincipal
from sportello.queries.supervision import (
    ViewClock,
    cut_view,
    handled_elsewhere,
    load_floor,
    scope_in,
)
from sportello.realtime.hub import StreamHub

log = logging.getLogger(__name__)

COALESCE_SECONDS = 0.2
"""A burst of changes (an accept writes several events) costs one recomputed view."""
MIDNIGHT_SLACK = 0.05
"""Wake this long after a midnight, so the clock surely reads the new day."""
RETRY_SECONDS = 1.0
"""After a failed round (the database away), before the next."""
REARM_SECONDS = 60.0
"""Look again at least this often when the readers' next midnight is when to wake (a new
reader in another time zone may have an earlier one)."""


class ViewReader(Protocol):
    reader: AgentPrincipal
    utc_offset_minutes: int
    day: float
    """The start of the "today" of the last view this reader was sent."""

    def show(self, position: int, view: dict[str, Any]) -> None: ...


class SupervisionViews:
    def __init__(self, ctx: Ctx, hub: StreamHub) -> None:
        self.ctx = ctx
        self.hub = hub
        self._readers: set[ViewReader] = set()
        self._dirty = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def add(self, reader: ViewReader) -> None:
        """Send this reader every recomputed view (after its hello, which it reads itself)."""
        self._readers.add(reader)
        if self._task is None:
            self._task = asyncio.create_task(self._run())

    def remove(self, reader: ViewReader) -> None:
        self._readers.discard(reader)

    def changed(self) -> None:
        """Something the views show may have changed."""
        self._dirty.set()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def _clock(self, reader: ViewReader, now: float) -> ViewClock:
        return ViewClock(now, self.ctx.settings.agent_grace_seconds, reader.utc_offset_minutes)

    def _next_midnight(self) -> float | None:
        """When the oldest "today" shown ends (past already when a view crossed midnight
        before being sent)."""
        days = [r.day for r in self._readers]
        return min(days) + 86_400 if days else None

    async def _run(self) -> None:
        while True:
            await self._wait()
            try:
                await self._recompute()
            except Exception:
                log.exception("supervision views failed; retrying")
                await asyncio.sleep(RETRY_SECONDS)

    async def _wait(self) -> None:
        """Until a change (and the burst after it) or the next midnight of a reader."""
        while True:
            midnight = self._next_midnight()
            timeout = None
            if midnight is not None:
                due = max(0.0, midnight - self.ctx.clock.now()) + MIDNIGHT_SLACK
                timeout = min(due, REARM_SECONDS)
            try:
                await asyncio.wait_for(self._dirty.wait(), timeout)
            except TimeoutError:
                if midnight is not None and self.ctx.clock.now() >= midnight:
                    break
                continue
            await asyncio.sleep(COALESCE_SECONDS)
            break
        self._dirty.clear()

    async def _recompute(self) -> None:
        readers = list(self._readers)
        if not readers:
            return
        position = self.hub.position
        now = self.ctx.clock.now()
        clocks = {r: self._clock(r, now) for r in readers}
        grace = self.ctx.settings.agent_grace_seconds
        views: dict[tuple[frozenset[int], int | None, float], dict[str, Any]] = {}
        async with self.ctx.db.read() as conn:
            floor = await load_floor(conn, now, grace, {c.day_start() for c in clocks.values()})
            for r in readers:
                scope = scope_in(floor, r.reader)
                day = clocks[r].day_start()
                owner = None if scope.everything else r.reader.id  # what they handled counts
                key = (scope.service_ids, owner, day)
                if key not in views:
                    elsewhere = await handled_elsewhere(conn, scope, day, now + 1)
                    views[key] = cut_view(floor, scope, day, elsewhere)
                r.show(position, views[key])

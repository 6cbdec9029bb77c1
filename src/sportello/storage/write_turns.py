"""Whose write transaction goes next in this process: work on contacts already in the
centre before new arrivals.

A process runs at most ``capacity`` write transactions at once (storage/database.py: one
on SQLite, which has one writer; a few on PostgreSQL, whose transactions wait on each other
only for the rows they share and the events' INSERT). With a plain
FIFO lock, a burst of contact requests queued ahead of the accepts and closes that free
agents' room, so under overload each contact was held longer, agents filled up, and the
served rate fell as the offered rate rose (bench intake at 100/s). Transactions therefore
come in two lanes: ``ONGOING`` (chat, accepts, closes, transfers, routing passes, timers)
goes first; ``NEW`` (a contact's creation, background batches such as search indexing)
waits for it — but never starves: after ``ongoing_per_new`` ongoing turns in a row with a
new transaction waiting, the new one gets the next turn. The excess of new requests is then
refused at the door by admission control (web/admission.py) instead of delaying the
conversations in progress.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from enum import Enum


class Lane(Enum):
    ONGOING = "ongoing"
    NEW = "new"


class WriteTurns:
    """``capacity`` turns with two waiting lines, each handed over directly to the next
    waiter."""

    def __init__(self, ongoing_per_new: int = 4, capacity: int = 1) -> None:
        self.ongoing_per_new = ongoing_per_new
        self.capacity = capacity
        self._running = 0
        self._waiting: dict[Lane, deque[asyncio.Future[None]]] = {
            Lane.ONGOING: deque(),
            Lane.NEW: deque(),
        }
        self._ongoing_in_a_row = 0

    def waiting(self, lane: Lane) -> int:
        return sum(1 for f in self._waiting[lane] if not f.done())

    @asynccontextmanager
    async def turn(self, lane: Lane = Lane.ONGOING) -> AsyncIterator[None]:
        await self._acquire(lane)
        try:
            yield
        finally:
            self._release()

    async def _acquire(self, lane: Lane) -> None:
        free = self._running < self.capacity
        if free and not self.waiting(Lane.ONGOING) and not self.waiting(Lane.NEW):
            self._running += 1
            self._count(lane)
            return
        granted: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting[lane].append(granted)
        try:
            await granted
        except asyncio.CancelledError:
            if granted.done() and not granted.cancelled():
                self._release()  # the turn came just as the waiter was cancelled
            elif granted in self._waiting[lane]:
                self._waiting[lane].remove(granted)
            raise

    def _release(self) -> None:
        lane = self._next_lane()
        if lane is None:
            self._running -= 1
            return
        self._count(lane)
        self._waiting[lane].popleft().set_result(None)

    def _next_lane(self) -> Lane | None:
        for line in self._waiting.values():
            while line and line[0].done():
                line.popleft()
        ongoing, new = self._waiting[Lane.ONGOING], self._waiting[Lane.NEW]
        if new and (not ongoing or self._ongoing_in_a_row >= self.ongoing_per_new):
            return Lane.NEW
        if ongoing:
            return Lane.ONGOING
        return None

    def _count(self, lane: Lane) -> None:
        self._ongoing_in_a_row = self._ongoing_in_a_row + 1 if lane is Lane.ONGOING else 0

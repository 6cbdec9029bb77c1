"""Waiting visitors' places in line, told to the widgets of this process as the line moves.

Nothing is stored and no event is written for a place: a place is derived from the pending
contacts (``routing/waiting_line.py``). Each process watches the lines of the waiting
widgets connected to it. The queue events every hub reads anyway (``contact.offered``,
``contact.dequeued``) mark a watched service's line as moved; a round, after a short pause
that gathers a burst of changes, reads the pending contacts of the moved services once and
sends a ``queue`` frame to each watching widget whose place (or estimate) changed — never
one per waiting contact per change in the database, and nothing for a line nobody here
watches. A slow refresh heals what no event said (another process's requeue that changed no
offer) and lets the estimate follow the service's recent answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.actions.context import Ctx
from sportello.domain.model import ContactState
from sportello.routing.waiting_line import (
    ESTIMATE_SAMPLE,
    ESTIMATE_WINDOW_SECONDS,
    InLine,
    answer_median,
    line_positions,
    wait_minutes,
)
from sportello.storage.direct import DirectStatement
from sportello.storage.tables import contacts
from sportello.stream.events import Event

log = logging.getLogger(__name__)

COALESCE_SECONDS = 0.2
"""A burst of queue changes (an accept, a routing pass) costs one round."""
REFRESH_SECONDS = 15.0
"""Watched lines are read again at least this often, moved or not."""
ANSWERS_FRESH_SECONDS = 30.0
"""A service's sample of answer times is read again after this long (or when one of its
waiting contacts is answered)."""
ANSWERS_MIN_AGE_SECONDS = 5.0
"""…but not sooner than this, however many are answered."""
RETRY_SECONDS = 1.0

Place = tuple[int, int | None]
"""A position and the estimated wait in minutes (None: unknown)."""


class LineWatcher(Protocol):
    def show_place(self, frame: dict[str, Any]) -> None: ...


@dataclass
class Seat:
    contact_id: int
    service_id: int
    shown: Place | None = None


class QueueLines:
    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        self._seats: dict[LineWatcher, Seat] = {}
        self._watched: Counter[int] = Counter()
        """Service → how many seats watch its line."""
        self._dirty: set[int] = set()
        self._known: dict[int, tuple[int, Place]] = {}
        """Contact → (service, place) as the last round of its service found it."""
        self._answers: dict[int, tuple[float, list[float]]] = {}
        """Service → (when read, recent answer times)."""
        self._answered: set[int] = set()
        """Services one of whose waiting contacts was answered since their times were read."""
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def watch(self, watcher: LineWatcher, contact_id: int, service_id: int) -> None:
        """A widget of a waiting contact: tell it its place now if this process knows it,
        else at the next round, then whenever it changes, until it stops waiting."""
        self.unwatch(watcher)
        seat = Seat(contact_id, service_id)
        self._seats[watcher] = seat
        self._watched[service_id] += 1
        known = self._known.get(contact_id)
        if known is not None and service_id not in self._dirty:
            self._show(watcher, seat, known[1])
        else:
            self._mark(service_id)
        if self._task is None:
            self._task = asyncio.create_task(self._run())

    def unwatch(self, watcher: LineWatcher) -> None:
        seat = self._seats.pop(watcher, None)
        if seat is not None:
            self._watched[seat.service_id] -= 1
            if self._watched[seat.service_id] <= 0:
                del self._watched[seat.service_id]

    def moved(self, event: Event) -> None:
        """A queue event (the hub calls this for each): mark the line it moves."""
        if event.kind == "contact.offered":
            entry = event.payload.get("entry") or {}
            if entry.get("state") == ContactState.PENDING.value:
                self._mark(int(entry["service_id"]))
        elif event.kind == "contact.dequeued" and event.contact_id is not None:
            known = self._known.get(event.contact_id)
            if known is not None:
                if event.payload.get("reason") == ContactState.ASSIGNED.value:
                    self._answered.add(known[0])  # one more answer to count
                self._mark(known[0])

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def _mark(self, service_id: int) -> None:
        if service_id in self._watched:
            self._dirty.add(service_id)
            self._wake.set()

    def _answers_due(self, service_id: int, now: float) -> bool:
        """Read a service's answer times again: never read, read long ago, or one of its
        waiting contacts answered since (not more often than ``ANSWERS_MIN_AGE_SECONDS``,
        so a rush of answers costs one read every few seconds)."""
        read = self._answers.get(service_id)
        if read is None:
            return True
        age = now - read[0]
        if service_id in self._answered:
            return age >= ANSWERS_MIN_AGE_SECONDS
        return age >= ANSWERS_FRESH_SECONDS

    def _show(self, watcher: LineWatcher, seat: Seat, place: Place) -> None:
        if place == seat.shown:
            return
        seat.shown = place
        position, minutes = place
        watcher.show_place(
            {
                "type": "queue",
                "contact_id": seat.contact_id,
                "position": position,
                "wait_minutes": minutes,
            }
        )

    async def _run(self) -> None:
        while True:
            try:
                await asyncio.wait_for(self._wake.wait(), REFRESH_SECONDS)
                await asyncio.sleep(COALESCE_SECONDS)
            except TimeoutError:
                self._dirty |= set(self._watched)
            self._wake.clear()
            try:
                await self._round()
            except Exception:
                log.exception("queue places failed; retrying")
                await asyncio.sleep(RETRY_SECONDS)
                self._dirty |= set(self._watched)
                self._wake.set()

    async def _round(self) -> None:
        services, self._dirty = self._dirty, set()
        services &= set(self._watched)
        if not services:
            return
        now = self.ctx.clock.now()
        waiting: list[InLine] = []
        async with self.ctx.db.read() as conn:
            for service_id in sorted(services):
                waiting += await _pending_in(conn, service_id)
                if self._answers_due(service_id, now):
                    self._answers[service_id] = (now, await _answer_times(conn, service_id, now))
                    self._answered.discard(service_id)
        medians = {sid: answer_median(self._answers[sid][1]) for sid in services}
        positions = line_positions(waiting)
        places: dict[int, tuple[int, Place]] = {}
        for contact in waiting:
            position = positions[contact.id]
            minutes = wait_minutes(medians[contact.service_id], position)
            places[contact.id] = (contact.service_id, (position, minutes))
        self._known = {
            cid: known
            for cid, known in self._known.items()
            if known[0] not in services and known[0] in self._watched
        } | places
        for watcher, seat in list(self._seats.items()):
            if seat.service_id not in services:
                continue
            known = places.get(seat.contact_id)
            if known is None:
                if seat.service_id not in self._dirty:  # else seated during the read: next round
                    self.unwatch(watcher)  # answered or gone: its widget hears that by event
                continue
            self._show(watcher, seat, known[1])


_PENDING = DirectStatement(
    select(
        contacts.c.id,
        contacts.c.service_id,
        contacts.c.medium,
        contacts.c.priority,
        contacts.c.created_at,
        contacts.c.requeued_at,
    ).where(
        contacts.c.state == ContactState.PENDING.value,
        contacts.c.service_id == bindparam("service"),
    )
)
"""A service's waiting contacts (a round reads a line of 1,000 in about 1 ms on SQLite's
driver; docs/benchmarks.md, *Queue places*)."""

_ANSWER_TIMES = DirectStatement(
    select((contacts.c.assigned_at - contacts.c.created_at).label("seconds"))
    .where(
        contacts.c.created_at >= bindparam("since"),
        contacts.c.service_id == bindparam("service"),
        contacts.c.assigned_at.is_not(None),
        contacts.c.requeued_at.is_(None),
    )
    .order_by(contacts.c.assigned_at.desc())
    .limit(ESTIMATE_SAMPLE)
)
"""The answer times (request → an agent taking it, as the reports count them) of a
service's most recently answered contacts requested since then; contacts handed back are
left out (their time includes a first conversation). Read from the reports' covering
index."""


async def _pending_in(conn: AsyncConnection, service_id: int) -> list[InLine]:
    return [
        InLine(
            id=row.id,
            service_id=row.service_id,
            medium=row.medium,
            priority=row.priority,
            created_at=row.created_at,
            requeued=row.requeued_at is not None,
        )
        for row in await _PENDING.rows(conn, {"service": service_id})
    ]


async def _answer_times(conn: AsyncConnection, service_id: int, now: float) -> list[float]:
    rows = await _ANSWER_TIMES.rows(
        conn, {"since": now - ESTIMATE_WINDOW_SECONDS, "service": service_id}
    )
    return [float(row.seconds) for row in rows]

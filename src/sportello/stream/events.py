"""Appending to and reading from the durable event stream.

An event is written in the same transaction as the change it describes. Audience columns
say who may see it: ``agent_id`` (the agent holding the contact then), ``for_visitor``
(the contact's visitor) and ``for_queue`` (a waiting-area change, filtered per agent by
the ``offered_to`` list in its payload).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import orjson
from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.storage.direct import DirectStatement
from sportello.storage.tables import events


@dataclass(frozen=True)
class Event:
    position: int
    kind: str
    contact_id: int | None
    agent_id: int | None
    for_visitor: bool
    for_queue: bool
    payload: dict[str, Any]
    created_at: float

    @cached_property
    def text(self) -> str:
        """The frame serialised, once per event: every receiver is sent the same text."""
        return orjson.dumps(self.frame()).decode()

    def frame(self) -> dict[str, Any]:
        """The WebSocket frame a client receives for this event."""
        return {
            "type": "event",
            "position": self.position,
            "kind": self.kind,
            "contact_id": self.contact_id,
            "at": self.created_at,
            "data": self.payload,
        }


_INSERT_EVENTS = insert(events).returning(events.c.position)
"""Built once: every write appends events."""
_INSERT_EVENT = DirectStatement(_INSERT_EVENTS)


STREAM_LOCK = 7262001
"""The advisory lock a PostgreSQL transaction holds from its events' INSERT to its commit."""
_TAKE_STREAM_LOCK = DirectStatement(text(f"SELECT pg_advisory_xact_lock({STREAM_LOCK})"))
_INSERT_MANY_PG = DirectStatement(
    text(
        "INSERT INTO events (kind, contact_id, agent_id, for_visitor, for_queue, payload, "
        "created_at) SELECT * FROM unnest(CAST(:kind AS varchar[]), "
        "CAST(:contact_id AS bigint[]), CAST(:agent_id AS integer[]), "
        "CAST(:for_visitor AS boolean[]), CAST(:for_queue AS boolean[]), "
        "CAST(:payload AS json[]), CAST(:created_at AS float8[])) RETURNING position"
    ).columns(events.c.position)
)
"""A group's events in one statement, one array per column (PostgreSQL)."""


class EventWriter:
    """Collects the events of one transaction and appends them together at its end.

    A group commit holds many writes; their events go in as one multi-row INSERT (in
    append order, so positions follow it) instead of one statement each. Nothing reads
    the stream inside a write transaction, so nobody misses an event not yet flushed.

    On PostgreSQL the INSERT is the transaction's last statement and is made under the
    stream's advisory lock, which the commit releases: positions are drawn and become
    visible in commit order, so a reader that sees position N has every committed event
    below N, while transactions run their own statements side by side and serialise only
    on that INSERT and the commit (docs/architecture.md, "Positions"). SQLite needs no lock:
    it has one writer at a time.
    """

    def __init__(self, conn: AsyncConnection, now: float) -> None:
        self._conn = conn
        self._now = now
        self._pending: list[dict[str, Any]] = []
        self.locked_at: float | None = None
        """When this transaction took the stream lock (``time.perf_counter``), if it did."""
        self.appended: list[Event] = []
        """The events appended, in position order: once committed, this process hands them
        to its hub directly (realtime/hub.py) and the bus needs only the highest position."""

    async def append(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        contact_id: int | None = None,
        agent_id: int | None = None,
        for_visitor: bool = False,
        for_queue: bool = False,
    ) -> None:
        """Add an event to this transaction (written by ``flush``, before the commit)."""
        self._pending.append(
            {
                "kind": kind,
                "contact_id": contact_id,
                "agent_id": agent_id,
                "for_visitor": for_visitor,
                "for_queue": for_queue,
                "payload": payload,
                "created_at": self._now,
            }
        )

    async def flush(self) -> None:
        """Insert the pending events, in append order, with one statement."""
        if not self._pending:
            return
        rows, self._pending = self._pending, []
        if self._conn.dialect.name == "sqlite":
            # Straight on the driver (storage/direct.py), a statement costs less than
            # SQLAlchemy's multi-row INSERT costs per row.
            positions = [(await _INSERT_EVENT.rows(self._conn, row))[0].position for row in rows]
        else:
            await _TAKE_STREAM_LOCK.rows(self._conn, {})
            self.locked_at = time.perf_counter()
            if len(rows) == 1:
                inserted = await _INSERT_EVENT.rows(self._conn, rows[0])
            else:
                columns = {key: [row[key] for row in rows] for key in rows[0]}
                columns["payload"] = [orjson.dumps(p).decode() for p in columns["payload"]]
                inserted = await _INSERT_MANY_PG.rows(self._conn, columns)
            # Under the stream lock nobody else draws positions, so these rows took
            # ascending ones in the order given.
            positions = sorted(int(r.position) for r in inserted)
        self.appended.extend(
            Event(
                position=position,
                kind=row["kind"],
                contact_id=row["contact_id"],
                agent_id=row["agent_id"],
                for_visitor=row["for_visitor"],
                for_queue=row["for_queue"],
                # As a reader gets it from the database: JSON in, JSON out, and no later
                # change to the action's own dict can reach it.
                payload=orjson.loads(orjson.dumps(row["payload"])),
                created_at=row["created_at"],
            )
            for position, row in zip(positions, rows, strict=True)
        )


def _row_to_event(row: Any) -> Event:
    return Event(
        position=int(row.position),
        kind=row.kind,
        contact_id=row.contact_id,
        agent_id=row.agent_id,
        for_visitor=bool(row.for_visitor),
        for_queue=bool(row.for_queue),
        payload=row.payload,
        created_at=row.created_at,
    )


_HEAD = DirectStatement(select(func.max(events.c.position).label("head")))
"""Read on every connect (storage/direct.py)."""


async def head_position(conn: AsyncConnection) -> int:
    [row] = await _HEAD.rows(conn, {})
    return int(row.head or 0)


async def oldest_position(conn: AsyncConnection) -> int:
    value = await conn.scalar(select(func.min(events.c.position)))
    return int(value or 0)


async def read_after(
    conn: AsyncConnection,
    after: int,
    *,
    up_to: int | None = None,
    contact_id: int | None = None,
    limit: int = 1000,
) -> list[Event]:
    query = select(events).where(events.c.position > after)
    if up_to is not None:
        query = query.where(events.c.position <= up_to)
    if contact_id is not None:
        query = query.where(events.c.contact_id == contact_id)
    rows = await conn.execute(query.order_by(events.c.position).limit(limit))
    return [_row_to_event(r) for r in rows]

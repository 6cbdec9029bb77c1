"""Waiting for a busy agent in the reports: how many requests were queued, how they left
the queue (offered, ``queue_timeout``, turned away with ``queue_full``), and the time spent
queued apart from the time offered (``routing/busy_queue.py``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.routing.busy_queue import QUEUE_FULL, QUEUE_TIMEOUT
from sportello.storage.tables import contacts

QUEUED = case(
    (
        contacts.c.queued_at.is_not(None),
        func.coalesce(contacts.c.offered_at, contacts.c.assigned_at, contacts.c.closed_at)
        - contacts.c.queued_at,
    ),
    else_=None,
)
"""How long a contact waited in the queue (None: never queued, or queued still)."""

NO_QUEUE: dict[str, Any] = {
    "queued": 0,
    "queue_offered": 0,
    "queue_timeout": 0,
    "queue_full": 0,
    "queued_avg": None,
}


async def queue_figures(
    conn: AsyncConnection, group: Any, in_period: tuple[Any, ...]
) -> tuple[dict[Any, dict[str, Any]], dict[str, Any]]:
    """Per group and in total. Only contacts that met a queue are read (the partial sums
    below are over a filtered set), so a center that never queues pays one empty scan."""
    queued = contacts.c.queued_at.is_not(None)
    rows = await conn.execute(
        select(
            group,
            func.count().filter(queued),
            func.count().filter(contacts.c.offered_at.is_not(None)),
            func.count().filter(contacts.c.queue_exit == QUEUE_TIMEOUT),
            func.count().filter(contacts.c.queue_exit == QUEUE_FULL),
            func.sum(QUEUED),
            func.count(QUEUED),
        )
        .where(
            *in_period, (contacts.c.queued_at.is_not(None)) | (contacts.c.queue_exit.is_not(None))
        )
        .group_by(group)
    )
    groups: dict[Any, dict[str, Any]] = {}
    total = {**NO_QUEUE}
    sums: list[float] = [0.0, 0.0]
    for key, n, offered, timeout, full, seconds, timed in rows:
        groups[key] = {
            "queued": int(n),
            "queue_offered": int(offered),
            "queue_timeout": int(timeout),
            "queue_full": int(full),
            "queued_avg": float(seconds) / timed if timed else None,
        }
        for name in ("queued", "queue_offered", "queue_timeout", "queue_full"):
            total[name] += groups[key][name]
        sums[0] += float(seconds or 0)
        sums[1] += int(timed)
    total["queued_avg"] = sums[0] / sums[1] if sums[1] else None
    return groups, total

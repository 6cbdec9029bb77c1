"""Group commit: writes that arrive while a transaction is running share the next one.

Under load many chat messages arrive at once; one transaction each meant one BEGIN/COMMIT,
one lock hand-over and one stream wake-up each. The committer runs queued writes back to
back inside one transaction, in arrival order, and answers each caller separately. A
write that fails its own checks (a ``SportelloError`` raised before it changes anything)
fails alone; any other error rolls the whole group back and every caller gets it — their
retries are idempotent. With no load a write goes through at once, alone.

On PostgreSQL a group first locks the contacts its writes will lock, in id order: two
processes' groups, or a group and an action, then never wait for each other in a cycle
(a write locks its contact in arrival order, and that order differs between groups).
There a process also runs several committers side by side (:class:`GroupCommits`, one per
write turn), each for its share of the contacts: one contact's writes always go through
the same committer, so they commit in the order they arrived, while another contact's
group needs no wait for this one's round trips to the server.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.errors import SportelloError
from sportello.storage.tables import contacts
from sportello.stream.events import EventWriter

Work = Callable[[AsyncConnection, EventWriter], Awaitable[Any]]
GROUP_LIMIT = 64


class GroupCommitter:
    def __init__(self, transaction: Callable[[], Any]) -> None:
        self._transaction = transaction
        self._queue: list[tuple[Work, int | None, asyncio.Future[Any]]] = []
        self._running: asyncio.Task[None] | None = None

    async def run(self, work: Work, contact_id: int | None = None) -> Any:
        """Run ``work`` in the next group; ``contact_id`` names the contact row it locks."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._queue.append((work, contact_id, future))
        if self._running is None or self._running.done():
            self._running = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        while self._queue:
            group, self._queue = self._queue[:GROUP_LIMIT], self._queue[GROUP_LIMIT:]
            outcomes: list[tuple[asyncio.Future[Any], Any, BaseException | None]] = []
            try:
                async with self._transaction() as (conn, writer):
                    await _lock_in_order(conn, {c for _w, c, _f in group if c is not None})
                    for work, _contact, future in group:
                        try:
                            outcomes.append((future, await work(conn, writer), None))
                        except SportelloError as exc:
                            outcomes.append((future, None, exc))
            except BaseException as exc:  # the group rolled back: nobody's write stands
                for _work, _contact, future in group:
                    if not future.done():
                        future.set_exception(exc)
                if isinstance(exc, asyncio.CancelledError):
                    raise
                continue
            for future, result, error in outcomes:
                if future.done():
                    continue
                if error is not None:
                    future.set_exception(error)
                else:
                    future.set_result(result)


async def _lock_in_order(conn: AsyncConnection, contact_ids: set[int]) -> None:
    if len(contact_ids) > 1 and conn.dialect.name == "postgresql":
        await conn.execute(
            select(contacts.c.id)
            .where(contacts.c.id.in_(sorted(contact_ids)))
            .order_by(contacts.c.id)
            .with_for_update()
        )


class GroupCommits:
    """``shards`` committers; a write goes to its contact's (``contact_id % shards``)."""

    def __init__(self, transaction: Callable[[], Any], shards: int = 1) -> None:
        self._committers = [GroupCommitter(transaction) for _ in range(shards)]

    async def run(self, work: Work, contact_id: int | None = None) -> Any:
        """Run ``work`` in its contact's next group (a write with no contact: the first)."""
        shard = 0 if contact_id is None else contact_id % len(self._committers)
        return await self._committers[shard].run(work, contact_id)

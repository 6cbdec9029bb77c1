"""PostgreSQL: write transactions run side by side and serialise only on appending their
events, whose positions still reach readers in order, none skipped (stream/events.py).

Two contexts on one database stand for two server processes (each has its own in-process
write lock, as each process does)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from sportello.actions.context import Ctx
from sportello.config import Settings
from sportello.storage.database import Database
from sportello.storage.tables import agents
from sportello.stream.events import read_after
from tests.support.postgres import ThrowawayPostgres

WAIT = 30.0
"""Far beyond what a commit takes: reaching it means one transaction waited for another."""


@pytest.fixture
async def two_processes(postgres: ThrowawayPostgres) -> AsyncIterator[tuple[Ctx, Ctx]]:
    name = f"positions{os.getpid()}"
    postgres.psql(f"DROP DATABASE IF EXISTS {name}")
    postgres.psql(f"CREATE DATABASE {name}")
    url = postgres.url(name)
    settings = Settings(database_url=url, secret_key="positions")
    first, second = Database(url), Database(url)
    await first.create_all()
    yield Ctx(settings=settings, db=first), Ctx(settings=settings, db=second)
    await first.dispose()
    await second.dispose()


async def test_a_transaction_in_progress_holds_up_no_other_and_no_reader_skips_it(
    two_processes: tuple[Ctx, Ctx],
) -> None:
    slow_ctx, quick_ctx = two_processes
    appended, release = asyncio.Event(), asyncio.Event()

    async def slow() -> int:
        async with slow_ctx.transaction() as (conn, writer):
            await conn.execute(select(agents.c.id))
            await writer.append("test.slow", {"n": 1})
            appended.set()
            await release.wait()
        return writer.appended[0].position

    async def quick() -> int:
        async with quick_ctx.transaction() as (_conn, writer):
            await writer.append("test.quick", {"n": 2})
        return writer.appended[0].position

    slow_task = asyncio.create_task(slow())
    await asyncio.wait_for(appended.wait(), WAIT)
    quick_position = await asyncio.wait_for(quick(), WAIT)
    # A reader at the quick event's position: the slow one is not there yet, and is not lost.
    async with quick_ctx.db.read() as conn:
        assert [e.kind for e in await read_after(conn, 0)] == ["test.quick"]
    release.set()
    slow_position = await asyncio.wait_for(slow_task, WAIT)
    assert slow_position > quick_position  # drawn at its INSERT, after the quick commit
    async with quick_ctx.db.read() as conn:
        after_quick = await read_after(conn, quick_position)
    assert [(e.position, e.kind) for e in after_quick] == [(slow_position, "test.slow")]


async def test_concurrent_appends_from_two_processes_are_all_read_once_in_order(
    two_processes: tuple[Ctx, Ctx],
) -> None:
    """Many small transactions from both sides while a reader follows the stream the way a
    hub does (read after its position, up to the head it saw): it gets every event once."""
    first, second = two_processes
    per_side = 150

    async def write(ctx: Ctx, side: str) -> None:
        for n in range(per_side):
            async with ctx.transaction() as (_conn, writer):
                await writer.append("test.write", {"side": side, "n": n})

    seen: list[tuple[int, str, int]] = []
    writers = asyncio.gather(write(first, "a"), write(second, "b"))
    position = 0
    while not writers.done() or len(seen) < 2 * per_side:
        async with first.db.read() as conn:
            batch = await read_after(conn, position)
        for event in batch:
            seen.append((event.position, event.payload["side"], event.payload["n"]))
            position = event.position
        if not batch:
            await asyncio.sleep(0.001)
        if writers.done() and writers.exception() is not None:
            raise writers.exception()  # type: ignore[misc]
    await writers
    assert (
        first.figures.stream_lock.count == second.figures.stream_lock.count == per_side
    )  # for /metrics
    positions = [p for p, _side, _n in seen]
    assert positions == sorted(set(positions))
    for side in ("a", "b"):
        assert [n for _p, s, n in seen if s == side] == list(range(per_side))

"""Several contact rows are locked in id order by every transaction that locks more than
one (PostgreSQL): a group of chat messages locks its contacts that way, so a timer that
locked them in another order could wait on a group while the group waits on it. The
database then ends one of the two — once, a chat message answered 500 in the chaos test
(tests/scaleout/test_chaos.py) while transfers timed out."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from sportello.actions.transfers import do_transfer_timeout_due
from tests.conftest import World
from tests.support.storage import stored_contact

TIMEOUT = 60
LOCK = text("SELECT id FROM contacts WHERE id = :id FOR UPDATE")
LOCK_NOW = text("SELECT id FROM contacts WHERE id = :id FOR UPDATE NOWAIT")


WAITING_ON_A_LOCK = text(
    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
    "AND datname = current_database() AND pid != pg_backend_pid()"
)


async def _waiting_on_a_row_lock(conn: AsyncConnection) -> None:
    """Until another session of this database waits for a lock (the timeout's transaction:
    nothing else runs meanwhile)."""
    for _ in range(500):
        if await conn.scalar(WAITING_ON_A_LOCK):
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the timeout never waited for the locked contact")


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_transfers_time_out_in_id_order(world: World, database_url: str) -> None:
    ann = await world.agent("ann")
    await ann.open_console()
    bob = await world.agent("bob")
    await bob.open_console()
    ids = []
    for _ in range(3):
        visitor = world.visitor()
        await visitor.request(world.services["Sales"]["id"])
        assert (await ann.accept(visitor.contact_id)).status_code == 200
        ids.append(visitor.contact_id)
    # Asked highest id first, the transfers come due in the opposite of id order (and the
    # due ones are found through the index on the due time).
    for contact_id in sorted(ids, reverse=True):
        asked = await ann.post(
            f"/api/contacts/{contact_id}/transfer", {"agent_id": bob.agent["id"]}
        )
        assert asked.status_code == 201, asked.text
        world.app.clock.advance(1)
    low, high = min(ids), max(ids)
    engine = create_async_engine(database_url)
    try:
        world.app.clock.advance(TIMEOUT)
        async with engine.connect() as other:
            # Another transaction holds the lowest contact, as a group of messages would
            # while it goes on to lock the higher ones.
            await other.execute(LOCK, {"id": low})
            timeout = asyncio.create_task(do_transfer_timeout_due(world.app.ctx))
            async with engine.connect() as watch:
                await _waiting_on_a_row_lock(watch)
            try:
                await other.execute(LOCK_NOW, {"id": high})
            except DBAPIError as exc:
                raise AssertionError("the timeout locked a higher contact first") from exc
            finally:
                await other.rollback()
            await timeout
    finally:
        await engine.dispose()
    for contact_id in ids:
        assert (await stored_contact(world.app.ctx, contact_id)).state == "assigned"

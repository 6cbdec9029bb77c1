"""The chat's statements run straight on the driver (storage/direct.py: sqlite3, asyncpg)
read and write exactly what SQLAlchemy does — JSON, booleans, NULLs, values written into
the statement — inside the write's own transaction, and fail as SQLAlchemy would."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError

from sportello.storage.database import Database
from sportello.storage.direct import DirectStatement
from sportello.storage.tables import events

INSERT = DirectStatement(insert(events).returning(*events.c))
SELECT = DirectStatement(select(events).where(events.c.position == bindparam("at")))
BUMP = DirectStatement(
    update(events)
    .where(events.c.position == bindparam("at"))
    .values({events.c.agent_id: events.c.agent_id + 1})
)


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    await database.create_all()
    try:
        yield database
    finally:
        await database.dispose()


def row(**changes: object) -> dict[str, object]:
    return {
        "kind": "message.created",
        "contact_id": 7,
        "agent_id": 3,
        "for_visitor": True,
        "for_queue": False,
        "payload": {"message": {"text": "ciao ☕", "file": None, "n": [1, 2.5]}},
        "created_at": 12.5,
        **changes,
    }


async def test_a_row_written_directly_reads_the_same_through_sqlalchemy(db: Database) -> None:
    async with db.write() as conn:
        [written] = await INSERT.rows(conn, row())
        [null_payload] = await INSERT.rows(conn, row(payload=None, contact_id=None))
    async with db.read() as conn:
        stored = (await conn.execute(select(events).order_by(events.c.position))).all()
    assert [tuple(r) for r in stored] == [tuple(written), tuple(null_payload)]
    assert stored[0].payload == row()["payload"]
    assert (stored[0].for_visitor, stored[0].for_queue) == (True, False)
    assert stored[1].payload is None and stored[1].contact_id is None


async def test_a_row_written_through_sqlalchemy_reads_the_same_directly(db: Database) -> None:
    async with db.write() as conn:
        position = (await conn.execute(insert(events).returning(events.c.position), row())).scalar()
    async with db.write() as conn:
        await BUMP.rows(conn, {"at": position})
        [read] = await SELECT.rows(conn, {"at": position})
    assert read.payload == row()["payload"]
    assert read.for_visitor is True and read.for_queue is False
    assert read.agent_id == 4, "the statement's own `+ 1` was sent with it"
    async with db.write() as conn:
        assert await SELECT.rows(conn, {"at": position + 100}) == []


async def test_a_missing_parameter_is_an_error_not_a_null(db: Database) -> None:
    with pytest.raises(SQLAlchemyError):
        async with db.write() as conn:
            await BUMP.rows(conn, {})


class _Undone(Exception):
    pass


async def test_a_first_statement_is_inside_the_transaction(db: Database) -> None:
    with pytest.raises(_Undone):
        async with db.write() as conn:
            await INSERT.rows(conn, row())  # the transaction's first statement
            raise _Undone
    async with db.read() as conn:
        assert (await conn.execute(select(events))).all() == []


async def test_a_driver_error_is_raised_as_sqlalchemy_raises_it(db: Database) -> None:
    async with db.write() as conn:
        [written] = await INSERT.rows(conn, row())
    with pytest.raises(IntegrityError) as refused:
        async with db.write() as conn:
            await INSERT.rows(conn, row(position=written.position))
    assert isinstance(refused.value, DBAPIError)
    if db.url.startswith("postgresql"):
        assert refused.value.orig.sqlstate == "23505"  # type: ignore[union-attr]

"""Engine setup and the two ways in: a write transaction and a read snapshot.

SQLite: WAL, busy_timeout, foreign keys; writes open with ``BEGIN IMMEDIATE`` so the
write lock is taken up front (no deadlock-prone lock upgrades), and an in-process lock
keeps this process's writers from spinning on ``busy_timeout``.
PostgreSQL: a write transaction's events go in last, under the stream lock its commit
releases (stream/events.py), so positions become visible in commit order. Writers of one
process take turns in both cases (storage/write_turns.py: work in progress before new
arrivals) — one at a time on SQLite, ``writers`` at a time on PostgreSQL, so that one
transaction's round trips to the server overlap another's: waiting for a turn is cheap,
while writers blocked inside PostgreSQL each hold a pooled connection, and under overload
an unbounded number of them ran the pool dry (bench intake at 100/s on PostgreSQL: 2.1
contacts/s served before the turns).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import orjson
from sqlalchemy import event, make_url
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from .sqlite_inline import InlineConnection, inline_creator
from .tables import metadata
from .write_turns import Lane, WriteTurns

READ_ONLY = "sportello_read_only"


class Database:
    def __init__(self, url: str, *, echo: bool = False, writers: int = 1) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        kwargs: dict[str, Any] = {
            "echo": echo,
            "json_serializer": _json_dumps,
            "json_deserializer": orjson.loads,
        }
        if self.is_sqlite:
            kwargs["async_creator"] = inline_creator(sqlite_path(url), timeout=30)
        else:
            kwargs.update(pool_size=10, max_overflow=20, pool_pre_ping=True)
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        self.writers = 1 if self.is_sqlite else writers
        self.turns = WriteTurns(capacity=self.writers)
        self._writer: AsyncConnection | None = None
        if self.is_sqlite:
            _configure_sqlite(self.engine)

    @asynccontextmanager
    async def write(self, lane: Lane = Lane.ONGOING) -> AsyncIterator[AsyncConnection]:
        """One write transaction: committed on success, rolled back on any exception."""
        async with self.turns.turn(lane):
            if not self.is_sqlite:
                async with self.engine.begin() as conn:
                    yield conn
                return
            # SQLite has one writer: this process keeps its connection instead of taking
            # one from the pool and resetting it for every transaction (the chat's commits).
            if self._writer is None or self._writer.closed or self._writer.invalidated:
                self._writer = await self.engine.connect()
            async with self._writer.begin():
                yield self._writer

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        """A consistent read snapshot (one transaction), never taking the write lock."""
        async with self.engine.connect() as conn:
            conn = await conn.execution_options(**{READ_ONLY: True})
            async with conn.begin():
                yield conn

    async def create_all(self) -> None:
        """Create tables directly (tests); production uses Alembic migrations."""
        async with self.engine.begin() as conn:
            await conn.run_sync(metadata.create_all)

    async def dispose(self) -> None:
        if self._writer is not None:
            await self._writer.close()
            self._writer = None
        await self.engine.dispose()


def _json_dumps(value: Any) -> str:
    """JSON columns through orjson: the stdlib encoder showed in the chat profile."""
    return orjson.dumps(value).decode()


def sqlite_path(url: str) -> str:
    """The file of a ``sqlite+aiosqlite:///path`` URL."""
    return make_url(url).database or ":memory:"


def _configure_sqlite(engine: AsyncEngine) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # isolation_level is None already (storage/sqlite_inline.py): we issue BEGIN ourselves.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Straight on the driver: a BEGIN through exec_driver_sql cost as much as the
        # chat message's own statements (storage/direct.py).
        driver = conn.connection.driver_connection
        assert isinstance(driver, InlineConnection)
        driver.sqlite.execute(
            "BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE"
        )

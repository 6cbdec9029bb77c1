"""SQLite on the event loop's own thread.

aiosqlite runs every statement on a worker thread and wakes the event loop for each
result; for SQLite in WAL mode a statement takes microseconds, so the two thread hops per
statement cost far more than the work (measured with bench/: the hop dominated the chat and
intake profiles). This subclass keeps aiosqlite's interface, which SQLAlchemy's aiosqlite
dialect speaks, but runs each call directly. It is safe because this process's writers
queue on an asyncio lock (storage/database.py) instead of waiting inside SQLite, and WAL
readers never wait for writers.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Generator
from typing import Any

import aiosqlite


class InlineConnection(aiosqlite.Connection):
    def __init__(self, connector: Callable[[], sqlite3.Connection]) -> None:
        super().__init__(connector, iter_chunk_size=64)

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or self._connection is None:
            raise ValueError("Connection closed")
        return fn(*args, **kwargs)

    async def _connect(self) -> InlineConnection:
        if self._connection is None:
            self._connection = self._connector()
        return self

    def __await__(self) -> Generator[Any, None, InlineConnection]:
        return self._connect().__await__()

    @property
    def sqlite(self) -> sqlite3.Connection:
        """The driver's own connection (storage/direct.py runs the chat's statements on it)."""
        if self._connection is None:
            raise ValueError("Connection closed")
        return self._connection

    def stop(self) -> None:
        self._running = False
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    async def close(self) -> None:
        self.stop()


def inline_creator(path: str, timeout: float) -> Callable[[], Awaitable[InlineConnection]]:
    """An ``async_creator`` for create_async_engine: one inline connection per call."""

    def connector() -> sqlite3.Connection:
        return sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=False)

    async def create() -> InlineConnection:
        return await InlineConnection(connector)

    return create

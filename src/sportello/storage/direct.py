"""The chat's hot statements run straight on SQLite's driver connection.

Measured on this machine (2026-12-07): a chat message's transaction — the contact check,
the message, its counters and its event — costs about 125 µs on the ``sqlite3`` module and
about 1 ms through SQLAlchemy's async layer, which for each statement builds an execution
context and a result proxy and switches greenlets twice around a call SQLite answers in
10 to 20 µs (SQLite runs inline on the event loop: storage/sqlite_inline.py). So the few
statements on that path are still written once, as SQLAlchemy Core, but on SQLite each is
compiled once and run on the same driver connection, inside the same transaction as the
rest of the write; JSON and boolean values are converted as SQLAlchemy's own types would.
On PostgreSQL they go through SQLAlchemy as everything else does.
"""

from __future__ import annotations

import sqlite3
from collections import namedtuple
from collections.abc import Callable, Sequence
from typing import Any

import orjson
from sqlalchemy import JSON, Boolean
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.expression import Executable

from sportello.storage.sqlite_inline import InlineConnection

_DIALECT = sqlite.dialect()

Convert = Callable[[Any], Any]


def _to_json(value: Any) -> str:
    return orjson.dumps(value).decode()


def _from_json(value: Any) -> Any:
    return None if value is None else orjson.loads(value)


def _from_boolean(value: Any) -> Any:
    return None if value is None else bool(value)


def _bind_convert(type_: Any) -> tuple[Convert | None, bool]:
    """How a value goes in, and whether None goes in converted too: JSON's None is the JSON
    ``null`` unless the column says ``none_as_null``, as SQLAlchemy writes it."""
    if isinstance(type_, JSON):
        return _to_json, not type_.none_as_null
    if isinstance(type_, Boolean):
        return int, False
    return None, False


class _Compiled:
    """One statement compiled for SQLite, for one set of parameter names."""

    def __init__(self, statement: Any, keys: Sequence[str]) -> None:
        compiled = statement.compile(dialect=_DIALECT, column_keys=list(keys))
        self.sql: str = compiled.string
        self.names: list[str] = list(compiled.positiontup or [])
        self.literals = {
            name: bind.value
            for name, bind in compiled.binds.items()
            if name not in keys and not bind.required
        }
        """Values written into the statement itself (``counter + 1``)."""
        self.binds = [_bind_convert(compiled.binds[name].type) for name in self.names]
        columns = list(getattr(statement, "exported_columns", None) or [])
        self.row: Any = namedtuple("Row", [column.key for column in columns])  # type: ignore[misc]
        self.results: list[Convert | None] = [
            _from_json
            if isinstance(column.type, JSON)
            else _from_boolean
            if isinstance(column.type, Boolean)
            else None
            for column in columns
        ]
        self.converts_results = any(self.results)

    def run(self, db: sqlite3.Connection, params: dict[str, Any]) -> list[Any]:
        values = []
        for name, (convert, with_none) in zip(self.names, self.binds, strict=True):
            if name in params:
                value = params[name]
            elif name in self.literals:
                value = self.literals[name]
            else:  # as SQLAlchemy says it
                raise InvalidRequestError(f"A value is required for bind parameter {name!r}")
            converts = convert is not None and (value is not None or with_none)
            values.append(convert(value) if convert is not None and converts else value)
        fetched = db.execute(self.sql, values).fetchall()
        if not self.converts_results:
            return [self.row._make(raw) for raw in fetched]
        return [
            self.row._make(
                value if convert is None else convert(value)
                for value, convert in zip(raw, self.results, strict=True)
            )
            for raw in fetched
        ]


class DirectStatement:
    """A Core statement on the hot path: ``await statement.rows(conn, params)``."""

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._compiled: dict[tuple[str, ...], _Compiled] = {}

    async def rows(self, conn: AsyncConnection, params: dict[str, Any]) -> list[Any]:
        """The rows it returns (a SELECT's, or RETURNING's; none otherwise)."""
        driver = _sqlite_driver(conn)
        if driver is None:
            result = await conn.execute(self.statement, params)
            return list(result.all()) if result.returns_rows else []
        keys = tuple(params)
        compiled = self._compiled.get(keys)
        if compiled is None:
            compiled = self._compiled[keys] = _Compiled(self.statement, keys)
        return compiled.run(driver, params)


def _sqlite_driver(conn: AsyncConnection) -> sqlite3.Connection | None:
    """The sqlite3 connection under ``conn`` (inside its transaction), or None elsewhere."""
    if conn.dialect.name != "sqlite":
        return None
    driver = conn.sync_connection.connection.driver_connection  # type: ignore[union-attr]
    return driver.sqlite if isinstance(driver, InlineConnection) else None

"""The chat's hot statements run straight on the database driver's connection.

Measured on this machine (2026-12-07): a chat message's transaction — the contact check,
the message, its counters and its event — costs about 125 µs on the ``sqlite3`` module and
about 1 ms through SQLAlchemy's async layer, which for each statement builds an execution
context and a result proxy and switches greenlets twice around a call SQLite answers in
10 to 20 µs (SQLite runs inline on the event loop: storage/sqlite_inline.py). So the few
statements on that path are still written once, as SQLAlchemy Core, but each is compiled
once per dialect and run on the same driver connection, inside the same transaction as
the rest of the write.

On SQLite, JSON and boolean values are converted as SQLAlchemy's own types would. On
PostgreSQL the statement goes to asyncpg (its prepared-statement cache keeps it parsed),
with the dialect's own bind processors (its codecs decode what comes back); the
transaction SQLAlchemy opened is begun first if no statement has begun it yet, under the
adapter's own lock, and a driver error is raised as SQLAlchemy would raise it
(``DBAPIError`` with the ``sqlstate``). This leans on the adapter's private attributes
(``_execute_mutex``, ``_transaction``, ``_connection``): tests/api/test_direct_statements.py
fails on both engines if a SQLAlchemy upgrade moves them.
"""

from __future__ import annotations

import sqlite3
from collections import namedtuple
from collections.abc import Callable, Sequence
from typing import Any

import orjson
from sqlalchemy import JSON, Boolean
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, InvalidRequestError
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


class _CompiledFor:
    """One statement compiled for a dialect, for one set of parameter names."""

    def __init__(self, statement: Any, keys: Sequence[str], dialect: Dialect) -> None:
        self.compiled = statement.compile(dialect=dialect, column_keys=list(keys))
        self.sql: str = self.compiled.string
        self.names: list[str] = list(self.compiled.positiontup or [])
        self.literals = {
            name: bind.value
            for name, bind in self.compiled.binds.items()
            if name not in keys and not bind.required
        }
        """Values written into the statement itself (``counter + 1``)."""
        self.columns = list(getattr(statement, "exported_columns", None) or [])
        self.row: Any = namedtuple("Row", [c.key for c in self.columns])  # type: ignore[misc]

    def value(self, name: str, params: dict[str, Any]) -> Any:
        if name in params:
            return params[name]
        if name in self.literals:
            return self.literals[name]
        # as SQLAlchemy says it
        raise InvalidRequestError(f"A value is required for bind parameter {name!r}")


class _Compiled(_CompiledFor):
    """One statement compiled for SQLite (``sqlite3``)."""

    def __init__(self, statement: Any, keys: Sequence[str]) -> None:
        super().__init__(statement, keys, _DIALECT)
        compiled, columns = self.compiled, self.columns
        self.binds = [_bind_convert(compiled.binds[name].type) for name in self.names]
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
            value = self.value(name, params)
            converts = convert is not None and (value is not None or with_none)
            values.append(convert(value) if convert is not None and converts else value)
        try:
            fetched = db.execute(self.sql, values).fetchall()
        except sqlite3.Error as error:
            raise DBAPIError.instance(self.sql, values, error, sqlite3.Error) from error
        if not self.converts_results:
            return [self.row._make(raw) for raw in fetched]
        return [
            self.row._make(
                value if convert is None else convert(value)
                for value, convert in zip(raw, self.results, strict=True)
            )
            for raw in fetched
        ]


class _CompiledPg(_CompiledFor):
    """One statement compiled for PostgreSQL (asyncpg). Its rows need no conversion:
    asyncpg returns these tables' values as SQLAlchemy would (its codecs decode JSON, as
    the dialect registers them; floats, integers and booleans are native)."""

    def __init__(self, statement: Any, keys: Sequence[str], dialect: Dialect) -> None:
        super().__init__(statement, keys, dialect)
        binds = self.compiled.binds
        self.binds = [binds[name].type._cached_bind_processor(dialect) for name in self.names]

    async def run(self, adapted: Any, params: dict[str, Any]) -> list[Any]:
        values = []
        for name, convert in zip(self.names, self.binds, strict=True):
            value = self.value(name, params)
            values.append(value if convert is None else convert(value))
        async with adapted._execute_mutex:
            if adapted._transaction is None:
                await adapted._start_transaction()
            try:
                fetched = await adapted._connection.fetch(self.sql, *values)
            except Exception as error:
                _raise_as_sqlalchemy(adapted, error, self.sql, values)
        if not self.row._fields:  # a textual statement without declared columns
            return list(fetched)
        return [self.row._make(raw) for raw in fetched]


def _raise_as_sqlalchemy(adapted: Any, error: Exception, sql: str, values: list[Any]) -> None:
    try:
        adapted._handle_exception(error)  # the DB-API error (with its sqlstate) it stands for
    except Exception as translated:
        raise DBAPIError.instance(sql, values, translated, Exception) from error
    raise error


class DirectStatement:
    """A Core statement on the hot path: ``await statement.rows(conn, params)``."""

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._compiled: dict[tuple[str, ...], _Compiled] = {}
        self._compiled_pg: dict[tuple[str, ...], _CompiledPg] = {}

    async def rows(self, conn: AsyncConnection, params: dict[str, Any]) -> list[Any]:
        """The rows it returns (a SELECT's, or RETURNING's; none otherwise)."""
        keys = tuple(params)
        if conn.dialect.name == "postgresql":
            compiled_pg = self._compiled_pg.get(keys)
            if compiled_pg is None:
                compiled_pg = _CompiledPg(self.statement, keys, conn.dialect)
                self._compiled_pg[keys] = compiled_pg
            return await compiled_pg.run(_asyncpg_adapter(conn), params)
        driver = _sqlite_driver(conn)
        if driver is None:
            result = await conn.execute(self.statement, params)
            return list(result.all()) if result.returns_rows else []
        compiled = self._compiled.get(keys)
        if compiled is None:
            compiled = self._compiled[keys] = _Compiled(self.statement, keys)
        return compiled.run(driver, params)


def _asyncpg_adapter(conn: AsyncConnection) -> Any:
    """SQLAlchemy's adapter around the asyncpg connection under ``conn``."""
    return conn.sync_connection.connection.dbapi_connection  # type: ignore[union-attr]


def _sqlite_driver(conn: AsyncConnection) -> sqlite3.Connection | None:
    """The sqlite3 connection under ``conn`` (inside its transaction), or None elsewhere."""
    if conn.dialect.name != "sqlite":
        return None
    driver = conn.sync_connection.connection.driver_connection  # type: ignore[union-attr]
    return driver.sqlite if isinstance(driver, InlineConnection) else None

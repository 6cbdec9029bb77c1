"""The Alembic migrations build exactly the schema the code declares, on both engines."""

from __future__ import annotations

import asyncio
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from sportello.storage.migrate import upgrade
from sportello.storage.tables import is_search_index, metadata


async def test_migrations_match_the_tables(database_url: str) -> None:
    await asyncio.to_thread(upgrade, database_url)
    await asyncio.to_thread(upgrade, database_url)  # idempotent: a second run is a no-op
    engine = create_async_engine(database_url)

    def diff(sync_conn: Any) -> list[Any]:
        context = MigrationContext.configure(
            sync_conn,
            opts={
                "compare_type": False,
                "include_name": lambda name, type_, _parent: not is_search_index(name),
            },
        )
        return list(compare_metadata(context, metadata))

    async with engine.connect() as conn:
        differences = await conn.run_sync(diff)
    await engine.dispose()
    assert differences == []

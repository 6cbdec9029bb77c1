"""Tags as the admin pages show them: with what uses each."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.storage.tables import agents, services, tags, transfer_groups


async def all_tags(conn: AsyncConnection) -> list[dict[str, Any]]:
    counts: dict[str, dict[str, int]] = {}
    for kind, table in (
        ("services", services),
        ("agents", agents),
        ("transfer_groups", transfer_groups),
    ):
        for tag_list in (await conn.execute(select(table.c.tags))).scalars():
            for name in tag_list or []:
                used = counts.setdefault(name, {})
                used[kind] = used.get(kind, 0) + 1
    rows = await conn.execute(select(tags).order_by(tags.c.name))
    empty = {"services": 0, "agents": 0, "transfer_groups": 0}
    return [
        {
            "name": row.name,
            "description": row.description,
            "used_by": {**empty, **counts.get(row.name, {})},
        }
        for row in rows
    ]

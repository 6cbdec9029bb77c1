"""Transfer groups as the admin API shows them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.storage.tables import transfer_groups


def group_view(row: Any) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "tags": list(row["tags"]),
        "match_all": bool(row["match_all"]),
        "priority": row["priority"],
    }


async def all_transfer_groups(conn: AsyncConnection) -> list[dict[str, Any]]:
    rows = await conn.execute(select(transfer_groups).order_by(transfer_groups.c.name))
    return [group_view(row._mapping) for row in rows]

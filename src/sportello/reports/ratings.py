"""Visitors' ratings in the reports: per contact (list, details, CSV) and per group
(overview: how many, and their average)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.storage.tables import contact_ratings, contacts


async def ratings_of(conn: AsyncConnection, ids: list[int]) -> dict[int, dict[str, Any]]:
    """The rating of each of these contacts that has one."""
    if not ids:
        return {}
    rows = await conn.execute(select(contact_ratings).where(contact_ratings.c.contact_id.in_(ids)))
    return {
        row.contact_id: {"score": row.score, "comment": row.comment, "rated_at": row.rated_at}
        for row in rows
    }


async def rating_figures(
    conn: AsyncConnection, group: Any, in_period: Iterable[ColumnElement[bool]]
) -> tuple[dict[Any, dict[str, Any]], dict[str, Any]]:
    """(per group key, overall): the number of rated contacts and their average score."""
    joined = contacts.join(contact_ratings, contact_ratings.c.contact_id == contacts.c.id)
    where = list(in_period)
    per_group = {
        key: _figures(count, total)
        for key, count, total in await conn.execute(
            select(group, func.count(), func.sum(contact_ratings.c.score))
            .select_from(joined)
            .where(*where)
            .group_by(group)
        )
    }
    count, total = (
        await conn.execute(
            select(func.count(), func.sum(contact_ratings.c.score))
            .select_from(joined)
            .where(*where)
        )
    ).one()
    return per_group, _figures(count, total)


def _figures(count: int, total: int | None) -> dict[str, Any]:
    return {
        "rating_count": int(count),
        "rating_avg": round(int(total) / count, 2) if count and total is not None else None,
    }


NO_RATINGS = {"rating_count": 0, "rating_avg": None}

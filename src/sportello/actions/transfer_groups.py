"""Admin actions on transfer groups (name, tags, any-of or all-of, priority)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from sportello.actions.admin import ensure_tags
from sportello.actions.context import Ctx
from sportello.errors import DuplicateError, NotFoundError, ValidationFailedError
from sportello.queries.transfer_groups import group_view
from sportello.storage.tables import transfer_groups


def _values(name: str, tags_: list[str], match_all: bool, priority: int) -> dict[str, Any]:
    if not 1 <= priority <= 30:
        raise ValidationFailedError("priority must be between 1 (highest) and 30")
    return {"name": name, "tags": sorted(set(tags_)), "match_all": match_all, "priority": priority}


async def do_create_transfer_group(
    ctx: Ctx, *, name: str, tags_: list[str], match_all: bool = False, priority: int = 15
) -> dict[str, Any]:
    values = _values(name, tags_, match_all, priority)
    try:
        async with ctx.transaction() as (conn, _writer):
            await ensure_tags(conn, values["tags"])
            result = await conn.execute(
                transfer_groups.insert().values(**values).returning(transfer_groups.c.id)
            )
            values["id"] = int(result.scalar_one())
    except IntegrityError as exc:
        raise DuplicateError(f"a transfer group named {name!r} exists already") from exc
    return group_view(values)


async def do_update_transfer_group(
    ctx: Ctx,
    group_id: int,
    *,
    name: str,
    tags_: list[str],
    match_all: bool = False,
    priority: int = 15,
) -> dict[str, Any]:
    values = _values(name, tags_, match_all, priority)
    try:
        async with ctx.transaction() as (conn, _writer):
            await ensure_tags(conn, values["tags"])
            result = await conn.execute(
                update(transfer_groups).where(transfer_groups.c.id == group_id).values(**values)
            )
            if result.rowcount != 1:
                raise NotFoundError(f"transfer group {group_id} does not exist", group_id=group_id)
    except IntegrityError as exc:
        raise DuplicateError(f"a transfer group named {name!r} exists already") from exc
    ctx.reroute_soon()
    return group_view({**values, "id": group_id})


async def do_delete_transfer_group(ctx: Ctx, group_id: int) -> None:
    """Past legs keep the group's name; a pending one to it finds nobody and times out."""
    async with ctx.transaction() as (conn, _writer):
        found = await conn.scalar(
            select(transfer_groups.c.id).where(transfer_groups.c.id == group_id)
        )
        if found is None:
            raise NotFoundError(f"transfer group {group_id} does not exist", group_id=group_id)
        await conn.execute(delete(transfer_groups).where(transfer_groups.c.id == group_id))
    ctx.reroute_soon()

"""Admin actions on transfer groups (name, tags, any-of or all-of, priority), audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from sportello.actions.audit import record_change
from sportello.actions.context import Ctx
from sportello.actions.tags import check_tag_names, ensure_tags
from sportello.domain.principals import AgentPrincipal
from sportello.errors import DuplicateError, NotFoundError, field_error
from sportello.queries.transfer_groups import group_view
from sportello.storage.tables import transfer_groups


def _values(name: str, tags_: list[str], match_all: bool, priority: int) -> dict[str, Any]:
    if not name.strip():
        raise field_error("name", "a transfer group needs a name")
    if not 1 <= priority <= 30:
        raise field_error("priority", "between 1 (highest) and 30")
    return {
        "name": name,
        "tags": check_tag_names(tags_),
        "match_all": match_all,
        "priority": priority,
    }


def _duplicate(name: str) -> DuplicateError:
    return DuplicateError(
        f"a transfer group named {name!r} exists already",
        problems=[
            {
                "field": "name",
                "code": "duplicate",
                "message": "another transfer group has this name",
            }
        ],
    )


async def do_create_transfer_group(
    ctx: Ctx,
    *,
    name: str,
    tags_: list[str],
    match_all: bool = False,
    priority: int = 15,
    actor: AgentPrincipal | None = None,
) -> dict[str, Any]:
    values = _values(name, tags_, match_all, priority)
    try:
        async with ctx.transaction() as (conn, _writer):
            await ensure_tags(conn, values["tags"])
            result = await conn.execute(
                transfer_groups.insert().values(**values).returning(transfer_groups.c.id)
            )
            values["id"] = int(result.scalar_one())
            await record_change(
                conn,
                actor=actor,
                at=ctx.clock.now(),
                action="transfer_group.created",
                target_kind="transfer_group",
                target_id=values["id"],
                target_name=name,
                before=None,
                after=group_view(values),
            )
    except IntegrityError as exc:
        raise _duplicate(name) from exc
    return group_view(values)


async def do_update_transfer_group(
    ctx: Ctx,
    group_id: int,
    *,
    name: str,
    tags_: list[str],
    match_all: bool = False,
    priority: int = 15,
    actor: AgentPrincipal | None = None,
) -> dict[str, Any]:
    values = _values(name, tags_, match_all, priority)
    try:
        async with ctx.transaction() as (conn, _writer):
            row = (
                await conn.execute(select(transfer_groups).where(transfer_groups.c.id == group_id))
            ).first()
            if row is None:
                raise NotFoundError(f"transfer group {group_id} does not exist", group_id=group_id)
            await ensure_tags(conn, values["tags"])
            result = await conn.execute(
                update(transfer_groups).where(transfer_groups.c.id == group_id).values(**values)
            )
            if result.rowcount != 1:
                raise NotFoundError(f"transfer group {group_id} does not exist", group_id=group_id)
            await record_change(
                conn,
                actor=actor,
                at=ctx.clock.now(),
                action="transfer_group.changed",
                target_kind="transfer_group",
                target_id=group_id,
                target_name=name,
                before=group_view(row._mapping),
                after=group_view({**values, "id": group_id}),
            )
    except IntegrityError as exc:
        raise _duplicate(name) from exc
    ctx.reroute_soon()
    return group_view({**values, "id": group_id})


async def do_delete_transfer_group(
    ctx: Ctx, group_id: int, *, actor: AgentPrincipal | None = None
) -> None:
    """Past legs keep the group's name; a pending one to it finds nobody and times out."""
    async with ctx.transaction() as (conn, _writer):
        row = (
            await conn.execute(select(transfer_groups).where(transfer_groups.c.id == group_id))
        ).first()
        if row is None:
            raise NotFoundError(f"transfer group {group_id} does not exist", group_id=group_id)
        await conn.execute(delete(transfer_groups).where(transfer_groups.c.id == group_id))
        await record_change(
            conn,
            actor=actor,
            at=ctx.clock.now(),
            action="transfer_group.deleted",
            target_kind="transfer_group",
            target_id=group_id,
            target_name=row.name,
            before=group_view(row._mapping),
            after=None,
        )
    ctx.reroute_soon()

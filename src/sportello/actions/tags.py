"""Admin actions on tags: the skills that match services (and transfer groups) to agents."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.actions.audit import record_change
from sportello.actions.context import Ctx
from sportello.domain.principals import AgentPrincipal
from sportello.errors import DuplicateError, NotFoundError, TagInUseError, field_error
from sportello.storage.tables import agents, services, tags, transfer_groups

TAG_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
"""Letters, digits, ``_ . -``: a tag is also a path segment (``/api/admin/tags/{name}``)."""


def check_tag_names(names: list[str], field: str = "tags") -> list[str]:
    for name in names:
        if not TAG_NAME.match(name):
            raise field_error(field, f"{name!r} is not a tag name (letters, digits, _ . -)")
    return sorted(set(names))


async def ensure_tags(conn: AsyncConnection, names: list[str]) -> None:
    existing = set((await conn.execute(select(tags.c.name))).scalars())
    for name in names:
        if name not in existing:
            await conn.execute(tags.insert().values(name=name))
            existing.add(name)


async def tag_users(conn: AsyncConnection, name: str) -> dict[str, list[str]]:
    """The services, agents and transfer groups holding a tag, by name."""
    found: dict[str, list[str]] = {}
    for kind, table, label in (
        ("services", services, services.c.name),
        ("agents", agents, agents.c.login),
        ("transfer_groups", transfer_groups, transfer_groups.c.name),
    ):
        rows = await conn.execute(select(label, table.c.tags))
        found[kind] = sorted(row[0] for row in rows if name in (row[1] or []))
    return found


async def do_create_tag(
    ctx: Ctx, *, name: str, description: str = "", actor: AgentPrincipal | None = None
) -> dict[str, Any]:
    check_tag_names([name], "name")
    async with ctx.transaction() as (conn, _writer):
        if await conn.scalar(select(tags.c.name).where(tags.c.name == name)) is not None:
            raise DuplicateError(
                f"the tag {name!r} exists already",
                problems=[{"field": "name", "code": "duplicate", "message": "exists already"}],
            )
        await conn.execute(tags.insert().values(name=name, description=description))
        view = {"name": name, "description": description}
        await record_change(
            conn,
            actor=actor,
            at=ctx.clock.now(),
            action="tag.created",
            target_kind="tag",
            target_id=name,
            target_name=name,
            before=None,
            after=view,
        )
    return view


async def do_update_tag(
    ctx: Ctx, name: str, *, description: str, actor: AgentPrincipal | None = None
) -> dict[str, Any]:
    async with ctx.transaction() as (conn, _writer):
        before = await conn.scalar(select(tags.c.description).where(tags.c.name == name))
        if before is None:
            raise NotFoundError(f"tag {name!r} does not exist", tag=name)
        await conn.execute(update(tags).where(tags.c.name == name).values(description=description))
        await record_change(
            conn,
            actor=actor,
            at=ctx.clock.now(),
            action="tag.changed",
            target_kind="tag",
            target_id=name,
            target_name=name,
            before={"description": before},
            after={"description": description},
        )
    return {"name": name, "description": description}


async def do_delete_tag(ctx: Ctx, name: str, *, actor: AgentPrincipal | None = None) -> None:
    """Only an unused tag: removing one that routes would silently change who takes what."""
    async with ctx.transaction() as (conn, _writer):
        description = await conn.scalar(select(tags.c.description).where(tags.c.name == name))
        if description is None:
            raise NotFoundError(f"tag {name!r} does not exist", tag=name)
        users = await tag_users(conn, name)
        if any(users.values()):
            raise TagInUseError(f"the tag {name!r} is still in use", **users)
        await conn.execute(delete(tags).where(tags.c.name == name))
        await record_change(
            conn,
            actor=actor,
            at=ctx.clock.now(),
            action="tag.deleted",
            target_kind="tag",
            target_id=name,
            target_name=name,
            before={"name": name, "description": description},
            after=None,
        )

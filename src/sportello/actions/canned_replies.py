"""Canned replies: a service's (admins manage them, audited) and each agent's own, and the
record of each one sent (written with the message, counted in reports)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.actions.audit import record_change
from sportello.actions.context import Ctx
from sportello.domain.canned import PLACEHOLDERS, SHORTCUT, unknown_placeholders
from sportello.domain.origins import origin_of
from sportello.domain.principals import AgentPrincipal
from sportello.errors import (
    DuplicateError,
    NotFoundError,
    UnknownPlaceholderError,
    field_error,
)
from sportello.queries.canned_replies import reply_view
from sportello.storage.tables import canned_replies, canned_reply_uses, services

EDITABLE = ("shortcut", "title", "text", "link_url")


def checked_reply(values: dict[str, Any], max_chars: int) -> dict[str, Any]:
    """The reply as stored, or ``invalid_input`` / ``unknown_placeholder``."""
    values = {k: values[k] for k in EDITABLE}
    if not SHORTCUT.match(values["shortcut"]):
        raise field_error("shortcut", "1 to 32 lower-case letters, digits, _ or -")
    values["title"] = values["title"].strip()
    if not values["title"] or len(values["title"]) > 120:
        raise field_error("title", "a title of 1 to 120 characters")
    if not values["text"].strip() or len(values["text"]) > max_chars:
        raise field_error("text", f"a text of 1 to {max_chars} characters")
    unknown = unknown_placeholders(values["text"])
    if unknown:
        raise UnknownPlaceholderError(
            f"text: {{{unknown[0]}}} is not a placeholder",
            placeholders=unknown,
            known=list(PLACEHOLDERS),
        )
    if values["link_url"] and origin_of(values["link_url"]) is None:
        raise field_error("link_url", "an http(s) address, or empty")
    return values


def _duplicate(shortcut: str) -> DuplicateError:
    return DuplicateError(
        f"the shortcut /{shortcut} is taken",
        problems=[{"field": "shortcut", "code": "duplicate", "message": "already used here"}],
    )


async def do_create_canned_reply(
    ctx: Ctx,
    actor: AgentPrincipal,
    *,
    service_id: int | None,
    values: dict[str, Any],
) -> dict[str, Any]:
    """A service's reply when ``service_id`` is given (the caller checked the actor is an
    admin), else the actor's own."""
    checked = checked_reply(values, ctx.settings.max_message_chars)
    owner = {"service_id": service_id, "agent_id": None if service_id else actor.id}
    try:
        async with ctx.transaction() as (conn, _writer):
            if service_id is not None:
                name = await conn.scalar(select(services.c.name).where(services.c.id == service_id))
                if name is None:
                    raise field_error("service_id", f"service {service_id} does not exist")
            reply_id = int(
                (
                    await conn.execute(
                        canned_replies.insert()
                        .values(**owner, **checked)
                        .returning(canned_replies.c.id)
                    )
                ).scalar_one()
            )
            if service_id is not None:
                await audit_reply(ctx, conn, actor, "canned_reply.created", reply_id, None, checked)
    except IntegrityError as exc:
        raise _duplicate(checked["shortcut"]) from exc
    return {"id": reply_id, **owner, **checked}


async def do_update_canned_reply(
    ctx: Ctx, actor: AgentPrincipal, reply_id: int, changes: dict[str, Any], *, personal: bool
) -> dict[str, Any]:
    """Only the fields given change; ``personal`` picks the actor's own replies, else the
    services' (another agent's reply is ``not_found`` either way)."""
    try:
        async with ctx.transaction() as (conn, _writer):
            row = await owned_reply(conn, actor, reply_id, personal)
            before = {k: v for k, v in reply_view(row).items() if k in EDITABLE}
            after = checked_reply({**before, **changes}, ctx.settings.max_message_chars)
            await conn.execute(
                update(canned_replies).where(canned_replies.c.id == reply_id).values(after)
            )
            if not personal:
                await audit_reply(ctx, conn, actor, "canned_reply.changed", reply_id, before, after)
    except IntegrityError as exc:
        raise _duplicate(str(changes.get("shortcut"))) from exc
    return {**reply_view(row), **after}


async def do_delete_canned_reply(
    ctx: Ctx, actor: AgentPrincipal, reply_id: int, *, personal: bool
) -> Any:
    """Its uses go with it (reports count the replies that exist). Returns its stored file
    (or None), for the caller to take out of the file store once this is committed."""
    async with ctx.transaction() as (conn, _writer):
        row = await owned_reply(conn, actor, reply_id, personal)
        await conn.execute(delete(canned_replies).where(canned_replies.c.id == reply_id))
        if not personal:
            before = {k: v for k, v in reply_view(row).items() if k in EDITABLE}
            await audit_reply(ctx, conn, actor, "canned_reply.deleted", reply_id, before, None)
    return row.file


async def owned_reply(
    conn: AsyncConnection, actor: AgentPrincipal, reply_id: int, personal: bool
) -> Any:
    owner = (
        canned_replies.c.agent_id == actor.id
        if personal
        else canned_replies.c.service_id.is_not(None)
    )
    row = (
        await conn.execute(select(canned_replies).where(canned_replies.c.id == reply_id, owner))
    ).first()
    if row is None:
        raise NotFoundError(f"canned reply {reply_id} does not exist", reply_id=reply_id)
    return row


async def audit_reply(
    ctx: Ctx,
    conn: AsyncConnection,
    actor: AgentPrincipal,
    action: str,
    reply_id: int,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    await record_change(
        conn,
        actor=actor,
        at=ctx.clock.now(),
        action=action,
        target_kind="canned_reply",
        target_id=reply_id,
        target_name="/" + str((after or before or {}).get("shortcut", "")),
        before=before,
        after=after,
    )


async def check_available(
    conn: AsyncConnection, reply_id: int, contact: Any, agent_id: int
) -> None:
    """Before a send changes anything (group commit): the reply must be the contact's
    service's or the sender's own, else ``invalid_input`` on ``canned_reply_id``."""
    owner = (
        await conn.execute(
            select(canned_replies.c.service_id, canned_replies.c.agent_id).where(
                canned_replies.c.id == reply_id
            )
        )
    ).first()
    if owner is None or (owner.service_id, owner.agent_id) not in (
        (contact.service_id, None),
        (None, agent_id),
    ):
        raise field_error("canned_reply_id", "not a reply available for this contact")


async def record_use(
    conn: AsyncConnection, reply_id: int, contact_id: int, agent_id: int, message: dict[str, Any]
) -> None:
    """In the message's transaction, once the message is stored."""
    await conn.execute(
        canned_reply_uses.insert().values(
            reply_id=reply_id,
            contact_id=contact_id,
            message_id=message["id"],
            agent_id=agent_id,
            used_at=message["created_at"],
        )
    )

"""Canned replies as their owners manage them and as an agent inserts them in a contact."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.domain.canned import filled, first_name
from sportello.domain.principals import AgentPrincipal
from sportello.errors import NotFoundError
from sportello.queries.contacts import check_holder
from sportello.storage.tables import agents, canned_replies, canned_reply_uses, contacts, services


def reply_view(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "service_id": row.service_id,
        "agent_id": row.agent_id,
        "shortcut": row.shortcut,
        "title": row.title,
        "text": row.text,
        "link_url": row.link_url,
        "file": reply_file_card(row.file),
    }


def reply_file_card(stored: Any) -> dict[str, Any] | None:
    """What readers see of a reply's saved file (never its storage keys)."""
    if not stored:
        return None
    return {k: stored[k] for k in ("name", "content_type", "size")}


async def _listed(conn: AsyncConnection, where: ColumnElement[bool]) -> list[dict[str, Any]]:
    rows = await conn.execute(
        select(canned_replies).where(where).order_by(canned_replies.c.shortcut)
    )
    return [reply_view(r) for r in rows]


async def service_replies(conn: AsyncConnection) -> list[dict[str, Any]]:
    """Every service's replies, for admins."""
    return await _listed(conn, canned_replies.c.service_id.is_not(None))


async def own_replies(conn: AsyncConnection, agent_id: int) -> list[dict[str, Any]]:
    return await _listed(conn, canned_replies.c.agent_id == agent_id)


async def replies_for_contact(
    conn: AsyncConnection, agent: AgentPrincipal, contact_id: int
) -> list[dict[str, Any]]:
    """The replies the agent holding the contact may insert (its service's, then their own),
    each with ``filled``: the text with the contact's placeholders replaced."""
    contact = (
        await conn.execute(
            select(
                contacts.c.id,
                contacts.c.agent_id,
                contacts.c.service_id,
                contacts.c.visitor_name,
                services.c.name.label("service_name"),
            )
            .join(services, services.c.id == contacts.c.service_id)
            .where(contacts.c.id == contact_id)
        )
    ).first()
    if contact is None:
        raise NotFoundError(f"contact {contact_id} does not exist", contact_id=contact_id)
    check_holder(agent, contact)
    me = (
        await conn.execute(
            select(agents.c.display_name, agents.c.nickname).where(agents.c.id == agent.id)
        )
    ).one()
    values = {
        "visitor_name": contact.visitor_name,
        "agent_name": me.nickname or first_name(me.display_name),
        "service": contact.service_name,
    }
    rows = await conn.execute(
        select(canned_replies)
        .where(
            or_(
                canned_replies.c.service_id == contact.service_id,
                canned_replies.c.agent_id == agent.id,
            )
        )
        .order_by(canned_replies.c.agent_id.is_not(None), canned_replies.c.shortcut)
    )
    return [
        {
            **reply_view(r),
            "personal": r.agent_id is not None,
            "filled": filled(r.text, r.link_url, values),
        }
        for r in rows
    ]


async def most_used(
    conn: AsyncConnection,
    in_period: tuple[ColumnElement[bool], ...],
    reader_id: int,
    limit: int = 10,
) -> list[dict[str, Any]]:
    """The replies sent most in the contacts of a report, most used first: the services'
    and the reader's own (another agent's personal replies are theirs to read)."""
    uses = func.count(canned_reply_uses.c.id).label("uses")
    rows = await conn.execute(
        select(
            canned_replies.c.id,
            canned_replies.c.shortcut,
            canned_replies.c.title,
            canned_replies.c.agent_id,
            services.c.name.label("service"),
            uses,
        )
        .select_from(canned_reply_uses)
        .join(canned_replies, canned_replies.c.id == canned_reply_uses.c.reply_id)
        .join(contacts, contacts.c.id == canned_reply_uses.c.contact_id)
        .outerjoin(services, services.c.id == canned_replies.c.service_id)
        .where(
            *in_period,
            or_(canned_replies.c.service_id.is_not(None), canned_replies.c.agent_id == reader_id),
        )
        .group_by(
            canned_replies.c.id,
            canned_replies.c.shortcut,
            canned_replies.c.title,
            canned_replies.c.agent_id,
            services.c.name,
        )
        .order_by(uses.desc(), canned_replies.c.shortcut)
        .limit(limit)
    )
    return [
        {
            "id": r.id,
            "shortcut": r.shortcut,
            "title": r.title,
            "service": r.service,
            "personal": r.agent_id is not None,
            "uses": int(r.uses),
        }
        for r in rows
    ]

"""A visitor's earlier contacts, as the details drawer lists them, and the permission to
open one read-only.

An earlier contact is the same visitor's when it has C's visitor id (the same browser), or
when C's visitor was verified (domain/identity.py) and E was verified as the same user id
of the same service: the service's secret vouches for its site's user ids only, so one id
of two services may be two people.

The rule: a reader may list and open an earlier contact E of the visitor of contact C when
E is earlier than C (a smaller id) and is the same visitor's, and either the reader holds C
now (assigned or being transferred by them) — an agent handling a visitor reads their
history — or the reader may read E anyway (they held it, or supervise its service, or are
an admin). Anyone else gets ``not_handling_visitor`` (403); an E of another visitor, or a C
or E that does not exist, is ``not_found`` (404)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.domain.principals import AgentPrincipal
from sportello.errors import ForbiddenError, NotFoundError, NotHandlingVisitorError
from sportello.queries.contacts import HOLDING, check_read, contact_for_agent, fetch_contact_row
from sportello.storage.tables import agents, contacts, messages, services

HISTORY_LIMIT = 50
FIRST_LINE_MAX = 140


def holds_now(reader: AgentPrincipal, row: Any) -> bool:
    return bool(row.agent_id == reader.id and row.state in HOLDING)


async def _may_read(conn: AsyncConnection, reader: AgentPrincipal, row: Any) -> bool:
    try:
        await check_read(conn, reader, row)
    except ForbiddenError:
        return False
    return True


def first_line(text: str, file: dict[str, Any] | None) -> str:
    """The first non-empty line, cut short; a file's name when it has no text."""
    line = next((part.strip() for part in text.splitlines() if part.strip()), "")
    if not line and file:
        line = str(file.get("name", ""))
    return line if len(line) <= FIRST_LINE_MAX else line[: FIRST_LINE_MAX - 1] + "…"


def same_visitor(current: Any) -> Any:
    """The condition matching contacts of ``current``'s visitor (by browser or identity)."""
    by_browser = contacts.c.visitor_id == current.visitor_id
    if current.verified_user_id is None:
        return by_browser
    return or_(
        by_browser,
        and_(
            contacts.c.service_id == current.service_id,
            contacts.c.verified_user_id == current.verified_user_id,
        ),
    )


def linked_by(current: Any, earlier: Any) -> str:
    """``visitor`` (the same browser) or ``identity`` (another browser, the same user)."""
    return "visitor" if earlier.visitor_id == current.visitor_id else "identity"


def is_same_visitor(current: Any, earlier: Any) -> bool:
    if earlier.visitor_id == current.visitor_id:
        return True
    return (
        current.verified_user_id is not None
        and earlier.service_id == current.service_id
        and earlier.verified_user_id == current.verified_user_id
    )


async def earlier_contacts(
    conn: AsyncConnection, reader: AgentPrincipal, contact_id: int
) -> list[dict[str, Any]]:
    """Newest first, at most ``HISTORY_LIMIT``, only those the reader may open."""
    current = await fetch_contact_row(conn, contact_id)
    holding = holds_now(reader, current)
    if not holding and not await _may_read(conn, reader, current):
        raise NotHandlingVisitorError(
            "you are not handling this visitor now", contact_id=contact_id
        )
    rows = await conn.execute(
        select(
            contacts.c.id,
            contacts.c.state,
            contacts.c.outcome,
            contacts.c.closed_by,
            contacts.c.medium,
            contacts.c.created_at,
            contacts.c.closed_at,
            contacts.c.agent_id,
            contacts.c.service_id,
            contacts.c.visitor_id,
            contacts.c.verified_user_id,
            services.c.name.label("service_name"),
            agents.c.display_name.label("agent_name"),
        )
        .join(services, services.c.id == contacts.c.service_id)
        .outerjoin(agents, agents.c.id == contacts.c.agent_id)
        .where(same_visitor(current), contacts.c.id < current.id)
        .order_by(contacts.c.id.desc())
        .limit(HISTORY_LIMIT)
    )
    shown = [r for r in rows.all() if holding or await _may_read(conn, reader, r)]
    firsts = await _first_messages(conn, [r.id for r in shown])
    return [
        {
            "id": r.id,
            "created_at": r.created_at,
            "closed_at": r.closed_at,
            "state": r.state,
            "outcome": r.outcome,
            "closed_by": r.closed_by,
            "medium": r.medium,
            "service": {"id": r.service_id, "name": r.service_name},
            "agent": None if r.agent_id is None else {"id": r.agent_id, "name": r.agent_name},
            "first_line": firsts.get(r.id, ""),
            "verified": r.verified_user_id is not None,
            "linked_by": linked_by(current, r),
        }
        for r in shown
    ]


async def _first_messages(conn: AsyncConnection, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    first = (
        select(func.min(messages.c.id))
        .where(messages.c.contact_id.in_(ids))
        .group_by(messages.c.contact_id)
    )
    rows = await conn.execute(
        select(messages.c.contact_id, messages.c.text, messages.c.file).where(
            messages.c.id.in_(first)
        )
    )
    return {r.contact_id: first_line(r.text, r.file) for r in rows}


async def earlier_contact(
    conn: AsyncConnection, reader: AgentPrincipal, contact_id: int, earlier_id: int
) -> dict[str, Any]:
    """The earlier contact's panel (transcript included), to show read-only."""
    current = await fetch_contact_row(conn, contact_id)
    earlier = await fetch_contact_row(conn, earlier_id)
    if not holds_now(reader, current) and not await _may_read(conn, reader, earlier):
        raise NotHandlingVisitorError(
            "you are not handling this visitor now", contact_id=contact_id
        )
    if not is_same_visitor(current, earlier) or earlier.id >= current.id:
        raise NotFoundError(
            f"contact {earlier_id} is not an earlier contact of this visitor",
            contact_id=earlier_id,
        )
    return await contact_for_agent(conn, earlier)

"""Contact views for the assigned agent and for the visitor, and access checks."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.domain.dissuasion import dissuasion_for_visitor
from sportello.domain.principals import AgentPrincipal, Principal, VisitorPrincipal
from sportello.domain.scope import supervises
from sportello.errors import ForbiddenError, NotFoundError
from sportello.queries.calls import call_media, call_view, fetch_call, for_visitor, live_call
from sportello.queries.notes import mentioned_on, notes_of
from sportello.queries.transfers import leg_view_of, passed_on_by
from sportello.routing.busy_queue import is_queued
from sportello.storage.direct import DirectStatement
from sportello.storage.tables import (
    agents,
    calls,
    contacts,
    messages,
    page_visits,
    services,
    supervisor_joins,
    transfers,
)

HOLDING = ("assigned", "transferring")


def message_view(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "contact_id": row.contact_id,
        "sender": row.sender,
        "agent_id": row.agent_id,
        "client_msg_id": row.client_msg_id,
        "text": row.text,
        "created_at": row.created_at,
        "delivered_at": row.delivered_at,
        "read_at": row.read_at,
        "file": row.file,
        "translation": translation_view(row),
    }


def translation_view(row: Any) -> dict[str, Any] | None:
    """None when the message is not translated; else its state and (once done) the text."""
    if row.translation_state is None:
        return None
    return {"state": row.translation_state, **(row.translation or {})}


def agent_public(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "display_name": row.display_name,
        "nickname": row.nickname,
        "avatar_url": row.avatar_url,
    }


# Read on every connect and most actions: straight on SQLite's driver (storage/direct.py).
_CONTACT = select(contacts).where(contacts.c.id == bindparam("contact"))
_CONTACT_ROW = DirectStatement(_CONTACT)
_CONTACT_FOR_UPDATE = DirectStatement(_CONTACT.with_for_update())
_SERVICE = DirectStatement(select(services).where(services.c.id == bindparam("service")))
_AGENT = DirectStatement(
    select(agents.c.id, agents.c.display_name, agents.c.nickname, agents.c.avatar_url).where(
        agents.c.id == bindparam("agent")
    )
)
_TRANSCRIPT = DirectStatement(
    select(messages).where(messages.c.contact_id == bindparam("contact")).order_by(messages.c.id)
)
_VISITOR_TRANSCRIPT = DirectStatement(
    select(messages)
    .where(messages.c.contact_id == bindparam("contact"), messages.c.visitor_hold_until.is_(None))
    .order_by(messages.c.id)
)


async def fetch_contact_row(conn: AsyncConnection, contact_id: int, *, lock: bool = False) -> Any:
    query = _CONTACT_FOR_UPDATE if lock else _CONTACT_ROW  # FOR UPDATE: PostgreSQL only
    rows = await query.rows(conn, {"contact": contact_id})
    if not rows:
        raise NotFoundError(f"contact {contact_id} does not exist", contact_id=contact_id)
    return rows[0]


def _check_visitor(principal: VisitorPrincipal, row: Any) -> None:
    if principal.contact_id != row.id or principal.visitor_id != row.visitor_id:
        raise ForbiddenError("this token is for another contact")


def check_holder(principal: Principal, row: Any) -> None:
    """Writing to a contact (messages, receipts, typing): its visitor or the agent holding it.

    Nobody else, admins and supervisors included: a receipt tells the visitor that the
    person in the chat read their messages.
    """
    if isinstance(principal, VisitorPrincipal):
        _check_visitor(principal, row)
    elif row.agent_id != principal.id:
        raise ForbiddenError("only the agent holding this contact may do that", contact_id=row.id)


async def check_read(conn: AsyncConnection, principal: Principal, row: Any) -> None:
    """Reading a contact: its visitor, the agent who holds or held it, an agent a private
    note named (asked for help), a supervisor of its service (holding every tag of the
    service), or an admin."""
    if isinstance(principal, VisitorPrincipal):
        _check_visitor(principal, row)
        return
    if row.agent_id == principal.id or principal.is_admin:
        return
    if await passed_on_by(conn, row.id, principal.id):
        return
    if await mentioned_on(conn, row.id, principal.id):
        return
    if await supervises_contact(conn, principal, row):
        return
    raise ForbiddenError("this contact is outside your scope", contact_id=row.id)


async def supervises_contact(conn: AsyncConnection, principal: AgentPrincipal, row: Any) -> bool:
    """An admin, or a supervisor holding every tag of the contact's service."""
    if not principal.is_supervisor:
        return False
    agent_tags = await conn.scalar(select(agents.c.tags).where(agents.c.id == principal.id))
    service_tags = await conn.scalar(select(services.c.tags).where(services.c.id == row.service_id))
    return supervises(principal.role, agent_tags or [], service_tags or [])


async def access_contact(conn: AsyncConnection, principal: Principal, contact_id: int) -> Any:
    """The contact's row, if this principal may read it."""
    row = await fetch_contact_row(conn, contact_id)
    await check_read(conn, principal, row)
    return row


async def transcript(
    conn: AsyncConnection, contact_id: int, *, for_visitor: bool = False
) -> list[dict[str, Any]]:
    """The messages in order; the visitor's omits agent messages held for translation."""
    query = _VISITOR_TRANSCRIPT if for_visitor else _TRANSCRIPT
    return [message_view(r) for r in await query.rows(conn, {"contact": contact_id})]


async def visitor_transcript(conn: AsyncConnection, contact_id: int) -> list[dict[str, Any]]:
    """What the visitor was shown of the conversation, and nothing else (no private notes,
    no message held back): the only read of messages a transcript e-mail may use."""
    return await transcript(conn, contact_id, for_visitor=True)


def page_view(row: Any) -> dict[str, Any]:
    return {"url": row.url, "title": row.title, "at": row.visited_at}


async def agent_card(conn: AsyncConnection, agent_id: int | None) -> dict[str, Any] | None:
    if agent_id is None:
        return None
    rows = await _AGENT.rows(conn, {"agent": agent_id})
    return agent_public(rows[0]) if rows else None


async def contact_for_agent(conn: AsyncConnection, row: Any) -> dict[str, Any]:
    """Everything the assigned agent's panel shows."""
    (view,) = await contacts_for_agent(conn, [row])
    return view


CHUNK = 500
"""Contact ids per ``IN (…)`` list (well under every engine's bound-parameter limit)."""

_PANEL_TABLES = {
    "messages": (messages, select(messages)),
    "pages": (page_visits, select(page_visits)),
    "transfers": (transfers, select(transfers)),
    "calls": (calls, select(calls)),
    "supervisors": (
        supervisor_joins,
        select(supervisor_joins).where(supervisor_joins.c.left_at.is_(None)),
    ),
}
"""What an agent's panel reads per contact: each table's rows, and their base query."""

_PANEL_OF_ONE = {
    name: DirectStatement(
        query.where(table.c.contact_id == bindparam("contact")).order_by(table.c.id)
    )
    for name, (table, query) in _PANEL_TABLES.items()
}
"""The same reads for one contact — an accept's or a close's panel, the common case —
straight on SQLite's driver (storage/direct.py)."""


async def _grouped(conn: AsyncConnection, name: str, ids: list[int]) -> dict[int, list[Any]]:
    """The rows of one of the panel's tables for these contacts, by contact id, in id order."""
    if len(ids) == 1:
        return {ids[0]: await _PANEL_OF_ONE[name].rows(conn, {"contact": ids[0]})}
    table, query = _PANEL_TABLES[name]
    out: dict[int, list[Any]] = {i: [] for i in ids}
    for start in range(0, len(ids), CHUNK):
        chunk = query.where(table.c.contact_id.in_(ids[start : start + CHUNK]))
        for r in await conn.execute(chunk.order_by(table.c.id)):
            out[r.contact_id].append(r)
    return out


async def _services(conn: AsyncConnection, ids: set[int]) -> dict[int, Any]:
    if len(ids) == 1:
        (service,) = await _SERVICE.rows(conn, {"service": next(iter(ids))})
        return {service.id: service}
    return {s.id: s for s in await conn.execute(select(services).where(services.c.id.in_(ids)))}


async def _cards(conn: AsyncConnection, ids: set[int]) -> dict[int, dict[str, Any]]:
    if len(ids) <= 2:  # the agent, and a supervisor who joined
        return {a.id: agent_public(a) for i in ids for a in await _AGENT.rows(conn, {"agent": i})}
    return {
        a.id: agent_public(a)
        for a in await conn.execute(select(agents).where(agents.c.id.in_(ids)))
    }


async def contacts_for_agent(conn: AsyncConnection, rows: list[Any]) -> list[dict[str, Any]]:
    """The agent's panel for many contacts in a few queries (a console's snapshot holds
    every contact its agent holds: one query per table, not seven per contact)."""
    ids = [r.id for r in rows]
    by_service = await _services(conn, {r.service_id for r in rows})
    joins = await _grouped(conn, "supervisors", ids)
    agent_ids = {r.agent_id for r in rows if r.agent_id is not None}
    agent_ids |= {j.agent_id for found in joins.values() for j in found}
    cards = await _cards(conn, agent_ids)
    texts = await _grouped(conn, "messages", ids)
    visits = await _grouped(conn, "pages", ids)
    legs = await _grouped(conn, "transfers", ids)
    calls_by = await _grouped(conn, "calls", ids)
    notes = await notes_of(conn, ids)
    views = []
    for row in rows:
        live = next((c for c in calls_by[row.id] if c.id == row.live_call_id), None)
        if live is None and row.live_call_id is not None:
            live = await fetch_call(conn, row.live_call_id)
        views.append(
            {
                **_agent_panel(row, by_service[row.service_id]),
                "agent": cards.get(row.agent_id) if row.agent_id is not None else None,
                "messages": [message_view(m) for m in texts[row.id]],
                "pages": [page_view(v) for v in visits[row.id]],
                "transfers": [await leg_view_of(conn, leg) for leg in legs[row.id]],
                "call": None if live is None else call_view(live),
                "calls": [call_view(c) for c in calls_by[row.id]],
                "notes": notes[row.id],
                "supervisors": [cards[j.agent_id] for j in joins[row.id] if j.agent_id in cards],
            }
        )
    return views


def _agent_panel(row: Any, service: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "state": row.state,
        "medium": row.medium,
        "outcome": row.outcome,
        "colour": row.colour,
        "service": {
            "id": service.id,
            "name": service.name,
            "language": service.language,
            "sites": list(service.sites),
            "immediate_redirect": bool(service.immediate_redirect),
            "saved_links": list(service.saved_links or []),
            "media": list(service.media),
        },
        "visitor": {
            "id": row.visitor_id,
            "name": row.visitor_name,
            "email": row.visitor_email,
            "country": row.visitor_country,
            "country_source": row.visitor_country_source,
            "language": row.visitor_language,
            "new_visitor": not row.returning_visitor,
            "verified_user_id": row.verified_user_id,
            "site": row.site,
            "page_url": row.page_url,
            "page_title": row.page_title,
            "referrer": row.referrer,
            "user_agent": row.user_agent,
        },
        "created_at": row.created_at,
        "assigned_at": row.assigned_at,
        "closed_at": row.closed_at,
        "closed_by": row.closed_by,
        "last_message_at": row.last_message_at,
        "requeued_at": row.requeued_at,
        "visitor_departure": departure_view(row),
        "prechat": list(row.prechat or []),
        "translation": row.translation,
        "visitor_media": row.visitor_media,
    }


def departure_view(row: Any) -> dict[str, Any] | None:
    """The visitor's page went away and the grace runs until ``gone_at`` (None: present)."""
    if row.visitor_gone_at is None:
        return None
    return {
        "left_at": row.visitor_left_at,
        "gone_at": row.visitor_gone_at,
        "navigating": row.visitor_navigating,
    }


async def contact_for_visitor(
    conn: AsyncConnection, row: Any, *, with_messages: bool = True
) -> dict[str, Any]:
    """What the widget shows: no internal fields (colour tag, offers, other agents).
    ``with_messages=False`` leaves the transcript out (a resumed stream replays it)."""
    [service] = await _SERVICE.rows(conn, {"service": row.service_id})
    return {
        "id": row.id,
        "state": row.state,
        "medium": row.medium,
        "service": {
            "id": service.id,
            "name": service.name,
            "language": service.language,
            "typing_preview": bool(service.typing_preview),
        },
        "visitor_name": row.visitor_name,
        "agent": await agent_card(conn, row.agent_id),
        "created_at": row.created_at,
        "assigned_at": row.assigned_at,
        "dissuade_at": row.dissuade_at,
        "queued": is_queued(row.queued_at, row.offered_at) and row.state == "pending",
        "queue_exit": row.queue_exit,
        "closed_at": row.closed_at,
        "dissuasion_message": (dissuasion_for_visitor(service.dissuasion_message) or None)
        if row.state == "dissuaded"
        else None,
        "messages": await transcript(conn, row.id, for_visitor=True) if with_messages else [],
        "call": for_visitor(await live_call(conn, row)),
        "call_media": await call_media(conn, row),
    }

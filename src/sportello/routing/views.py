"""The waiting-area entry: exactly the fields an agent may see before accepting."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.routing.busy_queue import is_queued
from sportello.routing.snapshot import WAITING_STATES
from sportello.storage.direct import DirectStatement
from sportello.storage.tables import agents, contacts, messages, services, transfers

WAITING_COLUMNS = (
    contacts.c.id,
    contacts.c.state,
    contacts.c.medium,
    contacts.c.priority,
    contacts.c.visitor_name,
    contacts.c.visitor_country,
    contacts.c.returning_visitor,
    contacts.c.site,
    contacts.c.created_at,
    contacts.c.dissuade_at,
    contacts.c.offered_to,
    contacts.c.blocked_for,
    contacts.c.starred,
    contacts.c.requeued_at,
    contacts.c.queued_at,
    contacts.c.offered_at,
    services.c.id.label("service_id"),
    services.c.name.label("service_name"),
    services.c.language.label("service_language"),
)


def entry_from_row(row: Any) -> dict[str, Any]:
    return {
        "contact_id": row.id,
        "state": row.state,
        "medium": row.medium,
        "priority": row.priority,
        "visitor_name": row.visitor_name,
        "visitor_country": row.visitor_country,
        "new_visitor": not row.returning_visitor,
        "site": row.site,
        "created_at": row.created_at,
        "dissuade_at": row.dissuade_at,
        "offered_to": list(row.offered_to),
        "blocked_for": list(row.blocked_for or []),
        "starred": bool(row.starred),
        "requeued": row.requeued_at is not None,
        "queued": is_queued(row.queued_at, row.offered_at),
        "service_id": row.service_id,
        "service_name": row.service_name,
        "service_language": row.service_language,
        "transfer": None,
        "first_message": None,
    }


_ENTRIES = select(*WAITING_COLUMNS).join(services, services.c.id == contacts.c.service_id)
_ENTRY_OF_ONE = DirectStatement(_ENTRIES.where(contacts.c.id == bindparam("contact")))
"""A new contact's entry, read as it is offered (storage/direct.py)."""


async def waiting_entries(conn: AsyncConnection, ids: list[int]) -> dict[int, dict[str, Any]]:
    if len(ids) == 1:
        rows = await _ENTRY_OF_ONE.rows(conn, {"contact": ids[0]})
    else:
        rows = list(await conn.execute(_ENTRIES.where(contacts.c.id.in_(ids))))
    entries = {row.id: entry_from_row(row) for row in rows}
    await _add_transfers(conn, entries)
    await _add_first_messages(conn, entries)
    return entries


def first_message_view(row: Any) -> dict[str, Any]:
    """The line a waiting entry shows: the text, or a file's name and description."""
    file = row.file or None
    return {
        "id": row.id,
        "text": row.text,
        "file_name": file.get("name") if isinstance(file, dict) else None,
        "created_at": row.created_at,
    }


_FIRST_COLUMNS = (
    messages.c.id,
    messages.c.contact_id,
    messages.c.text,
    messages.c.file,
    messages.c.created_at,
)
_FIRST_OF_ONE = DirectStatement(
    select(*_FIRST_COLUMNS)
    .where(messages.c.contact_id == bindparam("contact"), messages.c.sender == "visitor")
    .order_by(messages.c.id)
    .limit(1)
)
"""A new contact's first line, read as it is offered (storage/direct.py)."""


async def _add_first_messages(conn: AsyncConnection, entries: dict[int, dict[str, Any]]) -> None:
    """What the visitor wrote first, so the agent can read it before accepting (it came
    with the start form or while the visitor waited); read from the transcript so that it
    is there after a reload too."""
    if not entries:
        return
    if len(entries) == 1:
        (contact_id,) = entries
        rows = await _FIRST_OF_ONE.rows(conn, {"contact": contact_id})
    else:
        firsts = (
            select(func.min(messages.c.id))
            .where(messages.c.contact_id.in_(list(entries)), messages.c.sender == "visitor")
            .group_by(messages.c.contact_id)
        )
        rows = list(await conn.execute(select(*_FIRST_COLUMNS).where(messages.c.id.in_(firsts))))
    for row in rows:
        entries[row.contact_id]["first_message"] = first_message_view(row)


async def _add_transfers(conn: AsyncConnection, entries: dict[int, dict[str, Any]]) -> None:
    """A contact being transferred shows the arrow: who sends it, to whom, and the note (only
    agents ever see waiting entries)."""
    ids = [cid for cid, entry in entries.items() if entry["state"] == "transferring"]
    if not ids:
        return
    rows = await conn.execute(
        select(
            transfers.c.id,
            transfers.c.contact_id,
            transfers.c.from_agent_id,
            transfers.c.to_agent_id,
            transfers.c.group_id,
            transfers.c.group_name,
            transfers.c.note,
            transfers.c.requested_at,
            transfers.c.due_at,
            agents.c.display_name,
        )
        .join(agents, agents.c.id == transfers.c.from_agent_id)
        .where(transfers.c.contact_id.in_(ids), transfers.c.state == "pending")
    )
    for row in rows:
        entries[row.contact_id]["dissuade_at"] = row.due_at  # it waits until the timeout
        entries[row.contact_id]["transfer"] = {
            "id": row.id,
            "from_agent": {"id": row.from_agent_id, "display_name": row.display_name},
            "to_agent_id": row.to_agent_id,
            "group": None if row.group_id is None else {"id": row.group_id, "name": row.group_name},
            "note": row.note,
            "requested_at": row.requested_at,
            "due_at": row.due_at,
        }


QUEUE_ORDER = (
    contacts.c.requeued_at.is_(None),
    contacts.c.priority,
    contacts.c.created_at,
    contacts.c.id,
)
"""SQL twin of ``rules.queue_order``: handed-back contacts, priority, longest wait."""


def sees_entry(agent_id: int, entry: dict[str, Any]) -> bool:
    """An agent sees a waiting contact offered to them, or one they qualify for but have no
    room for (shown as waiting beyond their limit, not takeable)."""
    return agent_id in entry["offered_to"] or agent_id in entry["blocked_for"]


def public_entry(entry: dict[str, Any], agent_id: int) -> dict[str, Any]:
    """What one agent may see: no lists of other agents, and whether they can take it now."""
    public = {k: v for k, v in entry.items() if k not in ("offered_to", "blocked_for")}
    public["can_take"] = agent_id in entry["offered_to"]
    return public


async def waiting_for_agent(conn: AsyncConnection, agent_id: int) -> list[dict[str, Any]]:
    """The current waiting area of one agent, in queue order."""
    rows = await conn.execute(
        select(*WAITING_COLUMNS)
        .join(services, services.c.id == contacts.c.service_id)
        .where(contacts.c.state.in_(WAITING_STATES))
        .order_by(*QUEUE_ORDER)
    )
    entries = {row.id: entry_from_row(row) for row in rows}
    mine = {cid: entry for cid, entry in entries.items() if sees_entry(agent_id, entry)}
    await _add_transfers(conn, mine)
    await _add_first_messages(conn, mine)
    return list(mine.values())

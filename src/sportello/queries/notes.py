"""Private notes and whispers as agents and supervisors read them, and the @mentions.

Nothing here is read by a visitor-facing path (the widget's hello, its stream, the visitor
API): those read ``messages`` only."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.storage.direct import DirectStatement
from sportello.storage.tables import agents, contact_notes, contacts, note_mentions, services

MENTION = re.compile(r"(?<![\w@.])@([A-Za-z0-9][A-Za-z0-9._-]{0,119})")
"""``@login`` in a note: not inside an e-mail address (``ann@example.org`` names nobody)."""

MENTIONS_KEPT_SECONDS = 7 * 86400
"""How far back a console's hello lists the notes that mentioned its agent."""


def mentioned_logins(text: str) -> list[str]:
    """The logins a note names, lower-cased, once each, in order (a trailing dot ends a
    sentence, not a login)."""
    seen: dict[str, None] = {}
    for found in MENTION.findall(text):
        seen.setdefault(found.rstrip(".").lower(), None)
    return list(seen)


def _author(row: Any) -> dict[str, Any]:
    return {"id": row.author_id, "display_name": row.author_name, "login": row.author_login}


_NOTES = (
    select(
        contact_notes,
        agents.c.display_name.label("author_name"),
        agents.c.login.label("author_login"),
    )
    .join(agents, agents.c.id == contact_notes.c.author_id)
    .order_by(contact_notes.c.id)
)
_NOTES_OF_ONE = DirectStatement(_NOTES.where(contact_notes.c.contact_id == bindparam("contact")))
"""One contact's notes, read with its panel on every accept and close (storage/direct.py)."""


def note_view(row: Any, mentions: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": row.id,
        "contact_id": row.contact_id,
        "kind": row.kind,
        "author": _author(row),
        "text": row.text,
        "created_at": row.created_at,
        "mentions": mentions,
    }


async def notes_of(conn: AsyncConnection, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The notes and whispers of these contacts, by contact id, oldest first."""
    out: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    if not ids:
        return out
    if len(ids) == 1:
        rows = await _NOTES_OF_ONE.rows(conn, {"contact": ids[0]})
    else:
        rows = list(await conn.execute(_NOTES.where(contact_notes.c.contact_id.in_(ids))))
    named: dict[int, list[dict[str, Any]]] = {r.id: [] for r in rows}
    if rows:
        for m in await conn.execute(
            select(note_mentions.c.note_id, agents.c.id, agents.c.login, agents.c.display_name)
            .join(agents, agents.c.id == note_mentions.c.agent_id)
            .where(note_mentions.c.note_id.in_(list(named)))
            .order_by(agents.c.login)
        ):
            named[m.note_id].append({"id": m.id, "login": m.login, "display_name": m.display_name})
    for r in rows:
        out[r.contact_id].append(note_view(r, named[r.id]))
    return out


async def note_by_id(conn: AsyncConnection, contact_id: int, note_id: int) -> dict[str, Any]:
    """One note as readers see it (with its author and the agents it named)."""
    [note] = [n for n in (await notes_of(conn, [contact_id]))[contact_id] if n["id"] == note_id]
    return note


async def mentioned_on(conn: AsyncConnection, contact_id: int, agent_id: int) -> bool:
    """Whether a note on this contact named this agent (who may then read it)."""
    found = await conn.scalar(
        select(func.count())
        .select_from(note_mentions)
        .where(note_mentions.c.contact_id == contact_id, note_mentions.c.agent_id == agent_id)
    )
    return bool(found)


async def agents_named(conn: AsyncConnection, logins: list[str]) -> list[Any]:
    """The enabled agents with these logins (case-insensitive); unknown ones match nobody."""
    if not logins:
        return []
    rows = await conn.execute(
        select(agents.c.id, agents.c.login, agents.c.display_name).where(
            func.lower(agents.c.login).in_(logins), agents.c.enabled.is_(True)
        )
    )
    return list(rows)


def mention_view(note: dict[str, Any], contact: Any, service_name: str) -> dict[str, Any]:
    """A console's notification: who mentioned you, on which contact, saying what."""
    return {
        "note": note,
        "contact": {
            "id": contact.id,
            "visitor_name": contact.visitor_name,
            "service_name": service_name,
            "state": contact.state,
        },
    }


async def recent_mentions(conn: AsyncConnection, agent_id: int, since: float) -> list[Any]:
    """The notes that named this agent since then, newest first (for the console's hello)."""
    rows = await conn.execute(
        select(note_mentions.c.note_id, contacts, services.c.name.label("service_name"))
        .join(contacts, contacts.c.id == note_mentions.c.contact_id)
        .join(services, services.c.id == contacts.c.service_id)
        .where(note_mentions.c.agent_id == agent_id, note_mentions.c.created_at >= since)
        .order_by(note_mentions.c.note_id.desc())
        .limit(50)
    )
    found = list(rows)
    by_contact = await notes_of(conn, sorted({r.id for r in found}))
    notes = {n["id"]: n for ns in by_contact.values() for n in ns}
    return [mention_view(notes[r.note_id], r, r.service_name) for r in found]

"""Private notes and supervisors' whispers: lines of a contact only agents and supervisors
read. Their events never carry ``for_visitor`` and their rows live apart from messages, so
no visitor-facing read (the widget's hello, its stream and replay, the visitor API) can
reach them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.actions.audit import record_change
from sportello.actions.context import Ctx
from sportello.actions.messages import validate_text
from sportello.domain.principals import AgentPrincipal
from sportello.errors import ContactNotInProgressError, ForbiddenError
from sportello.queries.contacts import HOLDING, check_read, fetch_contact_row, supervises_contact
from sportello.queries.notes import agents_named, mention_view, mentioned_logins, note_by_id
from sportello.storage.tables import contact_notes, note_mentions, services
from sportello.stream.events import EventWriter


async def do_add_note(
    ctx: Ctx, author: AgentPrincipal, contact_id: int, text: str, client_id: str | None = None
) -> tuple[dict[str, Any], bool]:
    """A private note on a contact, by anyone who may read it as staff: the agent holding
    (or who held) it, an agent a note named, a supervisor of its service, an admin. Each
    ``@login`` of an enabled agent tells that agent (``note.mentioned``) and lets them read
    the contact; a login that names nobody is left as text.

    A retry with the same ``client_id`` (the writer's key, as for messages) answers with the
    first note (created=False) and tells nobody again."""
    validate_text(text, ctx.settings.max_message_chars)
    async with ctx.transaction() as (conn, writer):
        # No lock: a note changes nothing of the contact, in whatever state it is.
        contact = await fetch_contact_row(conn, contact_id)
        await check_read(conn, author, contact)
        return await _write(conn, writer, ctx.clock.now(), contact, author, "note", text, client_id)


async def do_whisper(
    ctx: Ctx, supervisor: AgentPrincipal, contact_id: int, text: str, client_id: str | None = None
) -> tuple[dict[str, Any], bool]:
    """A supervisor of the contact's service whispers to the agent holding it (the visitor
    never sees it); audited like an admin change. A retry with the same ``client_id``
    answers with the first whisper (created=False)."""
    validate_text(text, ctx.settings.max_message_chars)
    now = ctx.clock.now()
    async with ctx.transaction() as (conn, writer):
        contact = await fetch_contact_row(conn, contact_id, lock=True)
        if not await supervises_contact(conn, supervisor, contact):
            raise ForbiddenError(
                "only a supervisor of this contact's service may whisper", contact_id=contact_id
            )
        if contact.state not in HOLDING or contact.agent_id is None:
            raise ContactNotInProgressError(
                "nobody is handling this contact to whisper to", state=contact.state
            )
        note, created = await _write(
            conn, writer, now, contact, supervisor, "whisper", text, client_id
        )
        if not created:
            return note, False
        await record_change(
            conn,
            actor=supervisor,
            at=now,
            action="contact.whispered",
            target_kind="contact",
            target_id=contact_id,
            target_name=contact.visitor_name or f"#{contact_id}",
            before=None,
            after={"note_id": note["id"], "agent_id": contact.agent_id},
        )
        return note, True


def _insert_note(dialect: str, values: dict[str, Any]) -> Any:
    """The note's insert, doing nothing on a key seen already (see ``_write``)."""
    if dialect == "postgresql":
        return pg_insert(contact_notes).values(values).on_conflict_do_nothing()
    return sqlite_insert(contact_notes).values(values).on_conflict_do_nothing()


async def _write(
    conn: AsyncConnection,
    writer: EventWriter,
    now: float,
    contact: Any,
    author: AgentPrincipal,
    kind: str,
    text: str,
    client_id: str | None,
) -> tuple[dict[str, Any], bool]:
    # A key seen already hits the unique index: nothing is inserted, the first note answers
    # (on PostgreSQL a concurrent retry waits for the first to commit, then finds it).
    values = {
        "contact_id": contact.id,
        "kind": kind,
        "author_id": author.id,
        "text": text,
        "created_at": now,
        "client_id": client_id,
    }
    statement = _insert_note(conn.dialect.name, values).returning(contact_notes.c.id)
    note_id = (await conn.execute(statement)).scalar()
    if note_id is None:
        earlier = await conn.scalar(
            select(contact_notes.c.id).where(
                contact_notes.c.contact_id == contact.id,
                contact_notes.c.author_id == author.id,
                contact_notes.c.client_id == client_id,
            )
        )
        assert earlier is not None, "the unique index refused the note, so it exists"
        return await note_by_id(conn, contact.id, int(earlier)), False
    named = [a for a in await agents_named(conn, mentioned_logins(text)) if a.id != author.id]
    if named:
        await conn.execute(
            insert(note_mentions),
            [
                {"note_id": note_id, "contact_id": contact.id, "agent_id": a.id, "created_at": now}
                for a in named
            ],
        )
    note = await note_by_id(conn, contact.id, note_id)
    await writer.append(
        "note.created", {"note": note}, contact_id=contact.id, agent_id=contact.agent_id
    )
    if named:
        service_name = await conn.scalar(
            select(services.c.name).where(services.c.id == contact.service_id)
        )
        told = mention_view(note, contact, str(service_name))
        for agent in named:
            if agent.id != contact.agent_id:  # the holder reads it in the panel already
                await writer.append(
                    "note.mentioned", told, contact_id=contact.id, agent_id=agent.id
                )
    return note, True

"""Removing personal data: one person's on request (erasure), and a service's old contacts
(retention).

Both remove whole contacts. The contact's row goes, and with it, by their foreign keys'
``ON DELETE CASCADE``, its messages (SQLite's search index follows by trigger; PostgreSQL's
is an index on the table), file rows, pages, calls, transfers, supervisor joins, notes and
mentions, rating, e-mail outbox rows and canned-reply uses. What no foreign key ties to the
contact is removed explicitly: its events in the stream, its left messages; an erasure also
removes the invitations shown to the person's browsers. Its files
leave the disk after the transaction commits (a crash in between leaves unreferenced files,
never references to missing ones).

The work goes in batches of ``BATCH`` contacts per transaction, in the lane of new work
(storage/write_turns.py), so a large removal never holds the writer for long or delays a
conversation. An erasure is audited with what was removed and how the person was named
(by visitor id or e-mail), never the id or the address itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.actions.audit import record_change
from sportello.actions.context import Ctx
from sportello.domain.principals import AgentPrincipal
from sportello.errors import ContactsInProgressError, field_error
from sportello.files.storage import LocalFileStore
from sportello.storage.tables import (
    contacts,
    events,
    files,
    invitation_events,
    messages,
    services,
    visitor_messages_left,
)
from sportello.storage.write_turns import Lane

BATCH = 100
OPEN_STATES = ("pending", "assigned", "transferring")
DAY = 86400.0


@dataclass
class Removed:
    contacts: int = 0
    messages: int = 0
    files: int = 0
    left_messages: int = 0

    def add(self, other: Removed) -> None:
        for key, value in asdict(other).items():
            setattr(self, key, getattr(self, key) + value)


async def do_erase_visitor(
    ctx: Ctx,
    *,
    visitor_id: str | None = None,
    email: str | None = None,
    actor: AgentPrincipal | None = None,
) -> dict[str, Any]:
    """Remove everything of one person: their contacts (by visitor id, or by the e-mail
    address they gave) and the messages they left. Refused with ``contacts_in_progress``
    while one of their contacts is waiting or in progress (end it first)."""
    if bool(visitor_id) == bool(email):
        raise field_error("visitor_id", "name the person by visitor_id or by email, not both")
    address = (email or "").strip().lower()
    who = (
        contacts.c.visitor_id == visitor_id
        if visitor_id
        else func.lower(contacts.c.visitor_email) == address
    )
    async with ctx.db.read() as conn:
        rows = (
            await conn.execute(
                select(contacts.c.id, contacts.c.state, contacts.c.visitor_id).where(who)
            )
        ).all()
    open_ids = [r.id for r in rows if r.state in OPEN_STATES]
    if open_ids:
        raise ContactsInProgressError(
            "end this person's conversations before erasing them", contacts=open_ids
        )
    removed = await remove_contacts(ctx, [r.id for r in rows])
    browsers = {r.visitor_id for r in rows} | ({visitor_id} if visitor_id else set())
    async with ctx.db.write(Lane.NEW) as conn:
        await conn.execute(
            delete(invitation_events).where(invitation_events.c.visitor_id.in_(browsers))
        )
        if address:
            removed.left_messages += await _remove_left(
                conn, func.lower(visitor_messages_left.c.email) == address
            )
        await record_change(
            conn,
            actor=actor,
            at=ctx.clock.now(),
            action="visitor.erased",
            target_kind="visitor",
            target_id="-",
            target_name="by visitor id" if visitor_id else "by e-mail address",
            before=None,
            after=asdict(removed),
        )
    return asdict(removed)


async def do_remove_expired(ctx: Ctx) -> dict[str, Any]:
    """Each service's retention: contacts ended more than its ``retention_days`` ago, and
    the messages left for it as long ago. Run by the scheduler."""
    now = ctx.clock.now()
    removed = Removed()
    async with ctx.db.read() as conn:
        kept = (
            await conn.execute(
                select(services.c.id, services.c.retention_days).where(
                    services.c.retention_days > 0
                )
            )
        ).all()
    for service_id, days in kept:
        cutoff = now - days * DAY
        while True:
            async with ctx.db.read() as conn:
                ids = list(
                    (
                        await conn.scalars(
                            select(contacts.c.id)
                            .where(
                                contacts.c.service_id == service_id,
                                contacts.c.closed_at < cutoff,
                                contacts.c.state.not_in(OPEN_STATES),
                            )
                            .limit(BATCH)
                        )
                    ).all()
                )
            if not ids:
                break
            removed.add(await remove_contacts(ctx, ids))
        async with ctx.db.write(Lane.NEW) as conn:
            removed.left_messages += await _remove_left(
                conn,
                (visitor_messages_left.c.service_id == service_id)
                & (visitor_messages_left.c.created_at < cutoff),
            )
    return asdict(removed)


async def remove_contacts(ctx: Ctx, ids: Sequence[int]) -> Removed:
    """These contacts and everything of theirs, ``BATCH`` per transaction."""
    store = LocalFileStore(ctx.settings.files_root)
    removed = Removed()
    for start in range(0, len(ids), BATCH):
        chunk = list(ids[start : start + BATCH])
        async with ctx.db.write(Lane.NEW) as conn:
            keys = await _file_keys(conn, chunk)
            removed.messages += int(
                await conn.scalar(
                    select(func.count())
                    .select_from(messages)
                    .where(messages.c.contact_id.in_(chunk))
                )
                or 0
            )
            await conn.execute(delete(events).where(events.c.contact_id.in_(chunk)))
            removed.left_messages += await _remove_left(
                conn, visitor_messages_left.c.contact_id.in_(chunk)
            )
            done = await conn.execute(delete(contacts).where(contacts.c.id.in_(chunk)))
        removed.contacts += int(done.rowcount or 0)
        removed.files += len({k for k, _thumb in keys})
        for key, thumb in keys:
            for stored in (key, thumb):
                if stored:
                    store.delete(stored)
    return removed


async def _remove_left(conn: AsyncConnection, which: Any) -> int:
    """These left messages, and the events that told supervisors of them (no contact id
    ties those to anyone: the message's id in their payload does)."""
    ids = list((await conn.scalars(select(visitor_messages_left.c.id).where(which))).all())
    if not ids:
        return 0
    await conn.execute(
        delete(events).where(
            events.c.kind.like("left\\_message.%", escape="\\"),
            events.c.payload["id"].as_integer().in_(ids),
        )
    )
    await conn.execute(delete(visitor_messages_left).where(visitor_messages_left.c.id.in_(ids)))
    return len(ids)


async def _file_keys(conn: AsyncConnection, ids: list[int]) -> list[tuple[str, str | None]]:
    rows = await conn.execute(
        select(files.c.storage_key, files.c.thumb_key).where(files.c.contact_id.in_(ids))
    )
    return [(r.storage_key, r.thumb_key) for r in rows]

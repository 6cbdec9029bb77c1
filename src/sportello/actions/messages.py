"""Chat messages: idempotent send, delivery/read receipts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.actions.canned_replies import check_available, record_use
from sportello.actions.context import Ctx
from sportello.domain.model import ContactState, Sender
from sportello.domain.principals import AgentPrincipal, Principal, VisitorPrincipal
from sportello.errors import (
    ContactClosedError,
    NotFoundError,
    TextTooLongError,
    ValidationFailedError,
    field_error,
)
from sportello.inputs import OwnTranslation
from sportello.queries.contacts import check_holder, fetch_contact_row, message_view
from sportello.routing.views import first_message_view
from sportello.storage.direct import DirectStatement
from sportello.storage.tables import contacts, messages
from sportello.stream.events import EventWriter

VISITOR_MAY_WRITE = (
    ContactState.PENDING.value,
    ContactState.ASSIGNED.value,
    ContactState.TRANSFERRING.value,
)
AGENT_MAY_WRITE = (ContactState.ASSIGNED.value, ContactState.TRANSFERRING.value)


def check_may_write(principal: Principal, contact: Any) -> None:
    """Who may add to a contact's transcript now: its visitor while it is open, and the
    agent holding it while they hold it."""
    check_holder(principal, contact)
    allowed = AGENT_MAY_WRITE if isinstance(principal, AgentPrincipal) else VISITOR_MAY_WRITE
    if contact.state not in allowed:
        raise ContactClosedError(
            f"the contact does not accept messages ({contact.state})", state=contact.state
        )


def sender_of(principal: Principal) -> Sender:
    return Sender.VISITOR if isinstance(principal, VisitorPrincipal) else Sender.AGENT


def validate_text(text: str, limit: int) -> str:
    if not text.strip():
        raise ValidationFailedError("a message needs some text")
    if len(text) > limit:
        raise TextTooLongError(f"a message is at most {limit} characters", limit=limit)
    return text


# Built once: this is the hottest write path, and building a statement per call showed
# in the chat profile (cache-key generation and coercion).
# A retried client id hits the unique index and inserts nothing (no row returned), saving
# the look-up on every first try.
_INSERT_MESSAGE = {
    "sqlite": DirectStatement(
        sqlite_insert(messages).on_conflict_do_nothing().returning(*messages.c)
    ),
    "postgresql": DirectStatement(
        pg_insert(messages).on_conflict_do_nothing().returning(*messages.c)
    ),
}


def _count_message(counter: Any) -> Any:
    return (
        update(contacts)
        .where(contacts.c.id == bindparam("contact"))
        .values({counter: counter + 1, contacts.c.last_message_at: bindparam("now")})
    )


_COUNT_VISITOR_MESSAGE = DirectStatement(_count_message(contacts.c.visitor_messages))
_COUNT_AGENT_MESSAGE = DirectStatement(_count_message(contacts.c.agent_messages))
_CHAT_CONTACT = DirectStatement(
    select(
        contacts.c.id,
        contacts.c.state,
        contacts.c.agent_id,
        contacts.c.visitor_id,
        contacts.c.translation,
        contacts.c.service_id,
    )
    .where(contacts.c.id == bindparam("contact"))
    .with_for_update()
)
"""What a send needs of its contact (the row locked on PostgreSQL; SQLite has one writer)."""
_EXISTING_MESSAGE = select(messages).where(
    messages.c.contact_id == bindparam("contact"),
    messages.c.sender == bindparam("sender"),
    messages.c.client_msg_id == bindparam("client_id"),
)


async def insert_message(
    conn: AsyncConnection,
    writer: EventWriter,
    contact: Any,
    sender: Sender,
    agent_id: int | None,
    text: str,
    client_msg_id: str | None,
    now: float,
    attachment: dict[str, Any] | None = None,
    hold_for: float = 0.0,
    own: OwnTranslation | None = None,
    announce_waiting: bool = True,
) -> dict[str, Any] | None:
    """Store a message and its event; None when this sender's client id was seen already.
    A message carrying a file has its card as ``attachment`` and its description as text.

    On a translated contact a text message is stored with a pending translation; an agent's
    is then held from the visitor (its event is the agent's only) until the translation
    is recorded, or for at most ``hold_for`` seconds (see actions/translation.py) — unless
    the agent chose its translation (``own``): then it goes at once, translated as chosen or
    marked ``skipped`` (sent in the original).

    The first visitor message of a waiting contact is also told to the agents it is offered
    to (``contact.waiting_message``), unless ``announce_waiting`` is off (a contact being
    created: its first offer carries the message)."""
    row: dict[str, Any] = {
        "contact_id": contact.id,
        "sender": sender.value,
        "agent_id": agent_id,
        "client_msg_id": client_msg_id,
        "text": text,
        "created_at": now,
    }
    if attachment is not None:
        row["file"] = attachment
    held = False
    if contact.translation is not None and attachment is None:
        langs = contact.translation["visitor"], contact.translation["agent"]
        source, target = langs if sender is Sender.VISITOR else langs[::-1]
        row["translation_state"], row["translation"] = _translation(
            contact.translation, source, target, own
        )
        if row["translation_state"] == "pending" and sender is Sender.AGENT:
            row["visitor_hold_until"] = now + hold_for
            held = True
    inserted = await _INSERT_MESSAGE[conn.dialect.name].rows(conn, row)
    if not inserted:
        return None
    message = message_view(inserted[0])
    counted = _COUNT_VISITOR_MESSAGE if sender is Sender.VISITOR else _COUNT_AGENT_MESSAGE
    await counted.rows(conn, {"contact": contact.id, "now": now})
    await writer.append(
        "message.created",
        {"message": message},
        contact_id=contact.id,
        agent_id=contact.agent_id,
        for_visitor=not held,
    )
    if (
        announce_waiting
        and sender is Sender.VISITOR
        and contact.state == ContactState.PENDING.value
    ):
        await _announce_first(conn, writer, contact.id, inserted[0])
    return message


_EARLIER_VISITOR_MESSAGE = (
    select(messages.c.id)
    .where(
        messages.c.contact_id == bindparam("contact"),
        messages.c.sender == Sender.VISITOR.value,
        messages.c.id < bindparam("id"),
    )
    .limit(1)
)


async def _announce_first(
    conn: AsyncConnection, writer: EventWriter, contact_id: int, row: Any
) -> None:
    """A waiting visitor wrote for the first time: the waiting entries show it."""
    earlier = await conn.execute(_EARLIER_VISITOR_MESSAGE, {"contact": contact_id, "id": row.id})
    if earlier.first() is not None:
        return
    await writer.append(
        "contact.waiting_message",
        {"first_message": first_message_view(row)},
        contact_id=contact_id,
        for_queue=True,
    )


def _translation(
    setting: dict[str, Any], source: str, target: str, own: OwnTranslation | None
) -> tuple[str, dict[str, Any]]:
    """A new message's translation state and column: pending (the engine's to do), or the
    agent's choice from the preview."""
    pair = {"source": source, "target": target}
    if own is None:
        return "pending", pair
    if own.original:
        return "skipped", {**pair, "code": "skipped", "reason": "sent in the original"}
    chosen = {"text": own.text, "engine": setting["engine"], "via": setting["via"]}
    return "done", {**pair, **chosen, "edited": own.edited}


async def do_send_message(
    ctx: Ctx,
    principal: Principal,
    contact_id: int,
    text: str,
    client_msg_id: str | None,
    own: OwnTranslation | None = None,
    *,
    canned_reply_id: int | None = None,
) -> tuple[dict[str, Any], bool]:
    """Send a chat message. A retry with the same client id returns the original
    (created=False). ``own`` is an agent's translation chosen from the preview (used only
    while the contact is translated). An agent's message inserted from a canned reply names
    it: the use is recorded with it."""
    validate_text(text, ctx.settings.max_message_chars)
    if own is not None and own.text is not None:
        validate_text(own.text, ctx.settings.max_message_chars)
    if canned_reply_id is not None and not isinstance(principal, AgentPrincipal):
        raise field_error("canned_reply_id", "only agents send canned replies")

    async def send(conn: AsyncConnection, writer: EventWriter) -> tuple[dict[str, Any], bool]:
        return await _send_in(
            ctx, conn, writer, principal, contact_id, text, client_msg_id, own, canned_reply_id
        )

    result: tuple[dict[str, Any], bool] = await ctx.group_commit.run(send, contact_id)
    message, created = result
    translation = message["translation"]
    if created and translation is not None and translation["state"] == "pending":
        ctx.translate_soon(message)
    return result


async def _send_in(
    ctx: Ctx,
    conn: AsyncConnection,
    writer: EventWriter,
    principal: Principal,
    contact_id: int,
    text: str,
    client_msg_id: str | None,
    own: OwnTranslation | None,
    canned_reply_id: int | None,
) -> tuple[dict[str, Any], bool]:
    sender = sender_of(principal)
    found = await _CHAT_CONTACT.rows(conn, {"contact": contact_id})
    if not found:
        raise NotFoundError(f"contact {contact_id} does not exist", contact_id=contact_id)
    contact = found[0]
    check_holder(principal, contact)
    agent_id = principal.id if isinstance(principal, AgentPrincipal) else None
    allowed = AGENT_MAY_WRITE if agent_id is not None else VISITOR_MAY_WRITE
    if contact.state not in allowed:
        # A retry of a message stored before the contact changed still gets the original.
        earlier = await earlier_send(conn, contact_id, sender, client_msg_id)
        if earlier is None:
            raise ContactClosedError(
                f"the contact does not accept messages ({contact.state})", state=contact.state
            )
        return earlier, False
    if canned_reply_id is not None and agent_id is not None:
        await check_available(conn, canned_reply_id, contact, agent_id)
    message = await insert_message(
        conn,
        writer,
        contact,
        sender,
        agent_id,
        text,
        client_msg_id,
        ctx.clock.now(),
        hold_for=ctx.settings.translation_hold_seconds,
        own=own if isinstance(principal, AgentPrincipal) else None,
    )
    if message is None:
        earlier = await earlier_send(conn, contact_id, sender, client_msg_id)
        assert earlier is not None, "the unique index refused the insert, so the row exists"
        return earlier, False
    if canned_reply_id is not None and agent_id is not None:
        await record_use(conn, canned_reply_id, contact.id, agent_id, message)
    return message, True


async def earlier_send(
    conn: AsyncConnection, contact_id: int, sender: Sender, client_msg_id: str | None
) -> dict[str, Any] | None:
    if client_msg_id is None:
        return None
    existing = (
        await conn.execute(
            _EXISTING_MESSAGE,
            {"contact": contact_id, "sender": sender.value, "client_id": client_msg_id},
        )
    ).first()
    return message_view(existing) if existing is not None else None


async def do_mark_messages(
    ctx: Ctx, principal: Principal, contact_id: int, up_to: int, state: str
) -> int:
    """Mark the other side's messages up to ``up_to`` delivered or read; returns rows changed."""
    if state not in ("delivered", "read"):
        raise ValidationFailedError("state must be 'delivered' or 'read'")
    reader = sender_of(principal)
    other = Sender.AGENT if reader is Sender.VISITOR else Sender.VISITOR
    now = ctx.clock.now()
    async with ctx.transaction() as (conn, writer):
        contact = await fetch_contact_row(conn, contact_id)
        check_holder(principal, contact)
        column = messages.c.read_at if state == "read" else messages.c.delivered_at
        result = await conn.execute(
            update(messages)
            .where(
                messages.c.contact_id == contact_id,
                messages.c.sender == other.value,
                messages.c.id <= up_to,
                column.is_(None),
            )
            .values({column: now})
        )
        if state == "read":
            await conn.execute(
                update(messages)
                .where(
                    messages.c.contact_id == contact_id,
                    messages.c.sender == other.value,
                    messages.c.id <= up_to,
                    messages.c.delivered_at.is_(None),
                )
                .values(delivered_at=now)
            )
        changed = int(result.rowcount or 0)
        if changed:
            await writer.append(
                "message.status",
                {"by": reader.value, "state": state, "up_to": up_to, "at": now},
                contact_id=contact_id,
                agent_id=contact.agent_id,
                for_visitor=True,
            )
        return changed

"""Translation of a contact's chat: turning it on and off, and recording each translation.

Messages are stored and delivered at once; the translation follows as its own event. The
exception is an agent message to a translated contact, which the visitor must never see
untranslated first: it is held from the visitor (``visitor_hold_until``) and delivered with
its translation, or untranslated once the translation failed or the hold ran out.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select, update

from sportello.actions.context import Ctx
from sportello.domain.principals import AgentPrincipal
from sportello.errors import ContactClosedError, TranslationUnavailableError
from sportello.queries.contacts import HOLDING, check_holder, fetch_contact_row, message_view
from sportello.storage.tables import contacts, messages, services
from sportello.stream.events import EventWriter


async def do_set_translation(
    ctx: Ctx, agent: AgentPrincipal, contact_id: int, visitor: str, own: str
) -> dict[str, Any]:
    """Translate this contact's chat both ways from now on (the holder only)."""
    translator = ctx.translator
    inbound = await translator.route(visitor, own)
    outbound = await translator.route(own, visitor)
    if visitor == own or inbound is None or outbound is None:
        raise TranslationUnavailableError(
            f"{translator.engine.name} cannot translate between {visitor} and {own}",
            engine=translator.engine.name,
        )
    setting = {
        "visitor": visitor,
        "agent": own,
        "engine": translator.engine.name,
        "via": inbound.via or outbound.via,
    }
    await _store_setting(ctx, agent, contact_id, setting)
    return setting


async def do_clear_translation(ctx: Ctx, agent: AgentPrincipal, contact_id: int) -> None:
    await _store_setting(ctx, agent, contact_id, None)


async def _store_setting(
    ctx: Ctx, agent: AgentPrincipal, contact_id: int, setting: dict[str, Any] | None
) -> None:
    """Store the setting, adding to it the service's glossary as it is now (``glossary``)."""
    async with ctx.transaction() as (conn, writer):
        contact = await fetch_contact_row(conn, contact_id, lock=True)
        check_holder(agent, contact)
        if setting is not None:
            terms = await conn.scalar(
                select(services.c.translation_glossary).where(services.c.id == contact.service_id)
            )
            setting["glossary"] = list(terms or [])
        changed = await conn.execute(
            update(contacts)
            .where(
                contacts.c.id == contact_id,
                contacts.c.agent_id == agent.id,
                contacts.c.state.in_(HOLDING),
            )
            .values(translation=setting)
        )
        if changed.rowcount != 1:
            raise ContactClosedError("the contact has ended", state=contact.state)
        await writer.append(
            "contact.translation",
            {"translation": setting},
            contact_id=contact_id,
            agent_id=agent.id,
        )


async def do_translate_earlier(ctx: Ctx, agent: AgentPrincipal, contact_id: int) -> list[int]:
    """Queue the translation of the visitor's earlier untranslated messages; their ids."""
    async with ctx.transaction() as (conn, _writer):
        contact = await fetch_contact_row(conn, contact_id, lock=True)
        check_holder(agent, contact)
        if contact.translation is None:
            raise TranslationUnavailableError("turn translation on for this contact first")
        rows = (
            await conn.execute(
                select(messages).where(
                    messages.c.contact_id == contact_id,
                    messages.c.sender == "visitor",
                    messages.c.file.is_(None),
                    messages.c.translation_state.is_(None),
                )
            )
        ).all()
        pair = {"source": contact.translation["visitor"], "target": contact.translation["agent"]}
        ids = [row.id for row in rows]
        if ids:
            await conn.execute(
                update(messages)
                .where(messages.c.id.in_(ids), messages.c.translation_state.is_(None))
                .values(translation_state="pending", translation=pair)
            )
    for row in rows:
        ctx.translate_soon({**message_view(row), "translation": {"state": "pending", **pair}})
    return ids


_RECORD = (
    update(messages)
    .where(messages.c.id == bindparam("message"), messages.c.translation_state == "pending")
    .values(
        translation_state=bindparam("state"),
        translation=bindparam("translation"),
        visitor_hold_until=None,
    )
    .returning(*messages.c)
)


async def do_record_translation(
    ctx: Ctx, message: dict[str, Any], result: dict[str, Any], *, failed: bool
) -> bool:
    """Store a pending message's translation (or why it failed) and tell the agent; release
    the message to the visitor if it was held. False when it was recorded already.

    Rides the chat's group commit: at chat rates a transaction per translation would
    compete with the messages themselves."""

    async def record(conn: Any, writer: EventWriter) -> bool:
        held = await conn.scalar(
            select(messages.c.visitor_hold_until).where(messages.c.id == message["id"])
        )
        row = (
            await conn.execute(
                _RECORD,
                {
                    "message": message["id"],
                    "state": "failed" if failed else "done",
                    "translation": {**_pair(message), **result},
                },
            )
        ).first()
        if row is None:
            return False
        contact = await fetch_contact_row(conn, row.contact_id)
        view = message_view(row)
        kind = "message.translated" if not failed else "message.untranslated"
        # the visitor is told when their own message could not be translated
        await writer.append(
            kind,
            {"message": view},
            contact_id=contact.id,
            agent_id=contact.agent_id,
            for_visitor=failed and row.sender == "visitor",
        )
        if held is not None:
            await writer.append(
                "message.created", {"message": view}, contact_id=contact.id, for_visitor=True
            )
        return True

    recorded: bool = await ctx.group_commit.run(record)
    return recorded


def _pair(message: dict[str, Any]) -> dict[str, Any]:
    pending = message["translation"] or {}
    return {"source": pending["source"], "target": pending["target"]}


async def do_release_held_due(ctx: Ctx) -> int:
    """Agent messages whose translation never came (a worker lost with its process): the
    visitor gets the original and the agent the reason. Fired by the scheduler."""
    now = ctx.clock.now()
    async with ctx.db.read() as conn:
        due = (
            await conn.execute(
                select(messages).where(messages.c.visitor_hold_until <= now).limit(100)
            )
        ).all()
    released = 0
    for row in due:
        reason = {"code": "interrupted", "reason": "the translation did not finish in time"}
        if await do_record_translation(ctx, message_view(row), reason, failed=True):
            released += 1
    return released

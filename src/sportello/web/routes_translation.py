"""A contact's automatic translation: the chooser's choices, on, off, earlier messages, and
the preview of what an agent's draft will become."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from sqlalchemy import select

from sportello.actions.messages import check_may_write, validate_text
from sportello.actions.translation import (
    do_clear_translation,
    do_set_translation,
    do_translate_earlier,
)
from sportello.errors import TranslationFailedError, TranslationUnavailableError
from sportello.queries.contacts import access_contact, check_holder, fetch_contact_row
from sportello.storage.tables import messages
from sportello.translation.detection import guess_language
from sportello.translation.translator import TranslationFailed
from sportello.web.deps import AgentDep, CtxDep
from sportello.web.params import ContactId
from sportello.web.schemas import PreviewBody, TranslationBody

router = APIRouter(prefix="/api/contacts/{contact_id}/translation", tags=["translation"])


@router.get("")
async def choices(contact_id: ContactId, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """What the chooser offers: the routes the engine can do between the configured
    languages, the visitor's likely language, and the current setting."""
    async with ctx.db.read() as conn:
        row = await access_contact(conn, agent, contact_id)
        check_holder(agent, row)
        said = await conn.scalars(
            select(messages.c.text)
            .where(messages.c.contact_id == contact_id, messages.c.sender == "visitor")
            .order_by(messages.c.id)
            .limit(20)
        )
        visitor_text = "\n".join(said)
    translator = ctx.translator
    engine = translator.engine.name
    return {
        "engine": engine,
        "languages": translator.languages,
        "routes": [r.view(engine) for r in await translator.routes()],
        "visitor_language": guess_language(
            visitor_text, row.visitor_language, translator.languages
        ),
        "current": row.translation,
    }


@router.put("")
async def turn_on(
    contact_id: ContactId, body: TranslationBody, agent: AgentDep, ctx: CtxDep
) -> dict[str, Any]:
    return await do_set_translation(ctx, agent, contact_id, body.visitor, body.agent)


@router.delete("", status_code=204)
async def turn_off(contact_id: ContactId, agent: AgentDep, ctx: CtxDep) -> Response:
    await do_clear_translation(ctx, agent, contact_id)
    return Response(status_code=204)


@router.post("/earlier", status_code=202)
async def earlier(contact_id: ContactId, agent: AgentDep, ctx: CtxDep) -> dict[str, list[int]]:
    """Translate the visitor's earlier messages; each translation follows as an event."""
    return {"messages": await do_translate_earlier(ctx, agent, contact_id)}


@router.post("/preview")
async def preview(
    contact_id: ContactId, body: PreviewBody, agent: AgentDep, ctx: CtxDep
) -> dict[str, Any]:
    """What the agent's draft will become for the visitor (nothing is stored or sent): the
    console shows it under the composer, and the agent may send it, edit it, or send the
    original (``translation`` in ``message.send``)."""
    validate_text(body.text, ctx.settings.max_message_chars)
    async with ctx.db.read() as conn:
        row = await fetch_contact_row(conn, contact_id)
        check_may_write(agent, row)
    setting = row.translation
    if setting is None:
        raise TranslationUnavailableError("translation is off for this contact")
    await ctx.limits.translation_preview(agent.id, ctx.clock.now())
    source, target = setting["agent"], setting["visitor"]
    keep = setting.get("glossary", [])
    try:
        done = await ctx.translator.translate(body.text, source, target, keep)
    except TranslationFailed as exc:
        raise TranslationFailedError(exc.reason, reason=exc.code) from exc
    unknown = await ctx.translator.unknown_words(body.text, source, target, keep)
    return {
        "text": done.text,
        "source": source,
        "target": target,
        "engine": done.engine,
        "via": done.via,
        "unknown": unknown,
    }

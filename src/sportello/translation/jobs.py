"""Runs translations off the chat path: one task per message, bounded by the translator."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from sqlalchemy import select

from sportello.actions.context import Ctx
from sportello.actions.translation import do_record_translation
from sportello.storage.tables import contacts
from sportello.translation.translator import TranslationFailed

log = logging.getLogger(__name__)


GLOSSARY_TTL = 10.0
"""Seconds a contact's glossary is reused before it is read again."""


class TranslationJobs:
    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        self._tasks: set[asyncio.Task[None]] = set()
        self._glossaries: dict[int, tuple[float, tuple[str, ...]]] = {}

    async def glossary(self, contact_id: int) -> tuple[str, ...]:
        """The terms to leave untranslated in this contact (its setting's ``glossary``),
        read at most every GLOSSARY_TTL seconds: at chat rates a read per message would
        compete with the messages themselves."""
        now = asyncio.get_running_loop().time()
        known = self._glossaries.get(contact_id)
        if known is not None and known[0] > now:
            return known[1]
        async with self.ctx.db.read() as conn:
            setting = await conn.scalar(
                select(contacts.c.translation).where(contacts.c.id == contact_id)
            )
        terms = tuple((setting or {}).get("glossary", []))
        if len(self._glossaries) > 10_000:
            self._glossaries.clear()
        self._glossaries[contact_id] = (now + GLOSSARY_TTL, terms)
        return terms

    def submit(self, message: dict[str, Any]) -> None:
        """Translate a stored message whose translation is pending (its view)."""
        task = asyncio.get_running_loop().create_task(self._translate(message))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _translate(self, message: dict[str, Any]) -> None:
        pair = message["translation"]
        try:
            try:
                keep = await self.glossary(message["contact_id"])
                done = await self.ctx.translator.translate(
                    message["text"], pair["source"], pair["target"], keep
                )
            except TranslationFailed as exc:
                reason = {"code": exc.code, "reason": exc.reason}
                await do_record_translation(self.ctx, message, reason, failed=True)
                return
            result = {"text": done.text, "engine": done.engine, "via": done.via}
            await do_record_translation(self.ctx, message, result, failed=False)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("translating message %s failed", message["id"])

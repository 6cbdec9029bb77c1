"""Runs translations off the chat path: one task per message, bounded by the translator."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from sportello.actions.context import Ctx
from sportello.actions.translation import do_record_translation
from sportello.translation.translator import TranslationFailed

log = logging.getLogger(__name__)


class TranslationJobs:
    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        self._tasks: set[asyncio.Task[None]] = set()

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
                done = await self.ctx.translator.translate(
                    message["text"], pair["source"], pair["target"]
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

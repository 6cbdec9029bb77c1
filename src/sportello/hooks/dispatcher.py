"""The webhook deliverer: every process runs one. It leases the endpoints nobody delivers to
and runs one task per leased endpoint, reading the stream from the endpoint's cursor on its
own connections, never inside a chat transaction: a slow or dead endpoint holds up its own
task only."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import httpx

from sportello.actions.context import Ctx
from sportello.actions.webhook_cursor import (
    do_advance_webhook_cursor,
    do_record_webhook_failure,
    do_release_webhook_leases,
    do_renew_webhook_lease,
    do_take_webhook_leases,
)
from sportello.background import BackgroundLoop
from sportello.domain.webhooks import wanted
from sportello.hooks.sending import DeliveryFailed, deliver
from sportello.stream.events import read_after

log = logging.getLogger(__name__)

BATCH = 200
"""Events read at once past an endpoint's cursor."""


class WebhookDispatcher(BackgroundLoop):
    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        self._workers: dict[int, asyncio.Task[None]] = {}

    async def _run(self) -> None:
        settings = self.ctx.settings
        async with httpx.AsyncClient(
            timeout=settings.webhooks_timeout_seconds, follow_redirects=False, trust_env=False
        ) as client:
            try:
                while True:
                    try:
                        self._reap()
                        for endpoint_id in await do_take_webhook_leases(
                            self.ctx, set(self._workers)
                        ):
                            self._workers[endpoint_id] = asyncio.create_task(
                                self._endpoint(client, endpoint_id)
                            )
                    except asyncio.CancelledError:
                        raise
                    except Exception:
                        log.exception("webhook leasing failed")
                    await asyncio.sleep(settings.webhooks_poll_seconds)
            finally:
                await self._stop_workers()

    def _reap(self) -> None:
        for endpoint_id, task in list(self._workers.items()):
            if task.done():
                del self._workers[endpoint_id]
                if not task.cancelled() and task.exception() is not None:
                    log.error("webhook %s stopped", endpoint_id, exc_info=task.exception())

    async def _stop_workers(self) -> None:
        for task in self._workers.values():
            task.cancel()
        await asyncio.gather(*self._workers.values(), return_exceptions=True)
        self._workers.clear()
        with contextlib.suppress(Exception):
            await do_release_webhook_leases(self.ctx)

    async def _endpoint(self, client: httpx.AsyncClient, endpoint_id: int) -> None:
        """Deliver in position order until the lease is lost or the endpoint is parked,
        disabled or removed."""
        ctx = self.ctx
        settings = ctx.settings
        while (row := await do_renew_webhook_lease(ctx, endpoint_id)) is not None:
            if row.next_attempt_at is not None and ctx.clock.now() < row.next_attempt_at:
                await asyncio.sleep(settings.webhooks_poll_seconds)
                continue
            async with ctx.db.read() as conn:
                batch = await read_after(conn, int(row.cursor), limit=BATCH)
            event = next((e for e in batch if wanted(row.kinds, row.agent_side, e.kind)), None)
            skipped = event.position - 1 if event else batch[-1].position if batch else 0
            if skipped > row.cursor:
                # Step over what the endpoint does not ask for, so the cursor stands right
                # before the event being delivered (where a parked endpoint shows it stopped).
                await do_advance_webhook_cursor(
                    ctx, endpoint_id, int(row.cursor), skipped, delivered=False
                )
                continue
            if event is None:
                await asyncio.sleep(settings.webhooks_poll_seconds)
                continue
            try:
                await deliver(
                    client,
                    url=row.url,
                    secret=row.secret,
                    endpoint_id=endpoint_id,
                    event=event,
                    allow_private=settings.webhooks_allow_private,
                    timeout=settings.webhooks_timeout_seconds,
                )
            except DeliveryFailed as exc:
                log.warning(
                    "webhook %s: event %s not delivered: %s", endpoint_id, event.position, exc
                )
                await do_record_webhook_failure(ctx, endpoint_id, int(row.cursor), str(exc))
                continue
            await do_advance_webhook_cursor(
                ctx, endpoint_id, int(row.cursor), event.position, delivered=True
            )

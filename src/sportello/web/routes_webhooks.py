"""Admin: webhook endpoints (docs/integrations.md, Webhooks)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from sportello.actions.webhooks import (
    do_create_webhook,
    do_delete_webhook,
    do_replay_webhook,
    do_update_webhook,
)
from sportello.errors import NotFoundError
from sportello.queries.webhooks import all_webhooks, one_webhook
from sportello.web.deps import AdminDep, CtxDep
from sportello.web.params import WebhookId
from sportello.web.schemas import WebhookBody, WebhookChangesBody, WebhookReplayBody

router = APIRouter(prefix="/api/admin/webhooks", tags=["admin"])


@router.get("")
async def list_webhooks(_admin: AdminDep, ctx: CtxDep) -> list[dict[str, Any]]:
    async with ctx.db.read() as conn:
        return await all_webhooks(conn)


@router.post("", status_code=201)
async def create_webhook(body: WebhookBody, admin: AdminDep, ctx: CtxDep) -> dict[str, Any]:
    """The answer carries ``secret``, shown this once."""
    return await do_create_webhook(ctx, **body.model_dump(), actor=admin)


@router.get("/{webhook_id}")
async def get_webhook(webhook_id: WebhookId, _admin: AdminDep, ctx: CtxDep) -> dict[str, Any]:
    async with ctx.db.read() as conn:
        view = await one_webhook(conn, webhook_id)
    if view is None:
        raise NotFoundError(f"webhook {webhook_id} does not exist", webhook_id=webhook_id)
    return view


@router.patch("/{webhook_id}")
async def change_webhook(
    webhook_id: WebhookId, body: WebhookChangesBody, admin: AdminDep, ctx: CtxDep
) -> dict[str, Any]:
    return await do_update_webhook(ctx, webhook_id, body.model_dump(exclude_none=True), actor=admin)


@router.delete("/{webhook_id}", status_code=204)
async def delete_webhook(webhook_id: WebhookId, admin: AdminDep, ctx: CtxDep) -> Response:
    await do_delete_webhook(ctx, webhook_id, actor=admin)
    return Response(status_code=204)


@router.post("/{webhook_id}/replay")
async def replay_webhook(
    webhook_id: WebhookId, body: WebhookReplayBody, admin: AdminDep, ctx: CtxDep
) -> dict[str, Any]:
    return await do_replay_webhook(ctx, webhook_id, body.from_position, actor=admin)

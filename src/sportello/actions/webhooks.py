"""Admin actions on webhook endpoints: register, change, remove, replay. Audited; the
secret is never recorded (``{"secret": "changed"}``)."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import delete, update

from sportello.actions.audit import record_change
from sportello.actions.context import Ctx
from sportello.domain.principals import AgentPrincipal
from sportello.domain.webhooks import KIND_PATTERN
from sportello.errors import NotFoundError, field_error
from sportello.hooks.addresses import check_url_text
from sportello.queries.webhooks import webhook_row, webhook_view
from sportello.storage.tables import webhook_endpoints
from sportello.stream.events import head_position

SETTABLE = ("url", "kinds", "agent_side", "enabled")


def _check_kinds(kinds: list[str]) -> list[str]:
    for kind in kinds:
        if not KIND_PATTERN.match(kind):
            raise field_error("kinds", f"{kind!r} is not an event kind, 'family.*' or '*'")
    return sorted(set(kinds))


def _check_secret(secret: str) -> str:
    if not 16 <= len(secret) <= 200:
        raise field_error("secret", "between 16 and 200 characters")
    return secret


def _audited(view: dict[str, Any]) -> dict[str, Any]:
    return {key: view[key] for key in ("url", "kinds", "agent_side", "enabled")}


async def do_create_webhook(
    ctx: Ctx,
    *,
    url: str,
    secret: str | None = None,
    kinds: list[str] | None = None,
    agent_side: bool = False,
    enabled: bool = True,
    actor: AgentPrincipal | None = None,
) -> dict[str, Any]:
    """A new endpoint starts at the stream's head: it is sent what happens from now on (an
    admin may replay earlier events). The answer carries the secret, shown this once."""
    check_url_text(url, ctx.settings.webhooks_allow_private)
    kinds = _check_kinds(kinds or ["*"])
    secret = _check_secret(secret) if secret is not None else secrets.token_urlsafe(32)
    async with ctx.transaction() as (conn, _writer):
        head = await head_position(conn)
        result = await conn.execute(
            webhook_endpoints.insert()
            .values(
                url=url,
                secret=secret,
                kinds=kinds,
                agent_side=agent_side,
                enabled=enabled,
                created_at=ctx.clock.now(),
                cursor=head,
                state="active",
            )
            .returning(webhook_endpoints.c.id)
        )
        endpoint_id = int(result.scalar_one())
        view = webhook_view(await webhook_row(conn, endpoint_id), head)
        await record_change(
            conn,
            actor=actor,
            at=ctx.clock.now(),
            action="webhook.created",
            target_kind="webhook",
            target_id=endpoint_id,
            target_name=url,
            before=None,
            after=_audited(view),
        )
    return {**view, "secret": secret}


async def do_update_webhook(
    ctx: Ctx, endpoint_id: int, changes: dict[str, Any], *, actor: AgentPrincipal | None = None
) -> dict[str, Any]:
    """Only the fields given change. Enabling a parked endpoint does not resume it: replay
    does, from the position the admin chooses."""
    values = {k: changes[k] for k in SETTABLE if changes.get(k) is not None}
    if "url" in values:
        check_url_text(values["url"], ctx.settings.webhooks_allow_private)
    if "kinds" in values:
        values["kinds"] = _check_kinds(values["kinds"])
    if changes.get("secret") is not None:
        values["secret"] = _check_secret(changes["secret"])
    async with ctx.transaction() as (conn, _writer):
        row = await webhook_row(conn, endpoint_id)
        if row is None:
            raise NotFoundError(f"webhook {endpoint_id} does not exist", webhook_id=endpoint_id)
        head = await head_position(conn)
        before = _audited(webhook_view(row, head))
        if values:
            await conn.execute(
                update(webhook_endpoints)
                .where(webhook_endpoints.c.id == endpoint_id)
                .values(**values)
            )
        view = webhook_view(await webhook_row(conn, endpoint_id), head)
        after = _audited(view)
        if "secret" in values and values["secret"] != row.secret:
            before["secret"], after["secret"] = "kept", "changed"
        await record_change(
            conn,
            actor=actor,
            at=ctx.clock.now(),
            action="webhook.changed",
            target_kind="webhook",
            target_id=endpoint_id,
            target_name=view["url"],
            before=before,
            after=after,
        )
    return view


async def do_delete_webhook(
    ctx: Ctx, endpoint_id: int, *, actor: AgentPrincipal | None = None
) -> None:
    async with ctx.transaction() as (conn, _writer):
        row = await webhook_row(conn, endpoint_id)
        if row is None:
            raise NotFoundError(f"webhook {endpoint_id} does not exist", webhook_id=endpoint_id)
        await conn.execute(delete(webhook_endpoints).where(webhook_endpoints.c.id == endpoint_id))
        await record_change(
            conn,
            actor=actor,
            at=ctx.clock.now(),
            action="webhook.deleted",
            target_kind="webhook",
            target_id=endpoint_id,
            target_name=row.url,
            before=_audited(webhook_view(row, 0)),
            after=None,
        )


async def do_replay_webhook(
    ctx: Ctx, endpoint_id: int, from_position: int, *, actor: AgentPrincipal | None = None
) -> dict[str, Any]:
    """Send again from ``from_position`` on (it may be ahead of the cursor, to skip a
    poisoned event): the endpoint is active again with no failures counted. A delivery in
    flight meanwhile cannot move the cursor back over this (its guarded update fails)."""
    async with ctx.transaction() as (conn, _writer):
        row = await webhook_row(conn, endpoint_id)
        if row is None:
            raise NotFoundError(f"webhook {endpoint_id} does not exist", webhook_id=endpoint_id)
        head = await head_position(conn)
        if from_position > head + 1:
            raise field_error("from_position", f"the stream's last position is {head}")
        await conn.execute(
            update(webhook_endpoints)
            .where(webhook_endpoints.c.id == endpoint_id)
            .values(
                cursor=from_position - 1,
                state="active",
                attempts=0,
                first_failed_at=None,
                next_attempt_at=None,
                parked_at=None,
            )
        )
        view = webhook_view(await webhook_row(conn, endpoint_id), head)
        await record_change(
            conn,
            actor=actor,
            at=ctx.clock.now(),
            action="webhook.replayed",
            target_kind="webhook",
            target_id=endpoint_id,
            target_name=row.url,
            before={"cursor": int(row.cursor), "state": row.state},
            after={"cursor": from_position - 1, "state": "active"},
        )
    return view

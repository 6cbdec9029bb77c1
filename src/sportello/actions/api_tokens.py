"""Personal API tokens: made by their owner (shown once, only a hash kept), revoked by the
owner or an admin, checked at each use against expiry, revocation, scope and the owner's
account. Audited (never the token)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.actions.agents import principal_from_row
from sportello.actions.audit import record_change
from sportello.actions.context import Ctx
from sportello.domain.api_tokens import TOKEN_PREFIX, allowed_scopes, covers, scope_needed
from sportello.domain.principals import AgentPrincipal
from sportello.errors import (
    ApiTokenExpiredError,
    ApiTokenRevokedError,
    NotAuthenticatedError,
    NotFoundError,
    TokenScopeError,
    field_error,
)
from sportello.queries.api_tokens import token_view
from sportello.security.tokens import hash_token
from sportello.storage.tables import agents, api_tokens

DAY = 86_400.0
USE_RECORDED_EVERY = 60.0
"""``last_used_at`` is written at most this often per token: not a write per request."""


async def do_create_api_token(
    ctx: Ctx,
    owner: AgentPrincipal,
    *,
    name: str,
    scopes: Sequence[str],
    expires_in_days: int,
) -> dict[str, Any]:
    """The answer carries ``token``, shown this once."""
    allowed = allowed_scopes(owner.is_admin)
    for scope in scopes:
        if scope not in allowed:
            raise field_error("scopes", f"{scope!r} is not one of {', '.join(allowed)}")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = ctx.clock.now()
    async with ctx.transaction() as (conn, _writer):
        result = await conn.execute(
            api_tokens.insert()
            .values(
                agent_id=owner.id,
                name=name,
                token_hash=hash_token(token),
                hint=token[: len(TOKEN_PREFIX) + 4],
                scopes=sorted(set(scopes)),
                created_at=now,
                expires_at=now + expires_in_days * DAY,
            )
            .returning(api_tokens.c.id)
        )
        token_id = int(result.scalar_one())
        row = (await conn.execute(select(api_tokens).where(api_tokens.c.id == token_id))).one()
        view = token_view(row)
        await record_change(
            conn,
            actor=owner,
            at=now,
            action="api_token.created",
            target_kind="api_token",
            target_id=token_id,
            target_name=name,
            before=None,
            after={k: view[k] for k in ("name", "scopes", "expires_at", "hint")},
        )
    return {**view, "token": token}


async def do_revoke_api_token(
    ctx: Ctx, actor: AgentPrincipal, token_id: int, *, any_owner: bool = False
) -> None:
    """The actor's own token, or anyone's (``any_owner``: an admin's route). At once: the
    next request with it is ``api_token_revoked``. Revoking a revoked one changes nothing."""
    now = ctx.clock.now()
    async with ctx.transaction() as (conn, _writer):
        query = select(api_tokens).where(api_tokens.c.id == token_id)
        if not any_owner:
            query = query.where(api_tokens.c.agent_id == actor.id)
        row = (await conn.execute(query)).first()
        if row is None:
            raise NotFoundError(f"API token {token_id} does not exist", token_id=token_id)
        result = await conn.execute(
            update(api_tokens)
            .where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        if result.rowcount == 1:
            await record_change(
                conn,
                actor=actor,
                at=now,
                action="api_token.revoked",
                target_kind="api_token",
                target_id=token_id,
                target_name=row.name,
                before={"revoked_at": None},
                after={"revoked_at": now},
            )


async def token_agent(
    conn: AsyncConnection, token: str, method: str, path: str, now: float
) -> tuple[AgentPrincipal, int, float | None] | None:
    """The owner of an API token making this request, the token's id and when it was last
    used; refused when revoked, expired, its owner disabled, or out of its scopes. None: no
    such token (the caller tries it as a sign-in's, which it may be by chance)."""
    row = (
        await conn.execute(
            select(
                agents,
                api_tokens.c.id.label("token_id"),
                api_tokens.c.scopes,
                api_tokens.c.expires_at,
                api_tokens.c.revoked_at,
                api_tokens.c.last_used_at,
            )
            .join(agents, agents.c.id == api_tokens.c.agent_id)
            .where(api_tokens.c.token_hash == hash_token(token))
        )
    ).first()
    if row is None:
        return None
    if not row.enabled:
        raise NotAuthenticatedError("this API token's owner cannot sign in")
    if row.revoked_at is not None:
        raise ApiTokenRevokedError("this API token was revoked")
    if row.expires_at <= now:
        raise ApiTokenExpiredError("this API token has expired; make a new one")
    if not covers(list(row.scopes), scope_needed(method, path)):
        raise TokenScopeError(
            f"this API token ({', '.join(row.scopes) or 'no scopes'}) does not reach "
            f"{method} {path}"
        )
    return principal_from_row(row), int(row.token_id), row.last_used_at


async def do_note_token_use(ctx: Ctx, token_id: int, last_used_at: float | None) -> None:
    """Record when the token was used (at most once a minute)."""
    now = ctx.clock.now()
    if last_used_at is not None and now - last_used_at < USE_RECORDED_EVERY:
        return
    async with ctx.db.write() as conn:
        await conn.execute(
            update(api_tokens)
            .where(
                api_tokens.c.id == token_id,
                or_(
                    api_tokens.c.last_used_at.is_(None),
                    api_tokens.c.last_used_at < now - USE_RECORDED_EVERY,
                ),
            )
            .values(last_used_at=now)
        )

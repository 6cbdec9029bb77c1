"""Personal API tokens: each agent's own (``/api/me/tokens``), and every one for admins."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from sportello.actions.api_tokens import do_create_api_token, do_revoke_api_token
from sportello.queries.api_tokens import tokens_of
from sportello.web.deps import AdminDep, AgentDep, CtxDep
from sportello.web.params import TokenId
from sportello.web.schemas import ApiTokenBody

router = APIRouter(prefix="/api", tags=["tokens"])


@router.get("/me/tokens")
async def my_tokens(agent: AgentDep, ctx: CtxDep) -> list[dict[str, Any]]:
    async with ctx.db.read() as conn:
        return await tokens_of(conn, agent.id)


@router.post("/me/tokens", status_code=201)
async def make_token(body: ApiTokenBody, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """The answer carries ``token``, shown this once."""
    return await do_create_api_token(
        ctx, agent, name=body.name, scopes=body.scopes, expires_in_days=body.expires_in_days
    )


@router.delete("/me/tokens/{token_id}", status_code=204)
async def revoke_my_token(token_id: TokenId, agent: AgentDep, ctx: CtxDep) -> Response:
    await do_revoke_api_token(ctx, agent, token_id)
    return Response(status_code=204)


@router.get("/admin/tokens", tags=["admin"])
async def all_tokens(_admin: AdminDep, ctx: CtxDep) -> list[dict[str, Any]]:
    async with ctx.db.read() as conn:
        return await tokens_of(conn, None)


@router.delete("/admin/tokens/{token_id}", status_code=204, tags=["admin"])
async def revoke_token(token_id: TokenId, admin: AdminDep, ctx: CtxDep) -> Response:
    await do_revoke_api_token(ctx, admin, token_id, any_owner=True)
    return Response(status_code=204)

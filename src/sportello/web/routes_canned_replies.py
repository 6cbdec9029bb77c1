"""Canned replies: the services' (admins), each agent's own, and those for a contact."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response

from sportello.actions.canned_files import forget_reply_file
from sportello.actions.canned_replies import (
    do_create_canned_reply,
    do_delete_canned_reply,
    do_update_canned_reply,
)
from sportello.inputs import INT32_MAX
from sportello.queries.canned_replies import own_replies, replies_for_contact, service_replies
from sportello.web.deps import AdminDep, AgentDep, CtxDep
from sportello.web.params import ContactId, PlainInt
from sportello.web.routes_files import file_store
from sportello.web.schemas import CannedReplyBody, CannedReplyChangesBody, ServiceCannedReplyBody

router = APIRouter(prefix="/api", tags=["canned replies"])
ReplyId = Annotated[int, Path(ge=1, le=INT32_MAX), PlainInt]


@router.get("/admin/canned-replies", tags=["admin"])
async def list_service_replies(_admin: AdminDep, ctx: CtxDep) -> list[dict[str, Any]]:
    async with ctx.db.read() as conn:
        return await service_replies(conn)


@router.post("/admin/canned-replies", status_code=201, tags=["admin"])
async def create_service_reply(
    body: ServiceCannedReplyBody, admin: AdminDep, ctx: CtxDep
) -> dict[str, Any]:
    values = body.model_dump(exclude={"service_id"})
    return await do_create_canned_reply(ctx, admin, service_id=body.service_id, values=values)


@router.patch("/admin/canned-replies/{reply_id}", tags=["admin"])
async def change_service_reply(
    reply_id: ReplyId, body: CannedReplyChangesBody, admin: AdminDep, ctx: CtxDep
) -> dict[str, Any]:
    changes = body.model_dump(exclude_none=True)
    return await do_update_canned_reply(ctx, admin, reply_id, changes, personal=False)


@router.delete("/admin/canned-replies/{reply_id}", status_code=204, tags=["admin"])
async def delete_service_reply(
    reply_id: ReplyId, admin: AdminDep, ctx: CtxDep, request: Request
) -> Response:
    stored = await do_delete_canned_reply(ctx, admin, reply_id, personal=False)
    forget_reply_file(file_store(request), stored)
    return Response(status_code=204)


@router.get("/me/canned-replies")
async def list_own_replies(agent: AgentDep, ctx: CtxDep) -> list[dict[str, Any]]:
    async with ctx.db.read() as conn:
        return await own_replies(conn, agent.id)


@router.post("/me/canned-replies", status_code=201)
async def create_own_reply(body: CannedReplyBody, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    return await do_create_canned_reply(ctx, agent, service_id=None, values=body.model_dump())


@router.patch("/me/canned-replies/{reply_id}")
async def change_own_reply(
    reply_id: ReplyId, body: CannedReplyChangesBody, agent: AgentDep, ctx: CtxDep
) -> dict[str, Any]:
    """Another agent's reply is ``not_found``: personal replies are nobody else's."""
    changes = body.model_dump(exclude_none=True)
    return await do_update_canned_reply(ctx, agent, reply_id, changes, personal=True)


@router.delete("/me/canned-replies/{reply_id}", status_code=204)
async def delete_own_reply(
    reply_id: ReplyId, agent: AgentDep, ctx: CtxDep, request: Request
) -> Response:
    stored = await do_delete_canned_reply(ctx, agent, reply_id, personal=True)
    forget_reply_file(file_store(request), stored)
    return Response(status_code=204)


@router.get("/contacts/{contact_id}/canned-replies")
async def contact_replies(
    contact_id: ContactId, agent: AgentDep, ctx: CtxDep
) -> list[dict[str, Any]]:
    """For the agent holding the contact: its service's replies and their own, placeholders
    filled from the contact (``filled``), the reply's link on the last line."""
    async with ctx.db.read() as conn:
        return await replies_for_contact(conn, agent, contact_id)

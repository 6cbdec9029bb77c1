"""A canned reply's saved file: put (the body is the file, as for an upload in a contact) and
removed by whoever manages the reply, and sent in a contact by the agent holding it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from sportello.actions.canned_files import (
    do_clear_reply_file,
    do_send_reply_file,
    do_set_reply_file,
)
from sportello.actions.context import Ctx
from sportello.actions.messages import check_may_write
from sportello.domain.principals import AgentPrincipal
from sportello.files.receive import receive_to_file
from sportello.queries.contacts import access_contact
from sportello.web.deps import AdminDep, AgentDep, CtxDep
from sportello.web.params import ContactId
from sportello.web.routes_canned_replies import ReplyId
from sportello.web.routes_files import UNNAMED, ClientId, Name, declared_length, file_store

router = APIRouter(prefix="/api", tags=["canned replies"])


async def _put(
    request: Request, ctx: Ctx, actor: AgentPrincipal, reply_id: int, name: str, personal: bool
) -> dict[str, Any]:
    store = file_store(request)
    received = await receive_to_file(
        request.stream(),
        store.staging_path(),
        ctx.settings.upload_max_bytes,
        declared_length(request.headers),
    )
    return await do_set_reply_file(ctx, store, actor, reply_id, received, name, personal=personal)


@router.put("/admin/canned-replies/{reply_id}/file", tags=["admin"])
async def put_service_reply_file(
    reply_id: ReplyId, request: Request, admin: AdminDep, ctx: CtxDep, name: Name = UNNAMED
) -> dict[str, Any]:
    """Save a file with a service's reply (replacing its earlier one); audited."""
    return await _put(request, ctx, admin, reply_id, name, personal=False)


@router.delete("/admin/canned-replies/{reply_id}/file", tags=["admin"])
async def delete_service_reply_file(
    reply_id: ReplyId, request: Request, admin: AdminDep, ctx: CtxDep
) -> dict[str, Any]:
    return await do_clear_reply_file(ctx, file_store(request), admin, reply_id, personal=False)


@router.put("/me/canned-replies/{reply_id}/file")
async def put_own_reply_file(
    reply_id: ReplyId, request: Request, agent: AgentDep, ctx: CtxDep, name: Name = UNNAMED
) -> dict[str, Any]:
    """Save a file with one of your own replies (another agent's is ``not_found``)."""
    return await _put(request, ctx, agent, reply_id, name, personal=True)


@router.delete("/me/canned-replies/{reply_id}/file")
async def delete_own_reply_file(
    reply_id: ReplyId, request: Request, agent: AgentDep, ctx: CtxDep
) -> dict[str, Any]:
    return await do_clear_reply_file(ctx, file_store(request), agent, reply_id, personal=True)


@router.post("/contacts/{contact_id}/canned-replies/{reply_id}/file", status_code=201)
async def send_reply_file(
    contact_id: ContactId,
    reply_id: ReplyId,
    request: Request,
    response: Response,
    agent: AgentDep,
    ctx: CtxDep,
    client_id: ClientId = None,
) -> dict[str, Any]:
    """Send the reply's file in a contact you hold: the answer is the file message (200 with
    the first one for a retry with the same ``client_id``)."""
    async with ctx.db.read() as conn:
        check_may_write(agent, await access_contact(conn, agent, contact_id))
    message, created = await do_send_reply_file(
        ctx, file_store(request), agent, contact_id, reply_id, client_id
    )
    if not created:
        response.status_code = 200
    return message

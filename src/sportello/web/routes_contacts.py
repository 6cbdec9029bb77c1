"""Contacts as the agent works them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from sportello.actions.contacts import (
    do_accept_contact,
    do_close_contact,
    do_dismiss_contact,
    do_set_colour,
)
from sportello.actions.links import do_push_link
from sportello.actions.messages import do_mark_messages, do_send_message
from sportello.actions.notes import do_add_note
from sportello.actions.transfers import (
    do_accept_transfer,
    do_cancel_transfer,
    do_reject_transfer,
    do_request_transfer,
)
from sportello.errors import ForbiddenError
from sportello.queries.contacts import access_contact, contact_for_agent, fetch_contact_row
from sportello.queries.transfer_targets import transfer_targets
from sportello.web.deps import AgentDep, CtxDep, StaffDep
from sportello.web.params import ContactId
from sportello.web.schemas import (
    ColourBody,
    MessageBody,
    NoteBody,
    PushLinkBody,
    ReceiptBody,
    RejectTransferBody,
    TransferBody,
)

router = APIRouter(prefix="/api/contacts", tags=["contacts"])


@router.get("/{contact_id}")
async def get_contact(contact_id: ContactId, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    async with ctx.db.read() as conn:
        row = await access_contact(conn, agent, contact_id)
        return await contact_for_agent(conn, row)


@router.post("/{contact_id}/accept")
async def accept(contact_id: ContactId, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    return await do_accept_contact(ctx, agent, contact_id)


@router.post("/{contact_id}/messages", status_code=201)
async def send_message(
    contact_id: ContactId, body: MessageBody, response: Response, agent: AgentDep, ctx: CtxDep
) -> dict[str, Any]:
    """201 with the new message; 200 with the original when client_msg_id was seen before."""
    message, created = await do_send_message(
        ctx,
        agent,
        contact_id,
        body.text,
        body.client_msg_id,
        body.translation,
        canned_reply_id=body.canned_reply_id,
    )
    if not created:
        response.status_code = 200
    return message


@router.post("/{contact_id}/notes", status_code=201)
async def add_note(
    contact_id: ContactId, body: NoteBody, author: StaffDep, ctx: CtxDep, response: Response
) -> dict[str, Any]:
    """A private note: agents and supervisors read it, the visitor never does. Each
    ``@login`` of an enabled agent tells them and lets them read the contact. A retry with
    the same ``client_id`` answers 200 with the first note."""
    note, created = await do_add_note(ctx, author, contact_id, body.text, body.client_id)
    if not created:
        response.status_code = 200
    return note


@router.post("/{contact_id}/receipts")
async def receipts(
    contact_id: ContactId, body: ReceiptBody, agent: AgentDep, ctx: CtxDep
) -> dict[str, int]:
    changed = await do_mark_messages(ctx, agent, contact_id, body.up_to, body.state)
    return {"changed": changed}


@router.post("/{contact_id}/close")
async def close(contact_id: ContactId, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    return await do_close_contact(ctx, agent, contact_id)


@router.post("/{contact_id}/dismiss")
async def dismiss(contact_id: ContactId, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """Remove an ended contact from the agent's consoles (it stays there until then)."""
    return await do_dismiss_contact(ctx, agent, contact_id)


@router.put("/{contact_id}/colour")
async def colour(
    contact_id: ContactId, body: ColourBody, agent: AgentDep, ctx: CtxDep
) -> dict[str, Any]:
    return await do_set_colour(ctx, agent, contact_id, body.colour)


@router.post("/{contact_id}/push-link")
async def push_link(
    contact_id: ContactId, body: PushLinkBody, agent: AgentDep, ctx: CtxDep
) -> dict[str, Any]:
    """Send the visitor's browser to a page of the service's sites ("send immediately"), or
    offer it to them when the service switches immediate navigation off."""
    return await do_push_link(ctx, agent, contact_id, body.url)


@router.get("/{contact_id}/transfer-targets")
async def get_transfer_targets(
    contact_id: ContactId, agent: AgentDep, ctx: CtxDep
) -> dict[str, Any]:
    """The transfer dialog's lists, for the agent holding the contact (polled while open)."""
    async with ctx.db.read() as conn:
        row = await fetch_contact_row(conn, contact_id)
        if row.agent_id != agent.id:
            raise ForbiddenError("only the agent holding this contact may transfer it")
        return await transfer_targets(
            conn,
            agent.id,
            row,
            ctx.clock.now(),
            ctx.settings.agent_grace_seconds,
            ctx.settings.idle_seconds,
        )


@router.post("/{contact_id}/transfer", status_code=201)
async def transfer(
    contact_id: ContactId, body: TransferBody, agent: AgentDep, ctx: CtxDep
) -> dict[str, Any]:
    return await do_request_transfer(
        ctx, agent, contact_id, to_agent_id=body.agent_id, group_id=body.group_id, note=body.note
    )


@router.post("/{contact_id}/transfer/cancel")
async def cancel_transfer(contact_id: ContactId, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    return await do_cancel_transfer(ctx, agent, contact_id)


@router.post("/{contact_id}/transfer/accept")
async def accept_transfer(contact_id: ContactId, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    return await do_accept_transfer(ctx, agent, contact_id)


@router.post("/{contact_id}/transfer/reject")
async def reject_transfer(
    contact_id: ContactId, body: RejectTransferBody, agent: AgentDep, ctx: CtxDep
) -> dict[str, Any]:
    return await do_reject_transfer(ctx, agent, contact_id, body.reason)

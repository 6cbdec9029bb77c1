"""A supervisor steps into a contact in progress: joins the conversation (barge-in), writes
in it, leaves it, or takes the contact over. Supervisors of the contact's service and
admins; a plain agent is ``forbidden``, a supervisor of other services ``not_supervising``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from sportello.actions.intervention import (
    do_join_contact,
    do_leave_contact,
    do_send_as_supervisor,
)
from sportello.actions.takeover import do_take_over
from sportello.web.deps import CtxDep, SupervisorDep
from sportello.web.params import ContactId
from sportello.web.schemas import SupervisorMessageBody, TakeOverBody

router = APIRouter(prefix="/api/supervision/contacts", tags=["supervision"])


@router.post("/{contact_id}/join")
async def join(contact_id: ContactId, supervisor: SupervisorDep, ctx: CtxDep) -> dict[str, Any]:
    """The visitor and the agent see the supervisor join (``already_joined`` a second time)."""
    return await do_join_contact(ctx, supervisor, contact_id)


@router.delete("/{contact_id}/join")
async def leave(contact_id: ContactId, supervisor: SupervisorDep, ctx: CtxDep) -> dict[str, Any]:
    """The visitor and the agent see the supervisor leave (``not_joined`` if not in it)."""
    return await do_leave_contact(ctx, supervisor, contact_id)


@router.post("/{contact_id}/messages", status_code=201)
async def send(
    contact_id: ContactId,
    body: SupervisorMessageBody,
    response: Response,
    supervisor: SupervisorDep,
    ctx: CtxDep,
) -> dict[str, Any]:
    """201 with the message; 200 with the original when client_msg_id was seen before."""
    message, created = await do_send_as_supervisor(
        ctx, supervisor, contact_id, body.text, body.client_msg_id
    )
    if not created:
        response.status_code = 200
    return message


@router.post("/{contact_id}/take-over")
async def take_over(
    contact_id: ContactId, supervisor: SupervisorDep, ctx: CtxDep, body: TakeOverBody | None = None
) -> dict[str, Any]:
    """The contact is the supervisor's at once (their panel's view of it is returned); the
    body is optional."""
    expected = body.agent_id if body is not None else None
    return await do_take_over(ctx, supervisor, contact_id, expected_agent_id=expected)

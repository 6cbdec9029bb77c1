"""Who may relay a call's signalling (offers, answers, ICE candidates)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.domain.calls import CallState
from sportello.domain.principals import Principal, VisitorPrincipal
from sportello.errors import ForbiddenError, NoCallError
from sportello.queries.calls import fetch_call
from sportello.queries.contacts import check_holder, fetch_contact_row


async def relay_call(
    conn: AsyncConnection,
    principal: Principal,
    contact_id: int,
    call_id: int,
    *,
    session_id: str | None = None,
    link: int | None = None,
) -> Any:
    """The call whose signalling this party may send: the contact's live, answered call,
    from the console session or visitor connection that is in it."""
    contact = await fetch_contact_row(conn, contact_id)
    check_holder(principal, contact)
    row = await fetch_call(conn, call_id)
    if (
        row is None
        or row.contact_id != contact_id
        or row.state not in (CallState.ACCEPTED, CallState.CONNECTED)
    ):
        raise NoCallError("this contact has no such call being set up or in progress")
    mine = (
        row.visitor_link == link
        if isinstance(principal, VisitorPrincipal)
        else (row.agent_session == session_id)
    )
    if not mine:
        raise ForbiddenError("this call is on another console or page", call_id=call_id)
    return row

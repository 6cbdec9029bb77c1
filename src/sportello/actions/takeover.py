"""A supervisor takes a contact over: a transfer to themselves that needs no acceptance.

It is a transfer leg like any other (``actions/transfers.py``), requested and accepted in
one transaction, so reports count it, the previous agent keeps reading the contact and the
visitor sees the handover as for an accepted transfer. Refused with a code when the contact
ended, is being transferred, changed hands since the supervisor looked (``holder_changed``)
or belongs to a service the reader does not supervise (``not_supervising``). Audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert

from sportello.actions.audit import record_change
from sportello.actions.context import Ctx
from sportello.actions.intervention import end_join
from sportello.actions.transfers import hand_over
from sportello.domain.model import ContactState
from sportello.domain.principals import AgentPrincipal
from sportello.errors import (
    AlreadyJoinedError,
    ContactClosedError,
    HolderChangedError,
    TransferPendingError,
)
from sportello.queries.contacts import fetch_contact_row
from sportello.queries.intervention import check_supervises
from sportello.queries.transfers import open_leg
from sportello.storage.tables import transfers


async def do_take_over(
    ctx: Ctx, supervisor: AgentPrincipal, contact_id: int, *, expected_agent_id: int | None
) -> dict[str, Any]:
    """assigned (to an agent) → assigned to the supervisor. ``expected_agent_id`` is the
    agent the supervisor saw holding it: if someone else holds it now, nothing happens."""
    now = ctx.clock.now()
    async with ctx.transaction() as (conn, writer):
        row = await fetch_contact_row(conn, contact_id, lock=True)
        await check_supervises(conn, supervisor, row)
        if row.state == ContactState.TRANSFERRING.value or await open_leg(conn, row.id):
            raise TransferPendingError(
                "the agent is transferring this contact; wait for the transfer to end",
                contact_id=row.id,
            )
        if row.state != ContactState.ASSIGNED.value:
            raise ContactClosedError("the contact is not in progress", state=row.state)
        if row.agent_id == supervisor.id:
            raise AlreadyJoinedError("you already hold this contact", contact_id=row.id)
        if expected_agent_id is not None and row.agent_id != expected_agent_id:
            raise HolderChangedError(
                "another agent holds this contact now", contact_id=row.id, agent_id=row.agent_id
            )
        created = await conn.execute(
            insert(transfers)
            .values(
                contact_id=row.id,
                from_agent_id=row.agent_id,
                to_agent_id=supervisor.id,
                note="",
                state="pending",
                rejected_by=[],
                requested_at=now,
                due_at=now,
                taken_over=True,
            )
            .returning(*transfers.c)
        )
        leg = created.one()
        # Holding it now, the supervisor is no longer a guest in it.
        await end_join(conn, row.id, supervisor.id, now)
        detail = await hand_over(ctx, conn, writer, row, leg, supervisor.id, now, taken_over=True)
        await record_change(
            conn,
            actor=supervisor,
            at=now,
            action="contact.taken_over",
            target_kind="contact",
            target_id=row.id,
            target_name=row.visitor_name,
            before={"agent_id": row.agent_id},
            after={"agent_id": supervisor.id},
        )
        return detail

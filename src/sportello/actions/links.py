"""The data-sharing channel: an agent sends the visitor's browser to a page of the site.

A pushed link is a durable event for both sides, so a visitor between pages when it is sent
gets it when their widget reconnects, and — since the widget stores its position before
navigating — never twice."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from sportello.actions.context import Ctx
from sportello.actions.messages import AGENT_MAY_WRITE
from sportello.domain.origins import origin_of
from sportello.domain.principals import AgentPrincipal
from sportello.domain.redirects import redirect_refusal
from sportello.errors import ContactClosedError, RedirectRefusedError
from sportello.queries.contacts import check_holder, fetch_contact_row
from sportello.storage.tables import services


async def do_push_link(
    ctx: Ctx, agent: AgentPrincipal, contact_id: int, url: str
) -> dict[str, Any]:
    """Navigate the visitor to ``url`` now (or, when the service says so, offer it)."""
    async with ctx.transaction() as (conn, writer):
        contact = await fetch_contact_row(conn, contact_id, lock=True)
        check_holder(agent, contact)
        if contact.state not in AGENT_MAY_WRITE:
            raise ContactClosedError("the contact has ended", state=contact.state)
        service = (
            await conn.execute(select(services).where(services.c.id == contact.service_id))
        ).one()
        allowed = list(service.sites) or [o for o in (origin_of(contact.site),) if o]
        reason = redirect_refusal(url, allowed)
        if reason is not None:
            raise RedirectRefusedError(
                f"the visitor cannot be sent there: {reason}", url=url, sites=allowed
            )
        pushed = {
            "id": uuid.uuid4().hex,
            "url": url,
            "mode": "navigate" if service.immediate_redirect else "prompt",
            "by": agent.id,
        }
        await writer.append(
            "link.pushed", pushed, contact_id=contact.id, agent_id=agent.id, for_visitor=True
        )
        return pushed

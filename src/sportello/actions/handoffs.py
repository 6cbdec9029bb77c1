"""Carrying a conversation to another of the service's sites.

The widget keeps its conversation in the site's own storage, so a visitor sent to another
allowed origin (a pushed link, an offered page) would arrive there with none and their
chat would be left behind. Before leaving, the widget asks for a handoff code — naming
only the contact, signed, good for a minute and for one use — and carries it in the new
page's URL fragment, which browsers never send to a server. The widget there takes it up
for a visitor token of its own. Asking again replaces the earlier code.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import update

from sportello.actions.context import Ctx
from sportello.actions.visitor_presence import ACTIVE
from sportello.domain.origins import origin_of
from sportello.domain.principals import VisitorPrincipal
from sportello.domain.redirects import redirect_refusal
from sportello.errors import ContactClosedError, HandoffRefusedError, RedirectRefusedError
from sportello.queries.contacts import access_contact, fetch_contact_row
from sportello.queries.services import service_sites
from sportello.security.tokens import sign_handoff_code
from sportello.storage.tables import contacts

HANDOFF_SECONDS = 60


async def do_offer_handoff(ctx: Ctx, visitor: VisitorPrincipal, url: str) -> dict[str, Any]:
    """A code that lets the widget at ``url`` (one of the service's sites) take up the chat."""
    nonce = secrets.token_urlsafe(16)
    async with ctx.transaction() as (conn, _writer):
        contact = await access_contact(conn, visitor, visitor.contact_id)
        allowed = await service_sites(conn, contact.service_id)
        reason = redirect_refusal(url, allowed or [o for o in (origin_of(contact.site),) if o])
        if reason is not None:
            raise RedirectRefusedError(f"the chat cannot follow there: {reason}", url=url)
        offered = await conn.execute(
            update(contacts)
            .where(contacts.c.id == contact.id, contacts.c.state.in_(ACTIVE))
            .values(handoff_nonce=nonce)
        )
        if offered.rowcount != 1:
            raise ContactClosedError("the contact has ended", state=contact.state)
    expires_at = ctx.clock.now() + HANDOFF_SECONDS
    code = sign_handoff_code(ctx.settings.secret_key, contact.id, nonce, expires_at)
    return {"code": code, "expires_at": expires_at}


async def do_take_handoff(ctx: Ctx, contact_id: int, nonce: str) -> Any:
    """The contact a handoff code named, taken up once (the caller checked the code and the
    site)."""
    async with ctx.transaction() as (conn, _writer):
        taken = await conn.execute(
            update(contacts)
            .where(
                contacts.c.id == contact_id,
                contacts.c.handoff_nonce == nonce,
                contacts.c.state.in_(ACTIVE),
            )
            .values(handoff_nonce=None)
        )
        if taken.rowcount != 1:
            raise HandoffRefusedError(
                "this conversation was already taken up, or has ended", contact_id=contact_id
            )
        return await fetch_contact_row(conn, contact_id)

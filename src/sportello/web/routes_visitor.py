"""The widget's HTTP side. Authenticated by the signed visitor token, not cookies."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from sportello import log_context
from sportello.actions.contacts import (
    VisitorRequest,
    do_create_contact,
    do_leave_contact,
    do_record_page,
)
from sportello.actions.context import Ctx
from sportello.actions.handoffs import do_offer_handoff, do_take_handoff
from sportello.actions.invitations import do_record_invitation
from sportello.actions.left_messages import do_leave_message
from sportello.actions.messages import do_mark_messages, do_send_message
from sportello.actions.ratings import do_rate_contact
from sportello.actions.transcripts import do_request_transcript
from sportello.actions.visitor_presence import do_visitor_departing
from sportello.domain.locales import visitor_country
from sportello.domain.principals import VisitorPrincipal
from sportello.errors import (
    ClientGoneError,
    ForbiddenError,
    NotAuthenticatedError,
    TokenExpiredError,
    ValidationFailedError,
)
from sportello.queries.contacts import access_contact, contact_for_visitor
from sportello.queries.services import contact_sites, service_sites, services_for_site
from sportello.security.tokens import read_handoff_code, read_visitor_token, sign_visitor_token
from sportello.web.deps import CtxDep, VisitorDep, bearer, client_ip, current_visitor
from sportello.web.origins import check_site
from sportello.web.params import ContactId
from sportello.web.schemas import (
    ContactRequestBody,
    DepartureBody,
    HandoffBody,
    HandoffOfferBody,
    InvitationEventBody,
    LeftMessageBody,
    MessageBody,
    PageBody,
    RatingBody,
    ReceiptBody,
    TranscriptRequestBody,
)

router = APIRouter(prefix="/api/visitor", tags=["visitor"])

DEPARTURE_OPENAPI: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "text/plain": {"schema": DepartureBody.model_json_schema()},
            "application/json": {"schema": DepartureBody.model_json_schema()},
        },
    }
}


@router.get("/services")
async def available_services(request: Request, ctx: CtxDep) -> list[dict[str, Any]]:
    """Services allowed on the calling site, each saying whether anyone can take it now."""
    async with ctx.db.read() as conn:
        return await services_for_site(
            conn, request.headers.get("origin"), ctx.clock.now(), ctx.settings.idle_seconds
        )


@router.post("/invitations", status_code=204)
async def invitation_event(body: InvitationEventBody, request: Request, ctx: CtxDep) -> Response:
    """The widget showed a service's invitation, or the visitor accepted it: counted in the
    reports (``GET /api/reports/invitations``)."""
    await ctx.limits.invitation_event(client_ip(request), ctx.clock.now())
    origin = request.headers.get("origin")
    await do_record_invitation(
        ctx,
        service_id=body.service_id,
        visitor_id=body.visitor_id,
        rule=body.rule,
        kind=body.kind,
        admit=lambda sites: check_site(origin, sites),
    )
    return Response(status_code=204)


@router.post("/contacts", status_code=201)
async def create_contact(body: ContactRequestBody, request: Request, ctx: CtxDep) -> dict[str, Any]:
    """Ask for help. The answer holds the contact and the token for everything after."""
    await ctx.limits.new_contact(client_ip(request), ctx.clock.now())
    origin = request.headers.get("origin")
    previous_agent = await _previous_agent(ctx, body.previous_token, body.visitor_id)

    async def admit(service: Any) -> None:
        check_site(origin, service.sites)
        # Checked once the request's turn to write has come: a visitor who gave up while
        # it queued (closed the page, or their fetch timed out) gets no contact.
        if await request.is_disconnected():
            raise ClientGoneError("the client hung up before its contact was created")

    address_country = "" if body.country else await ctx.countries.of(client_ip(request))
    country, country_source = visitor_country(body.country, address_country, body.locale)
    contact = await do_create_contact(
        ctx,
        VisitorRequest(
            service_id=body.service_id,
            visitor_id=body.visitor_id,
            visitor_name=body.name,
            first_message=body.message or None,
            first_message_client_id=body.client_msg_id,
            email=body.email,
            country=country,
            country_source=country_source,
            language=body.locale.split("-")[0].lower(),
            site=origin or "",
            page_url=body.page_url,
            page_title=body.page_title,
            referrer=body.referrer,
            user_agent=request.headers.get("user-agent", ""),
            medium=body.medium,
            prefer_agent_id=previous_agent,
            identity=_claim(body.identity),
            prechat=dict(body.prechat),
        ),
        admit,
    )
    log_context.note(contact_id=contact["id"])
    return {"contact": contact, **_visitor_token(ctx, contact["id"], body.visitor_id)}


def _claim(identity: Any) -> dict[str, Any] | None:
    """The claim as an object; any other JSON there is a malformed claim (which verifies
    nothing), not a bad request."""
    if identity is None:
        return None
    return identity if isinstance(identity, dict) else {}


async def _previous_agent(ctx: Ctx, token: str | None, visitor_id: str) -> int | None:
    """The agent of the ended contact a new one follows ("start a new conversation"): the
    token must be this visitor's (``forbidden`` otherwise)."""
    if token is None:
        return None
    previous = read_visitor_token(ctx.settings.secret_key, token, ctx.clock.now())
    if previous.visitor_id != visitor_id:
        raise ForbiddenError("the previous conversation is another visitor's")
    async with ctx.db.read() as conn:
        row = await access_contact(conn, previous, previous.contact_id)
    return int(row.agent_id) if row.state == "closed" and row.agent_id is not None else None


def _visitor_token(ctx: Ctx, contact_id: int, visitor_id: str) -> dict[str, Any]:
    expires = ctx.clock.now() + ctx.settings.visitor_token_hours * 3600
    token = sign_visitor_token(ctx.settings.secret_key, contact_id, visitor_id, expires)
    return {"token": token, "token_expires_at": expires}


@router.post("/contact/handoff", status_code=201)
async def offer_handoff(
    body: HandoffOfferBody, request: Request, visitor: VisitorDep, ctx: CtxDep
) -> dict[str, Any]:
    """A one-use code for the widget on another of the service's sites to take up the chat."""
    await ctx.limits.visitor_message(visitor.contact_id, client_ip(request), ctx.clock.now())
    return await do_offer_handoff(ctx, visitor, body.url)


@router.post("/handoff")
async def take_handoff(body: HandoffBody, request: Request, ctx: CtxDep) -> dict[str, Any]:
    """Take up the chat a handoff code carries: the contact, and a token for this site's
    widget (which adopts the conversation's visitor id)."""
    contact_id, nonce = read_handoff_code(ctx.settings.secret_key, body.code, ctx.clock.now())
    async with ctx.db.read() as conn:
        check_site(request.headers.get("origin"), await contact_sites(conn, contact_id))
    row = await do_take_handoff(ctx, contact_id, nonce)
    async with ctx.db.read() as conn:
        contact = await contact_for_visitor(conn, row)
    return {
        "contact": contact,
        "visitor_id": row.visitor_id,
        **_visitor_token(ctx, row.id, row.visitor_id),
    }


@router.get("/contact")
async def get_contact(visitor: VisitorDep, ctx: CtxDep) -> dict[str, Any]:
    async with ctx.db.read() as conn:
        row = await access_contact(conn, visitor, visitor.contact_id)
        return await contact_for_visitor(conn, row)


@router.post("/contact/messages", status_code=201)
async def send_message(
    body: MessageBody, request: Request, response: Response, visitor: VisitorDep, ctx: CtxDep
) -> dict[str, Any]:
    await ctx.limits.visitor_message(visitor.contact_id, client_ip(request), ctx.clock.now())
    message, created = await do_send_message(
        ctx,
        visitor,
        visitor.contact_id,
        body.text,
        body.client_msg_id,
        canned_reply_id=body.canned_reply_id,
    )
    if not created:
        response.status_code = 200
    return message


@router.post("/contact/receipts")
async def receipts(body: ReceiptBody, visitor: VisitorDep, ctx: CtxDep) -> dict[str, int]:
    changed = await do_mark_messages(ctx, visitor, visitor.contact_id, body.up_to, body.state)
    return {"changed": changed}


@router.post("/contact/pages", status_code=201)
async def page_changed(body: PageBody, visitor: VisitorDep, ctx: CtxDep) -> dict[str, Any]:
    return await do_record_page(ctx, visitor, body.url, body.title)


@router.post("/contact/departure", openapi_extra=DEPARTURE_OPENAPI)
async def departure(request: Request, ctx: CtxDep) -> dict[str, Any]:
    """The widget's page is going away (``pagehide``): start the visitor-disconnect grace.

    Sent as a beacon, so the body is JSON in any content type and carries the token."""
    try:
        body = DepartureBody.model_validate_json(await request.body())
    except ValidationError as exc:
        raise ValidationFailedError("send {token, link, navigating} as JSON") from exc
    # No site check here, unlike every other visitor call: the beacon races the socket's
    # close on navigation, and one more read before acting makes it lose (the chat then
    # looks left). It only starts the grace period the closing socket starts anyway.
    visitor = read_visitor_token(ctx.settings.secret_key, body.token, ctx.clock.now())
    return await do_visitor_departing(ctx, visitor, body.link, body.navigating)


@router.post("/contacts/{contact_id}/rating", status_code=201)
async def rate(
    contact_id: ContactId, body: RatingBody, visitor: VisitorDep, ctx: CtxDep
) -> dict[str, Any]:
    """Rate the ended conversation, once (``already_rated`` after)."""
    return await do_rate_contact(ctx, visitor, contact_id, body.score, body.comment)


@router.post("/contacts/{contact_id}/transcript", status_code=201)
async def ask_transcript(
    contact_id: ContactId,
    body: TranscriptRequestBody,
    request: Request,
    visitor: VisitorDep,
    ctx: CtxDep,
) -> dict[str, Any]:
    """E-mail the transcript of the ended conversation, once."""
    await ctx.limits.left_message(client_ip(request), ctx.clock.now())
    return await do_request_transcript(ctx, visitor, contact_id, body.email, body.language)


@router.post("/contact/leave")
async def leave(visitor: VisitorDep, ctx: CtxDep) -> dict[str, Any]:
    """The visitor ends the contact (or stops waiting)."""
    return await do_leave_contact(ctx, visitor)


async def _contact_left(request: Request, ctx: Ctx) -> VisitorPrincipal | None:
    """The contact a left message follows (nobody took it): the visitor token's, when one
    is sent and still valid. Anyone may leave a message, so any other bearer is ignored."""
    if bearer(request) is None:
        return None
    try:
        return await current_visitor(request, ctx)
    except (NotAuthenticatedError, TokenExpiredError):
        return None


@router.post("/left-messages", status_code=201)
async def leave_message(body: LeftMessageBody, request: Request, ctx: CtxDep) -> dict[str, Any]:
    """'Leave a message' when nobody is available; supervisors read these later."""
    await ctx.limits.left_message(client_ip(request), ctx.clock.now())
    visitor = await _contact_left(request, ctx)
    if body.service_id is not None:
        async with ctx.db.read() as conn:
            check_site(request.headers.get("origin"), await service_sites(conn, body.service_id))
    message_id = await do_leave_message(
        ctx,
        service_id=body.service_id,
        contact_id=visitor.contact_id if visitor else None,
        name=body.name,
        email=body.email,
        text=body.text,
        site=request.headers.get("origin", ""),
    )
    return {"id": message_id}

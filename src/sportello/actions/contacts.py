"""Contact lifecycle actions: create, accept, leave, close, dissuade, colour tag."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.actions.calls import end_live_call, place_call
from sportello.actions.context import Ctx
from sportello.actions.messages import insert_message
from sportello.actions.room import check_room
from sportello.actions.transcripts import queue_automatic_transcript
from sportello.actions.transfer_legs import end_open_leg
from sportello.actions.transfers import accept_transfer
from sportello.domain.calls import Side
from sportello.domain.dissuasion import dissuasion_for_visitor
from sportello.domain.identity import Unverified, verify_identity
from sportello.domain.model import (
    ContactState,
    Medium,
    Offer,
    Outcome,
    PendingContact,
    Sender,
)
from sportello.domain.prechat import check_answers
from sportello.domain.principals import AgentPrincipal, VisitorPrincipal
from sportello.domain.rules import close_outcome, leave_outcome
from sportello.errors import (
    AlreadyTakenError,
    ContactClosedError,
    ContactNotEndedError,
    ContactNotPendingError,
    ContactQueuedError,
    ForbiddenError,
    NotEligibleError,
    NotFoundError,
    NothingWaitingError,
    ServiceClosedError,
    ServiceUnavailableError,
    TextTooLongError,
    ValidationFailedError,
)
from sportello.queries.calls import call_media
from sportello.queries.contacts import (
    agent_card,
    check_holder,
    contact_for_agent,
    contact_for_visitor,
    fetch_contact_row,
)
from sportello.queries.services import service_open
from sportello.routing.busy_queue import (
    QUEUE_FULL,
    Intake,
    WhenBusy,
    due_exit,
    intake,
    is_queued,
)
from sportello.routing.engine import route_new, store_offer
from sportello.routing.views import QUEUE_ORDER, waiting_entries
from sportello.storage.tables import contacts, page_visits, services
from sportello.storage.write_turns import Lane
from sportello.stream.events import EventWriter

log = logging.getLogger(__name__)

HOLDING = (ContactState.ASSIGNED.value, ContactState.TRANSFERRING.value)
VISITOR_GONE = "visitor_gone"
"""``closed_by`` of a contact ended because the visitor's page went away for good."""


@dataclass(frozen=True)
class VisitorRequest:
    service_id: int
    visitor_id: str
    visitor_name: str
    first_message: str | None = None
    first_message_client_id: str | None = None
    email: str = ""
    country: str = ""
    country_source: str = ""
    """Where ``country`` came from: ``ip``, ``locale``, or "" (given, or none)."""
    language: str = ""
    site: str = ""
    page_url: str = ""
    page_title: str = ""
    referrer: str = ""
    user_agent: str = ""
    medium: Medium = Medium.CHAT
    prefer_agent_id: int | None = None
    """The agent of the visitor's previous contact ("start a new conversation")."""
    identity: dict[str, Any] | None = None
    prechat: dict[str, Any] = field(default_factory=dict)
    """The pre-chat form's answers by key (domain/prechat.py)."""
    """The site's signed claim of who the visitor is, as the widget passed it: checked
    against the service's secret, ignored (logged at debug) when it does not verify."""


def dequeued(contact_id: int, reason: str) -> dict[str, Any]:
    return {"contact_id": contact_id, "reason": reason}


Admit = Callable[[Any], Awaitable[None]]
"""A check of the request against the service's row, run inside the creating transaction
(the caller's: the site the request comes from, whether its client still waits)."""


async def do_create_contact(
    ctx: Ctx, request: VisitorRequest, admit: Admit | None = None
) -> dict[str, Any]:
    """A visitor asks for help: pending if someone can take it, rejected otherwise.

    One transaction: the service, the contact, its first message, and its offer, planned
    alone against the agents at work (``routing.engine.route_new``)."""
    now = ctx.clock.now()
    if (
        request.first_message is not None
        and len(request.first_message) > ctx.settings.max_message_chars
    ):
        limit = ctx.settings.max_message_chars
        raise TextTooLongError(f"a message is at most {limit} characters", limit=limit)
    window = ctx.settings.same_agent_seconds
    prefer = request.prefer_agent_id if window > 0 else None
    prefer_until = now + window if prefer is not None else None
    async with ctx.transaction(Lane.NEW) as (conn, writer):
        service = (
            await conn.execute(select(services).where(services.c.id == request.service_id))
        ).first()
        if service is None or not service.enabled:
            raise NotFoundError(
                f"service {request.service_id} does not exist", service_id=request.service_id
            )
        if admit is not None:
            await admit(service)
        if not service_open(service, now):
            raise ServiceClosedError(
                "the service is closed now (opening hours)", service_id=service.id
            )
        if request.medium.value not in service.media:
            raise ServiceUnavailableError(f"{request.medium.value} is not offered by this service")
        name, email, verified_user_id = _who(ctx, service, request, now)
        answers, problems = check_answers(
            list(service.prechat_fields or []), name, email, request.prechat
        )
        if problems:
            first = problems[0]
            raise ValidationFailedError(f"{first['field']}: {first['message']}", problems=problems)
        came_before = contacts.c.visitor_id == request.visitor_id
        if verified_user_id is not None:
            came_before = or_(
                came_before,
                and_(
                    contacts.c.service_id == service.id,
                    contacts.c.verified_user_id == verified_user_id,
                ),
            )
        returning = (
            await conn.scalar(select(contacts.c.id).where(came_before).limit(1))
        ) is not None
        result = await conn.execute(
            insert(contacts)
            .values(
                service_id=service.id,
                state=ContactState.PENDING.value,
                medium=request.medium.value,
                priority=service.priority,
                visitor_id=request.visitor_id,
                visitor_name=name,
                visitor_email=email,
                visitor_country=request.country.upper()[:2],
                visitor_country_source=request.country_source,
                visitor_language=request.language,
                returning_visitor=returning,
                site=request.site,
                page_url=request.page_url,
                page_title=request.page_title,
                referrer=request.referrer,
                user_agent=request.user_agent,
                offered_to=[],
                created_at=now,
                dissuade_at=now + service.dissuasion_seconds,
                prefer_agent_id=prefer,
                prefer_until=prefer_until,
                verified_user_id=verified_user_id,
                prechat=answers or None,
            )
            .returning(contacts.c.id)
        )
        contact_id = int(result.scalar_one())
        if request.page_url:
            await conn.execute(
                insert(page_visits).values(
                    contact_id=contact_id,
                    url=request.page_url,
                    title=request.page_title,
                    visited_at=now,
                )
            )
        await writer.append(
            "contact.created",
            {"state": "pending", "dissuade_at": now + service.dissuasion_seconds},
            contact_id=contact_id,
            for_visitor=True,
        )
        if request.first_message:
            row = await fetch_contact_row(conn, contact_id)
            await insert_message(
                conn,
                writer,
                row,
                Sender.VISITOR,
                None,
                request.first_message,
                request.first_message_client_id,
                now,
                announce_waiting=False,
            )
        probe = PendingContact(
            id=contact_id,
            service_tags=frozenset(service.tags),
            medium=request.medium,
            priority=service.priority,
            created_at=now,
            preferred_agent_id=prefer,
            preferred_until=prefer_until,
            queue_mode=service.when_busy == WhenBusy.QUEUE,
        )
        offer = await route_new(conn, writer, probe, now, ctx.settings.idle_seconds)
        if not offer.agent_ids:
            # reject mode decides here with what it has: the queue is read in queue mode only
            verdict = intake(
                offered=False,
                qualified_at_work=bool(offer.blocked_ids),
                when_busy=service.when_busy,
                queued=await queued_count(conn, service.id) if probe.queue_mode else 0,
                max_length=service.queue_max_length,
            )
            if verdict is Intake.QUEUE:
                await queue_contact(
                    conn, writer, contact_id, offer, now, now + service.queue_max_wait_seconds
                )
            else:
                await finish_waiting(
                    conn,
                    writer,
                    contact_id,
                    ContactState.REJECTED,
                    Outcome.REJECTED,
                    now,
                    "system",
                    reason=QUEUE_FULL if verdict is Intake.QUEUE_FULL else None,
                )
        elif offer.starred:
            ctx.reroute_soon()  # its weight now counts on its one agent for later contacts
        row = await fetch_contact_row(conn, contact_id)
        return await contact_for_visitor(conn, row)


def _who(
    ctx: Ctx, service: Any, request: VisitorRequest, now: float
) -> tuple[str, str, str | None]:
    """The visitor's name, e-mail and verified user id: the claim's when it verifies (its
    empty name or e-mail leaves the typed one), the request's as typed otherwise."""
    if request.identity is None:
        return request.visitor_name, request.email, None
    found = verify_identity(
        service.identity_secret, request.identity, now, ctx.settings.identity_max_age_seconds
    )
    if isinstance(found, Unverified):
        log.debug("identity claim for service %s ignored: %s", service.id, found.reason)
        return request.visitor_name, request.email, None
    return found.name or request.visitor_name, found.email or request.email, found.user_id


async def finish_waiting(
    conn: AsyncConnection,
    writer: EventWriter,
    contact_id: int,
    state: ContactState,
    outcome: Outcome,
    now: float,
    closed_by: str,
    *,
    reason: str | None = None,
) -> bool:
    """Guarded pending → failed exit. Returns False when another transition won. ``reason``:
    the queue's part in it (``queue_timeout``, ``queue_full``), recorded and told."""
    result = await conn.execute(
        update(contacts)
        .where(contacts.c.id == contact_id, contacts.c.state == ContactState.PENDING.value)
        .values(
            state=state.value,
            outcome=outcome.value,
            closed_at=now,
            closed_by=closed_by,
            visitor_gone_at=None,
            queue_exit=reason,
        )
    )
    if result.rowcount != 1:
        return False
    service_message = await conn.scalar(
        select(services.c.dissuasion_message)
        .join(contacts, contacts.c.service_id == services.c.id)
        .where(contacts.c.id == contact_id)
    )
    await writer.append(
        f"contact.{state.value}",
        {
            "state": state.value,
            "outcome": outcome.value,
            "message": dissuasion_for_visitor(service_message),
            **({"reason": reason} if reason else {}),
        },
        contact_id=contact_id,
        for_visitor=True,
    )
    await writer.append(
        "contact.dequeued", dequeued(contact_id, state.value), contact_id=contact_id, for_queue=True
    )
    return True


async def do_accept_contact(
    ctx: Ctx, agent: AgentPrincipal, contact_id: int | None
) -> dict[str, Any]:
    """Take a waiting contact (or, with no id, the one that waited longest). First wins.
    A contact being transferred to this agent is taken as the transfer's accept."""
    now = ctx.clock.now()
    async with ctx.transaction() as (conn, writer):
        if contact_id is None:
            contact_id = await _oldest_offered(conn, agent.id)
        row = await fetch_contact_row(conn, contact_id, lock=True)
        if row.state == ContactState.TRANSFERRING.value:
            return await accept_transfer(ctx, conn, writer, agent, row, now)
        if row.state != ContactState.PENDING.value:
            if row.state in HOLDING:
                raise AlreadyTakenError(
                    "another agent has already taken this contact", contact_id=contact_id
                )
            raise ContactNotPendingError(
                f"the contact is no longer waiting ({row.state})",
                contact_id=contact_id,
                state=row.state,
            )
        if agent.id not in (row.offered_to or []) and agent.id not in (row.blocked_for or []):
            raise NotEligibleError("this contact is not offered to you", contact_id=contact_id)
        if is_queued(row.queued_at, row.offered_at):
            raise ContactQueuedError(
                "this contact waits for an agent with room; it is offered as soon as one has",
                contact_id=contact_id,
            )
        await check_room(conn, agent.id, row.id, Medium(row.medium), now, ctx.settings.idle_seconds)
        result = await conn.execute(
            update(contacts)
            .where(contacts.c.id == contact_id, contacts.c.state == ContactState.PENDING.value)
            .values(
                state=ContactState.ASSIGNED.value,
                agent_id=agent.id,
                assigned_at=now,
                offered_to=[],
                blocked_for=[],
                starred=False,
            )
        )
        if result.rowcount != 1:
            raise AlreadyTakenError("another agent has already taken this contact")
        await writer.append(
            "contact.dequeued",
            dequeued(contact_id, "assigned"),
            contact_id=contact_id,
            for_queue=True,
        )
        row = await fetch_contact_row(conn, contact_id)
        await writer.append(
            "contact.joined",
            {"agent": await agent_card(conn, agent.id), "call_media": await call_media(conn, row)},
            contact_id=contact_id,
            for_visitor=True,
        )
        if row.medium != Medium.CHAT.value:
            # The visitor asked for voice/video: their call waits for the agent's ENGAGE,
            # which the console that accepted sends at once.
            await place_call(
                conn, writer, row, Side.VISITOR, row.medium, now, link=row.visitor_link
            )
            row = await fetch_contact_row(conn, contact_id)
        detail = await contact_for_agent(conn, row)
        await writer.append(
            "contact.assigned", {"contact": detail}, contact_id=contact_id, agent_id=agent.id
        )
        if row.starred:
            ctx.reroute_soon()  # the weight it reserved moved with it
        else:
            ctx.load_changed(agent.id)
        return detail


async def queued_count(conn: AsyncConnection, service_id: int) -> int:
    """How many of a service's requests wait in its queue now."""
    count = await conn.scalar(
        select(func.count())
        .select_from(contacts)
        .where(
            contacts.c.service_id == service_id,
            contacts.c.state == ContactState.PENDING.value,
            contacts.c.queued_at.is_not(None),
            contacts.c.offered_at.is_(None),
        )
    )
    return int(count or 0)


async def queue_contact(
    conn: AsyncConnection,
    writer: EventWriter,
    contact_id: int,
    offer: Offer,
    now: float,
    deadline: float,
) -> None:
    """Every qualified agent at work is full: the request waits in the service's queue until
    ``deadline`` (its ``dissuade_at`` while queued), shown to those agents as queued."""
    await conn.execute(
        update(contacts)
        .where(contacts.c.id == contact_id, contacts.c.state == ContactState.PENDING.value)
        .values(queued_at=now, dissuade_at=deadline)
    )
    await writer.append(
        "contact.queued",
        {"dissuade_at": deadline, "queued_at": now},
        contact_id=contact_id,
        for_visitor=True,
    )
    entry = (await waiting_entries(conn, [contact_id]))[contact_id]
    await store_offer(conn, writer, entry, offer, now)


async def _oldest_offered(conn: AsyncConnection, agent_id: int) -> int:
    rows = await conn.execute(
        select(contacts.c.id, contacts.c.offered_to)
        .where(contacts.c.state == ContactState.PENDING.value)
        .order_by(*QUEUE_ORDER)
    )
    for row in rows:
        if agent_id in (row.offered_to or []):
            return int(row.id)
    raise NothingWaitingError("no contact is waiting for you")


async def do_leave_contact(ctx: Ctx, visitor: VisitorPrincipal) -> dict[str, Any]:
    """The visitor leaves: cancelled/abandoned while waiting, closed once assigned."""
    now = ctx.clock.now()
    async with ctx.transaction() as (conn, writer):
        row = await fetch_contact_row(conn, visitor.contact_id, lock=True)
        check_holder(visitor, row)
        if row.state == ContactState.PENDING.value:
            outcome = leave_outcome(now - row.created_at)
            state = ContactState(outcome.value)
            await finish_waiting(conn, writer, row.id, state, outcome, now, "visitor")
            if row.starred:
                ctx.reroute_soon()  # it no longer reserves its one agent's room
        elif row.state in HOLDING:
            await close_held(conn, writer, row, now, "visitor")
            if row.state == ContactState.TRANSFERRING.value:
                ctx.reroute_soon()
            else:
                ctx.load_changed(row.agent_id)
        else:
            raise ContactClosedError("the contact has already ended", state=row.state)
        return await contact_for_visitor(conn, await fetch_contact_row(conn, row.id))


async def do_close_contact(ctx: Ctx, agent: AgentPrincipal, contact_id: int) -> dict[str, Any]:
    now = ctx.clock.now()
    async with ctx.transaction() as (conn, writer):
        row = await fetch_contact_row(conn, contact_id, lock=True)
        if row.agent_id != agent.id:
            raise ForbiddenError("you are not assigned to this contact", contact_id=contact_id)
        if row.state not in HOLDING:
            raise ContactClosedError("the contact has already ended", state=row.state)
        await close_held(conn, writer, row, now, "agent")
        if row.state == ContactState.TRANSFERRING.value:
            ctx.reroute_soon()  # its offer to the transfer's targets is withdrawn
        else:
            ctx.load_changed(agent.id)
        return await contact_for_agent(conn, await fetch_contact_row(conn, contact_id))


async def close_held(
    conn: AsyncConnection, writer: EventWriter, row: Any, now: float, closed_by: str
) -> None:
    outcome = close_outcome(row.visitor_messages, row.agent_messages, bool(row.used_voice_video))
    result = await conn.execute(
        update(contacts)
        .where(contacts.c.id == row.id, contacts.c.state.in_(HOLDING))
        .values(
            state=ContactState.CLOSED.value,
            outcome=outcome.value,
            closed_at=now,
            closed_by=closed_by,
            visitor_gone_at=None,
            transfer_due_at=None,
        )
    )
    if result.rowcount != 1:
        raise ContactClosedError("the contact has already ended")
    await end_live_call(conn, writer, row, now, "contact_closed", closed_by)
    if row.state == ContactState.TRANSFERRING.value:
        await end_open_leg(conn, writer, row.id, now, "contact_closed")
    await writer.append(
        "contact.closed",
        {"state": "closed", "outcome": outcome.value, "closed_by": closed_by},
        contact_id=row.id,
        agent_id=row.agent_id,
        for_visitor=True,
    )
    await queue_automatic_transcript(conn, writer, row.id, now)


async def do_dissuade_due(ctx: Ctx) -> list[int]:
    """Fire every due dissuasion timer. Each fires once: the update is guarded on state.

    A visitor whose page went away before the time ran out was not dissuaded: they left,
    and the contact is recorded as cancelled or abandoned by the time they waited. One who
    was still there when it ran out was dissuaded, whenever the timer fires (a departure
    presumed after a restart comes after the deadline)."""
    now = ctx.clock.now()
    fired: list[int] = []
    async with ctx.transaction() as (conn, writer):
        due = await conn.execute(
            select(
                contacts.c.id,
                contacts.c.created_at,
                contacts.c.visitor_left_at,
                contacts.c.dissuade_at,
                contacts.c.starred,
                contacts.c.queued_at,
                contacts.c.offered_at,
            ).where(contacts.c.state == ContactState.PENDING.value, contacts.c.dissuade_at <= now)
        )
        reserved = False
        for row in due.all():
            contact_id, created_at, left_at, dissuade_at, starred = row[:5]
            reason = None
            if left_at is not None and left_at < dissuade_at:
                outcome = leave_outcome(left_at - created_at)
                state, closed_by = ContactState(outcome.value), VISITOR_GONE
            else:
                outcome, state, closed_by = Outcome.DISSUADED, ContactState.DISSUADED, "system"
                reason = due_exit(row.queued_at, row.offered_at)
            if await finish_waiting(
                conn, writer, contact_id, state, outcome, now, closed_by, reason=reason
            ):
                fired.append(contact_id)
                reserved = reserved or bool(starred)
        if reserved:
            ctx.reroute_soon()  # a starred contact reserved its one agent's room
    return fired


async def do_set_colour(
    ctx: Ctx, agent: AgentPrincipal, contact_id: int, colour: str
) -> dict[str, Any]:
    async with ctx.transaction() as (conn, writer):
        row = await fetch_contact_row(conn, contact_id, lock=True)
        if row.agent_id != agent.id:
            raise ForbiddenError("you are not assigned to this contact", contact_id=contact_id)
        await conn.execute(update(contacts).where(contacts.c.id == row.id).values(colour=colour))
        await writer.append(
            "contact.colour_changed", {"colour": colour}, contact_id=row.id, agent_id=agent.id
        )
        return {"contact_id": row.id, "colour": colour}


async def do_dismiss_contact(ctx: Ctx, agent: AgentPrincipal, contact_id: int) -> dict[str, Any]:
    """The agent removes an ended contact from their console (every open console of theirs)."""
    async with ctx.transaction() as (conn, writer):
        row = await fetch_contact_row(conn, contact_id, lock=True)
        if row.agent_id != agent.id:
            raise ForbiddenError("you are not assigned to this contact", contact_id=contact_id)
        if row.state != ContactState.CLOSED.value:
            raise ContactNotEndedError("only an ended contact can be removed", state=row.state)
        result = await conn.execute(
            update(contacts)
            .where(contacts.c.id == row.id, contacts.c.dismissed.is_(False))
            .values(dismissed=True)
        )
        if result.rowcount == 1:
            await writer.append("contact.dismissed", {}, contact_id=row.id, agent_id=agent.id)
        return {"contact_id": row.id, "dismissed": True}


async def do_record_page(
    ctx: Ctx, visitor: VisitorPrincipal, url: str, title: str
) -> dict[str, Any]:
    """The visitor is on a new page of the site; the holding agent sees it live."""
    now = ctx.clock.now()
    async with ctx.transaction() as (conn, writer):
        row = await fetch_contact_row(conn, visitor.contact_id, lock=True)
        check_holder(visitor, row)
        if row.state not in (ContactState.PENDING.value, *HOLDING):
            raise ContactClosedError("the contact has already ended", state=row.state)
        await conn.execute(
            insert(page_visits).values(contact_id=row.id, url=url, title=title, visited_at=now)
        )
        await conn.execute(
            update(contacts).where(contacts.c.id == row.id).values(page_url=url, page_title=title)
        )
        page = {"url": url, "title": title, "at": now}
        await writer.append("visitor.page_changed", page, contact_id=row.id, agent_id=row.agent_id)
        return page

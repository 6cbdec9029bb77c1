"""Reports over HTTP: the contacts list (and its CSV), a contact's details, the overview.

Every reader gets their scope: admins everything, supervisors their services' contacts,
agents the contacts they handled; a contact out of scope is ``not_found``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse
from sqlalchemy import func, select

from sportello.errors import NotFoundError
from sportello.queries.contacts import contact_for_agent, fetch_contact_row
from sportello.queries.files import files_of_contact
from sportello.reports.contacts_list import (
    ContactFilter,
    Sort,
    contacts_query,
    listed_page,
    next_cursor,
    page_query,
)
from sportello.reports.export import contacts_csv, overview_csv
from sportello.reports.invitations import invitation_counts
from sportello.reports.overview import GroupBy, overview
from sportello.reports.scope import report_scope
from sportello.reports.search import transcript_match
from sportello.routing.busy_queue import queue_times
from sportello.storage.tables import contacts
from sportello.web.deps import AgentDep, CtxDep
from sportello.web.params import (
    ConfigIdQuery,
    ContactId,
    PageLimit,
    Seconds,
    StorableQuery,
    UtcOffset,
)

router = APIRouter(prefix="/api/reports", tags=["reports"])

Period = Annotated[float, Query(ge=0, le=1e11, description="UNIX seconds")]
Outcome = Literal[
    "successful",
    "no_interaction",
    "dissuaded",
    "abandoned",
    "cancelled",
    "rejected",
    "in_progress",
]
Colour = Literal["red", "orange", "yellow", "green", "blue", "purple", "grey", "none"]
CSV_HEADERS = {"Cache-Control": "no-store"}


def contact_filter(
    since: Seconds = None,
    until: Seconds = None,
    service_id: ConfigIdQuery = None,
    agent_id: ConfigIdQuery = None,
    outcome: Outcome | None = None,
    medium: Literal["chat", "voice", "video"] | None = None,
    colour: Colour | None = None,
    visitor: Annotated[str | None, Query(max_length=120), StorableQuery] = None,
    q: Annotated[
        str | None, Query(max_length=200, description="words in the transcript"), StorableQuery
    ] = None,
    returning: Annotated[
        bool | None, Query(description="visitors who had come before (false: first visits)")
    ] = None,
    visitor_id: Annotated[
        str | None, Query(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    ] = None,
) -> ContactFilter:
    return ContactFilter(
        since,
        until,
        service_id,
        agent_id,
        outcome,
        medium,
        visitor,
        text=q,
        colour=colour,
        returning=returning,
        visitor_id=visitor_id,
    )


FilterDep = Annotated[ContactFilter, Depends(contact_filter)]


@router.get("/contacts")
async def contacts_list(
    agent: AgentDep,
    ctx: CtxDep,
    f: FilterDep,
    sort: Sort = "time",
    cursor: Annotated[str | None, Query(pattern=r"^[A-Za-z0-9_-]{1,300}$")] = None,
    limit: PageLimit = 50,
) -> dict[str, Any]:
    """Newest (or longest wait, or longest handling) first; ``next_cursor`` gets the next page."""
    async with ctx.db.read() as conn:
        scope = await report_scope(conn, agent)
        words = await transcript_match(conn, f.text)
        query = page_query(scope, f, sort, cursor, limit, words)
        rows = list(await conn.execute(query))
        items = await listed_page(conn, rows)
    return {"items": items, "next_cursor": next_cursor(rows, sort, limit)}


@router.get("/contacts.csv", response_class=StreamingResponse)
async def contacts_export(
    agent: AgentDep, ctx: CtxDep, f: FilterDep, utc_offset_minutes: UtcOffset = 0
) -> StreamingResponse:
    """The list with the same filters, as CSV, streamed page by page; times in the reader's
    time zone (ISO 8601 with its offset)."""
    async with ctx.db.read() as conn:
        scope = await report_scope(conn, agent)
    return StreamingResponse(
        contacts_csv(ctx.db, scope, f, utc_offset_minutes),
        media_type="text/csv; charset=utf-8",
        headers={**CSV_HEADERS, "Content-Disposition": 'attachment; filename="contacts.csv"'},
    )


@router.get("/contacts/{contact_id}")
async def contact_details(contact_id: ContactId, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """Everything about one contact: visitor, pages, agent, times, transcript, attachments."""
    async with ctx.db.read() as conn:
        scope = await report_scope(conn, agent)
        found = (
            await conn.execute(
                contacts_query(scope, ContactFilter()).where(contacts.c.id == contact_id)
            )
        ).first()
        if found is None:
            raise NotFoundError(f"contact {contact_id} does not exist", contact_id=contact_id)
        row = await fetch_contact_row(conn, contact_id)
        detail = await contact_for_agent(conn, row)
        same_visitor = ContactFilter(visitor_id=row.visitor_id)
        earlier = await conn.scalar(
            select(func.count()).select_from(
                contacts_query(scope, same_visitor).where(contacts.c.id < contact_id).subquery()
            )
        )
        split = queue_times(
            row.created_at, row.queued_at, row.offered_at, row.assigned_at, row.closed_at
        )
        return {
            **detail,
            "queued_seconds": split.queued_seconds,
            "offered_seconds": split.offered_seconds,
            "queue_exit": row.queue_exit,
            "summary": (await listed_page(conn, [found]))[0],
            "files": await files_of_contact(conn, contact_id),
            "earlier_contacts": int(earlier or 0),
        }


@router.get("/invitations")
async def invitations_report(
    agent: AgentDep, ctx: CtxDep, since: Period, until: Period
) -> list[dict[str, Any]]:
    """Proactive invitations shown and accepted per service in [since, until)."""
    async with ctx.db.read() as conn:
        scope = await report_scope(conn, agent)
        return await invitation_counts(conn, scope, since, until)


@router.get("/overview")
async def overview_report(
    agent: AgentDep,
    ctx: CtxDep,
    since: Period,
    until: Period,
    group_by: GroupBy = "service",
    utc_offset_minutes: UtcOffset = 0,
) -> dict[str, Any]:
    """Requests, outcomes and times per service or per agent for contacts requested in
    [since, until), with requests by hour (in the reader's time zone) and a wait histogram."""
    async with ctx.db.read() as conn:
        scope = await report_scope(conn, agent)
        return await overview(conn, scope, since, until, group_by, utc_offset_minutes)


@router.get("/overview.csv", response_class=StreamingResponse)
async def overview_export(
    agent: AgentDep, ctx: CtxDep, since: Period, until: Period, group_by: GroupBy = "service"
) -> StreamingResponse:
    async with ctx.db.read() as conn:
        scope = await report_scope(conn, agent)
        report = await overview(conn, scope, since, until, group_by)
    return StreamingResponse(
        iter(overview_csv(report)),
        media_type="text/csv; charset=utf-8",
        headers={**CSV_HEADERS, "Content-Disposition": 'attachment; filename="overview.csv"'},
    )

"""The contacts list: filters, three sort orders, keyset paging (a page costs the same deep
in the history as at its start)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any, Literal

import orjson
from sqlalchemy import ColumnElement, Select, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.errors import ValidationFailedError
from sportello.reports.ratings import ratings_of
from sportello.reports.scope import ReportScope, passed_on_by
from sportello.reports.timing import HANDLING, WAIT
from sportello.storage.tables import agents, contacts, files, services, transfers

Sort = Literal["time", "wait", "duration"]

SORT_KEYS: dict[Sort, ColumnElement[Any]] = {
    "time": contacts.c.created_at,
    "wait": func.coalesce(WAIT, -1.0),
    "duration": func.coalesce(HANDLING, -1.0),
}
"""Descending keys; contacts without a wait or duration (yet) sort last."""


@dataclass(frozen=True)
class ContactFilter:
    since: float | None = None
    until: float | None = None
    service_id: int | None = None
    agent_id: int | None = None
    outcome: str | None = None
    medium: str | None = None
    visitor: str | None = None
    """Part of the visitor's name or email."""
    colour: str | None = None
    """The agent's colour tag (``none``: untagged)."""
    text: str | None = None
    """Words that must all appear in the transcript."""
    returning: bool | None = None
    """Only contacts of visitors who had come before (or only first visits)."""
    visitor_id: str | None = None
    """One visitor's contacts (the link from a returning visitor's details)."""


LISTED_COLUMNS = tuple(
    contacts.c[name]
    for name in (
        "id",
        "created_at",
        "state",
        "outcome",
        "closed_by",
        "medium",
        "used_voice_video",
        "visitor_name",
        "visitor_email",
        "visitor_country",
        "service_id",
        "agent_id",
        "requeued_at",
        "colour",
        "visitor_id",
        "returning_visitor",
        "verified_user_id",
        "prechat",
    )
)
"""What a row shows (a contact has JSON columns a list of thousands would parse for nothing)."""


def listed(row: Any, earlier_agents: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A list row; ``earlier_agents`` are those who held it before a transfer, in order."""
    current = None if row.agent_id is None else {"id": row.agent_id, "name": row.agent_name}
    return {
        "id": row.id,
        "created_at": row.created_at,
        "state": row.state,
        "outcome": row.outcome,
        "closed_by": row.closed_by,
        "medium": row.medium,
        "media_used": ["chat", *(["voice/video"] if row.used_voice_video else [])],
        "visitor": {
            "name": row.visitor_name,
            "email": row.visitor_email,
            "country": row.visitor_country,
            "id": row.visitor_id,
            "verified_user_id": row.verified_user_id,
        },
        "returning": bool(row.returning_visitor),
        "service": {"id": row.service_id, "name": row.service_name},
        "agent": current,
        "agents": [*(earlier_agents or []), *([current] if current else [])],
        "transfers": len(earlier_agents or []),
        "wait": row.wait,
        "duration": row.handling,
        "files": row.files,
        "requeued": row.requeued_at is not None,
        "colour": row.colour or None,
        "prechat": list(row.prechat or []),
    }


def contacts_query(
    scope: ReportScope, f: ContactFilter, words: ColumnElement[bool] | None = None
) -> Select[Any]:
    """Every matching contact in scope, unordered: the list's and the export's base.
    ``words`` is reports/search.py's condition for ``f.text`` (it may need a query first)."""
    file_count = (
        select(func.count(files.c.id)).where(files.c.contact_id == contacts.c.id).scalar_subquery()
    )
    query = (
        select(
            *LISTED_COLUMNS,
            services.c.name.label("service_name"),
            agents.c.display_name.label("agent_name"),
            WAIT.label("wait"),
            HANDLING.label("handling"),
            file_count.label("files"),
        )
        .join(services, services.c.id == contacts.c.service_id)
        .outerjoin(agents, agents.c.id == contacts.c.agent_id)
        .where(scope.clause())
    )
    conditions: list[ColumnElement[bool]] = []
    if f.since is not None:
        conditions.append(contacts.c.created_at >= f.since)
    if f.until is not None:
        conditions.append(contacts.c.created_at < f.until)
    if f.service_id is not None:
        conditions.append(contacts.c.service_id == f.service_id)
    if f.agent_id is not None:
        conditions.append(
            or_(contacts.c.agent_id == f.agent_id, contacts.c.id.in_(passed_on_by(f.agent_id)))
        )
    if f.outcome:
        conditions.append(
            contacts.c.state.in_(("pending", "assigned", "transferring"))
            if f.outcome == "in_progress"
            else contacts.c.outcome == f.outcome
        )
    if f.medium:
        conditions.append(contacts.c.medium == f.medium)
    if f.colour == "none":
        conditions.append(contacts.c.colour == "")
    elif f.colour:
        conditions.append(contacts.c.colour == f.colour)
    if f.visitor:
        pattern = "%" + f.visitor.lower().replace("%", r"\%").replace("_", r"\_") + "%"
        conditions.append(
            or_(
                func.lower(contacts.c.visitor_name).like(pattern, escape="\\"),
                func.lower(contacts.c.visitor_email).like(pattern, escape="\\"),
            )
        )
    if f.returning is not None:
        conditions.append(contacts.c.returning_visitor.is_(f.returning))
    if f.visitor_id:
        conditions.append(contacts.c.visitor_id == f.visitor_id)
    if words is not None:
        conditions.append(words)
    return query.where(*conditions)


async def listed_page(conn: AsyncConnection, rows: list[Any]) -> list[dict[str, Any]]:
    """A page's rows with, for the transferred ones, who held them before (one query)."""
    earlier: dict[int, list[dict[str, Any]]] = {}
    ids = [row.id for row in rows]
    if ids:
        legs = await conn.execute(
            select(transfers.c.contact_id, agents.c.id, agents.c.display_name)
            .join(agents, agents.c.id == transfers.c.from_agent_id)
            .where(transfers.c.contact_id.in_(ids), transfers.c.outcome == "accepted")
            .order_by(transfers.c.id)
        )
        for leg in legs:
            earlier.setdefault(leg.contact_id, []).append({"id": leg.id, "name": leg.display_name})
    rated = await ratings_of(conn, ids)
    return [{**listed(row, earlier.get(row.id)), "rating": rated.get(row.id)} for row in rows]


def page_query(
    scope: ReportScope,
    f: ContactFilter,
    sort: Sort,
    cursor: str | None,
    limit: int,
    words: ColumnElement[bool] | None = None,
) -> Select[Any]:
    key = SORT_KEYS[sort]
    query = contacts_query(scope, f, words)
    if cursor:
        after_key, after_id = decode_cursor(cursor, sort)
        # A row comparison, not (key < k OR key = k AND id < i), and the key's own bound:
        # both engines seek the (created_at, id) index to the cursor instead of filtering
        # every earlier page's rows again.
        query = query.where(
            key <= after_key, tuple_(key, contacts.c.id) < tuple_(after_key, after_id)
        )
    return query.order_by(key.desc(), contacts.c.id.desc()).limit(limit)


def next_cursor(rows: list[Any], sort: Sort, limit: int) -> str | None:
    if len(rows) < limit:
        return None
    last = rows[-1]
    value = {"time": last.created_at, "wait": last.wait, "duration": last.handling}[sort]
    payload = {"s": sort, "k": -1.0 if value is None else float(value), "i": int(last.id)}
    return base64.urlsafe_b64encode(orjson.dumps(payload)).decode().rstrip("=")


def decode_cursor(cursor: str, sort: Sort) -> tuple[float, int]:
    try:
        data = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if data["s"] != sort:
            raise ValueError("another sort order")
        return float(data["k"]), int(data["i"])
    except (ValueError, KeyError, TypeError, orjson.JSONDecodeError) as exc:
        raise ValidationFailedError("this cursor is not valid for this list") from exc

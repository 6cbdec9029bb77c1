"""CSV exports, streamed: the list is read page by page (keyset), so memory stays flat
whatever the number of rows."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Iterable
from typing import Any

from sportello.reports.contacts_list import ContactFilter, listed_page, next_cursor, page_query
from sportello.reports.scope import ReportScope
from sportello.reports.search import transcript_match
from sportello.storage.database import Database

CONTACT_COLUMNS = (
    "id",
    "created_at",
    "state",
    "outcome",
    "closed_by",
    "medium",
    "visitor_name",
    "visitor_email",
    "visitor_country",
    "service",
    "agent",
    "earlier_agents",
    "wait_seconds",
    "duration_seconds",
    "files",
)
CHUNK = 500


def csv_line(values: Iterable[Any]) -> str:
    return csv_lines([values])


def csv_lines(rows: Iterable[Iterable[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for values in rows:
        writer.writerow(["" if v is None else v for v in values])
    return out.getvalue()


def contact_cells(item: dict[str, Any]) -> list[Any]:
    return [
        item["id"],
        item["created_at"],
        item["state"],
        item["outcome"],
        item["closed_by"],
        item["medium"],
        item["visitor"]["name"],
        item["visitor"]["email"],
        item["visitor"]["country"],
        item["service"]["name"],
        item["agent"]["name"] if item["agent"] else "",
        " > ".join(a["name"] for a in item["agents"][: item["transfers"]]),
        None if item["wait"] is None else round(item["wait"], 3),
        None if item["duration"] is None else round(item["duration"], 3),
        item["files"],
    ]


async def contacts_csv(db: Database, scope: ReportScope, f: ContactFilter) -> AsyncIterator[str]:
    yield csv_line(CONTACT_COLUMNS)
    cursor: str | None = None
    async with db.read() as conn:
        words = await transcript_match(conn, f.text)
    while True:
        async with db.read() as conn:
            query = page_query(scope, f, "time", cursor, CHUNK, words)
            rows = list(await conn.execute(query))
            items = await listed_page(conn, rows)
        yield csv_lines(contact_cells(item) for item in items)  # a page per chunk sent
        cursor = next_cursor(rows, "time", CHUNK)
        if cursor is None:
            return


OVERVIEW_COLUMNS = (
    "id",
    "name",
    "requests",
    "successful",
    "no_interaction",
    "dissuaded",
    "abandoned",
    "cancelled",
    "rejected",
    "in_progress",
    "handed_back",
    "transferred",
    "answered",
    "wait_avg",
    "wait_p50",
    "wait_p90",
    "answer_avg",
    "answer_p90",
    "handling_avg",
    "handling_p90",
)


def overview_csv(report: dict[str, Any]) -> Iterable[str]:
    yield csv_line(OVERVIEW_COLUMNS)
    for group in [*report["groups"], report["total"]]:
        yield csv_line(group[c] for c in OVERVIEW_COLUMNS)

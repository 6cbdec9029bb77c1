"""CSV exports, streamed: the list is read page by page (keyset), so memory stays flat
whatever the number of rows."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Iterable
from datetime import datetime, timedelta, timezone
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
    "visitor_verified_user_id",
    "service",
    "agent",
    "earlier_agents",
    "colour",
    "wait_seconds",
    "wait",
    "duration_seconds",
    "duration",
    "files",
    "rating",
    "rating_comment",
    "prechat",
)
"""Times are ISO 8601 with the reader's offset, durations whole seconds plus h:mm:ss, so a
spreadsheet reads them as they are."""
CHUNK = 500


def csv_line(values: Iterable[Any]) -> str:
    return csv_lines([values])


def csv_lines(rows: Iterable[Iterable[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for values in rows:
        writer.writerow(["" if v is None else v for v in values])
    return out.getvalue()


def iso_time(seconds: float, utc_offset_minutes: int = 0) -> str:
    """UNIX seconds as ISO 8601 to the second, in the given offset: 2026-12-07T14:03:21+01:00."""
    zone = timezone(timedelta(minutes=utc_offset_minutes))
    return datetime.fromtimestamp(int(seconds), zone).isoformat(timespec="seconds")


def whole_seconds(seconds: float | None) -> int | None:
    return None if seconds is None else round(seconds)


def hms(seconds: float | None) -> str:
    """A duration people read: 0:04:05, 12:00:00."""
    if seconds is None:
        return ""
    total = round(seconds)
    return f"{total // 3600}:{total % 3600 // 60:02d}:{total % 60:02d}"


def contact_cells(item: dict[str, Any], utc_offset_minutes: int = 0) -> list[Any]:
    return [
        item["id"],
        iso_time(item["created_at"], utc_offset_minutes),
        item["state"],
        item["outcome"],
        item["closed_by"],
        item["medium"],
        item["visitor"]["name"],
        item["visitor"]["email"],
        item["visitor"]["country"],
        item["visitor"]["verified_user_id"] or "",
        item["service"]["name"],
        item["agent"]["name"] if item["agent"] else "",
        " > ".join(a["name"] for a in item["agents"][: item["transfers"]]),
        item["colour"],
        whole_seconds(item["wait"]),
        hms(item["wait"]),
        whole_seconds(item["duration"]),
        hms(item["duration"]),
        item["files"],
        item["rating"]["score"] if item["rating"] else "",
        item["rating"]["comment"] if item["rating"] else "",
        form_answers(item["prechat"]),
    ]


def form_answers(answers: list[dict[str, Any]]) -> str:
    """The pre-chat form's answers in one cell: ``Phone: +39 06 1234; Privacy policy: yes``."""
    return "; ".join(
        f"{a['label']}: {'yes' if a['value'] is True else a['value']}" for a in answers
    )


async def contacts_csv(
    db: Database, scope: ReportScope, f: ContactFilter, utc_offset_minutes: int = 0
) -> AsyncIterator[str]:
    yield csv_line(CONTACT_COLUMNS)
    cursor: str | None = None
    async with db.read() as conn:
        words = await transcript_match(conn, f.text)
    while True:
        async with db.read() as conn:
            query = page_query(scope, f, "time", cursor, CHUNK, words)
            rows = list(await conn.execute(query))
            items = await listed_page(conn, rows)
        yield csv_lines(  # a page per chunk sent
            contact_cells(item, utc_offset_minutes) for item in items
        )
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
    "queued",
    "queue_offered",
    "queue_timeout",
    "queue_full",
    "queued_avg",
    "rating_count",
    "rating_avg",
)


TIMED_COLUMNS = frozenset(
    c for c in OVERVIEW_COLUMNS if c.endswith(("_avg", "_p50", "_p90")) and c != "rating_avg"
)


def overview_csv(report: dict[str, Any]) -> Iterable[str]:
    """The overview table; times in whole seconds."""
    yield csv_line(OVERVIEW_COLUMNS)
    for group in [*report["groups"], report["total"]]:
        yield csv_line(
            whole_seconds(group[c]) if c in TIMED_COLUMNS else group[c] for c in OVERVIEW_COLUMNS
        )

"""Counts and averages per service over a period, aggregated in the database.

The same facts and definitions as the overview (``reports/overview.py``: outcomes, WAIT,
answered = taken by an agent) without reading every contact, so a live view can recompute
its figures on every change of a busy day; tests/api/test_supervision.py checks that both
agree."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.reports.overview import OUTCOMES
from sportello.reports.scope import ReportScope
from sportello.reports.timing import WAIT
from sportello.storage.tables import contacts

FIGURES = (*OUTCOMES, "requests", "answered", "in_progress", "wait_avg")


def _count_where(condition: Any) -> Any:
    return func.count().filter(condition)


async def tallies(
    conn: AsyncConnection, scope: ReportScope, since: float, until: float
) -> tuple[dict[int, dict[str, Any]], dict[str, Any]]:
    """Per service and in total, for contacts requested in [since, until)."""
    columns = [
        func.count().label("requests"),
        _count_where(contacts.c.assigned_at.is_not(None)).label("answered"),
        _count_where(contacts.c.outcome.is_(None)).label("in_progress"),
        func.sum(WAIT).label("wait_sum"),
        func.count(WAIT).label("wait_n"),
        *(_count_where(contacts.c.outcome == o).label(o) for o in OUTCOMES),
    ]
    rows = await conn.execute(
        select(contacts.c.service_id, *columns)
        .where(scope.clause(), contacts.c.created_at >= since, contacts.c.created_at < until)
        .group_by(contacts.c.service_id)
    )
    by_service = {int(r.service_id): _figures(r._mapping) for r in rows}
    total = dict.fromkeys(
        (*OUTCOMES, "requests", "answered", "in_progress", "wait_sum", "wait_n"), 0
    )
    for row in by_service.values():
        for key in total:
            total[key] += row[key]
    return by_service, _figures(total)


def _figures(row: Any) -> dict[str, Any]:
    figures = {k: int(row[k] or 0) for k in (*OUTCOMES, "requests", "answered", "in_progress")}
    wait_n = int(row["wait_n"] or 0)
    wait_sum = float(row["wait_sum"] or 0.0)
    return {
        **figures,
        "wait_sum": wait_sum,
        "wait_n": wait_n,
        "wait_avg": wait_sum / wait_n if wait_n else None,
    }

"""Counts and averages per service over a period, aggregated in the database.

The same facts and definitions as the overview (``reports/overview.py``: outcomes, WAIT,
answered = taken by an agent) without reading every contact, so a live view can recompute
its figures on every change of a busy day; tests/api/test_supervision.py checks that both
agree."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.reports.overview import OUTCOMES
from sportello.reports.timing import WAIT
from sportello.storage.tables import contacts

COUNTED = (*OUTCOMES, "requests", "answered", "in_progress")


def _count_where(condition: Any) -> Any:
    return func.count().filter(condition)


async def tallies(
    conn: AsyncConnection, clause: ColumnElement[bool], since: float, until: float
) -> dict[int, dict[str, Any]]:
    """Per service, for the contacts requested in [since, until) that ``clause`` admits."""
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
        .where(clause, contacts.c.created_at >= since, contacts.c.created_at < until)
        .group_by(contacts.c.service_id)
    )
    return {int(r.service_id): _figures(r._mapping) for r in rows}


def total_of(groups: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The figures of several services together."""
    total = dict.fromkeys((*COUNTED, "wait_sum", "wait_n"), 0)
    for group in groups:
        for key in total:
            total[key] += group[key]
    return _figures(total)


def _figures(row: Any) -> dict[str, Any]:
    figures = {k: int(row[k] or 0) for k in COUNTED}
    wait_n = int(row["wait_n"] or 0)
    wait_sum = float(row["wait_sum"] or 0.0)
    return {
        **figures,
        "wait_sum": wait_sum,
        "wait_n": wait_n,
        "wait_avg": wait_sum / wait_n if wait_n else None,
    }

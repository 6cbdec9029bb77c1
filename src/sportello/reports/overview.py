"""The overview: per service or per agent over a period, from the stored contacts.

``transferred`` counts, per service, its contacts passed on at least once (accepted
transfers); per agent, the transfers that agent made.

Every figure is counted from the contacts' recorded states, outcomes and timestamps (never
from counters kept on the side), so it can always be recomputed and checked. PostgreSQL
counts them itself; on SQLite, which has no percentile aggregate, one pass in Python over
the period's bare columns is the fastest way (both give the same figures: the hand-counted
test runs on each)."""

from __future__ import annotations

import bisect
import itertools
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import ColumnElement, Integer, cast, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.queries.canned_replies import most_used
from sportello.reports.queue_figures import NO_QUEUE, queue_figures
from sportello.reports.ratings import NO_RATINGS, rating_figures
from sportello.reports.scope import ReportScope
from sportello.reports.timing import HANDLING, WAIT
from sportello.storage.tables import agents, contacts, services, transfers

GroupBy = Literal["service", "agent"]
OUTCOMES = (
    "successful",
    "no_interaction",
    "dissuaded",
    "abandoned",
    "cancelled",
    "rejected",
)
ANSWER = contacts.c.assigned_at - contacts.c.created_at


def percentile(ordered: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100) of sorted values; None for no values."""
    if not ordered:
        return None
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


@dataclass
class Tally:
    key: Any
    name: str
    requests: int = 0
    outcomes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    in_progress: int = 0
    requeued: int = 0
    transferred: int = 0
    waits: list[float] = field(default_factory=list)
    answers: list[float] = field(default_factory=list)
    handlings: list[float] = field(default_factory=list)
    times: dict[str, Any] | None = None
    """The time figures when the database computed them (PostgreSQL), not the lists."""

    def count(self, outcome: str | None, requeued: bool, contacts_: int) -> None:
        """``contacts_`` contacts with this outcome (None: in progress), handed back or not."""
        self.requests += contacts_
        if outcome in self.outcomes:
            self.outcomes[outcome] += contacts_
        elif outcome is None:
            self.in_progress += contacts_
        if requeued:
            self.requeued += contacts_

    def add(
        self,
        outcome: str | None,
        requeued: bool,
        wait: float | None,
        answer: float | None,
        handling: float | None,
    ) -> None:
        self.requests += 1
        if outcome in self.outcomes:
            self.outcomes[outcome] += 1
        elif outcome is None:
            self.in_progress += 1
        if requeued:
            self.requeued += 1
        if wait is not None:
            self.waits.append(wait)
        if answer is not None:
            self.answers.append(answer)
        if handling is not None:
            self.handlings.append(handling)

    def merge(self, other: Tally) -> None:
        """Add another group's figures (the total is the groups' sum)."""
        self.requests += other.requests
        for outcome, n in other.outcomes.items():
            self.outcomes[outcome] += n
        self.in_progress += other.in_progress
        self.requeued += other.requeued
        self.waits += other.waits
        self.answers += other.answers
        self.handlings += other.handlings

    def view(self) -> dict[str, Any]:
        return {
            "id": self.key,
            "name": self.name,
            "requests": self.requests,
            **self.outcomes,
            "in_progress": self.in_progress,
            "handed_back": self.requeued,
            "transferred": self.transferred,
            **(self.times if self.times is not None else self.measured()),
        }

    def measured(self) -> dict[str, Any]:
        for values in (self.waits, self.answers, self.handlings):
            values.sort()
        return {
            "answered": len(self.answers),
            "wait_avg": mean(self.waits),
            "wait_p50": percentile(self.waits, 50),
            "wait_p90": percentile(self.waits, 90),
            "answer_avg": mean(self.answers),
            "answer_p90": percentile(self.answers, 90),
            "handling_avg": mean(self.handlings),
            "handling_p90": percentile(self.handlings, 90),
        }


async def overview(
    conn: AsyncConnection,
    scope: ReportScope,
    since: float,
    until: float,
    group_by: GroupBy,
    utc_offset_minutes: int = 0,
) -> dict[str, Any]:
    """Figures per group and for everything, for contacts requested in [since, until); the
    requests by hour of the day are in the reader's time zone (``utc_offset_minutes``)."""
    group = contacts.c.service_id if group_by == "service" else contacts.c.agent_id
    in_period = (scope.clause(), contacts.c.created_at >= since, contacts.c.created_at < until)
    if conn.dialect.name == "postgresql":
        groups, total, by_hour, waits = await _counted_in_database(
            conn, group, in_period, utc_offset_minutes
        )
    else:
        groups, total, by_hour = await _counted_here(conn, group, in_period, utc_offset_minutes)
        total.measured()  # sorts the waits, which the histogram counts
        waits = histogram(total.waits)
    legs = await conn.execute(
        select(transfers.c.contact_id, transfers.c.from_agent_id, contacts.c.service_id)
        .join(contacts, contacts.c.id == transfers.c.contact_id)
        .where(transfers.c.outcome == "accepted", *in_period)
    )
    transferred: set[int] = set()
    for contact_id, from_agent_id, service_id in legs:
        if group_by == "agent":
            key = from_agent_id
        elif contact_id in transferred:
            continue
        else:
            key = service_id
        groups.setdefault(key, Tally(key, "")).transferred += 1
        transferred.add(contact_id)
    total.transferred = len(transferred)
    names = await group_names(conn, group_by, [key for key in groups if key is not None])
    for key, tally in groups.items():
        tally.name = names.get(key, "(no agent)")
    rated, rated_total = await rating_figures(conn, group, in_period)
    queues, queue_total = await queue_figures(conn, group, in_period)
    return {
        "since": since,
        "until": until,
        "group_by": group_by,
        "groups": sorted(
            (
                {**t.view(), **rated.get(t.key, NO_RATINGS), **queues.get(t.key, NO_QUEUE)}
                for t in groups.values()
            ),
            key=lambda g: -g["requests"],
        ),
        "total": {**total.view(), **rated_total, **queue_total},
        "wait_histogram": waits,
        "by_hour": [{"hour": h, **by_hour[h]} for h in range(24)],
        "canned_replies": await most_used(conn, in_period, scope.agent_id),
    }


ByHour = dict[int, dict[str, int]]


def _by_hour() -> ByHour:
    return defaultdict(lambda: dict.fromkeys((*OUTCOMES, "in_progress"), 0))


async def _counted_here(
    conn: AsyncConnection, group: Any, in_period: tuple[Any, ...], utc_offset_minutes: int
) -> tuple[dict[Any, Tally], Tally, ByHour]:
    """SQLite: one pass over bare columns read as tuples off the covering index
    ix_contacts_report (a month of a busy center is some 100,000 rows; a row's attribute
    lookups, or counting in SQL first, cost more than this loop)."""
    rows = await conn.execute(
        select(
            group,
            contacts.c.created_at,
            contacts.c.outcome,
            contacts.c.requeued_at.is_not(None),
            WAIT,
            ANSWER,
            HANDLING,
        ).where(*in_period)
    )
    groups: dict[Any, Tally] = {}
    by_hour = _by_hour()
    offset = utc_offset_minutes * 60
    for key, created_at, outcome, requeued, wait, answer, handling in rows:
        tally = groups.get(key)
        if tally is None:
            tally = groups[key] = Tally(key, "")
        tally.add(outcome, requeued, wait, answer, handling)
        by_hour[int((created_at + offset) // 3600 % 24)][outcome or "in_progress"] += 1
    total = Tally(None, "All")
    for tally in groups.values():
        total.merge(tally)
    return groups, total, by_hour


async def _counted_in_database(
    conn: AsyncConnection, group: Any, in_period: tuple[Any, ...], utc_offset_minutes: int
) -> tuple[dict[Any, Tally], Tally, ByHour, list[dict[str, Any]]]:
    """PostgreSQL counts, averages and takes the nearest-rank percentiles itself
    (``percentile_disc`` is the nearest rank), per group and in total (ROLLUP)."""
    hour = hour_of_day(utc_offset_minutes * 60, "postgresql")
    requeued = contacts.c.requeued_at.is_not(None)
    counts = await conn.execute(
        select(group, contacts.c.outcome, requeued, hour, func.count())
        .where(*in_period)
        .group_by(group, contacts.c.outcome, requeued, hour)
    )
    groups: dict[Any, Tally] = {}
    by_hour = _by_hour()
    for key, outcome, was_requeued, at_hour, n in counts:
        groups.setdefault(key, Tally(key, "")).count(outcome, was_requeued, n)
        by_hour[int(at_hour)][outcome or "in_progress"] += n
    total = Tally(None, "All")
    for tally in groups.values():
        total.merge(tally)

    def nearest(q: float, value: Any) -> Any:
        return func.percentile_disc(q).within_group(value)

    times = await conn.execute(
        select(
            func.grouping(group),
            group,
            func.count(ANSWER),
            func.avg(WAIT),
            nearest(0.5, WAIT),
            nearest(0.9, WAIT),
            func.avg(ANSWER),
            nearest(0.9, ANSWER),
            func.avg(HANDLING),
            nearest(0.9, HANDLING),
            func.count(WAIT),
            *(func.count().filter(bound > WAIT) for bound in WAIT_BUCKETS),
        )
        .where(*in_period)
        .group_by(func.rollup(group))
    )
    waits: list[dict[str, Any]] = histogram([])
    for is_total, key, answered, w_avg, w50, w90, a_avg, a90, h_avg, h90, n, *below in times:
        tally = total if is_total else groups[key]
        tally.times = {
            "answered": answered,
            "wait_avg": w_avg,
            "wait_p50": w50,
            "wait_p90": w90,
            "answer_avg": a_avg,
            "answer_p90": a90,
            "handling_avg": h_avg,
            "handling_p90": h90,
        }
        if is_total:
            edges = [0, *below, n]
            bars = [high - low for low, high in itertools.pairwise(edges)]
            waits = [{**bar, "contacts": c} for bar, c in zip(waits, bars, strict=True)]
    return groups, total, by_hour, waits


def hour_of_day(offset_seconds: int, dialect: str) -> ColumnElement[int]:
    """The hour (0 to 23) a contact was requested at, ``offset_seconds`` east of UTC."""
    hours = (contacts.c.created_at + offset_seconds) / 3600
    whole = func.floor(hours) if dialect == "postgresql" else hours  # SQLite's CAST truncates
    return cast(whole, Integer) % 24


async def group_names(conn: AsyncConnection, group_by: GroupBy, keys: list[int]) -> dict[int, str]:
    table, name = (
        (services, services.c.name) if group_by == "service" else (agents, agents.c.display_name)
    )
    rows = await conn.execute(select(table.c.id, name).where(table.c.id.in_(keys)))
    return {int(key): str(label) for key, label in rows}


WAIT_BUCKETS = (10, 30, 60, 120, 300)
"""Upper bounds (seconds) of the wait-time distribution's bars; the last bar is 'longer'."""


def histogram(ordered: list[float]) -> list[dict[str, Any]]:
    """Waits (sorted) per bar: each bar holds the waits below its bound and not below the last.
    ``below``/``at_least`` (seconds) let a reader word the bar in their language; ``label`` is
    the English wording (the CSV's)."""
    edges = [0, *(bisect.bisect_left(ordered, bound) for bound in WAIT_BUCKETS), len(ordered)]
    counts = [high - low for low, high in itertools.pairwise(edges)]
    bounds: list[tuple[int | None, int | None]] = [(b, None) for b in WAIT_BUCKETS]
    bounds.append((None, WAIT_BUCKETS[-1]))
    return [
        {
            "label": f"< {below} s" if below is not None else f"≥ {at_least} s",
            "below": below,
            "at_least": at_least,
            "contacts": n,
        }
        for (below, at_least), n in zip(bounds, counts, strict=True)
    ]

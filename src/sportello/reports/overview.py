"""The overview: per service or per agent over a period, from the stored contacts.

``transferred`` counts, per service, its contacts passed on at least once (accepted
transfers); per agent, the transfers that agent made.

Every figure is counted from the contacts' recorded states, outcomes and timestamps (never
from counters kept on the side), so it can always be recomputed and checked."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

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


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
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

    def add(self, row: Any) -> None:
        self.requests += 1
        if row.outcome in self.outcomes:
            self.outcomes[row.outcome] += 1
        elif row.outcome is None:
            self.in_progress += 1
        if row.requeued_at is not None:
            self.requeued += 1
        if row.wait is not None:
            self.waits.append(float(row.wait))
        if row.answer is not None:
            self.answers.append(float(row.answer))
        if row.handling is not None:
            self.handlings.append(float(row.handling))

    def view(self) -> dict[str, Any]:
        return {
            "id": self.key,
            "name": self.name,
            "requests": self.requests,
            **self.outcomes,
            "in_progress": self.in_progress,
            "handed_back": self.requeued,
            "transferred": self.transferred,
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
    rows = await conn.execute(
        select(
            contacts.c.created_at,
            contacts.c.service_id,
            services.c.name.label("service_name"),
            contacts.c.agent_id,
            agents.c.display_name.label("agent_name"),
            contacts.c.outcome,
            contacts.c.requeued_at,
            WAIT.label("wait"),
            ANSWER.label("answer"),
            HANDLING.label("handling"),
        )
        .join(services, services.c.id == contacts.c.service_id)
        .outerjoin(agents, agents.c.id == contacts.c.agent_id)
        .where(scope.clause(), contacts.c.created_at >= since, contacts.c.created_at < until)
    )
    groups: dict[Any, Tally] = {}
    total = Tally(None, "All")
    by_hour: dict[int, dict[str, int]] = defaultdict(
        lambda: dict.fromkeys((*OUTCOMES, "in_progress"), 0)
    )
    for row in rows:
        if group_by == "service":
            key, name = row.service_id, row.service_name
        else:
            key, name = row.agent_id, row.agent_name or "(no agent)"
        groups.setdefault(key, Tally(key, name)).add(row)
        total.add(row)
        hour = int((row.created_at + utc_offset_minutes * 60) // 3600 % 24)
        by_hour[hour][row.outcome or "in_progress"] += 1
    in_period = (scope.clause(), contacts.c.created_at >= since, contacts.c.created_at < until)
    legs = await conn.execute(
        select(
            transfers.c.contact_id,
            transfers.c.from_agent_id,
            agents.c.display_name,
            contacts.c.service_id,
            services.c.name,
        )
        .join(contacts, contacts.c.id == transfers.c.contact_id)
        .join(services, services.c.id == contacts.c.service_id)
        .join(agents, agents.c.id == transfers.c.from_agent_id)
        .where(transfers.c.outcome == "accepted", *in_period)
    )
    transferred: set[int] = set()
    for leg in legs:
        if group_by == "agent":
            key, name = leg.from_agent_id, leg.display_name
        elif leg.contact_id in transferred:
            continue
        else:
            key, name = leg.service_id, leg.name
        groups.setdefault(key, Tally(key, name)).transferred += 1
        transferred.add(leg.contact_id)
    total.transferred = len(transferred)
    return {
        "since": since,
        "until": until,
        "group_by": group_by,
        "groups": sorted((t.view() for t in groups.values()), key=lambda g: -g["requests"]),
        "total": total.view(),
        "wait_histogram": histogram(total.waits),
        "by_hour": [{"hour": h, **by_hour[h]} for h in range(24)],
    }


WAIT_BUCKETS = (10, 30, 60, 120, 300)
"""Upper bounds (seconds) of the wait-time distribution's bars; the last bar is 'longer'."""


def histogram(waits: list[float]) -> list[dict[str, Any]]:
    counts = [0] * (len(WAIT_BUCKETS) + 1)
    for wait in waits:
        index = next((i for i, bound in enumerate(WAIT_BUCKETS) if wait < bound), len(WAIT_BUCKETS))
        counts[index] += 1
    labels = [f"< {b} s" for b in WAIT_BUCKETS] + [f"≥ {WAIT_BUCKETS[-1]} s"]
    return [{"label": label, "contacts": n} for label, n in zip(labels, counts, strict=True)]

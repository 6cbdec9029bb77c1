"""``GET /metrics``: Prometheus text for operators, behind its own bearer token.

Off (404) until ``SPORTELLO_METRICS_TOKEN`` is set. The contact and agent figures come from
the database, so every process of a scale-out deployment reports the same ones; sockets,
the stream position, the process figures, and the timings and message count (timing.py: a
bisect and two additions per observation) are this process's own. Everything else is read
at scrape time.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, Request, Response
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    InfoMetricFamily,
    Metric,
)
from prometheus_client.process_collector import ProcessCollector
from prometheus_client.registry import Collector

from sportello import __version__
from sportello.domain.model import AgentStatus
from sportello.errors import NotAuthenticatedError, NotFoundError
from sportello.queries.metrics import (
    OPEN_STATES,
    OpenContacts,
    agents_by_status,
    open_contacts,
    unindexed_messages,
)
from sportello.queries.webhooks import all_webhooks
from sportello.realtime.hub import StreamHub
from sportello.timing import ProcessFigures, Timing
from sportello.web.deps import CtxDep, bearer

router = APIRouter(tags=["ops"])

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class _Snapshot(Collector):
    """One scrape's figures, already read."""

    def __init__(
        self,
        now: float,
        opened: list[OpenContacts],
        statuses: dict[str, int],
        unindexed: int | None,
        hooks: list[dict[str, Any]],
        hub: StreamHub,
        figures: ProcessFigures,
        postgres: bool,
    ) -> None:
        self.now = now
        self.opened = opened
        self.statuses = statuses
        self.unindexed = unindexed
        self.hooks = hooks
        self.hub = hub
        self.figures = figures
        self.postgres = postgres

    def collect(self) -> Iterator[Metric]:
        yield InfoMetricFamily(
            "sportello_build", "The running version", value={"version": __version__}
        )
        contacts = GaugeMetricFamily(
            "sportello_contacts_open",
            "Contacts waiting (pending) or in progress (assigned, transferring), per service",
            labels=["service", "state"],
        )
        oldest = GaugeMetricFamily(
            "sportello_contacts_oldest_waiting_seconds",
            "How long the longest-waiting pending contact of each service has waited",
            labels=["service"],
        )
        for row in self.opened:
            contacts.add_metric([row.service, row.state], row.count)
            if row.state == OPEN_STATES[0]:
                oldest.add_metric([row.service], max(0.0, self.now - row.oldest_created_at))
        yield contacts
        yield oldest
        people = GaugeMetricFamily(
            "sportello_agents", "Enabled agents by status", labels=["status"]
        )
        for status in AgentStatus:
            people.add_metric([status.value], self.statuses.get(status.value, 0))
        yield people
        sockets = GaugeMetricFamily(
            "sportello_websockets", "Open WebSockets of this process", labels=["kind"]
        )
        for kind, count in self.hub.connection_counts().items():
            sockets.add_metric([kind], count)
        yield sockets
        yield GaugeMetricFamily(
            "sportello_stream_position",
            "The last event this process has handed to its sockets",
            value=self.hub.position,
        )
        if self.unindexed is not None:
            yield GaugeMetricFamily(
                "sportello_search_unindexed_messages",
                "Messages the transcript search index has not taken in yet (SQLite)",
                value=self.unindexed,
            )
        backlog = GaugeMetricFamily(
            "sportello_webhook_backlog",
            "Events in the stream after each webhook endpoint's cursor (parked endpoints too)",
            labels=["endpoint", "state"],
        )
        for hook in self.hooks:
            backlog.add_metric([str(hook["id"]), hook["state"]], hook["backlog"])
        yield backlog
        figures = self.figures
        yield CounterMetricFamily(
            "sportello_messages",
            "Chat messages this process stored (visitors', agents', files)",
            value=figures.messages,
        )
        timings = [
            (
                "write_wait",
                figures.write_wait,
                "From asking for a write transaction to its "
                "first statement: the process's write turn and the database's BEGIN",
            ),
            (
                "commit",
                figures.commit,
                "Write transactions, from their first statement to their commit",
            ),
            (
                "routing_pass",
                figures.routing_pass,
                "Routing passes run after a change, from their first statement to their commit",
            ),
            (
                "delivery",
                figures.delivery,
                "From an event's change to its hand-over to this "
                "process's sockets (other processes' events included)",
            ),
        ]
        if self.postgres:
            timings.append(
                (
                    "stream_lock_held",
                    figures.stream_lock,
                    "How long this process's write "
                    "transactions held the stream lock, from their events' INSERT to their commit",
                )
            )
        for name, timing, what in timings:
            yield _histogram(f"sportello_{name}_seconds", what, timing)


def _histogram(name: str, documentation: str, timing: Timing) -> HistogramMetricFamily:
    return HistogramMetricFamily(
        name, documentation, buckets=timing.cumulative(), sum_value=timing.total_seconds
    )


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request, ctx: CtxDep) -> Response:
    expected = ctx.settings.metrics_token
    if not expected:
        raise NotFoundError("metrics are off: set SPORTELLO_METRICS_TOKEN to turn them on")
    given = bearer(request) or ""
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise NotAuthenticatedError("send the metrics token as 'Authorization: Bearer …'")
    now = ctx.clock.now()
    async with ctx.db.read() as conn:
        opened = await open_contacts(conn)
        statuses = await agents_by_status(conn, now, ctx.settings.agent_grace_seconds)
        unindexed = await unindexed_messages(conn)
        hooks = await all_webhooks(conn)
    registry = CollectorRegistry()
    hub = request.app.state.hub
    registry.register(
        _Snapshot(
            now, opened, dict(statuses), unindexed, hooks, hub, ctx.figures, not ctx.db.is_sqlite
        )
    )
    ProcessCollector(registry=registry)
    return Response(generate_latest(registry), media_type=CONTENT_TYPE)

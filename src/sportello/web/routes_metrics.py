"""``GET /metrics``: Prometheus text for operators, behind its own bearer token.

Off (404) until ``SPORTELLO_METRICS_TOKEN`` is set. The contact and agent figures come from
the database, so every process of a scale-out deployment reports the same ones; sockets,
the stream position and the process figures are this process's own. Everything is read at
scrape time: nothing is counted on the chat path.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator

from fastapi import APIRouter, Request, Response
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import (
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
from sportello.realtime.hub import StreamHub
from sportello.stream.lock_timing import LockTiming
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
        hub: StreamHub,
        stream_lock: LockTiming | None,
    ) -> None:
        self.now = now
        self.opened = opened
        self.statuses = statuses
        self.unindexed = unindexed
        self.hub = hub
        self.stream_lock = stream_lock

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
        if self.stream_lock is not None:
            yield HistogramMetricFamily(
                "sportello_stream_lock_held_seconds",
                "How long this process's write transactions held the stream lock, from their "
                "events' INSERT to their commit (PostgreSQL)",
                buckets=self.stream_lock.cumulative(),
                sum_value=self.stream_lock.total_seconds,
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
    registry = CollectorRegistry()
    stream_lock = None if ctx.db.is_sqlite else ctx.stream_lock
    hub = request.app.state.hub
    registry.register(_Snapshot(now, opened, dict(statuses), unindexed, hub, stream_lock))
    ProcessCollector(registry=registry)
    return Response(generate_latest(registry), media_type=CONTENT_TYPE)

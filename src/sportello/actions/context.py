"""What every action needs: settings, database, bus, clock; and the transaction helper."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.actions.group_commit import GroupCommits
from sportello.clock import Clock, SystemClock
from sportello.config import Settings
from sportello.geoip import IpCountries
from sportello.routing.engine import RoutingMemo
from sportello.security.rate_limits import Buckets, LocalBuckets, RateLimits
from sportello.security.shared_buckets import SharedBuckets
from sportello.storage.database import Database
from sportello.storage.write_turns import Lane
from sportello.stream.bus import Bus, LocalBus
from sportello.stream.events import Event, EventWriter
from sportello.timing import ProcessFigures
from sportello.translation.translator import Translator, build_translator


@dataclass
class Ctx:
    settings: Settings
    db: Database
    bus: Bus = field(default_factory=LocalBus)
    clock: Clock = field(default_factory=SystemClock)
    node_id: str = field(default_factory=lambda: uuid.uuid4().hex[:16])
    group_commit: GroupCommits = field(init=False)
    limits: RateLimits = field(init=False)
    """The visitor side's rate limits (shared through Redis when it is configured)."""
    reroute_soon: Callable[[], None] = field(default=lambda: None)
    """Ask for a full routing pass after this change (wired to the app's Rerouter)."""
    load_changed: Callable[[int], None] = field(default=lambda agent_id: None)
    """This agent's load changed: a routing pass if it changes their room (the Rerouter)."""
    routing_memo: RoutingMemo = field(default_factory=RoutingMemo)
    """What the last full routing pass of this process planned with (routing/engine.py)."""
    committed: Callable[[list[Event]], None] = field(default=lambda events: None)
    """Events this process just committed, in position order (wired to the app's hub)."""
    translate_soon: Callable[[dict[str, Any]], None] = field(default=lambda message: None)
    """Translate this message (its view) off the chat path (the app's TranslationJobs)."""
    translator: Translator = field(init=False)
    countries: IpCountries = field(init=False)
    """The visitor's country from their address (geoip.py)."""
    open_links: set[tuple[int, int]] = field(default_factory=set)
    """The widget connections open on this node, as (contact id, link)."""
    figures: ProcessFigures = field(default_factory=ProcessFigures)
    """What this process measures as it works (/metrics)."""

    def __post_init__(self) -> None:
        self.translator = build_translator(self.settings)
        self.countries = IpCountries(self.settings.geoip_database)
        self.group_commit = GroupCommits(self.transaction, shards=self.db.writers)
        url = self.settings.redis_url
        buckets: Buckets = SharedBuckets(url) if url else LocalBuckets()
        self.limits = RateLimits(
            buckets,
            contacts_per_minute=self.settings.rate_contacts_per_minute,
            left_messages_per_minute=self.settings.rate_left_messages_per_minute,
            messages_per_minute=self.settings.rate_messages_per_minute,
            ip_messages_per_minute=self.settings.rate_ip_messages_per_minute,
            call_signals_per_minute=self.settings.rate_call_signals_per_minute,
            translation_previews_per_minute=self.settings.rate_translation_previews_per_minute,
        )

    @asynccontextmanager
    async def transaction(
        self, lane: Lane = Lane.ONGOING
    ) -> AsyncIterator[tuple[AsyncConnection, EventWriter]]:
        """A write transaction with an event writer; wakes listeners only after commit.
        New arrivals (``Lane.NEW``) wait for the work in progress (storage/write_turns.py)."""
        figures = self.figures
        asked = time.perf_counter()
        async with self.db.write(lane) as conn:
            began = time.perf_counter()
            figures.write_wait.observe(began - asked)
            writer = EventWriter(conn, self.clock.now())
            yield conn, writer
            await writer.flush()
        done = time.perf_counter()
        figures.commit.observe(done - began)
        if writer.locked_at is not None:
            figures.stream_lock.observe(done - writer.locked_at)
        if writer.appended:
            figures.messages += sum(1 for e in writer.appended if e.kind == "message.created")
            self.committed(writer.appended)
            self.bus.stream_moved(writer.appended[-1].position)

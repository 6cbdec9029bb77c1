"""The per-process stream hub: reads each new event once and hands it to the connections.

Connections subscribe by contact (widgets) or by agent (consoles); queue events go to
every console; supervision views watch every event and the presence signals. The hub
trails the database: a wake-up from the bus (or, failing that, the poll timer) makes it
read everything after its position, in order. Events this process commits itself are
handed over at commit instead (``committed``), when they follow its position without a gap,
so the chat path does not read back what it has just written.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Protocol

from sportello.clock import Clock, SystemClock
from sportello.security.sign_in_cache import SignInCache
from sportello.storage.database import Database
from sportello.stream.bus import Bus, Signal
from sportello.stream.events import Event, head_position, read_after
from sportello.timing import Timing

log = logging.getLogger(__name__)

POLL_SECONDS = 2.0


class Subscriber(Protocol):
    def deliver(self, event: Event) -> None: ...
    def signal(self, signal: Signal) -> None: ...
    def end(self, reason: str = ...) -> None: ...


class StreamHub:
    def __init__(
        self, db: Database, bus: Bus, clock: Clock | None = None, delivery: Timing | None = None
    ) -> None:
        self.db = db
        self.bus = bus
        self.clock = clock or SystemClock()
        self.delivery = delivery or Timing()
        """From each event's change to its hand-over here (for /metrics)."""
        self.position = 0
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._unsubscribe: Callable[[], None] = lambda: None
        self._by_contact: dict[int, set[Subscriber]] = defaultdict(set)
        self._by_agent: dict[int, set[Subscriber]] = defaultdict(set)
        self._consoles: set[Subscriber] = set()
        self._by_sign_in: dict[str, set[Subscriber]] = defaultdict(set)
        self._watchers: dict[Subscriber, tuple[int, str]] = {}
        """Supervision views, with the agent and the sign-in each was opened with."""
        self.sign_ins = SignInCache()
        """Agents' sign-ins seen lately (web/deps.py), forgotten as their sign-ins end."""
        self.queue_moved: Callable[[Event], None] = lambda _event: None
        """Told of every queue event (realtime/queue_lines.py: waiting visitors' places)."""

    async def start(self) -> None:
        async with self.db.read() as conn:
            self.position = await head_position(conn)
        self._unsubscribe = self.bus.subscribe(self._on_moved, self._on_signal)
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        self._unsubscribe()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def _on_moved(self, position: int) -> None:
        if position > self.position:
            self._wake.set()

    def _on_signal(self, signal: Signal) -> None:
        contact_id = signal.get("contact_id")
        agent_id = signal.get("agent_id")
        if signal.get("to") == "visitor" and contact_id is not None:
            targets = set(self._by_contact.get(int(contact_id), ()))
        elif signal.get("to") == "agent" and agent_id is not None:
            targets = set(self._by_agent.get(int(agent_id), ()))
        elif signal.get("to") == "consoles":
            self.sign_ins.forget_sign_in(str(signal.get("token_hash")))
            self._end_sign_in(str(signal.get("token_hash")))
            return
        elif signal.get("to") == "sign_ins" and agent_id is not None:
            self.sign_ins.forget_agent(int(agent_id))
            return
        elif signal.get("to") == "supervisors":
            targets = set(self._watchers)
        else:
            return
        for sub in targets:
            sub.signal(signal)

    def committed(self, events: list[Event]) -> None:
        """Events this process has just committed, in position order.

        Dispatched at once when they continue the hub's position without a gap. Otherwise
        (another process committed in between, a rolled-back transaction used up a
        PostgreSQL sequence value, or a read already brought some of them) the bus's
        wake-up makes the hub read the stream, which never skips nor repeats one.
        """
        fresh = [event for event in events if event.position > self.position]
        if not fresh or fresh[0].position != self.position + 1:
            return
        for event in fresh:
            self._dispatch(event)
            self.position = event.position

    async def catch_up(self) -> None:
        """Read and dispatch everything committed so far (tests and the poll timer)."""
        while True:
            async with self.db.read() as conn:
                batch = await read_after(conn, self.position, limit=500)
            if not batch:
                return
            # ``committed`` may have dispatched some of these while the read was running.
            for event in (event for event in batch if event.position > self.position):
                self._dispatch(event)
                self.position = event.position

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), POLL_SECONDS)
            self._wake.clear()
            try:
                await self.catch_up()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("stream hub read failed; retrying")
                await asyncio.sleep(0.5)

    def _dispatch(self, event: Event) -> None:
        self.delivery.observe(max(0.0, self.clock.now() - event.created_at))
        targets: set[Subscriber] = set()
        if event.for_visitor and event.contact_id is not None:
            targets |= self._by_contact.get(event.contact_id, set())
        if event.agent_id is not None:
            targets |= self._by_agent.get(event.agent_id, set())
        if event.for_queue:
            targets |= self._consoles
            self.queue_moved(event)
        targets |= self._watchers.keys()
        for sub in targets:
            sub.deliver(event)
        if event.kind == "agent.signed_out" and event.agent_id is not None:
            self.sign_ins.forget_agent(event.agent_id)
            self._end_agent(event.agent_id, str(event.payload.get("reason") or "signed_out"))

    def connection_counts(self) -> dict[str, int]:
        """Open sockets of this process by kind (for /metrics)."""
        return {
            "visitor": sum(len(subs) for subs in self._by_contact.values()),
            "console": len(self._consoles),
            "supervision": len(self._watchers),
        }

    def add_visitor(self, contact_id: int, sub: Subscriber) -> None:
        self._by_contact[contact_id].add(sub)

    def remove_visitor(self, contact_id: int, sub: Subscriber) -> None:
        subs = self._by_contact.get(contact_id)
        if subs is not None:
            subs.discard(sub)
            if not subs:
                del self._by_contact[contact_id]

    def visitors_online(self, contact_id: int) -> int:
        return len(self._by_contact.get(contact_id, ()))

    def _end_sign_in(self, token_hash: str) -> None:
        targets = set(self._by_sign_in.get(token_hash, ()))
        targets |= {w for w, (_, s) in self._watchers.items() if s == token_hash}
        for sub in targets:
            sub.end()

    def _end_agent(self, agent_id: int, reason: str) -> None:
        """Every sign-in of the agent ended (``reason``: password_reset, account_disabled…):
        close their consoles and supervision views, saying why."""
        targets = set(self._by_agent.get(agent_id, ()))
        targets |= {w for w, (a, _) in self._watchers.items() if a == agent_id}
        for sub in targets:
            sub.end(reason)

    def add_watcher(self, agent_id: int, sign_in: str, sub: Subscriber) -> None:
        """A supervision view: it sees every event and filters by its reader's scope; ending
        the sign-in it was opened with closes it like a console."""
        self._watchers[sub] = (agent_id, sign_in)

    def remove_watcher(self, sub: Subscriber) -> None:
        self._watchers.pop(sub, None)

    def add_console(self, agent_id: int, sign_in: str, sub: Subscriber) -> None:
        """A console of this agent, opened with the sign-in whose token hashes to ``sign_in``."""
        self._by_agent[agent_id].add(sub)
        self._by_sign_in[sign_in].add(sub)
        self._consoles.add(sub)

    def remove_console(self, agent_id: int, sign_in: str, sub: Subscriber) -> None:
        self._consoles.discard(sub)
        same = self._by_sign_in.get(sign_in)
        if same is not None:
            same.discard(sub)
            if not same:
                del self._by_sign_in[sign_in]
        subs = self._by_agent.get(agent_id)
        if subs is not None:
            subs.discard(sub)
            if not subs:
                del self._by_agent[agent_id]

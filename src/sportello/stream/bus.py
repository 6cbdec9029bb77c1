"""Wake-ups: "the stream moved to N", plus ephemeral signals (typing) that are never stored.

In one process an asyncio notifier; across processes Redis pub/sub. A lost wake-up only
costs latency: connections also poll the stream on a slow timer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable
from typing import Any, Protocol

import orjson

log = logging.getLogger(__name__)

Signal = dict[str, Any]
"""An ephemeral message: {"kind": "typing", "contact_id": …, …}."""


def presence_changed(agent_id: int) -> Signal:
    """An agent's consoles opened or closed: supervision views recompute (no event is
    stored for a console that comes and goes while holding nothing)."""
    return {"kind": "agent.presence", "to": "supervisors", "agent_id": agent_id}


def sessions_ended(token_hash: str) -> Signal:
    """Close the consoles of one sign-in (by its token hash), after its row is gone; every
    process closes its matching sockets. (Ending all of an agent's sign-ins is the durable
    ``agent.signed_out`` event instead, so a ``sportello`` command reaches the servers.)"""
    return {"kind": "sessions.ended", "to": "consoles", "token_hash": token_hash}


def account_changed(agent_id: int) -> Signal:
    """An agent's account changed (role, name): every process forgets its cached sign-ins."""
    return {"kind": "agent.changed", "to": "sign_ins", "agent_id": agent_id}


class Bus(Protocol):
    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    def stream_moved(self, position: int) -> None: ...
    def send_signal(self, signal: Signal) -> None: ...
    def subscribe(
        self, on_moved: Callable[[int], None], on_signal: Callable[[Signal], None]
    ) -> Callable[[], None]: ...


class LocalBus:
    """Fan-out inside one process."""

    def __init__(self) -> None:
        self._subscribers: dict[int, tuple[Callable[[int], None], Callable[[Signal], None]]] = {}
        self._next = 0

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        self._subscribers.clear()

    def subscribe(
        self, on_moved: Callable[[int], None], on_signal: Callable[[Signal], None]
    ) -> Callable[[], None]:
        self._next += 1
        key = self._next
        self._subscribers[key] = (on_moved, on_signal)
        return lambda: self._subscribers.pop(key, None) and None

    def stream_moved(self, position: int) -> None:
        self._deliver_moved(position)

    def send_signal(self, signal: Signal) -> None:
        self._deliver_signal(signal)

    def _deliver_moved(self, position: int) -> None:
        for on_moved, _ in list(self._subscribers.values()):
            on_moved(position)

    def _deliver_signal(self, signal: Signal) -> None:
        for _, on_signal in list(self._subscribers.values()):
            on_signal(signal)


class RedisBus(LocalBus):
    """LocalBus fan-out fed by Redis pub/sub, so every process hears every wake-up."""

    CHANNEL = "sportello:bus"

    def __init__(self, url: str) -> None:
        super().__init__()
        import redis.asyncio as redis

        self._redis = redis.from_url(url)
        self._node = uuid.uuid4().hex
        self._task: asyncio.Task[None] | None = None
        self._outbox: asyncio.Queue[bytes] = asyncio.Queue()
        self._sender: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start listening; a Redis that cannot be reached yet does not stop the process from
        starting: it is subscribed to when it answers (meanwhile the poll timers deliver)."""
        self._task = asyncio.create_task(self._listen(self._redis.pubsub()))
        self._sender = asyncio.create_task(self._send_loop())

    async def stop(self) -> None:
        for task in (self._task, self._sender):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        await self._redis.aclose()
        await super().stop()

    def stream_moved(self, position: int) -> None:
        self._deliver_moved(position)
        self._outbox.put_nowait(orjson.dumps({"node": self._node, "moved": position}))

    def send_signal(self, signal: Signal) -> None:
        self._deliver_signal(signal)
        self._outbox.put_nowait(orjson.dumps({"node": self._node, "signal": signal}))

    async def _send_loop(self) -> None:
        failing = False
        while True:
            data = await self._outbox.get()
            try:
                await self._redis.publish(self.CHANNEL, data)
            except Exception:  # a lost wake-up costs latency only
                if not failing:  # once per outage, not once per message
                    log.warning("redis publish failed; wake-ups go by polling", exc_info=True)
                failing = True
            else:
                if failing:
                    log.warning("redis publish works again")
                failing = False

    async def _listen(self, pubsub: Any) -> None:
        while True:
            try:
                if not pubsub.subscribed:
                    await pubsub.subscribe(self.CHANNEL)
                async for message in pubsub.listen():
                    if message.get("type") != "message":
                        continue
                    body = orjson.loads(message["data"])
                    if body.get("node") == self._node:
                        continue
                    if "moved" in body:
                        self._deliver_moved(int(body["moved"]))
                    elif "signal" in body:
                        self._deliver_signal(body["signal"])
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("redis subscription failed; retrying", exc_info=True)
                await asyncio.sleep(1)

"""Token buckets per visitor token and per IP: the visitor side's rate limits.

A bucket holds a minute's allowance, so short bursts pass and a steady flood is cut to the
per-minute rate. One process keeps its buckets in memory (``LocalBuckets``); with Redis
configured every process takes from the same buckets there (``security/shared_buckets.py``),
so requests spread over N processes are cut at the one limit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

from sportello.errors import RateLimitedError

SWEEP_EVERY = 1000
"""Takes between sweeps that forget full (idle) buckets, so memory follows active clients."""


@dataclass(frozen=True)
class Limit:
    """``per_minute`` requests a minute for each key, in bursts of up to that many; 0 is off."""

    name: str
    slug: str
    """Short and stable: part of the shared buckets' Redis keys."""
    per_minute: int

    @property
    def per_second(self) -> float:
        return self.per_minute / 60.0


Check = tuple[Limit, str]
"""A limit and the key (IP, contact id) one request takes a token from."""


def refused(limit: Limit, wait: float) -> RateLimitedError:
    return RateLimitedError(
        f"too many requests ({limit.name}); slow down", retry_after=max(1, math.ceil(wait))
    )


class Buckets(Protocol):
    async def take(self, checks: list[Check], now: float) -> None:
        """Take one token from every check's bucket, or none when any is empty
        (``rate_limited``, with the longest wait)."""

    async def close(self) -> None: ...


@dataclass
class _Bucket:
    tokens: float
    at: float


class TokenBuckets:
    """One limit's buckets in this process's memory."""

    def __init__(self, limit: Limit) -> None:
        self.capacity = float(limit.per_minute)
        self.per_second = limit.per_second
        self._buckets: dict[str, _Bucket] = {}
        self._takes = 0

    def _refilled(self, key: str, now: float) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(self.capacity, now)
        elif now > bucket.at:
            bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.at) * self.per_second)
            bucket.at = now
        return bucket

    def wait(self, key: str, now: float) -> float:
        """Seconds until ``key`` may go again; 0 when it may go now."""
        bucket = self._refilled(key, now)
        return 0.0 if bucket.tokens >= 1 else (1 - bucket.tokens) / self.per_second

    def take(self, key: str, now: float) -> None:
        self._refilled(key, now).tokens -= 1
        self._takes += 1
        if self._takes % SWEEP_EVERY == 0:
            self._sweep(now)

    def _sweep(self, now: float) -> None:
        for key, bucket in list(self._buckets.items()):
            if bucket.tokens + (now - bucket.at) * self.per_second >= self.capacity:
                del self._buckets[key]


class LocalBuckets:
    """Every limit's buckets in this process's memory (one process, or Redis unreachable)."""

    def __init__(self) -> None:
        self._limits: dict[Limit, TokenBuckets] = {}

    async def take(self, checks: list[Check], now: float) -> None:
        self.take_now(checks, now)

    async def close(self) -> None:
        return None

    def take_now(self, checks: list[Check], now: float) -> None:
        buckets = [(self._for(limit), limit, key) for limit, key in checks]
        wait, limit = max(((b.wait(key, now), limit) for b, limit, key in buckets), key=_first)
        if wait > 0:
            raise refused(limit, wait)
        for b, _, key in buckets:
            b.take(key, now)

    def _for(self, limit: Limit) -> TokenBuckets:
        found = self._limits.get(limit)
        if found is None:
            found = self._limits[limit] = TokenBuckets(limit)
        return found


def _first(pair: tuple[float, Limit]) -> float:
    return pair[0]


class RateLimits:
    """The limits of the visitor side, and call signalling on both sides (docs/operations.md,
    Security)."""

    def __init__(
        self,
        buckets: Buckets,
        *,
        contacts_per_minute: int,
        left_messages_per_minute: int,
        messages_per_minute: int,
        ip_messages_per_minute: int,
        call_signals_per_minute: int,
        translation_previews_per_minute: int = 0,
    ) -> None:
        self.buckets = buckets
        self.contacts = Limit("new contacts per IP", "contacts", contacts_per_minute)
        self.left_messages = Limit("left messages per IP", "left", left_messages_per_minute)
        self.messages = Limit("messages per visitor", "msg", messages_per_minute)
        self.ip_messages = Limit("messages per IP", "ipmsg", ip_messages_per_minute)
        self.call_signals = Limit("call signals per party", "callsig", call_signals_per_minute)
        self.previews = Limit(
            "translation previews per agent", "preview", translation_previews_per_minute
        )

    async def new_contact(self, ip: str, now: float) -> None:
        await self._take([(self.contacts, ip)], now)

    async def left_message(self, ip: str, now: float) -> None:
        await self._take([(self.left_messages, ip)], now)

    async def invitation_event(self, ip: str, now: float) -> None:
        """An invitation shown or accepted: counted with the IP's messages."""
        await self._take([(self.ip_messages, ip)], now)

    async def visitor_message(self, contact_id: int, ip: str, now: float) -> None:
        await self._take([(self.messages, str(contact_id)), (self.ip_messages, ip)], now)

    async def call_signal(self, contact_id: int, side: str, now: float) -> None:
        """WebRTC signalling, per contact and side: generous for ICE trickle and a few
        renegotiations, a wall against a flood relayed to the other party."""
        await self._take([(self.call_signals, f"{contact_id}:{side}")], now)

    async def translation_preview(self, agent_id: int, now: float) -> None:
        """The console asks as the agent types (debounced): each costs an engine call."""
        await self._take([(self.previews, str(agent_id))], now)

    async def close(self) -> None:
        await self.buckets.close()

    async def _take(self, checks: list[Check], now: float) -> None:
        on = [(limit, key) for limit, key in checks if limit.per_minute]
        if on:
            await self.buckets.take(on, now)

"""Token buckets per visitor token and per IP, in this process's memory.

Each process keeps its own buckets (no shared state on the hot path): with N processes
behind a load balancer a client may get up to N times a limit. A bucket holds a minute's
allowance, so short bursts pass and a steady flood is cut to the per-minute rate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sportello.errors import RateLimitedError

SWEEP_EVERY = 1000
"""Takes between sweeps that forget full (idle) buckets, so memory follows active clients."""


@dataclass
class _Bucket:
    tokens: float
    at: float


class TokenBuckets:
    """``per_minute`` requests a minute for each key, in bursts of up to that many; 0 is off."""

    def __init__(self, name: str, per_minute: int) -> None:
        self.name = name
        self.capacity = float(per_minute)
        self.per_second = per_minute / 60.0
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
        if not self.capacity:
            return 0.0
        bucket = self._refilled(key, now)
        return 0.0 if bucket.tokens >= 1 else (1 - bucket.tokens) / self.per_second

    def take(self, key: str, now: float) -> None:
        if not self.capacity:
            return
        self._refilled(key, now).tokens -= 1
        self._takes += 1
        if self._takes % SWEEP_EVERY == 0:
            self._sweep(now)

    def _sweep(self, now: float) -> None:
        for key, bucket in list(self._buckets.items()):
            if bucket.tokens + (now - bucket.at) * self.per_second >= self.capacity:
                del self._buckets[key]


def take_all(checks: list[tuple[TokenBuckets, str]], now: float) -> None:
    """Take one token from every bucket, or none when any is empty (``rate_limited``)."""
    waits = [(buckets.wait(key, now), buckets.name) for buckets, key in checks]
    longest, name = max(waits)
    if longest > 0:
        raise RateLimitedError(
            f"too many requests ({name}); slow down", retry_after=max(1, math.ceil(longest))
        )
    for buckets, key in checks:
        buckets.take(key, now)


class RateLimits:
    """The limits of the visitor side, and call signalling on both sides (docs/operations.md,
    Security)."""

    def __init__(
        self,
        *,
        contacts_per_minute: int,
        left_messages_per_minute: int,
        messages_per_minute: int,
        ip_messages_per_minute: int,
        call_signals_per_minute: int,
    ) -> None:
        self.contacts = TokenBuckets("new contacts per IP", contacts_per_minute)
        self.left_messages = TokenBuckets("left messages per IP", left_messages_per_minute)
        self.messages = TokenBuckets("messages per visitor", messages_per_minute)
        self.ip_messages = TokenBuckets("messages per IP", ip_messages_per_minute)
        self.call_signals = TokenBuckets("call signals per party", call_signals_per_minute)

    def new_contact(self, ip: str, now: float) -> None:
        take_all([(self.contacts, ip)], now)

    def left_message(self, ip: str, now: float) -> None:
        take_all([(self.left_messages, ip)], now)

    def visitor_message(self, contact_id: int, ip: str, now: float) -> None:
        take_all([(self.messages, str(contact_id)), (self.ip_messages, ip)], now)

    def call_signal(self, contact_id: int, side: str, now: float) -> None:
        """WebRTC signalling, per contact and side: generous for ICE trickle and a few
        renegotiations, a wall against a flood relayed to the other party."""
        take_all([(self.call_signals, f"{contact_id}:{side}")], now)

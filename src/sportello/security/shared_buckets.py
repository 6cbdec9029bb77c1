"""The rate limits' token buckets in Redis, shared by every process (scale-out).

One Lua script refills and takes from a request's buckets atomically — all or none, like
``LocalBuckets`` — with EVALSHA. Takes that arrive while a round trip is in flight go
together in the next one (one script call, taken in arrival order), so a busy process pays
one round trip per batch, not per message (docs/benchmarks.md, *Rate limits*). A bucket is
a hash that expires when it would be full again, so idle clients cost nothing. If Redis
cannot be reached the limits fall back to this process's memory for a while, with a
warning: a request is never refused because the limiter is down.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from typing import Any

import redis.asyncio as redis
from redis.exceptions import RedisError

from sportello.errors import RateLimitedError
from sportello.security.rate_limits import Check, LocalBuckets, refused

log = logging.getLogger(__name__)

PREFIX = "sportello:rl:"
TIMEOUT_SECONDS = 0.25
"""Longest wait for Redis on a request's path before the local buckets answer instead."""
RETRY_SECONDS = 5.0
"""How long the local buckets answer alone after Redis failed, before trying it again."""
MAX_BATCH = 256

TAKE = """
local out = {}
local k, a = 1, 1
while a <= #ARGV do
  local now, n = tonumber(ARGV[a]), tonumber(ARGV[a + 1])
  a = a + 2
  local tokens, ats, caps, rates = {}, {}, {}, {}
  local worst, worst_wait = 0, 0
  for i = 1, n do
    local capacity, rate = tonumber(ARGV[a]), tonumber(ARGV[a + 1])
    a = a + 2
    local stored = redis.call('HMGET', KEYS[k + i - 1], 't', 'a')
    local t, at = tonumber(stored[1]), tonumber(stored[2])
    if t == nil then
      t, at = capacity, now
    elseif now > at then
      t, at = math.min(capacity, t + (now - at) * rate), now
    end
    tokens[i], ats[i], caps[i], rates[i] = t, at, capacity, rate
    if t < 1 and (1 - t) / rate > worst_wait then
      worst, worst_wait = i, (1 - t) / rate
    end
  end
  if worst == 0 then
    for i = 1, n do
      local key, left = KEYS[k + i - 1], tokens[i] - 1
      redis.call('HSET', key, 't', tostring(left), 'a', tostring(ats[i]))
      redis.call('PEXPIRE', key, math.ceil((caps[i] - left) / rates[i] * 1000) + 1000)
    end
  end
  out[#out + 1] = worst
  out[#out + 1] = tostring(worst_wait)
  k = k + n
end
return out
"""

_Take = tuple[list[Check], float, "asyncio.Future[RateLimitedError | None]"]


class SharedBuckets:
    """Token buckets in Redis; this process's memory while Redis is unreachable."""

    def __init__(self, url: str, *, max_batch: int = MAX_BATCH) -> None:
        self._max_batch = max_batch
        self._redis: Any = redis.from_url(
            url, socket_timeout=TIMEOUT_SECONDS, socket_connect_timeout=TIMEOUT_SECONDS
        )
        self._script = self._redis.register_script(TAKE)
        self._local = LocalBuckets()
        self._down_until = 0.0
        self._waiting: list[_Take] = []
        self._sender: asyncio.Task[None] | None = None

    async def take(self, checks: list[Check], now: float) -> None:
        if self._down_until and time.monotonic() < self._down_until:
            self._local.take_now(checks, now)
            return
        answer: asyncio.Future[RateLimitedError | None] = asyncio.get_running_loop().create_future()
        self._waiting.append((checks, now, answer))
        if self._sender is None:
            self._sender = asyncio.create_task(self._send())
        error = await answer
        if error is not None:
            raise error

    async def _send(self) -> None:
        try:
            while self._waiting:
                batch = self._waiting[: self._max_batch]
                self._waiting = self._waiting[self._max_batch :]
                await self._send_batch(batch)
        finally:
            self._sender = None

    async def _send_batch(self, batch: list[_Take]) -> None:
        keys: list[str] = []
        args: list[Any] = []
        for checks, now, _ in batch:
            args += [repr(now), len(checks)]
            for limit, key in checks:
                keys.append(f"{PREFIX}{limit.slug}:{key}")
                args += [limit.per_minute, repr(limit.per_second)]
        try:
            answers = await self._script(keys=keys, args=args)
        except (RedisError, OSError) as exc:
            self._fail(exc)
            for checks, now, answer in batch:
                if not answer.done():  # a caller that gave up (request cancelled) is skipped
                    answer.set_result(self._take_locally(checks, now))
            return
        if self._down_until:
            self._down_until = 0.0
            log.warning("rate limits: Redis answers again; the limits are shared again")
        for n, (checks, _, answer) in enumerate(batch):
            worst, wait = int(answers[2 * n]), float(answers[2 * n + 1])
            if not answer.done():
                answer.set_result(refused(checks[worst - 1][0], wait) if worst else None)

    def _take_locally(self, checks: list[Check], now: float) -> RateLimitedError | None:
        try:
            self._local.take_now(checks, now)
        except RateLimitedError as error:
            return error
        return None

    def _fail(self, exc: Exception) -> None:
        if not self._down_until:
            log.warning(
                "rate limits: Redis unreachable (%s); each process limits alone until it "
                "answers (tried again every %d s)",
                exc,
                math.ceil(RETRY_SECONDS),
            )
        self._down_until = time.monotonic() + RETRY_SECONDS

    async def close(self) -> None:
        if self._sender is not None:
            await self._sender
        await self._redis.aclose()

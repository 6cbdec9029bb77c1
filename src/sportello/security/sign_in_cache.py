"""Signed-in agents remembered for a few seconds, so an agent's HTTP request does not open a
read transaction just to find who is asking.

An entry is dropped the moment its sign-in ends — logout (the ``sessions.ended`` signal),
every sign-in of the agent ending (the ``agent.signed_out`` event: disabled, password
reset) or the account changing (the ``agent.changed`` signal: role) — on every process,
since the hub hears those from the bus and the stream. Nothing else is ever stale for more
than ``TTL_SECONDS``, and no entry outlives the sign-in's own expiry.
"""

from __future__ import annotations

from dataclasses import dataclass

from sportello.domain.principals import AgentPrincipal

TTL_SECONDS = 5.0
LIMIT = 10_000
"""Entries kept at most (the oldest go first)."""


@dataclass(frozen=True)
class _Entry:
    agent: AgentPrincipal
    valid_until: float


class SignInCache:
    def __init__(self, ttl: float = TTL_SECONDS, limit: int = LIMIT) -> None:
        self.ttl = ttl
        self.limit = limit
        self._entries: dict[str, _Entry] = {}
        self.generation = 0
        """Moves on every forget: a look-up that began before one must not be stored."""

    def get(self, token_hash: str, now: float) -> AgentPrincipal | None:
        entry = self._entries.get(token_hash)
        if entry is None:
            return None
        if now >= entry.valid_until:
            del self._entries[token_hash]
            return None
        return entry.agent

    def put(
        self,
        token_hash: str,
        agent: AgentPrincipal,
        now: float,
        expires_at: float,
        generation: int,
    ) -> None:
        """Remember a look-up that began at ``generation`` (unless a sign-in ended since)."""
        if generation != self.generation:
            return
        if len(self._entries) >= self.limit:
            self._entries.pop(next(iter(self._entries)))
        self._entries[token_hash] = _Entry(agent, min(now + self.ttl, expires_at))

    def forget_sign_in(self, token_hash: str) -> None:
        self.generation += 1
        self._entries.pop(token_hash, None)

    def forget_agent(self, agent_id: int) -> None:
        self.generation += 1
        for key in [k for k, e in self._entries.items() if e.agent.id == agent_id]:
            del self._entries[key]

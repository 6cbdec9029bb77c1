"""Enums and snapshot dataclasses that the pure rules work on."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class ContactState(enum.StrEnum):
    PENDING = "pending"
    ASSIGNED = "assigned"
    TRANSFERRING = "transferring"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    ABANDONED = "abandoned"
    DISSUADED = "dissuaded"
    REJECTED = "rejected"


class Outcome(enum.StrEnum):
    SUCCESSFUL = "successful"
    NO_INTERACTION = "no_interaction"
    CANCELLED = "cancelled"
    ABANDONED = "abandoned"
    DISSUADED = "dissuaded"
    REJECTED = "rejected"


class AgentStatus(enum.StrEnum):
    READY = "READY"
    PAUSED = "PAUSED"
    DISCONNECTED = "DISCONNECTED"


class Medium(enum.StrEnum):
    CHAT = "chat"
    VOICE = "voice"
    VIDEO = "video"


class Role(enum.StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class Sender(enum.StrEnum):
    VISITOR = "visitor"
    AGENT = "agent"
    SYSTEM = "system"


@dataclass(frozen=True)
class AgentSnapshot:
    """What routing needs to know about one agent at one instant."""

    id: int
    tags: frozenset[str]
    status: AgentStatus
    chat_limit: int
    voice_allowed: bool
    video_allowed: bool
    live_sessions: int
    media_on: frozenset[Medium]
    """Media switched on in at least one live console session."""
    active_contacts: tuple[ActiveContact, ...] = ()


@dataclass(frozen=True)
class ActiveContact:
    """A contact that counts towards an agent's load."""

    medium: Medium
    last_message_at: float | None
    started_at: float
    awaiting_agent: bool = False
    """The last message is not the agent's (the visitor's, or none yet): the visitor waits
    for the agent."""


@dataclass(frozen=True)
class PendingContact:
    id: int
    service_tags: frozenset[str]
    medium: Medium
    priority: int
    created_at: float
    starred_agent_id: int | None = None
    """Set when the contact is offered to one agent only by design (a transfer target)."""
    requeued: bool = False
    """Handed back to the queue after its agent left: it goes ahead of new contacts."""
    candidates: frozenset[int] | None = None
    """Set for a transfer to a group: only these agents may be offered it (the group's
    members who have not rejected it, never the agent transferring it)."""
    preferred_agent_id: int | None = None
    """"Start a new conversation": the visitor's previous agent, offered it first."""
    preferred_until: float | None = None
    """When the preferred agent's turn ends and everyone eligible sees it."""
    queue_mode: bool = False
    """Its service queues requests when every qualified agent is full (``when_busy``
    "queue"): it is offered only to room that the contacts ahead of it leave free."""
    queued: bool = False
    """Waiting in that queue now (offered to nobody until room frees up)."""


@dataclass(frozen=True)
class Offer:
    contact_id: int
    agent_ids: frozenset[int]
    starred: bool
    blocked_ids: frozenset[int] = frozenset()
    """Agents who qualify for the contact but have no room for it now (at their limit)."""

"""Pure routing rules over snapshots (product.md §3). No I/O here.

The router is written as "score the eligible agents, then decide who sees the contact":
broadcast offers it to every eligible agent. A stepped strategy would replace
``choose_audience`` (offer to the best-scored group first, widen later) without touching
eligibility or load.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sportello.domain.model import (
    ActiveContact,
    AgentSnapshot,
    AgentStatus,
    Medium,
    Offer,
    PendingContact,
)

FULL_LOAD = 1.0
_EPSILON = 1e-9


def contact_weight(medium: Medium, chat_limit: int) -> float:
    """A chat weighs 1/chat_limit of an agent; voice and video weigh a whole agent."""
    if medium is Medium.CHAT:
        return FULL_LOAD / max(chat_limit, 1)
    return FULL_LOAD


def is_idle(contact: ActiveContact, now: float, idle_seconds: int) -> bool:
    """A chat is idle when nobody waits for the agent: no message for idle_seconds, and the
    last one is not the visitor's (an unanswered visitor is never idle capacity). 0 disables
    idle detection."""
    if idle_seconds <= 0 or contact.medium is not Medium.CHAT or contact.awaiting_agent:
        return False
    last = contact.last_message_at if contact.last_message_at is not None else contact.started_at
    return now - last >= idle_seconds


def agent_load(agent: AgentSnapshot, now: float, idle_seconds: int) -> float:
    return sum(
        contact_weight(c.medium, agent.chat_limit)
        for c in agent.active_contacts
        if not is_idle(c, now, idle_seconds)
    )


def has_room(load: float, medium: Medium, chat_limit: int) -> bool:
    """Whether a contact of this medium fits on an agent carrying ``load`` (the limit)."""
    return load + contact_weight(medium, chat_limit) <= FULL_LOAD + _EPSILON


def medium_allowed(agent: AgentSnapshot, medium: Medium) -> bool:
    if medium not in agent.media_on:
        return False
    if medium is Medium.VOICE:
        return agent.voice_allowed
    if medium is Medium.VIDEO:
        return agent.video_allowed
    return True


def is_eligible(
    agent: AgentSnapshot, contact: PendingContact, load: float, *, ignore_capacity: bool = False
) -> bool:
    """All of product.md §3: session, READY, medium, tags, room for the contact's weight."""
    if agent.live_sessions < 1 or agent.status is not AgentStatus.READY:
        return False
    if not medium_allowed(agent, contact.medium):
        return False
    if not contact.service_tags <= agent.tags:
        return False
    if ignore_capacity:
        return True
    return has_room(load, contact.medium, agent.chat_limit)


def queue_key(
    requeued: bool, priority: int, created_at: float, contact_id: int
) -> tuple[bool, int, float, int]:
    """Handed-back contacts first, then priority (1 is highest), then the longest wait, then
    id for a stable order."""
    return (not requeued, priority, created_at, contact_id)


def queue_order(contacts: Iterable[PendingContact]) -> list[PendingContact]:
    """The order contacts are offered in (``queue_key``)."""
    return sorted(contacts, key=lambda c: queue_key(c.requeued, c.priority, c.created_at, c.id))


def choose_audience(contact: PendingContact, eligible: Sequence[AgentSnapshot]) -> frozenset[int]:
    """Broadcast: every eligible agent sees the contact."""
    return frozenset(a.id for a in eligible)


def preferred_audience(
    contact: PendingContact, eligible: Sequence[AgentSnapshot], now: float
) -> frozenset[int] | None:
    """A new conversation after an ended one goes first to the agent of the ended one, alone,
    while ``preferred_until`` has not passed and they can take it now (READY, qualified, with
    room: in ``eligible``). None: no preference applies, the usual audience does."""
    wanted = contact.preferred_agent_id
    if wanted is None or contact.preferred_until is None or now >= contact.preferred_until:
        return None
    if not any(a.id == wanted for a in eligible):
        return None
    return frozenset({wanted})


def plan_offers(
    pending: Iterable[PendingContact],
    agents: Sequence[AgentSnapshot],
    now: float,
    idle_seconds: int,
) -> dict[int, Offer]:
    """Decide, for every pending contact, which agents see it and whether it is starred.

    Contacts are taken in queue order. A contact offered to one agent only is starred and
    its weight counts towards that agent's load while it waits, so later contacts see
    that agent as busier.

    A contact of a service that queues when busy (``queue_mode``) is offered only to the
    room left once every contact ahead of it has claimed a place (``claim_room``): freeing
    one chat's room offers the head of the queue, not the whole queue.
    """
    loads = {a.id: agent_load(a, now, idle_seconds) for a in agents}
    by_id = {a.id: a for a in agents}
    offers: dict[int, Offer] = {}
    ordered = queue_order(pending)
    # claims are tallied only when some contact needs them: a center whose services all
    # reject when busy plans exactly as before
    claims = dict(loads) if any(c.queue_mode for c in ordered) else None
    for contact in ordered:
        blocked: frozenset[int] = frozenset()
        if contact.starred_agent_id is not None:
            target = by_id.get(contact.starred_agent_id)
            audience = (
                frozenset({target.id})
                if target is not None
                and is_eligible(target, contact, loads[target.id], ignore_capacity=True)
                else frozenset()
            )
        else:
            qualified = [
                a
                for a in agents
                if (contact.candidates is None or a.id in contact.candidates)
                and is_eligible(a, contact, loads[a.id], ignore_capacity=True)
            ]
            eligible = [a for a in qualified if is_eligible(a, contact, loads[a.id])]
            if contact.queue_mode and claims is not None:
                eligible = [a for a in eligible if is_eligible(a, contact, claims[a.id])]
            audience = preferred_audience(contact, eligible, now) or choose_audience(
                contact, eligible
            )
            blocked = frozenset(a.id for a in qualified) - {a.id for a in eligible}
        starred = len(audience) == 1
        if starred:
            (only,) = audience
            loads[only] += contact_weight(contact.medium, by_id[only].chat_limit)
            if claims is not None:
                claims[only] += contact_weight(contact.medium, by_id[only].chat_limit)
        elif audience and claims is not None:
            claim_room(claims, [by_id[a] for a in audience], contact.medium)
        offers[contact.id] = Offer(
            contact_id=contact.id, agent_ids=audience, starred=starred, blocked_ids=blocked
        )
    return offers


def claim_room(claims: dict[int, float], audience: Sequence[AgentSnapshot], medium: Medium) -> None:
    """A contact offered to several agents will take one place: count it on the one with the
    most room left (lowest claimed load, then lowest id), for the queued contacts after it."""
    best = min(audience, key=lambda a: (claims[a.id], a.id))
    claims[best.id] += contact_weight(medium, best.chat_limit)


def reserving_agents(offers: Iterable[Offer]) -> frozenset[int]:
    """Agents who are the only audience of a starred contact (its weight counts on them)."""
    return frozenset(a for o in offers if o.starred for a in o.agent_ids)


CapacityKey = tuple[object, ...]


def capacity_key(
    agent: AgentSnapshot, now: float, idle_seconds: int, reserving: bool
) -> CapacityKey:
    """Everything about an agent that ``plan_offers`` reads, coarsened to what can change its
    answers: who they are (status, console, media, tags, limits) and whether they have room
    for a chat and for a call. Two snapshots with equal keys give every contact the same
    offer, so a load change that keeps the key (a second chat of four) needs no pass.

    An agent who is the only audience of a starred contact carries that contact's weight
    while later contacts are planned; their exact load is part of the key then."""
    load = agent_load(agent, now, idle_seconds)
    who = (
        agent.status,
        agent.live_sessions > 0,
        agent.media_on,
        agent.tags,
        agent.chat_limit,
        agent.voice_allowed,
        agent.video_allowed,
    )
    if reserving:
        return (who, round(load, 6))
    return (who, has_room(load, Medium.CHAT, agent.chat_limit), has_room(load, Medium.VOICE, 1))


def group_member(agent_tags: Iterable[str], group_tags: Iterable[str], match_all: bool) -> bool:
    """A transfer group holds the agents with any of its tags (all of them with match_all);
    a group without tags holds every agent."""
    wanted = set(group_tags)
    if not wanted:
        return True
    held = set(agent_tags)
    return wanted <= held if match_all else bool(wanted & held)


def available_media(
    service_tags: frozenset[str],
    media: Iterable[Medium],
    agents: Sequence[AgentSnapshot],
    now: float,
    idle_seconds: int,
    *,
    queue_mode: bool = False,
) -> list[Medium]:
    """The media of a service that some agent could take right now (what the widget offers).
    A service that queues when busy also offers the media a qualified agent at work could
    take once they have room."""
    result = []
    for medium in media:
        probe = PendingContact(
            id=0, service_tags=service_tags, medium=medium, priority=15, created_at=now
        )
        if any(
            is_eligible(a, probe, agent_load(a, now, idle_seconds), ignore_capacity=queue_mode)
            for a in agents
        ):
            result.append(medium)
    return result

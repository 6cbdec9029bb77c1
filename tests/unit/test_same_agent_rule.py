""" "Start a new conversation": the previous agent is offered it first, alone, for a short
window, when they can take it (READY, qualified, with room); otherwise, and after the
window, everyone eligible sees it (routing/rules.py preferred_audience)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sportello.domain.model import (
    ActiveContact,
    AgentSnapshot,
    AgentStatus,
    Medium,
    PendingContact,
)
from sportello.routing.rules import plan_offers, preferred_audience

NOW = 1_000_000.0


def agent(agent_id: int, **changes: object) -> AgentSnapshot:
    base = AgentSnapshot(
        id=agent_id,
        tags=frozenset({"sales"}),
        status=AgentStatus.READY,
        chat_limit=2,
        voice_allowed=True,
        video_allowed=True,
        live_sessions=1,
        media_on=frozenset(Medium),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def busy(n: int) -> tuple[ActiveContact, ...]:
    return tuple(ActiveContact(Medium.CHAT, NOW - 1, NOW - 100, True) for _ in range(n))


def again(**changes: object) -> PendingContact:
    base = PendingContact(
        id=7,
        service_tags=frozenset({"sales"}),
        medium=Medium.CHAT,
        priority=15,
        created_at=NOW - 2,
        preferred_agent_id=1,
        preferred_until=NOW + 10,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


EVERYONE = frozenset({1, 2})


@pytest.mark.parametrize(
    ("case", "previous", "contact", "audience", "starred", "blocked"),
    [
        ("previous agent can take it: them alone", agent(1), again(), {1}, True, set()),
        (
            "no preference: everyone",
            agent(1),
            again(preferred_agent_id=None),
            EVERYONE,
            False,
            set(),
        ),
        ("window over: everyone", agent(1), again(preferred_until=NOW), EVERYONE, False, set()),
        ("window long over", agent(1), again(preferred_until=NOW - 60), EVERYONE, False, set()),
        ("paused: everyone", agent(1, status=AgentStatus.PAUSED), again(), {2}, True, set()),
        ("no console open", agent(1, live_sessions=0), again(), {2}, True, set()),
        ("at their limit: everyone", agent(1, active_contacts=busy(2)), again(), {2}, True, {1}),
        ("one chat of two: them", agent(1, active_contacts=busy(1)), again(), {1}, True, set()),
        ("not qualified now", agent(1, tags=frozenset({"support"})), again(), {2}, True, set()),
        (
            "chat switched off",
            agent(1, media_on=frozenset({Medium.VOICE})),
            again(),
            {2},
            True,
            set(),
        ),
        ("gone (no snapshot)", None, again(), {2}, True, set()),
    ],
)
def test_who_is_offered_the_new_conversation(
    case: str,
    previous: AgentSnapshot | None,
    contact: PendingContact,
    audience: set[int],
    starred: bool,
    blocked: set[int],
) -> None:
    agents = [a for a in (previous, agent(2)) if a is not None]
    offer = plan_offers([contact], agents, NOW, 60)[contact.id]
    assert offer.agent_ids == frozenset(audience), case
    assert offer.starred is starred, case
    assert offer.blocked_ids == frozenset(blocked), case


def test_preferred_alone_weighs_on_them_for_later_contacts() -> None:
    """While it waits for its one agent, its weight counts on them: a chat limit of two,
    one chat held, the preferred contact takes the last place and the next contact goes to
    the other agent only."""
    later = again(id=8, preferred_agent_id=None, created_at=NOW - 1)
    agents = [agent(1, active_contacts=busy(1)), agent(2)]
    offers = plan_offers([again(), later], agents, NOW, 60)
    assert offers[7].agent_ids == {1}
    assert offers[8].agent_ids == {2}
    assert offers[8].blocked_ids == {1}


@pytest.mark.parametrize(
    ("now", "expected"),
    [(NOW, {1}), (NOW + 9.999, {1}), (NOW + 10, None), (NOW + 11, None)],
)
def test_the_window_ends_at_preferred_until(now: float, expected: set[int] | None) -> None:
    result = preferred_audience(again(), [agent(1), agent(2)], now)
    assert result == (None if expected is None else frozenset(expected))

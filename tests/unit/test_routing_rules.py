"""Routing rules, table-driven: eligibility, load, order, starred (product.md §3)."""

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
from sportello.routing.rules import (
    agent_load,
    available_media,
    capacity_key,
    contact_weight,
    group_member,
    is_eligible,
    is_idle,
    plan_offers,
    queue_order,
    reserving_agents,
)

NOW = 1_000_000.0
ALL_MEDIA = frozenset(Medium)


def agent(agent_id: int = 1, **changes: object) -> AgentSnapshot:
    base = AgentSnapshot(
        id=agent_id,
        tags=frozenset({"sales", "en"}),
        status=AgentStatus.READY,
        chat_limit=4,
        voice_allowed=True,
        video_allowed=True,
        live_sessions=1,
        media_on=ALL_MEDIA,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def contact(contact_id: int = 1, **changes: object) -> PendingContact:
    base = PendingContact(
        id=contact_id,
        service_tags=frozenset({"sales"}),
        medium=Medium.CHAT,
        priority=15,
        created_at=NOW - 5,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def chats(n: int, last_message_at: float = NOW - 1) -> tuple[ActiveContact, ...]:
    return tuple(ActiveContact(Medium.CHAT, last_message_at, NOW - 100) for _ in range(n))


@pytest.mark.parametrize(
    ("case", "a", "c", "expected"),
    [
        ("ready with the tags and room", agent(), contact(), True),
        ("paused", agent(status=AgentStatus.PAUSED), contact(), False),
        ("no live console", agent(live_sessions=0), contact(), False),
        ("missing a tag", agent(tags=frozenset({"en"})), contact(), False),
        (
            "service without tags: anyone",
            agent(tags=frozenset()),
            contact(service_tags=frozenset()),
            True,
        ),
        ("needs every tag", agent(), contact(service_tags=frozenset({"sales", "fr"})), False),
        ("chat switched off", agent(media_on=frozenset({Medium.VOICE})), contact(), False),
        (
            "voice not allowed in profile",
            agent(voice_allowed=False),
            contact(medium=Medium.VOICE),
            False,
        ),
        ("video allowed and on", agent(), contact(medium=Medium.VIDEO), True),
        ("3 of 4 chats: room for one", agent(active_contacts=chats(3)), contact(), True),
        ("4 of 4 chats: full", agent(active_contacts=chats(4)), contact(), False),
        ("idle chats weigh nothing", agent(active_contacts=chats(4, NOW - 61)), contact(), True),
        (
            "one chat blocks voice",
            agent(active_contacts=chats(1)),
            contact(medium=Medium.VOICE),
            False,
        ),
        (
            "a voice call fills the agent",
            agent(active_contacts=(ActiveContact(Medium.VOICE, None, NOW - 5),)),
            contact(),
            False,
        ),
        ("chat limit 1", agent(chat_limit=1, active_contacts=chats(1)), contact(), False),
    ],
)
def test_eligibility(case: str, a: AgentSnapshot, c: PendingContact, expected: bool) -> None:
    assert is_eligible(a, c, agent_load(a, NOW, 60)) is expected, case


@pytest.mark.parametrize(
    ("medium", "limit", "weight"),
    [
        (Medium.CHAT, 4, 0.25),
        (Medium.CHAT, 1, 1.0),
        (Medium.VOICE, 4, 1.0),
        (Medium.VIDEO, 20, 1.0),
    ],
)
def test_contact_weight(medium: Medium, limit: int, weight: float) -> None:
    assert contact_weight(medium, limit) == pytest.approx(weight)


def chat(last_message_at: float | None, awaiting_agent: bool) -> ActiveContact:
    return ActiveContact(Medium.CHAT, last_message_at, NOW - 100, awaiting_agent)


@pytest.mark.parametrize(
    ("case", "active", "idle"),
    [
        ("the agent answered a minute ago: idle", chat(NOW - 60, False), True),
        ("the agent answered just now: busy", chat(NOW - 59, False), False),
        ("the visitor asked a minute ago, unanswered: never idle", chat(NOW - 60, True), False),
        ("the visitor asked an hour ago, unanswered: never idle", chat(NOW - 3600, True), False),
        ("no message at all since the accept: the visitor waits", chat(None, True), False),
        ("a call is never idle", ActiveContact(Medium.VOICE, NOW - 3600, NOW - 3600), False),
    ],
)
def test_idle_means_nobody_waits_for_the_agent(
    case: str, active: ActiveContact, idle: bool
) -> None:
    assert is_idle(active, NOW, 60) is idle, case
    weighs = 0.0 if idle else contact_weight(active.medium, 4)
    assert agent_load(agent(active_contacts=(active,)), NOW, 60) == pytest.approx(weighs), case


def test_an_unanswered_visitor_keeps_the_agent_at_their_limit() -> None:
    full = agent(active_contacts=tuple(chat(NOW - 600, True) for _ in range(4)))
    assert not is_eligible(full, contact(), agent_load(full, NOW, 60))
    assert plan_offers([contact(7)], [full], NOW, 60)[7].agent_ids == frozenset()
    answered = agent(active_contacts=tuple(chat(NOW - 600, False) for _ in range(4)))
    assert plan_offers([contact(7)], [answered], NOW, 60)[7].agent_ids == {1}


def test_idle_detection_can_be_switched_off() -> None:
    a = agent(active_contacts=chats(2, NOW - 3600))
    assert agent_load(a, NOW, 60) == 0
    assert agent_load(a, NOW, 0) == pytest.approx(0.5)


def test_queue_order_priority_then_longest_wait() -> None:
    young_urgent = contact(1, priority=1, created_at=NOW - 1)
    old_normal = contact(2, priority=15, created_at=NOW - 50)
    older_normal = contact(3, priority=15, created_at=NOW - 60)
    low = contact(4, priority=30, created_at=NOW - 500)
    order = [c.id for c in queue_order([low, old_normal, young_urgent, older_normal])]
    assert order == [1, 3, 2, 4]


def test_handed_back_contacts_go_ahead_of_new_ones_whatever_their_priority() -> None:
    urgent_new = contact(1, priority=1, created_at=NOW - 100)
    handed_back = contact(2, priority=30, created_at=NOW - 1, requeued=True)
    assert [c.id for c in queue_order([urgent_new, handed_back])] == [2, 1]


def test_agents_at_their_limit_are_blocked_not_offered() -> None:
    full = agent(1, active_contacts=chats(4))
    roomy = agent(2)
    paused_full = agent(3, status=AgentStatus.PAUSED, active_contacts=chats(4))
    other_tags = agent(4, tags=frozenset({"support"}), active_contacts=chats(4))
    offers = plan_offers([contact(7)], [full, roomy, paused_full, other_tags], NOW, 60)
    assert offers[7].agent_ids == {2}
    assert offers[7].blocked_ids == {1}  # qualified but at the limit; 3 and 4 do not qualify


def test_broadcast_to_every_eligible_agent() -> None:
    agents = [agent(1), agent(2), agent(3, tags=frozenset({"support"}))]
    offers = plan_offers([contact(7)], agents, NOW, 60)
    assert offers[7].agent_ids == {1, 2}
    assert offers[7].starred is False


def test_starred_when_only_one_agent_is_eligible() -> None:
    agents = [agent(1), agent(2, status=AgentStatus.PAUSED)]
    offers = plan_offers([contact(7)], agents, NOW, 60)
    assert offers[7].agent_ids == {1}
    assert offers[7].starred is True


def test_starred_pending_contacts_count_towards_load() -> None:
    # One agent with room for exactly one more chat: the first contact (in queue order)
    # is starred to them and fills them, so the second has nobody.
    a = agent(1, active_contacts=chats(3))
    first = contact(1, created_at=NOW - 20)
    second = contact(2, created_at=NOW - 10)
    offers = plan_offers([second, first], [a], NOW, 60)
    assert offers[1].agent_ids == {1} and offers[1].starred
    assert offers[2].agent_ids == frozenset()


def test_shared_contacts_do_not_count_towards_load() -> None:
    agents = [agent(1, active_contacts=chats(3)), agent(2, active_contacts=chats(3))]
    offers = plan_offers([contact(1), contact(2, created_at=NOW - 1)], agents, NOW, 60)
    assert offers[1].agent_ids == {1, 2}
    assert offers[2].agent_ids == {1, 2}


def test_no_eligible_agent_gives_an_empty_offer() -> None:
    offers = plan_offers([contact(1)], [agent(1, live_sessions=0)], NOW, 60)
    assert offers[1].agent_ids == frozenset()
    assert offers[1].starred is False


def test_transfer_target_is_offered_alone_even_when_busy() -> None:
    busy = agent(2, active_contacts=chats(4))
    offers = plan_offers([contact(1, starred_agent_id=2)], [agent(1), busy], NOW, 60)
    assert offers[1].agent_ids == {2}
    assert offers[1].starred


def test_a_group_transfer_is_offered_to_its_candidates_only() -> None:
    members = [agent(1), agent(2), agent(3)]
    offers = plan_offers([contact(1, candidates=frozenset({2, 3}))], members, NOW, 60)
    assert offers[1].agent_ids == {2, 3}
    assert not offers[1].starred
    offers = plan_offers([contact(1, candidates=frozenset({3}))], members, NOW, 60)
    assert (offers[1].agent_ids, offers[1].starred) == ({3}, True)
    full = agent(3, active_contacts=chats(4))
    offers = plan_offers([contact(1, candidates=frozenset({3}))], [agent(1), full], NOW, 60)
    assert (offers[1].agent_ids, offers[1].blocked_ids) == (frozenset(), {3})


@pytest.mark.parametrize(
    ("agent_tags", "group_tags", "match_all", "member"),
    [
        (["sales"], ["sales", "support"], False, True),
        (["sales"], ["sales", "support"], True, False),
        (["sales", "support"], ["sales", "support"], True, True),
        (["legal"], ["sales"], False, False),
        ([], [], False, True),
    ],
)
def test_group_membership_by_tags(
    agent_tags: list[str], group_tags: list[str], match_all: bool, member: bool
) -> None:
    assert group_member(agent_tags, group_tags, match_all) is member


def test_available_media_lists_what_someone_can_take() -> None:
    agents = [agent(1, voice_allowed=False, video_allowed=False)]
    media = available_media(frozenset({"sales"}), list(Medium), agents, NOW, 60)
    assert media == [Medium.CHAT]
    assert available_media(frozenset({"legal"}), list(Medium), agents, NOW, 60) == []


@pytest.mark.parametrize(
    ("case", "before", "after", "reserving", "same"),
    [
        (
            "a second chat of four: still room",
            agent(active_contacts=chats(1)),
            agent(active_contacts=chats(2)),
            False,
            True,
        ),
        (
            "the fourth chat of four: full",
            agent(active_contacts=chats(3)),
            agent(active_contacts=chats(4)),
            False,
            False,
        ),
        (
            "a chat ends at the limit: room again",
            agent(active_contacts=chats(4)),
            agent(active_contacts=chats(3)),
            False,
            False,
        ),
        (
            "the first chat: no room for a call any more",
            agent(),
            agent(active_contacts=chats(1)),
            False,
            False,
        ),
        ("paused", agent(), agent(status=AgentStatus.PAUSED), False, False),
        ("console closed", agent(), agent(live_sessions=0), False, False),
        (
            "reserving: every load change counts",
            agent(active_contacts=chats(1)),
            agent(active_contacts=chats(2)),
            True,
            False,
        ),
        (
            "reserving, same load",
            agent(active_contacts=chats(2)),
            agent(active_contacts=chats(2)),
            True,
            True,
        ),
    ],
)
def test_capacity_key_changes_exactly_when_an_offer_can(
    case: str, before: AgentSnapshot, after: AgentSnapshot, reserving: bool, same: bool
) -> None:
    keys = (capacity_key(x, NOW, 60, reserving) for x in (before, after))
    assert (next(keys) == next(keys)) is same, case


def test_equal_capacity_keys_give_equal_plans() -> None:
    waiting = [contact(1), contact(2, created_at=NOW - 1), contact(3, medium=Medium.VOICE)]
    for before, after in [(chats(1), chats(2)), (chats(0), chats(0)), (chats(3), chats(3))]:
        a, b = agent(1, active_contacts=before), agent(1, active_contacts=after)
        if capacity_key(a, NOW, 60, False) == capacity_key(b, NOW, 60, False):
            assert plan_offers(waiting, [a, agent(2)], NOW, 60) == plan_offers(
                waiting, [b, agent(2)], NOW, 60
            )


def test_reserving_agents_are_the_audiences_of_starred_offers() -> None:
    offers = plan_offers(
        [contact(1), contact(2, starred_agent_id=3)], [agent(1), agent(3)], NOW, 60
    )
    assert reserving_agents(offers.values()) == {3}

"""Waiting for a busy agent, table-driven (issue 25): who is queued, who leaves the queue
first when room frees up (priority, then the longest wait), and the transitions."""

from __future__ import annotations

import pytest

from sportello.domain.model import Medium
from sportello.routing.busy_queue import (
    Intake,
    QueueTimes,
    due_exit,
    intake,
    is_queued,
    queue_times,
    released,
)
from sportello.routing.rules import available_media, plan_offers
from tests.unit.test_routing_rules import NOW, agent, chats, contact


@pytest.mark.parametrize(
    ("case", "offered", "at_work", "when_busy", "queued", "expected"),
    [
        ("someone has room", True, True, "queue", 0, Intake.OFFER),
        ("someone has room, reject mode", True, True, "reject", 0, Intake.OFFER),
        ("all full, reject mode", False, True, "reject", 0, Intake.REJECT),
        ("all full, queue mode", False, True, "queue", 0, Intake.QUEUE),
        ("all full, one place left", False, True, "queue", 49, Intake.QUEUE),
        ("all full, queue at its limit", False, True, "queue", 50, Intake.QUEUE_FULL),
        ("nobody qualified at work", False, False, "queue", 0, Intake.REJECT),
    ],
)
def test_intake(
    case: str, offered: bool, at_work: bool, when_busy: str, queued: int, expected: Intake
) -> None:
    verdict = intake(
        offered=offered,
        qualified_at_work=at_work,
        when_busy=when_busy,
        queued=queued,
        max_length=50,
    )
    assert verdict is expected, case


@pytest.mark.parametrize(
    ("queued_at", "offered_at", "queued", "exit_"),
    [
        (None, None, False, None),  # never queued: the usual dissuasion
        (10.0, None, True, "queue_timeout"),  # still queued when the queue's wait ran out
        (10.0, 40.0, False, None),  # offered since: its dissuasion countdown ran out
    ],
)
def test_queued_and_due_exit(
    queued_at: float | None, offered_at: float | None, queued: bool, exit_: str | None
) -> None:
    assert is_queued(queued_at, offered_at) is queued
    assert due_exit(queued_at, offered_at) == exit_


@pytest.mark.parametrize(
    ("queued", "offered", "expected"),
    [(True, True, True), (True, False, False), (False, True, False), (False, False, False)],
)
def test_released_only_a_queued_contact_now_offered(
    queued: bool, offered: bool, expected: bool
) -> None:
    assert released(queued, offered) is expected


@pytest.mark.parametrize(
    ("case", "times", "expected"),
    [
        ("never queued, answered", (0, None, None, 8, 100), QueueTimes(None, 8)),
        ("queued then offered then answered", (0, 0, 15, 20, 100), QueueTimes(15, 5)),
        ("queued, timed out", (0, 0, None, None, 300), QueueTimes(300, None)),
        ("queued, offered, never answered", (0, 0, 15, None, 45), QueueTimes(15, None)),
        ("queued, still waiting", (0, 0, None, None, None), QueueTimes(None, None)),
    ],
)
def test_queue_times(
    case: str,
    times: tuple[float, float | None, float | None, float | None, float | None],
    expected: QueueTimes,
) -> None:
    assert queue_times(*times) == expected, case


def _offered(offers: dict[int, object]) -> list[int]:
    return sorted(cid for cid, o in offers.items() if o.agent_ids)  # type: ignore[attr-defined]


FULL = agent(1, chat_limit=2, active_contacts=chats(2))
ONE_PLACE = agent(1, chat_limit=2, active_contacts=chats(1))
TWO_PLACES = [agent(1, chat_limit=1), agent(2, chat_limit=1)]


@pytest.mark.parametrize(
    ("case", "agents", "pending", "offered"),
    [
        (
            "all full: every queued contact waits, the full agent sees them (blocked)",
            [FULL],
            [contact(1, queue_mode=True, queued=True), contact(2, queue_mode=True, queued=True)],
            [],
        ),
        (
            "one place: only the head (longest wait)",
            [ONE_PLACE],
            [
                contact(1, queue_mode=True, queued=True, created_at=NOW - 5),
                contact(2, queue_mode=True, queued=True, created_at=NOW - 9),
            ],
            [2],
        ),
        (
            "one place: priority before the longest wait",
            [ONE_PLACE],
            [
                contact(1, queue_mode=True, queued=True, created_at=NOW - 9, priority=15),
                contact(2, queue_mode=True, queued=True, created_at=NOW - 5, priority=3),
            ],
            [2],
        ),
        (
            "two places on two agents: the two first, not the third",
            TWO_PLACES,
            [
                contact(1, queue_mode=True, queued=True, created_at=NOW - 9),
                contact(2, queue_mode=True, queued=True, created_at=NOW - 8),
                contact(3, queue_mode=True, queued=True, created_at=NOW - 7),
            ],
            [1, 2],
        ),
        (
            "an offered contact ahead holds the one place",
            [ONE_PLACE],
            [
                contact(1, queue_mode=True, created_at=NOW - 20),
                contact(2, queue_mode=True, queued=True, created_at=NOW - 9),
            ],
            [1],
        ),
        (
            "a reject-mode contact is offered on load alone, as before",
            TWO_PLACES,
            [contact(1, created_at=NOW - 9), contact(2), contact(3)],
            [1, 2, 3],
        ),
    ],
)
def test_queue_order_when_room_frees_up(
    case: str, agents: list[object], pending: list[object], offered: list[int]
) -> None:
    offers = plan_offers(pending, agents, NOW, 60)  # type: ignore[arg-type]
    assert _offered(offers) == offered, case
    for offer in offers.values():
        if not offer.agent_ids:
            assert offer.blocked_ids == {1} or offer.blocked_ids == {1, 2}, case


def test_a_queue_mode_service_is_offered_while_its_agents_are_full() -> None:
    args = (frozenset({"sales"}), [Medium.CHAT], [FULL], NOW, 60)
    assert available_media(*args) == []
    assert available_media(*args, queue_mode=True) == [Medium.CHAT]
    paused = agent(1, status="PAUSED")
    assert (
        available_media(frozenset({"sales"}), [Medium.CHAT], [paused], NOW, 60, queue_mode=True)
        == []
    )

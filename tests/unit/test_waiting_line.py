"""The line's order and the estimate's rounding (routing/waiting_line.py)."""

from __future__ import annotations

import pytest

from sportello.routing.waiting_line import InLine, answer_median, line_positions, wait_minutes


def test_positions_follow_the_offer_order_per_service_and_medium() -> None:
    contacts = [
        InLine(1, service_id=1, medium="chat", priority=15, created_at=100.0),
        InLine(2, service_id=1, medium="chat", priority=15, created_at=90.0),
        InLine(3, service_id=1, medium="chat", priority=1, created_at=200.0),
        InLine(4, service_id=1, medium="chat", priority=30, created_at=300.0, requeued=True),
        InLine(5, service_id=1, medium="video", priority=15, created_at=50.0),
        InLine(6, service_id=2, medium="chat", priority=15, created_at=10.0),
        InLine(7, service_id=1, medium="chat", priority=15, created_at=90.0),
    ]
    # handed back first, then priority, then the longest wait, then the id
    assert line_positions(contacts) == {4: 1, 3: 2, 2: 3, 7: 4, 1: 5, 5: 1, 6: 1}


@pytest.mark.parametrize(
    ("answers", "position", "minutes"),
    [
        ([], 1, None),
        ([30.0] * 4, 1, None),  # too few answers: nothing said
        ([10.0, 20.0, 30.0, 40.0, 500.0], 1, 0),  # median 30 s: under a minute
        ([10.0, 20.0, 30.0, 40.0, 500.0], 2, 1),  # 60 s
        ([90.0] * 5, 1, 2),  # 1.5 minutes: about 2
        ([90.0] * 5, 3, 5),  # 4.5 minutes: about 5
        ([60.0] * 20, 11, 10),  # 11 minutes: fives from 10 on
        ([60.0] * 20, 13, 15),
        ([600.0] * 5, 7, 60),  # 70 minutes: "more than an hour"
    ],
)
def test_estimate_is_rounded_as_said(
    answers: list[float], position: int, minutes: int | None
) -> None:
    assert wait_minutes(answer_median(answers), position) == minutes

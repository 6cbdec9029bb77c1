from __future__ import annotations

import pytest

from sportello.domain.model import Outcome
from sportello.domain.rules import close_outcome, leave_outcome


@pytest.mark.parametrize(
    ("waited", "outcome"),
    [
        (0.0, Outcome.CANCELLED),
        (9.99, Outcome.CANCELLED),
        (10.0, Outcome.ABANDONED),
        (29, Outcome.ABANDONED),
    ],
)
def test_leaving_while_waiting(waited: float, outcome: Outcome) -> None:
    assert leave_outcome(waited) is outcome


@pytest.mark.parametrize(
    ("visitor", "agent", "media", "outcome"),
    [
        (2, 1, False, Outcome.SUCCESSFUL),
        (1, 2, False, Outcome.SUCCESSFUL),
        (3, 0, False, Outcome.NO_INTERACTION),
        (0, 5, False, Outcome.NO_INTERACTION),
        (1, 1, False, Outcome.NO_INTERACTION),
        (0, 0, True, Outcome.SUCCESSFUL),
    ],
)
def test_close_outcome(visitor: int, agent: int, media: bool, outcome: Outcome) -> None:
    assert close_outcome(visitor, agent, media) is outcome

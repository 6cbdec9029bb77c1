"""Which stream events make a supervision view recompute (pure)."""

from __future__ import annotations

import pytest

from sportello.realtime.supervision_ws import changes_view


@pytest.mark.parametrize(
    ("kind", "recompute"),
    [
        ("contact.created", True),
        ("contact.assigned", True),
        ("contact.dissuaded", True),
        ("contact.closed", True),
        ("contact.transfer_requested", True),
        ("agent.status_changed", True),
        ("agent.session_changed", True),
        ("contact.colour_changed", False),
        ("contact.dismissed", False),
        ("contact.translation", False),
        ("message.created", False),
        ("message.status", False),
        ("visitor.page_changed", False),
        ("left_message.created", False),
    ],
)
def test_only_changes_the_view_shows_recompute_it(kind: str, recompute: bool) -> None:
    assert changes_view(kind) is recompute

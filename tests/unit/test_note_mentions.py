"""Which logins a private note's text names (queries/notes.py): table-driven."""

from __future__ import annotations

import pytest

from sportello.queries.notes import mentioned_logins


@pytest.mark.parametrize(
    ("text", "logins"),
    [
        ("@cyd please look", ["cyd"]),
        ("ask @Cyd and @cyd.", ["cyd"]),
        ("cc @ann, @bob.smith and @x_y-z", ["ann", "bob.smith", "x_y-z"]),
        ("mail bob@shop.example", []),
        ("an @ alone, @@double", []),
        ("(@ann)", ["ann"]),
        ("", []),
    ],
)
def test_mentioned_logins(text: str, logins: list[str]) -> None:
    assert mentioned_logins(text) == logins

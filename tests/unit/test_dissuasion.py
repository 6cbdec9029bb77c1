"""A service's dissuasion message reaches the visitor as its administrator wrote it; nothing
(not the English default services were once given) when they wrote nothing."""

from __future__ import annotations

import pytest

from sportello.domain.dissuasion import LEGACY_DEFAULT, dissuasion_for_visitor


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("Siamo al completo: ci scriva.", "Siamo al completo: ci scriva."),
        (" We are closed on Sundays. ", "We are closed on Sundays."),
        (LEGACY_DEFAULT, ""),
        ("", ""),
        (None, ""),
    ],
)
def test_dissuasion_for_visitor(stored: str | None, shown: str) -> None:
    assert dissuasion_for_visitor(stored) == shown

"""The visitor's country as their browser's locale gives it."""

from __future__ import annotations

import pytest

from sportello.domain.locales import country_from_locale


@pytest.mark.parametrize(
    ("locale", "country"),
    [
        ("en-GB", "GB"),
        ("pt_br", "BR"),
        ("zh-Hant-TW", "TW"),
        ("es-419", ""),
        ("it", ""),
        ("", ""),
    ],
)
def test_country_from_locale(locale: str, country: str) -> None:
    assert country_from_locale(locale) == country

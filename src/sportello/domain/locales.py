"""What a browser's locale (and address) say about the visitor: pure rules."""

from __future__ import annotations


def country_from_locale(locale: str) -> str:
    """'en-GB' → 'GB'; a bare language gives no country."""
    parts = locale.replace("_", "-").split("-")
    for part in parts[1:]:
        if len(part) == 2 and part.isalpha():
            return part.upper()
    return ""


def visitor_country(given: str, from_address: str, locale: str) -> tuple[str, str]:
    """The visitor's country and where it came from: the one the request gives (source
    ""), else their address's (``ip``), else their browser locale's (``locale``)."""
    if given:
        return given.upper()[:2], ""
    if from_address:
        return from_address, "ip"
    from_locale = country_from_locale(locale)
    return from_locale, "locale" if from_locale else ""

"""What a browser's locale says about the visitor: pure rules."""

from __future__ import annotations


def country_from_locale(locale: str) -> str:
    """'en-GB' → 'GB'; a bare language gives no country."""
    parts = locale.replace("_", "-").split("-")
    for part in parts[1:]:
        if len(part) == 2 and part.isalpha():
            return part.upper()
    return ""

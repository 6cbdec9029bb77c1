"""Where an agent may send a visitor's browser ("send immediately"): pure rules.

Only http(s) URLs on an allowed origin, with no credentials: never ``javascript:``,
``data:``, ``file:`` or another site, whatever the agent typed. URLs are read as the
browser will read them (domain/origins.py).
"""

from __future__ import annotations

from .origins import WEB_SCHEMES, origin_of, origins_of, parse_url


def redirect_refusal(url: str, allowed_origins: list[str]) -> str | None:
    """Why the visitor may not be sent to ``url`` (None: they may)."""
    stripped = url.strip()
    if stripped != url or any(c in url for c in "\r\n\t"):
        return "the address has spaces or line breaks around or inside it"
    parsed = parse_url(url)
    if parsed is None:
        return "this is not a web address"
    if parsed.protocol not in WEB_SCHEMES:
        return "only http and https addresses can be opened for the visitor"
    if parsed.username or parsed.password:
        return "addresses with a user name or password cannot be opened for the visitor"
    origin = origin_of(url)
    if origin is None:
        return "this is not a web address"
    if origin not in origins_of(allowed_origins):
        return f"{origin} is not one of this service's sites"
    return None

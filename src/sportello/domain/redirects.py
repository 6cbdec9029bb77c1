"""Where an agent may send a visitor's browser ("send immediately"): pure rules.

Only http(s) URLs on an allowed origin, with no credentials: never ``javascript:``,
``data:``, ``file:`` or another site, whatever the agent typed.
"""

from __future__ import annotations

from urllib.parse import urlsplit


def origin_of(url: str) -> str | None:
    """'https://shop.example/cart?x' → 'https://shop.example' (None when not http(s))."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    default = {"http": 80, "https": 443}[parts.scheme]
    host = parts.hostname
    return f"{parts.scheme}://{host}" + (f":{port}" if port not in (None, default) else "")


def redirect_refusal(url: str, allowed_origins: list[str]) -> str | None:
    """Why the visitor may not be sent to ``url`` (None: they may)."""
    stripped = url.strip()
    if stripped != url or any(c in url for c in "\r\n\t"):
        return "the address has spaces or line breaks around or inside it"
    try:
        parts = urlsplit(url)
    except ValueError:
        return "this is not a web address"
    if parts.scheme not in ("http", "https"):
        return "only http and https addresses can be opened for the visitor"
    if parts.username is not None or parts.password is not None:
        return "addresses with a user name or password cannot be opened for the visitor"
    origin = origin_of(url)
    if origin is None:
        return "this is not a web address"
    allowed = {o for o in (origin_of(a) for a in allowed_origins) if o}
    if origin not in allowed:
        return f"{origin} is not one of this service's sites"
    return None

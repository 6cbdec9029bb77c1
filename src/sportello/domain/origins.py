"""Origins, computed as browsers compute them: pure rules, no I/O.

Every place where an origin decides something (the sites a service accepts widgets from,
the console's own origin, where an agent may send a visitor's browser, an admin's site
setting) parses with the WHATWG URL Standard (through ``ada-url``), as the browser does:
``http://[::1]:9196`` keeps its brackets, and in http(s) a backslash is a path separator,
so ``http://evil.example\\[::1]:9196/`` is on ``evil.example``. Two parsers that disagree
about a URL are how an allow-list is bypassed; here there is one.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from ada_url import URL

WEB_SCHEMES = frozenset({"http:", "https:"})


def parse_url(url: str) -> URL | None:
    """The URL as a browser reads it without a base (None: not an absolute URL)."""
    try:
        return URL(url)
    except ValueError:
        return None


def _web_url(url: str) -> URL | None:
    parsed = parse_url(url)
    if parsed is None or parsed.protocol not in WEB_SCHEMES or not parsed.hostname:
        return None
    return parsed


@functools.lru_cache(maxsize=4096)
def origin_of(url: str) -> str | None:
    """'https://Shop.Example:443/cart?x' → 'https://shop.example' (None when not http(s))."""
    parsed = _web_url(url)
    return None if parsed is None else str(parsed.origin)


@functools.lru_cache(maxsize=4096)
def site_of(text: str) -> str | None:
    """An origin as an admin writes a site or a browser an ``Origin`` header — an origin,
    with at most a trailing ``/`` — in its serialised form ('HTTP://[::1]:9196/' →
    'http://[::1]:9196'); None for anything else (a path, a query, a fragment, credentials,
    another scheme, ``null``)."""
    parsed = _web_url(text)
    if parsed is None or parsed.username or parsed.password or text.endswith(("?", "#")):
        return None
    if parsed.pathname != "/" or parsed.search or parsed.hash or text != text.strip():
        return None
    return str(parsed.origin)


def origins_of(urls: Iterable[str]) -> frozenset[str]:
    return frozenset(o for o in map(origin_of, urls) if o is not None)


def site_origin_ok(origin: str | None, sites: Iterable[str]) -> bool:
    """A service with no sites listed accepts any origin or none; otherwise the request's
    ``Origin`` must be one of them. Browsers always send Origin from a widget (cross-origin
    fetches, WebSockets), so a request without one is not a widget's and is refused where
    sites are set."""
    listed = tuple(sites)
    if not listed:
        return True
    found = None if origin is None else site_of(origin)
    return found is not None and found in origins_of(listed)


def own_origins(host: str, forwarded_proto: str | None, extra: Iterable[str]) -> frozenset[str]:
    """The app's own origins: its ``Host`` with the forwarded scheme (or either scheme),
    plus the configured extra console origins."""
    schemes = [forwarded_proto] if forwarded_proto else ["http", "https"]
    return origins_of(f"{scheme}://{host}" for scheme in schemes) | origins_of(extra)


def console_origin_ok(
    origin: str | None, host: str, forwarded_proto: str | None, extra: Iterable[str]
) -> bool:
    """Browsers always send Origin on a WebSocket handshake; other clients may omit it."""
    if origin is None:
        return True
    found = site_of(origin)
    return found is not None and found in own_origins(host, forwarded_proto, extra)

"""Origin rules: the console only from the app's own origin, widgets only from a service's sites."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sportello.errors import OriginRejectedError


def normalise(origin: str) -> str:
    return origin.strip().rstrip("/").lower()


def own_origins(headers: Mapping[str, str], extra: Iterable[str]) -> set[str]:
    host = headers.get("host", "")
    forwarded = headers.get("x-forwarded-proto")
    schemes = [forwarded] if forwarded else ["http", "https"]
    return {f"{s}://{host}".lower() for s in schemes} | {normalise(o) for o in extra}


def console_origin_ok(origin: str | None, headers: Mapping[str, str], extra: Iterable[str]) -> bool:
    """Browsers always send Origin on a WebSocket handshake; other clients may omit it."""
    return origin is None or normalise(origin) in own_origins(headers, extra)


def site_origin_ok(origin: str | None, sites: Iterable[str]) -> bool:
    """A service with no sites listed accepts any origin or none; otherwise the origin must be
    listed. Browsers always send Origin from a widget (cross-origin fetches, WebSockets), so
    a request without one is not a widget's and is refused where sites are set."""
    allowed = {normalise(s) for s in sites}
    if not allowed:
        return True
    return origin is not None and normalise(origin) in allowed


def check_site(origin: str | None, sites: Iterable[str]) -> None:
    if not site_origin_ok(origin, sites):
        raise OriginRejectedError(
            "this site may not use that service" if origin else "send the page's Origin",
            origin=origin,
        )

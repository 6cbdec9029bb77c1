"""Origin checks on requests: the console only from the app's own origin, widgets only from
a service's sites. The rules themselves are pure (domain/origins.py); this adds the headers
and the error."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sportello.domain import origins
from sportello.errors import OriginRejectedError


def console_origin_ok(origin: str | None, headers: Mapping[str, str], extra: Iterable[str]) -> bool:
    """Browsers always send Origin on a WebSocket handshake; other clients may omit it."""
    return origins.console_origin_ok(
        origin, headers.get("host", ""), headers.get("x-forwarded-proto"), extra
    )


def check_site(origin: str | None, sites: Iterable[str]) -> None:
    if not origins.site_origin_ok(origin, sites):
        raise OriginRejectedError(
            "this site may not use that service" if origin else "send the page's Origin",
            origin=origin,
        )

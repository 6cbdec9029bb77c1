"""Same-site request forgery: a state-changing request that a browser could send with the
session cookie must come from the app's own origin (or an allowed console origin).

SameSite=Strict keeps the cookie off cross-site requests, but a page on another port or
subdomain of the same site is "same-site" and gets it. So every unsafe request outside the
visitor API and without a bearer token must carry an ``Origin`` — or, when a browser omits
it, ``Sec-Fetch-Site: same-origin`` — naming this app. A request with neither header and no
session cookie is not from a browser session (curl, API clients signing in) and passes.
Sign-in is checked too (login CSRF: signing the victim in as the attacker).
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.datastructures import Headers
from starlette.requests import cookie_parser
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from sportello.errors import CsrfRejectedError
from sportello.web.cors import VISITOR_PREFIX
from sportello.web.deps import SESSION_COOKIE
from sportello.web.origins import console_origin_ok

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SAME_ORIGIN_FETCH = frozenset({"same-origin", "none"})


def forgery_suspected(method: str, path: str, headers: Headers, allowed: Iterable[str]) -> bool:
    """True when this request must be refused (see the module docstring)."""
    if method in SAFE_METHODS or path.startswith(VISITOR_PREFIX):
        return False
    if headers.get("authorization", "").lower().startswith("bearer "):
        return False
    origin = headers.get("origin")
    if origin is not None:
        return not console_origin_ok(origin, headers, allowed)
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site.lower() not in SAME_ORIGIN_FETCH
    return SESSION_COOKIE in cookie_parser(headers.get("cookie", ""))


class CsrfMiddleware:
    def __init__(self, app: ASGIApp, allowed_origins: Iterable[str]) -> None:
        self.app = app
        self.allowed = list(allowed_origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and forgery_suspected(
            scope["method"], scope["path"], Headers(scope=scope), self.allowed
        ):
            error = CsrfRejectedError("this request must come from the console's own origin")
            response = JSONResponse(error.to_dict(), status_code=error.status)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

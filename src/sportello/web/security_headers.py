"""Security headers on every response the app serves.

Every response: ``X-Content-Type-Options: nosniff`` and a referrer policy that keeps the
console's addresses (contact ids) out of the pages an agent opens from it; behind TLS,
HSTS. The app's own pages (console, supervision, reports, admin) also get a Content
Security Policy with no inline or foreign script, and may not be framed
(``frame-ancestors 'none'``), against click-jacking an agent. Styles may be inline: the
pages carry one small ``<style>`` and Lit sets style properties. A response that set its
own policy (a downloaded file: ``sandbox``) keeps it. The widget runs on customers' pages,
under their policy, not this one (docs/operations.md, "Security headers").
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        # agents' avatars may live elsewhere; visitors' files and snapshots are blobs
        "img-src 'self' data: blob: https:",
        "media-src 'self' blob: data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HSTS = "max-age=31536000"


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        secure = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "same-origin")
                if headers.get("content-type", "").startswith("text/html"):
                    headers.setdefault("Content-Security-Policy", PAGE_POLICY)
                    headers.setdefault("X-Frame-Options", "DENY")
                if secure:
                    headers.setdefault("Strict-Transport-Security", HSTS)
            await send(message)

        await self.app(scope, receive, send_with_headers)

"""Pure rules of personal API tokens: what each scope opens, and who may hold which."""

from __future__ import annotations

TOKEN_PREFIX = "spt_"
"""Tells an API token from a sign-in's session token at a glance (and in leak scanners)."""

SCOPES = ("reports:read", "admin", "contacts:act")

ANY = "any"
"""Needs no particular scope: who the token's owner is (``GET /api/me``)."""

_PREFIXES: tuple[tuple[str, str, bool], ...] = (
    # (path prefix, scope, read only)
    ("/api/reports/", "reports:read", True),
    ("/api/admin/", "admin", False),
    ("/api/contacts/", "contacts:act", False),
    ("/api/waiting", "contacts:act", False),
)


def scope_needed(method: str, path: str) -> str | None:
    """The scope a request needs when made with an API token; None: no token may make it
    (signing in and out, console sessions, supervision, the token routes themselves…)."""
    if path == "/api/me" and method in ("GET", "HEAD"):
        return ANY
    for prefix, scope, read_only in _PREFIXES:
        if path.startswith(prefix):
            if read_only and method not in ("GET", "HEAD"):
                return None
            return scope
    return None


def allowed_scopes(is_admin: bool) -> tuple[str, ...]:
    """A token never goes beyond its owner's role: ``admin`` is for admins only."""
    return SCOPES if is_admin else tuple(s for s in SCOPES if s != "admin")


def covers(scopes: list[str], needed: str | None) -> bool:
    return needed is not None and (needed == ANY or needed in scopes)

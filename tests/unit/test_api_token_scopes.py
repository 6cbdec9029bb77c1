"""What each API token scope opens (domain/api_tokens.py), as a table."""

from __future__ import annotations

import pytest

from sportello.domain.api_tokens import ANY, allowed_scopes, covers, scope_needed


@pytest.mark.parametrize(
    ("method", "path", "needed"),
    [
        ("GET", "/api/me", ANY),
        ("PUT", "/api/me/status", None),
        ("POST", "/api/me/tokens", None),
        ("DELETE", "/api/me/tokens/3", None),
        ("GET", "/api/reports/contacts", "reports:read"),
        ("GET", "/api/reports/contacts.csv", "reports:read"),
        ("POST", "/api/reports/anything", None),
        ("GET", "/api/admin/services", "admin"),
        ("PATCH", "/api/admin/webhooks/1", "admin"),
        ("POST", "/api/contacts/7/messages", "contacts:act"),
        ("POST", "/api/waiting/accept-oldest", "contacts:act"),
        ("POST", "/api/console-sessions", None),
        ("GET", "/api/supervision/agents", None),
        ("POST", "/api/auth/logout", None),
        ("GET", "/api/reportsx", None),
    ],
)
def test_the_scope_a_request_needs(method: str, path: str, needed: str | None) -> None:
    assert scope_needed(method, path) == needed


def test_admin_scope_is_for_admins_and_no_scope_opens_what_no_token_may() -> None:
    assert "admin" in allowed_scopes(True)
    assert allowed_scopes(False) == ("reports:read", "contacts:act")
    assert covers([], ANY)
    assert not covers(["admin", "reports:read", "contacts:act"], None)
    assert not covers(["reports:read"], "admin")

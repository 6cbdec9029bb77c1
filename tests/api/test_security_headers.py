"""Security headers: the app's pages carry a Content Security Policy without inline or
foreign scripts and may not be framed; every response says nosniff and a referrer policy;
HSTS only behind TLS; a downloaded file keeps its own sandbox policy."""

from __future__ import annotations

from tests.api.test_files import visitor_upload
from tests.conftest import World

PAGES = ("/console", "/supervision", "/reports", "/admin")


def directives(policy: str) -> dict[str, list[str]]:
    parsed = (part.split() for part in policy.split(";") if part.strip())
    return {name: values for name, *values in parsed}


async def test_the_app_pages_have_a_policy_without_inline_scripts_and_refuse_frames(
    sqlite_world: World,
) -> None:
    http = sqlite_world.visitor().http
    for path in PAGES:
        page = await http.get(path)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        policy = directives(page.headers["content-security-policy"])
        assert policy["script-src"] == ["'self'"], path
        assert policy["default-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"], path
        assert page.headers["x-frame-options"] == "DENY"
        assert page.headers["x-content-type-options"] == "nosniff"
        assert page.headers["referrer-policy"] == "same-origin"
        assert "strict-transport-security" not in page.headers  # plain HTTP here


async def test_every_response_says_nosniff_and_hsts_only_behind_tls(sqlite_world: World) -> None:
    http = sqlite_world.visitor().http
    error = await http.get("/api/visitor/contact")
    assert error.status_code == 401 and error.json()["code"]
    assert error.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in error.headers  # JSON, not a page
    # Behind TLS: tests/api/test_visitor_country.py (a trusted proxy's X-Forwarded-Proto).


async def test_a_downloaded_file_keeps_its_sandbox_policy(sqlite_world: World) -> None:
    ann, _console, visitor, _widget = await sqlite_world.assigned_chat()
    sent = await visitor_upload(visitor, b"<html><script>alert(1)</script>", "page.html")
    assert sent.status_code == 201, sent.text
    got = await ann.http.get(f"/api/files/{sent.json()['file']['id']}")
    assert got.status_code == 200
    assert directives(got.headers["content-security-policy"]) == {
        "default-src": ["'none'"],
        "sandbox": [],
    }
    assert got.headers["x-content-type-options"] == "nosniff"

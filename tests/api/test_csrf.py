"""Cookie-authenticated state changes only from the app's own origin (same-site forgery)."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.conftest import World, make_world
from tests.support.inproc import serve_app
from tests.support.storage import stored_contact


async def test_cookie_requests_need_the_apps_own_origin(sqlite_world: World) -> None:
    world = sqlite_world
    ann = await world.agent("ann")
    await ann.open_console()
    visitor = world.visitor()
    await visitor.request(world.services["Sales"]["id"])
    cookie = {"Cookie": f"sportello_session={ann.token}"}
    path = f"/api/contacts/{visitor.contact_id}/accept"
    forged = [
        {"Origin": "http://127.0.0.1:1"},  # another port of the same site
        {"Origin": "http://localhost:" + world.app.url.rsplit(":", 1)[1]},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "same-site"},
        {"Sec-Fetch-Site": "cross-site"},
        {},  # a cookie with neither header is refused too
    ]
    async with httpx.AsyncClient(base_url=world.app.url) as raw:
        for headers in forged:
            response = await raw.post(path, headers={**cookie, **headers})
            assert (response.status_code, response.json()["code"]) == (403, "csrf_rejected")
            assert response.json()["message"]
        logout = await raw.post(
            "/api/auth/logout", headers={**cookie, "Origin": "http://127.0.0.1:1"}
        )
        assert logout.status_code == 403
        assert (await stored_contact(world.app.ctx, visitor.contact_id)).state == "pending"

        same_fetch = await raw.post(
            "/api/console-sessions", headers={**cookie, "Sec-Fetch-Site": "same-origin"}
        )
        assert same_fetch.status_code == 201
        bearer = await raw.post(
            path, headers={"Authorization": f"Bearer {ann.token}", "Origin": "http://evil.test"}
        )
        assert bearer.status_code == 200
        assert (await stored_contact(world.app.ctx, visitor.contact_id)).state == "assigned"
        assert (
            await raw.get("/api/me", headers={**cookie, "Origin": "http://evil.test"})
        ).is_success


async def test_login_is_checked_too(sqlite_world: World) -> None:
    world = sqlite_world
    body = {"login": "bob", "password": world.passwords["bob"]}
    async with httpx.AsyncClient(base_url=world.app.url) as raw:
        forged = await raw.post(
            "/api/auth/login", json=body, headers={"Origin": "http://127.0.0.1:1"}
        )
        assert (forged.status_code, forged.json()["code"]) == (403, "csrf_rejected")
        assert "sportello_session" not in forged.cookies
        assert (await raw.post("/api/auth/login", json=body)).status_code == 200  # no browser
        own = await raw.post("/api/auth/login", json=body, headers={"Origin": world.app.url})
        assert own.status_code == 200


async def test_visitor_api_and_allowed_console_origins(sqlite_url: str, tmp_path: Path) -> None:
    proxy = "https://support.example"
    async with serve_app(sqlite_url, tmp_path, allowed_console_origins=[proxy]) as app:
        world = await make_world(app)
        try:
            visitor = world.visitor("https://shop.example")
            assert (await visitor.request(world.services["Sales"]["id"])).status_code == 201
            left = await visitor.http.post(  # the visitor API is cross-origin by design
                "/api/visitor/left-messages",
                json={"name": "Vera", "email": "vera@example.com", "text": "call me"},
            )
            assert left.status_code == 201
            bob = await world.agent("bob")
            bob.http.headers["Origin"] = proxy
            assert (await bob.post("/api/console-sessions")).status_code == 201
        finally:
            await world.close()

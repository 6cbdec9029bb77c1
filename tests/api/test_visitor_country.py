"""The visitor's country comes from their address when a trusted proxy says what it is,
from their browser's locale otherwise; the console sees which."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.conftest import World, make_world
from tests.support.inproc import serve_app


@pytest.fixture
async def behind_proxy(database_url: str, tmp_path: Path) -> AsyncIterator[World]:
    """The app behind a proxy on this host (the test's clients connect from 127.0.0.1)."""
    async with serve_app(database_url, tmp_path, trusted_proxies=["127.0.0.0/8", "::1"]) as app:
        world = await make_world(app)
        try:
            yield world
        finally:
            await world.close()


async def visitor_seen_by_agent(
    world: World, locale: str, forwarded_for: str | None, **extra: str
) -> dict[str, str]:
    """A new visitor's details as the agent who accepts their contact sees them."""
    ann = await world.agent("ann")
    console = await ann.open_console()
    visitor = world.visitor()
    if forwarded_for is not None:
        visitor.http.headers["X-Forwarded-For"] = forwarded_for
    created = await visitor.request(world.services["Sales"]["id"], locale=locale, **extra)
    assert created.status_code == 201, created.text
    accepted = await ann.accept(visitor.contact_id)
    assert accepted.status_code == 200, accepted.text
    assert (await ann.post(f"/api/contacts/{visitor.contact_id}/close")).status_code == 200
    await console.close()
    seen: dict[str, str] = accepted.json()["visitor"]
    return seen


async def test_a_trusted_proxy_gives_the_address_and_its_country(behind_proxy: World) -> None:
    seen = await visitor_seen_by_agent(behind_proxy, "it-IT", "203.0.113.5, 8.8.8.8")
    assert (seen["country"], seen["country_source"]) == ("US", "ip")
    seen = await visitor_seen_by_agent(behind_proxy, "it-IT", "2001:4860:4860::8888")
    assert (seen["country"], seen["country_source"]) == ("US", "ip")


async def test_a_private_address_behind_the_proxy_falls_back_to_the_locale(
    behind_proxy: World,
) -> None:
    seen = await visitor_seen_by_agent(behind_proxy, "pt-BR", "192.168.1.20")
    assert (seen["country"], seen["country_source"]) == ("BR", "locale")
    seen = await visitor_seen_by_agent(behind_proxy, "pt-BR", "not-an-address")
    assert (seen["country"], seen["country_source"]) == ("BR", "locale")
    seen = await visitor_seen_by_agent(behind_proxy, "pt", None)
    assert (seen["country"], seen["country_source"]) == ("", "")


async def test_a_country_the_request_gives_wins(behind_proxy: World) -> None:
    seen = await visitor_seen_by_agent(behind_proxy, "it-IT", "8.8.8.8", country="ch")
    assert (seen["country"], seen["country_source"]) == ("CH", "")


async def test_an_untrusted_peer_cannot_claim_an_address(sqlite_world: World) -> None:
    """No trusted proxies (the default): the header is the client's own word, ignored."""
    seen = await visitor_seen_by_agent(sqlite_world, "it-IT", "8.8.8.8")
    assert (seen["country"], seen["country_source"]) == ("IT", "locale")


async def test_a_trusted_proxy_says_the_request_came_over_tls(behind_proxy: World) -> None:
    http = behind_proxy.visitor().http
    behind_tls = await http.get("/console", headers={"X-Forwarded-Proto": "https"})
    assert behind_tls.headers["strict-transport-security"] == "max-age=31536000"
    assert "strict-transport-security" not in (await http.get("/console")).headers


async def test_an_untrusted_peer_cannot_claim_tls(sqlite_world: World) -> None:
    http = sqlite_world.visitor().http
    claimed = await http.get("/console", headers={"X-Forwarded-Proto": "https"})
    assert "strict-transport-security" not in claimed.headers

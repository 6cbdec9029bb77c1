"""Proactive invitations in the widget (issue 25), on a phone-sized screen: a rule for the
shop's home page shows the bubble, dismissed it stays away; a rule for returning visitors
waits for the second page of the visit, and accepting it opens the chat on its service.
The reports count what was shown and accepted."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.widget_helpers import (
    TIMEOUT_MS,
    WidgetWorld,
    expect_visible,
    shot,
    visitor_page,
    w,
    world,
)

pytestmark = pytest.mark.e2e
__all__ = ["world"]


def _admin(world: WidgetWorld) -> httpx.Client:
    http = httpx.Client(base_url=world.server.url, timeout=10)
    login = http.post(
        "/api/auth/login", json={"login": "ann", "password": world.seeded.passwords["ann"]}
    )
    login.raise_for_status()
    http.headers["Authorization"] = f"Bearer {login.json()['token']}"
    return http


def _counts(http: httpx.Client) -> list[dict[str, Any]]:
    now = time.time()
    answer = http.get(f"/api/reports/invitations?since={now - 3600}&until={now + 3600}")
    answer.raise_for_status()
    return list(answer.json())


def test_invitations_show_dismiss_and_open_the_chat(world: WidgetWorld, browser: Browser) -> None:
    http = _admin(world)
    sales = world.seeded.services["Sales"]["id"]
    rules = [
        {
            "path": "/help*",
            "seconds": 0,
            "returning_only": True,
            "text": "Serve una mano con il Suo ordine?",
        },
        {"path": "/", "seconds": 0},
    ]
    http.patch(f"/api/admin/services/{sales}", json={"invitations": rules}).raise_for_status()
    world.agent("ann")  # someone can take a chat: "when available" rules may show

    _ctx, page = visitor_page(browser, viewport={"width": 390, "height": 844}, locale="it-IT")
    page.goto(world.demo_url + "/")
    bubble = w(page, "invitation")
    expect_visible(bubble)
    expect(w(page, "invitation-text")).to_have_text("Possiamo aiutarLa? Chatti con noi adesso.")
    shot(page, "invitation-phone")
    w(page, "invitation-dismiss").click()
    expect(bubble).to_have_count(0)
    expect(w(page, "panel")).to_have_count(0)

    # the next page of the visit: a returning visitor now, on the help page
    page.goto(world.demo_url + "/help")
    expect_visible(bubble)
    expect(w(page, "invitation-text")).to_have_text("Serve una mano con il Suo ordine?")
    w(page, "invitation-accept").click()
    expect_visible(w(page, "panel"))
    expect(bubble).to_have_count(0)
    chosen = page.locator("sportello-widget [data-test='service'][data-service='Sales']")
    expect(chosen).to_have_attribute("aria-pressed", "true")
    w(page, "name").fill("Vera Visitor")
    w(page, "start").click()
    expect(w(page, "queue")).to_be_visible(timeout=TIMEOUT_MS)

    # the home page again, in the same tab: its invitation was shown already
    page.goto(world.demo_url + "/")
    expect_visible(w(page, "launcher"))

    deadline = time.monotonic() + TIMEOUT_MS / 1000
    expected = [{"service": {"id": sales, "name": "Sales"}, "shown": 2, "accepted": 1}]
    while _counts(http) != expected and time.monotonic() < deadline:
        page.wait_for_timeout(100)  # the widget reports without waiting for an answer
    assert _counts(http) == expected
    http.close()

"""Waiting ends without an agent: the dissuasion message; nobody online: leave a message."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.widget_helpers import (
    TIMEOUT_MS,
    WidgetWorld,
    no_dialogs,
    open_widget,
    request_chat,
    shot,
    visitor_page,
    w,
    world,
)

pytestmark = pytest.mark.e2e
__all__ = ["world"]


def test_short_dissuasion_shows_the_message_and_leave_a_message(
    world: WidgetWorld, browser: Browser
) -> None:
    agent = world.agent("bob")  # online, eligible for "Quick" (no tags), never accepts
    _, page = visitor_page(browser)
    page.goto(world.demo_url + "/")
    request_chat(page, "Dina", "Do you sell gift cards?", service="Quick")
    expect(w(page, "queue")).to_be_visible(timeout=TIMEOUT_MS)
    offered = agent.wait_event("contact.offered")
    contact_id = offered["data"]["entry"]["contact_id"]

    # "Quick" dissuades after 5 s: the service's dissuasion message replaces the queue
    message = w(page, "dissuasion")
    expect(message).to_have_text(
        "Sorry, all our agents are busy right now. Please leave us a message.", timeout=15_000
    )
    expect(w(page, "queue")).to_be_hidden()
    agent.wait_event("contact.dequeued", contact_id=contact_id, reason="dissuaded")
    shot(page, "dissuaded")

    # the alternative: leave a message, stored for supervisors, about the service she was
    # on, with the question nobody answered carried over
    w(page, "leave-instead").click()
    expect(w(page, "leave-name")).to_have_value("Dina")
    expect(w(page, "leave-text")).to_have_value("Do you sell gift cards?")
    expect(w(page, "leave-service")).to_have_text("About Quick")
    expect(w(page, "leave-service-choice")).to_have_count(0)
    w(page, "leave-email").fill("dina@example.com")
    shot(page, "leave-carried")
    w(page, "leave-send").click()
    expect(w(page, "left")).to_be_visible(timeout=TIMEOUT_MS)
    stored = world.admin_get("/api/admin/left-messages").json()
    assert [(m["name"], m["email"], m["text"]) for m in stored] == [
        ("Dina", "dina@example.com", "Do you sell gift cards?")
    ]
    assert stored[0]["service_id"] == world.seeded.services["Quick"]["id"]
    no_dialogs(page)


def test_nobody_available_offers_leave_a_message(world: WidgetWorld, browser: Browser) -> None:
    # no agent has a console open: no service is available on the launcher
    _, page = visitor_page(browser)
    page.goto(world.demo_url + "/help.html")
    open_widget(page)
    expect(w(page, "leave-intro")).to_contain_text("Nobody is available", timeout=TIMEOUT_MS)
    expect(w(page, "services")).to_have_count(0)
    expect(w(page, "start")).to_have_count(0)
    expect(w(page, "leave-text")).to_have_value("")
    # the page offers several services: the visitor says which one the message is for
    choice = w(page, "leave-service-choice")
    expect(choice.locator("option")).to_have_text(["Choose…", "Support", "Sales", "Quick"])
    w(page, "leave-name").fill("Olga")
    w(page, "leave-email").fill("olga@example.com")
    w(page, "leave-text").fill("Do you ship to Norway?")
    w(page, "leave-send").click()
    expect(w(page, "left")).to_have_count(0)  # no service chosen: the form is not sent
    choice.select_option(label="Support")
    shot(page, "leave-message")
    w(page, "leave-send").click()
    expect(w(page, "left")).to_be_visible(timeout=TIMEOUT_MS)
    stored = world.admin_get("/api/admin/left-messages").json()
    assert len(stored) == 1
    assert stored[0]["service_id"] == world.seeded.services["Support"]["id"]
    assert stored[0]["name"] == "Olga"
    assert stored[0]["email"] == "olga@example.com"
    assert stored[0]["text"] == "Do you ship to Norway?"
    assert stored[0]["site"] == world.demo_url


def test_paused_agent_is_not_available(world: WidgetWorld, browser: Browser) -> None:
    agent = world.agent("ann")
    _, page = visitor_page(browser)
    page.goto(world.demo_url + "/")
    open_widget(page)
    expect(w(page, "service")).to_have_count(3, timeout=TIMEOUT_MS)
    response = agent.run(agent.client.http.put("/api/me/status", json={"status": "PAUSED"}))
    assert response.status_code == 200, response.text
    w(page, "minimise").click()
    open_widget(page)  # opening the panel refreshes availability
    expect(w(page, "leave-intro")).to_contain_text("Nobody is available", timeout=TIMEOUT_MS)
    expect(w(page, "service")).to_have_count(0)

"""The visitor on the demo shop asks for help, an agent accepts, they chat; the chat survives
page changes and reloads without a duplicate, and the agent sees the pages."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, WebSocketRoute, expect

from tests.e2e.widget_helpers import (
    TIMEOUT_MS,
    WidgetWorld,
    no_dialogs,
    open_widget,
    refusing_sends,
    request_chat,
    shot,
    visitor_page,
    w,
    world,
)

pytestmark = pytest.mark.e2e
__all__ = ["world"]


def transcript(page: Page) -> list[str]:
    """Each message of the widget's transcript as 'sender:text'."""
    return list(
        page.locator("sportello-widget [data-test='msg']").evaluate_all(
            "els => els.map(e => e.dataset.sender + ':'"
            " + e.querySelector('[data-test=text]').textContent)"
        )
    )


def test_request_accept_chat_reload_and_pages(world: WidgetWorld, browser: Browser) -> None:
    agent = world.agent("ann")
    _, page = visitor_page(browser)
    page.goto(world.demo_url + "/")
    expect(w(page, "launcher")).to_be_visible(timeout=TIMEOUT_MS)
    open_widget(page)
    expect(
        page.locator("sportello-widget [data-test='service'][data-service='Sales']")
    ).to_be_visible()
    shot(page, "launcher")
    w(page, "launcher").click()

    request_chat(page, "Vera Visitor", "Hello, is the moka pot induction-ready?", service="Sales")
    expect(w(page, "queue")).to_be_visible(timeout=TIMEOUT_MS)
    expect(w(page, "waited")).to_have_text("0:01", timeout=TIMEOUT_MS)
    shot(page, "queue")

    offered = agent.wait_event("contact.offered")
    entry = offered["data"]["entry"]
    assert entry["visitor_name"] == "Vera Visitor"
    assert entry["site"] == world.demo_url
    contact_id = entry["contact_id"]
    assigned = agent.accept(contact_id)
    assert assigned["visitor"]["page_url"] == world.demo_url + "/"

    # the agent joins: name and initials
    card = world.seeded.agents["ann"]
    shown = card.get("nickname") or card["display_name"]
    expect(w(page, "agent-name")).to_have_text(shown, timeout=TIMEOUT_MS)
    expect(w(page, "avatar")).to_have_text("AA")  # initials of "Ann Agent"
    expect(w(page, "joined")).to_be_visible()

    # agent → visitor (with a link), typing indicator
    agent.send_frame({"type": "typing", "contact_id": contact_id, "active": True})
    expect(w(page, "typing")).to_be_visible(timeout=TIMEOUT_MS)
    agent.say(contact_id, "Yes! See https://example.com/induction for the adapter.")
    agent_msg = page.locator("sportello-widget [data-sender='agent']").last
    expect(agent_msg).to_contain_text("for the adapter", timeout=TIMEOUT_MS)
    expect(w(page, "typing")).to_be_hidden()
    link = agent_msg.locator("a")
    expect(link).to_have_attribute("href", "https://example.com/induction")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    # the widget marks the agent's message read (panel open, page visible)
    agent.wait_event("message.status", state="read")

    # visitor → agent, typing, and the read mark coming back
    w(page, "input").fill("Great, thank you")
    w(page, "input").press("Enter")
    created = agent.wait_for(
        lambda f: (
            f["type"] == "event"
            and f["kind"] == "message.created"
            and f["data"]["message"]["text"] == "Great, thank you"
        )
    )
    visitor_msg_id = created["data"]["message"]["id"]
    mine = page.locator(f"sportello-widget [data-id='{visitor_msg_id}'] [data-test='mark']")
    expect(mine).to_have_attribute("data-mark", "sent", timeout=TIMEOUT_MS)
    agent.send_frame(
        {"type": "receipt", "contact_id": contact_id, "up_to": visitor_msg_id, "state": "read"}
    )
    expect(mine).to_have_attribute("data-mark", "read", timeout=TIMEOUT_MS)
    w(page, "input").press_sequentially("typing…")
    agent.wait_for(
        lambda f: f["type"] == "signal" and f["kind"] == "typing" and f["from"] == "visitor"
    )
    w(page, "input").fill("")
    shot(page, "chat")
    before = transcript(page)
    assert before == [
        "visitor:Hello, is the moka pot induction-ready?",
        "agent:Yes! See https://example.com/induction for the adapter.",
        "visitor:Great, thank you",
    ]

    # another page of the site: same contact, same transcript, the agent sees the page
    page.locator("a", has_text="Help").first.click()
    page.wait_for_url("**/help.html")
    changed = agent.wait_event("visitor.page_changed")
    assert changed["data"]["url"] == world.demo_url + "/help.html"
    assert changed["data"]["title"].startswith("Help and contact")
    expect(w(page, "agent-name")).to_have_text(shown, timeout=TIMEOUT_MS)
    expect(page.locator("sportello-widget [data-test='msg']")).to_have_count(3)

    # a message sent while the visitor was away arrives exactly once after the reload
    agent.say(contact_id, "Anything else?")
    page.reload()
    last_text = page.locator("sportello-widget [data-sender='agent'] [data-test='text']").last
    expect(last_text).to_have_text("Anything else?", timeout=TIMEOUT_MS)
    after = transcript(page)
    assert after == [*before, "agent:Anything else?"]
    ids = page.locator("sportello-widget [data-test='msg']").evaluate_all(
        "els => els.map(e => e.dataset.id)"
    )
    assert len(ids) == len(set(ids)) == 4
    detail = agent.get(f"/api/contacts/{contact_id}").json()
    assert [p["url"] for p in detail["pages"]][-1] == world.demo_url + "/help.html"

    # a single-page site changes the address with the History API: the agent sees it too
    page.evaluate("history.pushState({}, '', '/spa/faq'); document.title = 'FAQ';")
    spa = agent.wait_for(
        lambda f: f.get("kind") == "visitor.page_changed" and f["data"]["url"].endswith("/spa/faq")
    )
    assert spa["data"]["title"] == "FAQ"

    # close with confirmation; the transcript stays readable
    w(page, "close").click()
    w(page, "confirm-yes").click()
    agent.wait_event("contact.closed")
    expect(w(page, "ended")).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.locator("sportello-widget [data-test='msg']")).to_have_count(4)
    shot(page, "ended")
    no_dialogs(page)


def test_messages_the_hello_brings_to_an_open_widget_are_not_unread(
    world: WidgetWorld, browser: Browser
) -> None:
    """The agent's first message, committed before the widget's socket got through, arrives
    in the ``hello``: the open widget shows it, so minimising shows no unread badge, and the
    next message makes it 1 (tests/e2e/test_accessibility.py saw 2 when the machine was busy)."""
    agent = world.agent("ann")
    _, page = visitor_page(browser)
    held: list[WebSocketRoute] = []
    page.route_web_socket(re.compile(r"/ws/visitor"), lambda ws: held.append(ws))
    page.goto(world.demo_url + "/")
    request_chat(page, "Vera", "Hello there", service="Sales")
    contact_id = agent.wait_event("contact.offered")["data"]["entry"]["contact_id"]
    agent.accept(contact_id)
    agent.say(contact_id, "Hi Vera, how can I help?")
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while not held and time.monotonic() < deadline:
        page.evaluate("0")  # a round trip lets Playwright hand over the held socket
    assert held, "the widget opened its socket"
    for socket in held:
        socket.connect_to_server()
    expect(page.locator("sportello-widget [data-sender='agent']")).to_have_count(
        1, timeout=TIMEOUT_MS
    )
    w(page, "minimise").click()
    expect(w(page, "launcher")).to_be_visible()
    expect(w(page, "unread")).to_have_count(0)
    agent.say(contact_id, "Are you still there?")
    expect(w(page, "unread")).to_have_text("1", timeout=TIMEOUT_MS)


def test_a_message_the_database_refused_in_a_lock_cycle_is_sent_again_by_itself(
    world: WidgetWorld, browser: Browser
) -> None:
    """``write_conflict`` (PostgreSQL ended the write to break a lock cycle; nothing was
    written): the widget sends the same message again after ``retry_after``, once, with the
    same client id, and the agent gets it once. A second refusal in a row is shown as not
    sent. A real deadlock cannot be provoked from a browser, so the socket between the widget
    and the server answers those sends itself (the server's side: tests/api/test_lock_order.py,
    tests/unit/test_write_conflict.py)."""
    agent = world.agent("ann")
    _, page = visitor_page(browser)
    sends: list[dict[str, Any]] = []
    route = refusing_sends({"Once refused": 1, "Twice refused": 2}, sends)
    page.route_web_socket(re.compile(r"/ws/visitor"), route)
    page.goto(world.demo_url + "/")
    request_chat(page, "Vera", "Hello there", service="Sales")
    contact_id = agent.wait_event("contact.offered")["data"]["entry"]["contact_id"]
    agent.accept(contact_id)
    expect(w(page, "input")).to_be_enabled(timeout=TIMEOUT_MS)

    w(page, "input").fill("Once refused")
    w(page, "input").press("Enter")
    # Waiting on the page keeps Playwright relaying the socket (the route runs on this thread).
    expect(page.locator("sportello-widget [data-mark='sending']")).to_have_count(
        0, timeout=TIMEOUT_MS
    )
    got = agent.wait_for(
        lambda f: (
            f.get("kind") == "message.created" and f["data"]["message"]["text"] == "Once refused"
        )
    )
    tries = [f["client_msg_id"] for f in sends if f["text"] == "Once refused"]
    assert tries == [got["data"]["message"]["client_msg_id"]] * 2, "sent again, same id"
    expect(page.locator("sportello-widget [data-mark='failed']")).to_have_count(0)

    w(page, "input").fill("Twice refused")
    w(page, "input").press("Enter")
    expect(page.locator("sportello-widget [data-mark='failed']")).to_have_count(
        1, timeout=TIMEOUT_MS
    )
    assert [f["text"] for f in sends].count("Twice refused") == 2, "sent again only once"
    assert transcript(page).count("visitor:Once refused") == 1

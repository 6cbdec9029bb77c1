"""Network drops, offline typing, the agent reconnecting, and the unread counter."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.widget_helpers import (
    TIMEOUT_MS,
    WidgetWorld,
    open_widget,
    request_chat,
    shot,
    visitor_page,
    w,
    world,
)

pytestmark = pytest.mark.e2e
__all__ = ["world"]


def messages(page: Page) -> list[str]:
    return page.locator("sportello-widget [data-test='msg'] [data-test='text']").all_text_contents()


def test_offline_queue_agent_away_and_unread(world: WidgetWorld, browser: Browser) -> None:
    agent = world.agent("ann")
    context, page = visitor_page(browser)
    page.goto(world.demo_url + "/product.html")
    request_chat(page, "Nina")
    contact_id = agent.wait_event("contact.offered")["data"]["entry"]["contact_id"]
    agent.accept(contact_id)
    expect(w(page, "input")).to_be_visible(timeout=TIMEOUT_MS)

    # the network drops (the browser says so): what the visitor types waits in the outbox,
    # then goes exactly once
    context.set_offline(True)
    expect(w(page, "offline")).to_be_visible(timeout=TIMEOUT_MS)
    w(page, "input").fill("sent while offline")
    w(page, "input").press("Enter")
    pending = page.locator("sportello-widget [data-pending='1']")
    expect(pending).to_have_count(1)
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(pending).to_have_count(0, timeout=TIMEOUT_MS)
    expect(w(page, "offline")).to_be_hidden()
    agent.wait_for(
        lambda f: (
            f["type"] == "event"
            and f["kind"] == "message.created"
            and f["data"]["message"]["text"] == "sent while offline"
        )
    )
    assert messages(page) == ["sent while offline"]

    # the agent's console goes away and comes back: the visitor is told
    agent.drop_console()
    expect(w(page, "agent-away")).to_be_visible(timeout=TIMEOUT_MS)
    agent.reopen_console()
    expect(w(page, "agent-away")).to_be_hidden(timeout=TIMEOUT_MS)

    # minimised: agent messages count as unread and are not marked read until opened
    w(page, "minimise").click()
    agent.say(contact_id, "first")
    second = agent.say(contact_id, "second")
    expect(w(page, "unread")).to_have_text("2", timeout=TIMEOUT_MS)
    shot(page, "minimised")
    delivered = agent.wait_event("message.status", state="delivered")
    assert delivered["data"]["by"] == "visitor"
    assert not agent.console.events("message.status") or all(
        e["data"]["state"] == "delivered" for e in agent.console.events("message.status")
    )
    open_widget(page)
    expect(w(page, "unread")).to_have_count(0)
    read = agent.wait_event("message.status", state="read")
    assert read["data"]["up_to"] == second["id"]
    assert messages(page) == ["sent while offline", "first", "second"]

    # a stored position the server cannot serve: resync from a fresh snapshot, no duplicate
    page.evaluate(
        """() => {
            const key = Object.keys(localStorage).find((k) => k.endsWith(':conversation'));
            const conv = JSON.parse(localStorage.getItem(key));
            conv.position = 999999999;
            conv.messages = conv.messages.slice(0, 1);
            localStorage.setItem(key, JSON.stringify(conv));
        }"""
    )
    page.reload()
    expect(page.locator("sportello-widget [data-test='msg']")).to_have_count(3, timeout=TIMEOUT_MS)
    expect(w(page, "offline")).to_be_hidden(timeout=TIMEOUT_MS)
    assert messages(page) == ["sent while offline", "first", "second"]
    position = page.evaluate("window.__sportelloWidget.conv.position")
    assert position < 999999999

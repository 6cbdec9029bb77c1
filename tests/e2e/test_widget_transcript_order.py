"""The visitor's transcript shows each line where it happened: "joined the chat" sits between
the messages written before the agent joined and those written after, also after a reload."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.widget_helpers import (
    TIMEOUT_MS,
    WidgetWorld,
    request_chat,
    shot,
    visitor_page,
    w,
    world,
)

pytestmark = pytest.mark.e2e
__all__ = ["world"]


LINES = (
    "() => [...document.querySelector('sportello-widget').shadowRoot"
    ".querySelectorAll(\"[data-test='msg'], [data-test='joined']\")]"
    ".map(e => e.dataset.test === 'joined' ? 'joined'"
    " : e.dataset.sender + ':' + e.querySelector('[data-test=text]').textContent)"
)


def expect_lines(page: Page, expected: list[str]) -> None:
    """The transcript's lines in page order ('sender:text', 'joined') become ``expected``."""
    try:
        page.wait_for_function(
            f"expected => JSON.stringify(({LINES})()) === JSON.stringify(expected)",
            arg=expected,
            timeout=TIMEOUT_MS,
        )
    except Exception:
        assert page.evaluate(LINES) == expected
        raise


def test_joined_sits_where_the_agent_joined(world: WidgetWorld, browser: Browser) -> None:
    agent = world.agent("ann")
    _, page = visitor_page(browser)
    page.goto(world.demo_url + "/")
    request_chat(page, "Vera Visitor", "Do you sell gift cards?", service="Sales")
    contact_id = agent.wait_event("contact.offered")["data"]["entry"]["contact_id"]
    agent.accept(contact_id)
    expect(w(page, "joined")).to_be_visible(timeout=TIMEOUT_MS)

    w(page, "input").fill("Also, do you ship to Malta?")
    w(page, "send").click()
    expect(page.locator("sportello-widget [data-pending='1']")).to_have_count(0)
    agent.say(contact_id, "Yes to both!")
    expected = [
        "visitor:Do you sell gift cards?",
        "joined",
        "visitor:Also, do you ship to Malta?",
        "agent:Yes to both!",
    ]
    expect_lines(page, expected)
    shot(page, "joined-in-order")

    page.reload()
    expect_lines(page, expected)
    # a browser that lost the join time takes it from the server's snapshot (assigned_at)
    page.evaluate(
        "() => { for (const k of Object.keys(localStorage)) {"
        " const v = JSON.parse(localStorage.getItem(k));"
        " if (v && typeof v === 'object' && 'joinedAt' in v) {"
        " delete v.joinedAt; localStorage.setItem(k, JSON.stringify(v)); } } }"
    )
    page.reload()
    expect_lines(page, expected)

"""A server that answers ``overloaded`` (issue 21): the widget tells the visitor, waits the
``Retry-After`` plus a random share of it (jitter, so a crowd does not come back in step),
then asks again by itself."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Browser, Route, expect

from tests.e2e.widget_helpers import (
    TIMEOUT_MS,
    WidgetWorld,
    no_dialogs,
    request_chat,
    shot,
    visitor_page,
    w,
    world,
)

pytestmark = pytest.mark.e2e
__all__ = ["world"]


def test_overloaded_waits_with_jitter_says_so_and_retries(
    world: WidgetWorld, browser: Browser
) -> None:
    agent = world.agent("bob")  # online for Sales: the retried request waits for him
    context, page = visitor_page(browser)
    context.clock.install()
    context.add_init_script("Math.random = () => 0.5")  # the jitter: half of Retry-After
    asked: list[str] = []

    def first_refused(route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        asked.append(route.request.post_data or "")
        if len(asked) > 1:
            route.continue_()
            return
        route.fulfill(
            status=503,
            headers={
                "Content-Type": "application/json",
                "Retry-After": "2",
                "Access-Control-Allow-Origin": world.demo_url,
                "Access-Control-Expose-Headers": "Retry-After",
            },
            body=json.dumps(
                {"code": "overloaded", "message": "busy", "details": {"retry_after": 2}}
            ),
        )

    page.route("**/api/visitor/contacts", first_refused)
    page.goto(world.demo_url + "/")
    context.clock.pause_at(page.evaluate("Date.now()") + 1_000)  # time moves when we say
    request_chat(page, "Rita", "Hello there", service="Sales")
    notice = w(page, "notice")
    expect(notice).to_contain_text("Many visitors are asking for help right now")
    shot(page, "overloaded")
    assert len(asked) == 1

    context.clock.run_for(2_900)  # Retry-After (2 s) plus half of it: not yet
    expect(notice).to_be_visible()
    assert len(asked) == 1
    context.clock.run_for(200)  # 3 s: the widget asks again, the same request
    expect(w(page, "queue")).to_be_visible(timeout=TIMEOUT_MS)
    assert len(asked) == 2 and json.loads(asked[1]) == json.loads(asked[0])
    expect(notice).to_have_count(0)
    offered = agent.wait_event("contact.offered")
    assert offered["data"]["entry"]["visitor_name"] == "Rita"
    no_dialogs(page)

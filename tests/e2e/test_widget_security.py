"""Text is never HTML on either side, and only a service's sites may use its widget."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Browser, Dialog, expect

from tests.e2e.widget_helpers import (
    TIMEOUT_MS,
    WidgetWorld,
    open_widget,
    request_chat,
    visitor_page,
    w,
    world,
)

pytestmark = pytest.mark.e2e
__all__ = ["world"]

XSS = "<img src=x onerror=alert(1)>"


def test_markup_is_shown_as_text_on_both_sides(world: WidgetWorld, browser: Browser) -> None:
    agent = world.agent("ann")
    _, page = visitor_page(browser)
    dialogs: list[str] = []

    def fail_on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", fail_on_dialog)
    page.goto(world.demo_url + "/product.html")  # the tag names the service: no picker
    request_chat(page, XSS, XSS)
    offered = agent.wait_event("contact.offered")
    contact_id = offered["data"]["entry"]["contact_id"]
    assigned = agent.accept(contact_id)
    # the agent receives exactly the characters typed
    assert assigned["visitor"]["name"] == XSS
    assert [m["text"] for m in assigned["messages"]] == [XSS]

    w(page, "input").fill(f"also {XSS} and javascript:alert(2)")
    w(page, "input").press("Enter")
    created = agent.wait_for(
        lambda f: (
            f["type"] == "event"
            and f["kind"] == "message.created"
            and f["data"]["message"]["sender"] == "visitor"
        )
    )
    assert created["data"]["message"]["text"] == f"also {XSS} and javascript:alert(2)"

    agent.say(contact_id, f'{XSS}<script>alert(3)</script><a href="javascript:alert(4)">x</a>')
    texts = page.locator("sportello-widget [data-test='msg'] [data-test='text']")
    expect(texts).to_have_count(3, timeout=TIMEOUT_MS)
    assert texts.all_text_contents() == [
        XSS,
        f"also {XSS} and javascript:alert(2)",
        f'{XSS}<script>alert(3)</script><a href="javascript:alert(4)">x</a>',
    ]
    # nothing became an element: no <img>, <script> or link in any bubble
    assert page.locator("sportello-widget [data-test='text'] img").count() == 0
    assert page.locator("sportello-widget [data-test='text'] script").count() == 0
    assert page.locator("sportello-widget [data-test='text'] a").count() == 0
    assert page.locator("img[src='x']").count() == 0
    page.wait_for_load_state("networkidle")
    assert dialogs == []


def test_a_site_not_allowed_for_the_service_is_refused(
    world: WidgetWorld, browser: Browser
) -> None:
    world.agent("ann")  # someone is available: the refusal is about the site only
    stranger = world.other_site()
    _, page = visitor_page(browser)

    # the allowed site sees the service …
    page.goto(world.demo_url + "/product.html")
    open_widget(page)
    expect(w(page, "start")).to_be_visible(timeout=TIMEOUT_MS)

    # … the same page on another origin does not
    page.goto(stranger + "/product.html")
    open_widget(page)
    expect(w(page, "refused")).to_be_visible(timeout=TIMEOUT_MS)
    expect(w(page, "start")).to_have_count(0)

    # and the server refuses a request or a stream from that origin even if forced
    sales = world.seeded.services["Sales"]["id"]
    status = page.evaluate(
        """async ([base, service]) => {
            const r = await fetch(base + '/api/visitor/contacts', {method: 'POST',
              headers: {'Content-Type': 'application/json'},
              body: JSON.stringify({service_id: service, visitor_id: 'stranger-1234', name: 'X'})});
            return [r.status, (await r.json()).code];
        }""",
        [world.server.url, sales],
    )
    assert status == [403, "origin_rejected"]

    created = httpx.post(
        world.server.url + "/api/visitor/contacts",
        json={"service_id": sales, "visitor_id": "allowed-12345", "name": "Al"},
        headers={"Origin": world.demo_url},
    )
    assert created.status_code == 201, created.text
    token = created.json()["token"]
    refused = page.evaluate(
        """([url]) => new Promise((resolve) => {
            const ws = new WebSocket(url);
            let first = null;
            ws.onmessage = (e) => { first = first || JSON.parse(e.data); };
            ws.onclose = (e) => resolve([e.code, first && first.type, first && first.code]);
        })""",
        [world.server.ws_url + "/ws/visitor?token=" + token],
    )
    assert refused == [4403, "error", "origin_rejected"]

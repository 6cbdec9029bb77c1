"""The end screen of the widget (issue 25): rate with the keyboard, ask for the transcript
by e-mail, start a new conversation that goes to the same agent first."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.widget_helpers import (
    TIMEOUT_MS,
    AgentSide,
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


def ended_chat(world: WidgetWorld, page: Page, agent: AgentSide) -> int:
    page.goto(world.demo_url + "/")
    request_chat(page, "Vera Visitor", "Where is my order?", service="Sales")
    contact_id = int(agent.wait_event("contact.offered")["data"]["entry"]["contact_id"])
    agent.accept(contact_id)
    agent.say(contact_id, "It left the warehouse this morning.")
    expect(page.locator("sportello-widget [data-test='msg']")).to_have_count(2, timeout=TIMEOUT_MS)
    closed = agent.run(agent.client.post(f"/api/contacts/{contact_id}/close"))
    assert closed.status_code == 200, closed.text
    expect(w(page, "rating")).to_be_visible(timeout=TIMEOUT_MS)
    return contact_id


@pytest.mark.parametrize(
    "viewport",
    [{"width": 1100, "height": 760}, {"width": 390, "height": 844}],
    ids=["desktop", "phone"],
)
def test_rate_ask_transcript_and_start_again(
    world: WidgetWorld, browser: Browser, viewport: dict[str, int]
) -> None:
    ann = world.agent("ann")
    bob = world.agent("bob")
    _, page = visitor_page(browser, viewport=viewport)
    contact_id = ended_chat(world, page, ann)
    name = "desktop" if viewport["width"] > 500 else "phone"
    shot(page, f"ending-{name}")

    # the stars are radio buttons: focus the first, arrow right three times = 4 of 5
    w(page, "score-1").focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    expect(w(page, "score-4")).to_be_checked()
    w(page, "rating-comment").fill("Quick and kind")
    shot(page, f"ending-{name}-chosen")
    w(page, "send-rating").click()
    expect(w(page, "rated")).to_be_visible(timeout=TIMEOUT_MS)
    details = world.admin_get(f"/api/reports/contacts/{contact_id}").json()
    assert details["summary"]["rating"] == {
        "score": 4,
        "comment": "Quick and kind",
        "rated_at": details["summary"]["rating"]["rated_at"],
    }

    # an address the browser refuses is not sent; a good one is asked for once
    w(page, "transcript-email").fill("not an address")
    w(page, "send-transcript").click()
    expect(w(page, "transcript-asked")).to_have_count(0)
    w(page, "transcript-email").fill("vera@example.org")
    w(page, "send-transcript").click()
    expect(w(page, "transcript-asked")).to_contain_text("vera@example.org", timeout=TIMEOUT_MS)
    shot(page, f"ending-{name}-done")

    # start again: Ann (READY, room, qualified) is offered it alone, starred
    w(page, "new-chat").click()
    page.locator("sportello-widget [data-test='service'][data-service='Sales']").click()
    w(page, "name").fill("Vera Visitor")
    w(page, "first-message").fill("One more question")
    w(page, "start").click()
    offered = ann.wait_for(
        lambda f: (
            f.get("kind") == "contact.offered"
            and f["data"]["entry"]["contact_id"] != contact_id
            and f["data"]["entry"]["state"] == "pending"
        )
    )
    assert offered["data"]["entry"]["starred"] is True
    again = offered["data"]["entry"]["contact_id"]
    ann.accept(again)
    expect(w(page, "joined")).to_be_visible(timeout=TIMEOUT_MS)
    bob_saw = [
        f
        for f in bob.console.frames
        if f.get("kind") == "contact.offered" and f["data"]["entry"]["contact_id"] == again
    ]
    assert bob_saw == []
    no_dialogs(page)


RETAG = """new MutationObserver((_, observer) => {
  const tag = document.querySelector('script[src$="/widget.js"]');
  if (!tag) return;
  tag.removeAttribute("data-title");
  Object.assign(tag.dataset, DATA);
  observer.disconnect();
}).observe(document, {childList: true, subtree: true});"""

QUESTION = {
    "it": "Com'è andata questa conversazione?",
    "en": "How was this conversation?",
    "es": "¿Qué tal ha ido esta conversación?",
    "fr": "Comment s'est passée cette conversation ?",
    "de": "Wie war dieses Gespräch?",
    "pt": "Como correu esta conversa?",
}


def test_the_end_screen_in_every_widget_language(world: WidgetWorld, browser: Browser) -> None:
    """On a phone, the page forcing each of the six languages: the end screen speaks it."""
    ann = world.agent("ann")
    ended: set[int] = set()
    for language, question in QUESTION.items():
        _, page = visitor_page(browser, viewport={"width": 390, "height": 844})
        page.add_init_script(
            RETAG.replace("DATA", json.dumps({"service": "Sales", "language": language}))
        )
        page.goto(world.demo_url + "/help.html")
        w(page, "launcher").click()
        w(page, "name").fill("Vera")
        w(page, "first-message").fill("?")
        w(page, "start").click()
        entry = ann.wait_for(
            lambda f: (
                f.get("kind") == "contact.offered"
                and f["data"]["entry"]["state"] == "pending"
                and f["data"]["entry"]["contact_id"] not in ended
            )
        )["data"]["entry"]
        contact_id = int(entry["contact_id"])
        ann.accept(contact_id)
        expect(w(page, "joined")).to_be_visible(timeout=TIMEOUT_MS)
        closed = ann.run(ann.client.post(f"/api/contacts/{contact_id}/close"))
        assert closed.status_code == 200
        expect(page.locator("sportello-widget .ending legend")).to_have_text(
            question, timeout=TIMEOUT_MS
        )
        assert page.locator("sportello-widget .wrap").get_attribute("lang") == language
        shot(page, f"ending-{language}-phone")
        page.context.close()
        ended.add(contact_id)

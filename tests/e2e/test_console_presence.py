"""Dissuasion countdown, pause/resume and per-console media switches."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import BrowserContext, expect

from tests.e2e.conftest import E2EServer
from tests.e2e.console_helpers import (
    Visitor,
    console_server,
    service_id,
    sign_in,
    visitors,
)

__all__ = ["console_server", "visitors"]

# The browser's clock runs an hour slow: the countdown must follow the server's clock.
SKEWED_CLOCK = """
(() => {
  const realNow = Date.now.bind(Date);
  Date.now = () => realNow() - 3600 * 1000;
})();
"""


def test_dissuasion_ring_turns_red_and_the_entry_goes_when_time_is_up(
    console_server: E2EServer,
    context_factory: Callable[..., BrowserContext],
    visitors: Callable[[], Visitor],
) -> None:
    context = context_factory()
    context.add_init_script(SKEWED_CLOCK)
    page = sign_in(context, console_server, "ann")
    assert page.evaluate("Date.now() < new Date().getTime() - 3000 * 1000")

    quick = visitors()
    quick.request(service_id(console_server, "Quick"), "Quentin")
    top = page.get_by_test_id("waiting-top")
    expect(top).to_have_attribute("data-contact-id", str(quick.contact_id))
    ring = top.get_by_test_id("ring")
    expect(ring).to_have_attribute("data-level", "ok")
    expect(ring).to_have_attribute("data-level", "danger", timeout=6000)
    expect(page.get_by_test_id("waiting-top")).to_have_count(0, timeout=4000)
    expect(page.get_by_test_id("waiting-count")).to_have_text("0")
    assert quick.contact()["state"] == "dissuaded"


def test_pause_hides_new_contacts_resume_shows_them_and_media_are_per_console(
    console_server: E2EServer,
    context_factory: Callable[..., BrowserContext],
    visitors: Callable[[], Visitor],
) -> None:
    ann_a = sign_in(context_factory(), console_server, "ann")
    ann_b = sign_in(context_factory(), console_server, "ann")
    bob = sign_in(context_factory(), console_server, "bob")
    sales = service_id(console_server, "Sales")

    # Pause in one console: every console of the agent shows PAUSED.
    ann_a.get_by_test_id("pause-toggle").click()
    for page in (ann_a, ann_b):
        expect(page.get_by_test_id("agent-status")).to_have_attribute("data-status", "PAUSED")
    first = visitors().request(sales, "Pia Paused")
    expect(bob.get_by_test_id("waiting-count")).to_have_text("1")
    for page in (ann_a, ann_b):
        expect(page.get_by_test_id("waiting-count")).to_have_text("0")
        expect(page.get_by_test_id("waiting-empty")).to_contain_text("paused")

    # Resume from the other console: the waiting contact shows up in both.
    ann_b.get_by_test_id("pause-toggle").click()
    for page in (ann_a, ann_b):
        expect(page.get_by_test_id("agent-status")).to_have_attribute("data-status", "READY")
        expect(page.get_by_test_id("waiting-top")).to_have_attribute("data-contact-id", str(first))

    # Chat off in console A only: B keeps chat on, and ann still gets offers.
    chat_a = ann_a.get_by_test_id("media-chat")
    chat_b = ann_b.get_by_test_id("media-chat")
    expect(chat_a).to_have_attribute("aria-checked", "true")
    chat_a.click()
    expect(chat_a).to_have_attribute("aria-checked", "false")
    ann_a.get_by_test_id("pause-toggle").click()  # an event B must see after A's switch
    expect(ann_b.get_by_test_id("agent-status")).to_have_attribute("data-status", "PAUSED")
    expect(chat_b).to_have_attribute("aria-checked", "true")
    ann_b.get_by_test_id("pause-toggle").click()
    expect(ann_b.get_by_test_id("agent-status")).to_have_attribute("data-status", "READY")
    second = visitors().request(sales, "Otto Offered")
    expect(ann_b.get_by_test_id("waiting-count")).to_have_text("2")
    expect(ann_b.locator(f'[data-contact-id="{second}"]')).to_have_count(0)  # not the top one
    ann_b.reload()
    expect(ann_b.get_by_test_id("agent-status")).to_have_attribute("data-status", "READY")
    expect(ann_b.get_by_test_id("media-chat")).to_have_attribute("aria-checked", "true")
    ann_a.reload()
    expect(ann_a.get_by_test_id("agent-status")).to_have_attribute("data-status", "READY")
    expect(ann_a.get_by_test_id("media-chat")).to_have_attribute("aria-checked", "false")


def test_typing_clears_after_thirty_seconds_and_only_an_answered_chat_goes_idle(
    console_server: E2EServer,
    context_factory: Callable[..., BrowserContext],
    visitors: Callable[[], Visitor],
) -> None:
    context = context_factory()
    context.clock.install()  # the page's timers and Date run on a clock the test can move
    page = sign_in(context, console_server, "ann")
    vera = visitors()
    vera.request(service_id(console_server, "Sales"), "Vera", message="Hello")
    page.get_by_test_id("waiting-top").click()
    chat = page.locator(f'sp-panel[data-contact-id="{vera.contact_id}"]')
    expect(chat).to_have_attribute("expanded", "")
    expect(chat.get_by_test_id("act-idle")).to_have_count(0)

    vera.open_socket()
    vera.typing(True)
    expect(chat.get_by_test_id("typing-indicator")).to_be_visible()
    context.clock.run_for(29_000)
    expect(chat.get_by_test_id("typing-indicator")).to_be_visible()
    context.clock.run_for(2_000)  # 30 s without a new typing signal
    expect(chat.get_by_test_id("typing-indicator")).to_have_count(0)

    context.clock.run_for(30_000)  # over a minute since Vera's "Hello", still unanswered
    capacity = page.get_by_test_id("capacity")
    expect(capacity).to_have_text("1 of 4 chats")  # a visitor waiting is never idle
    expect(chat.get_by_test_id("act-idle")).to_have_count(0)

    composer = chat.get_by_test_id("composer")
    composer.press_sequentially("Hello Vera, how can I help?")
    composer.press("Enter")
    expect(chat.locator('[data-testid="message"][data-sender="agent"]')).to_have_count(1)
    # (no "1 of 4" check here: the page's clock runs 61 s ahead of the server's, so the
    # answer stored just now may already read as a minute old)
    context.clock.run_for(61_000)  # answered, then quiet for a minute: nobody waits for ann
    expect(chat.get_by_test_id("act-idle")).to_be_visible()
    expect(capacity).to_have_text("0 of 4 chats (+1 idle, not counted)")

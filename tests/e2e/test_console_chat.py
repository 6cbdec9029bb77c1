"""Chat in the console against a visitor driven through the public API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import E2EServer
from tests.e2e.console_helpers import (
    Visitor,
    console_server,
    panel,
    service_id,
    sign_in,
    visitors,
)

__all__ = ["console_server", "visitors"]


def _event(kind: str, **data: Any) -> Callable[[dict[str, Any]], bool]:
    def match(frame: dict[str, Any]) -> bool:
        return (
            frame.get("type") == "event"
            and frame.get("kind") == kind
            and all(frame["data"].get(k) == v for k, v in data.items())
        )

    return match


def test_chat_both_ways_with_typing_unread_flash_and_delivery_states(
    console_server: E2EServer,
    context_factory: Callable[..., object],
    visitors: Callable[[], Visitor],
) -> None:
    page = sign_in(context_factory(), console_server, "ann")  # type: ignore[arg-type]
    sales = service_id(console_server, "Sales")
    vera = visitors()
    vera.request(sales, "Vera", message="Hi, <b>is</b> anyone there? https://shop.example.com/p/1")
    page.get_by_test_id("waiting-top").click()
    chat = panel(page, vera.contact_id)
    expect(chat).to_have_attribute("expanded", "")

    # Visitor text is shown as text, never HTML; links open in a new tab, safely.
    first = chat.locator('[data-testid="message"][data-sender="visitor"]')
    expect(first).to_have_count(1)
    expect(first.locator(".bubble")).to_contain_text("<b>is</b> anyone there?")
    expect(first.locator("b")).to_have_count(0)
    link = first.locator("a")
    expect(link).to_have_attribute("href", "https://shop.example.com/p/1")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer")

    # The console marked the visitor's message delivered and read (panel open, page focused).
    ws = vera.open_socket()
    assert ws is not None
    first_id = vera.messages("visitor")[0]["id"]
    if vera.messages("visitor")[0]["read_at"] is None:
        vera.wait_frame(_event("message.status", state="read", by="agent"))
    assert vera.messages("visitor")[0]["read_at"] is not None

    # Typing, both ways.
    vera.typing(True)
    expect(chat.get_by_test_id("typing-indicator")).to_be_visible()
    expect(chat.get_by_test_id("act-typing")).to_be_visible()
    vera.typing(False)
    expect(chat.get_by_test_id("typing-indicator")).to_have_count(0)
    composer = chat.get_by_test_id("composer")
    composer.press_sequentially("Hel")
    vera.wait_frame(lambda f: f.get("type") == "signal" and f.get("from") == "agent")

    # Enter sends; Shift+Enter makes a new line; the visitor is online so it shows "sent".
    composer.press_sequentially("lo Vera")
    composer.press("Shift+Enter")
    composer.press_sequentially("How can I help?")
    composer.press("Enter")
    expect(composer).to_have_value("")
    mine = chat.locator('[data-testid="message"][data-sender="agent"]')
    expect(mine).to_have_count(1)
    expect(mine).to_have_attribute("data-state", "sent")
    sent = vera.messages("agent")
    assert [m["text"] for m in sent] == ["Hello Vera\nHow can I help?"]

    vera.receipt(sent[0]["id"], "delivered")
    expect(mine).to_have_attribute("data-state", "delivered")
    vera.receipt(sent[0]["id"], "read")
    expect(mine).to_have_attribute("data-state", "read")
    expect(mine.get_by_test_id("delivery")).to_have_text("Read")

    # A typing visitor's indicator clears when their message arrives.
    vera.typing(True)
    expect(chat.get_by_test_id("typing-indicator")).to_be_visible()
    vera.say("Thanks!")
    expect(chat.get_by_test_id("typing-indicator")).to_have_count(0)
    expect(chat.locator('[data-testid="message"][data-sender="visitor"]')).to_have_count(2)

    # The visitor goes offline: the next message is kept for them ("visitor offline").
    ws.close()
    vera.ws = None
    composer.fill("Are you still there?")
    composer.press("Enter")
    expect(mine).to_have_count(2)
    expect(mine.nth(1)).to_have_attribute("data-state", "offline")

    # A second contact takes the expanded slot; a message on the collapsed one flashes it.
    walt = visitors()
    walt.request(sales, "Walt")
    page.get_by_test_id("waiting-top").click()
    expect(panel(page, walt.contact_id)).to_have_attribute("expanded", "")
    expect(chat).not_to_have_attribute("expanded", "")
    expect(chat).not_to_have_attribute("flash", "")
    vera.say("Yes, sorry!")
    expect(chat).to_have_attribute("flash", "")
    expect(chat.get_by_test_id("act-unread")).to_contain_text("1")
    unread = vera.messages("visitor")[-1]
    assert unread["read_at"] is None  # not read while collapsed
    chat.get_by_test_id("panel-header").click()
    expect(chat).to_have_attribute("expanded", "")
    expect(chat).not_to_have_attribute("flash", "")
    expect(chat.get_by_test_id("act-unread")).to_have_count(0)
    expect(panel(page, walt.contact_id)).not_to_have_attribute("expanded", "")
    assert first_id < unread["id"]


def test_sign_in_errors_are_explained(
    console_server: E2EServer, context_factory: Callable[..., object]
) -> None:
    page = context_factory().new_page()  # type: ignore[attr-defined]
    page.goto(f"{console_server.url}/console")
    page.get_by_label("Login").fill("cyd")
    for _ in range(4):
        page.get_by_label("Password").fill("wrong")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_test_id("login-error")).to_contain_text("Wrong login or password")
        expect(page.get_by_role("button", name="Sign in")).to_be_enabled()
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("login-error")).to_contain_text("locked")
    expect(page.get_by_test_id("login-error")).to_contain_text("Try again in")
    # Even the right password is refused while locked.
    page.get_by_label("Password").fill(console_server.seeded.passwords["cyd"])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("login-error")).to_contain_text("locked")
    expect(page.get_by_test_id("agent-status")).to_have_count(0)


def test_agent_menu_remembers_toggles_and_signs_out(
    console_server: E2EServer, context_factory: Callable[..., object]
) -> None:
    page = sign_in(context_factory(), console_server, "ann")  # type: ignore[arg-type]
    expect(page.get_by_test_id("agent-menu")).to_contain_text("Ann Agent")
    page.get_by_test_id("agent-menu").click()
    sound = page.get_by_test_id("pref-sound")
    expect(sound).to_have_attribute("aria-checked", "true")
    sound.click()
    expect(sound).to_have_attribute("aria-checked", "false")
    page.reload()
    expect(page.get_by_test_id("agent-status")).to_have_attribute("data-status", "READY")
    page.get_by_test_id("agent-menu").click()
    expect(page.get_by_test_id("pref-sound")).to_have_attribute("aria-checked", "false")
    page.get_by_test_id("logout").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    page.reload()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()


# The console is in the background (no focus); desktop notifications are on and granted;
# notifications and chimes are recorded instead of shown or played.
BACKGROUND_CONSOLE = """
(() => {
  localStorage.setItem("sportello.console.prefs", JSON.stringify({sound: true, desktop: true}));
  Document.prototype.hasFocus = () => false;
  window.__notified = [];
  window.__chimes = 0;
  class RecordedNotification {
    static permission = "granted";
    static requestPermission() { return Promise.resolve("granted"); }
    constructor(title, options) { window.__notified.push(title + " | " + (options?.body ?? "")); }
  }
  window.Notification = RecordedNotification;
  const oscillator = AudioContext.prototype.createOscillator;
  AudioContext.prototype.createOscillator = function () {
    window.__chimes += 1;
    return oscillator.call(this);
  };
})();
"""


def test_a_background_console_notifies_new_contacts_and_messages(
    console_server: E2EServer, context_factory: Callable[..., Any], visitors: Callable[[], Any]
) -> None:
    context = context_factory()
    context.add_init_script(BACKGROUND_CONSOLE)
    page = sign_in(context, console_server, "ann")
    vera = visitors()
    vera.request(service_id(console_server, "Sales"), "Vera")
    page.wait_for_function("() => window.__notified.length >= 1")
    notified = page.evaluate("window.__notified")
    assert notified[0].startswith("New contact waiting | Vera")
    assert page.evaluate("window.__chimes") > 0

    page.get_by_test_id("waiting-top").click()
    vera.say("Are you there?")
    page.wait_for_function("() => window.__notified.length >= 2")
    assert page.evaluate("window.__notified")[1] == "Message from Vera | Are you there?"

    page.get_by_test_id("agent-menu").click()
    page.get_by_test_id("pref-desktop").click()  # desktop notifications off
    page.keyboard.press("Escape")
    vera.say("Hello?")
    expect(panel(page, vera.contact_id).get_by_test_id("message")).to_have_count(2)
    assert len(page.evaluate("window.__notified")) == 2

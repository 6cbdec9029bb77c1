"""The console's keyboard map (issue 24): `?` outside a text field lists every shortcut in a
modal dialog (focus kept inside, Escape closes it, the focus goes back), and each listed
shortcut does what it says."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import BrowserContext, expect

from tests.e2e.conftest import SCREENSHOTS, E2EServer
from tests.e2e.console_helpers import (
    Visitor,
    console_server,
    panel,
    service_id,
    sign_in,
    visitors,
)

__all__ = ["console_server", "visitors"]

LISTED = [
    "take",
    "next",
    "previous",
    "send",
    "newline",
    "canned",
    "note",
    "transfer",
    "stop",
    "close",
    "map",
]


def test_question_mark_opens_the_keyboard_map_as_a_modal_dialog(
    console_server: E2EServer, context_factory: Callable[..., BrowserContext]
) -> None:
    page = sign_in(context_factory(), console_server, "bob")
    status = page.get_by_test_id("agent-menu")
    status.focus()
    page.keyboard.press("?")
    keymap = page.get_by_test_id("keymap")
    expect(keymap).to_be_visible()
    expect(keymap).to_have_attribute("role", "dialog")
    rows = keymap.get_by_test_id("keymap-row")
    assert [rows.nth(i).get_attribute("data-shortcut") for i in range(rows.count())] == LISTED
    close = keymap.get_by_test_id("keymap-close")
    expect(close).to_be_focused()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "console-keyboard-map.png"))
    for _ in range(3):  # Tab goes round the dialog's own controls, never behind it
        page.keyboard.press("Tab")
        assert keymap.evaluate("d => d.contains(d.getRootNode().activeElement)")
    page.keyboard.press("Escape")
    expect(keymap).to_have_count(0)
    expect(status).to_be_focused()  # back where it was

    # from the agent menu too
    status.click()
    page.get_by_test_id("keymap-link").click()
    expect(keymap).to_be_visible()
    close.click()
    expect(keymap).to_have_count(0)


def test_every_listed_shortcut_works(
    console_server: E2EServer,
    context_factory: Callable[..., BrowserContext],
    visitors: Callable[[], Visitor],
) -> None:
    page = sign_in(context_factory(), console_server, "bob")
    vera, walt = visitors(), visitors()
    vera.request(service_id(console_server, "Sales"), "Vera", message="First in line")
    walt.request(service_id(console_server, "Sales"), "Walt", message="Second")
    expect(page.get_by_test_id("waiting-count")).to_have_text("2")

    page.keyboard.press("Alt+o")  # take the oldest: Vera
    expect(panel(page, vera.contact_id)).to_have_attribute("expanded", "")
    composer = panel(page, vera.contact_id).get_by_test_id("composer")
    expect(composer).to_be_focused()
    page.keyboard.press("Alt+o")  # and the next one: Walt
    expect(panel(page, walt.contact_id)).to_have_attribute("expanded", "")
    expect(panel(page, vera.contact_id)).not_to_have_attribute("expanded", "")

    page.keyboard.press("Alt+k")  # previous conversation
    expect(panel(page, vera.contact_id)).to_have_attribute("expanded", "")
    page.keyboard.press("Alt+j")  # next conversation
    expect(panel(page, walt.contact_id)).to_have_attribute("expanded", "")
    page.keyboard.press("Alt+j")  # ...round to the first
    expect(panel(page, vera.contact_id)).to_have_attribute("expanded", "")

    chat = panel(page, vera.contact_id)
    composer.focus()
    page.keyboard.type("Line one")
    page.keyboard.press("Shift+Enter")  # a new line, not a send
    page.keyboard.type("line two?")  # `?` in a field is text, not the map
    expect(page.get_by_test_id("keymap")).to_have_count(0)
    page.keyboard.press("Enter")  # send
    expect(chat.get_by_test_id("composer")).to_have_value("")
    mine = chat.locator('[data-testid="message"][data-sender="agent"]')
    expect(mine).to_have_attribute("data-state", re.compile("^(sent|offline)$"))  # stored
    assert [m["text"] for m in vera.messages("agent")] == ["Line one\nline two?"]

    page.keyboard.type("/")  # canned replies
    expect(chat.get_by_test_id("canned-picker")).to_be_visible()
    page.keyboard.press("Escape")
    expect(chat.get_by_test_id("canned-picker")).to_have_count(0)
    composer.fill("")

    page.keyboard.press("Alt+p")  # private note
    expect(chat.get_by_test_id("mode-note")).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Alt+p")  # and back to a reply
    expect(chat.get_by_test_id("mode-reply")).to_have_attribute("aria-pressed", "true")

    page.keyboard.press("Alt+r")  # transfer
    transfer = chat.get_by_test_id("transfer-dialog")
    expect(transfer).to_be_visible()
    page.keyboard.press("Escape")
    expect(transfer).to_have_count(0)

    page.keyboard.press("Alt+q")  # stop: asks first
    ask = chat.get_by_role("alertdialog")
    expect(ask).to_be_visible()
    chat.get_by_test_id("confirm-stop").click()
    expect(chat).to_have_attribute("terminated", "")
    assert vera.contact()["state"] == "closed"

"""Every screen says what went wrong in a sentence for a person, chosen by the API's error
`code`; the API's own message (for developers) never shows. The admin form's field problems
are in tests/e2e/test_admin_pages.py."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.widget_helpers import (
    TIMEOUT_MS,
    WidgetWorld,
    console_sign_in,
    refusing_sends,
    shop_chat,
    w,
    world,
)
from tests.support.files import EXE

pytestmark = pytest.mark.e2e
__all__ = ["world"]

REFUSED = "Files of this type cannot be sent, for safety."
NOT_FOUND = "This could not be found. It may have been removed."
CONFLICT = "Another change got in the way. Please send it again."


def test_refusals_read_as_sentences_in_console_widget_reports_and_supervision(
    world: WidgetWorld, browser: Browser, context_factory: Callable[..., BrowserContext]
) -> None:
    console = console_sign_in(world, context_factory(), "ann")
    _ctx, page, contact_id = shop_chat(world, browser, console, "Vera", "Hello")
    chat = console.locator(f'sp-panel[data-contact-id="{contact_id}"]')

    # the console: a program is refused (`file_type_refused`)
    chat.get_by_test_id("upload-tool").click()
    chat.get_by_test_id("upload-input").set_input_files(
        {"name": "setup.exe", "mimeType": "application/octet-stream", "buffer": EXE}
    )
    chat.get_by_test_id("upload-send").click()
    expect(chat.get_by_test_id("upload-error")).to_have_text(REFUSED)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    console.screenshot(path=str(SCREENSHOTS / "console-error-sentence.png"))
    chat.get_by_test_id("upload-cancel").click()

    # the widget: the same refusal, in the visitor's attachment bar
    page.locator("sportello-widget [data-test='file-input']").set_input_files(
        {"name": "game.exe", "mimeType": "application/octet-stream", "buffer": EXE}
    )
    w(page, "send").click()
    expect(w(page, "attachment-error")).to_have_text(REFUSED, timeout=TIMEOUT_MS)
    page.screenshot(path=str(SCREENSHOTS / "widget-error-sentence.png"))

    # reports and supervision: a contact that does not exist (`not_found`)
    reports = console.context.new_page()
    reports.goto(f"{world.server.url}/reports#contact/999999")
    expect(reports.locator("sp-reports [role=alert]")).to_have_text(NOT_FOUND)
    supervision = console.context.new_page()
    supervision.goto(f"{world.server.url}/supervision#contact/999999")
    expect(supervision.get_by_text(NOT_FOUND)).to_be_visible()


def test_a_reply_the_database_refused_twice_says_why_and_is_sent_once_by_itself(
    world: WidgetWorld, browser: Browser, context_factory: Callable[..., BrowserContext]
) -> None:
    """``write_conflict`` on the console's socket: the reply is sent again by itself once
    (same client id) and reaches the visitor once; refused again, it is marked not sent with
    the sentence for the code, and Retry sends it."""
    sends: list[dict[str, Any]] = []
    context = context_factory()
    context.route_web_socket(
        re.compile(r"/ws/console"), refusing_sends({"Once refused": 1, "Twice refused": 2}, sends)
    )
    console = console_sign_in(world, context, "ann")
    _ctx, page, contact_id = shop_chat(world, browser, console, "Vera", "Hello")
    chat = console.locator(f'sp-panel[data-contact-id="{contact_id}"]')
    composer = chat.get_by_test_id("composer")

    composer.fill("Once refused")
    composer.press("Enter")
    agent_lines = page.locator("sportello-widget [data-sender='agent'] [data-test='text']")
    expect(agent_lines).to_have_text(["Once refused"], timeout=TIMEOUT_MS)
    tries = [f["client_msg_id"] for f in sends if f["text"] == "Once refused"]
    assert len(tries) == 2 and tries[0] == tries[1], "sent again by itself, with the same id"

    composer.fill("Twice refused")
    composer.press("Enter")
    failed = chat.locator("[data-testid='message'][data-state='failed']")
    expect(failed.get_by_test_id("delivery")).to_have_text(
        f"Not sent: {CONFLICT}", timeout=TIMEOUT_MS
    )
    assert [f["text"] for f in sends].count("Twice refused") == 2, "sent again only once"
    console.screenshot(path=str(SCREENSHOTS / "console-write-conflict.png"))
    failed.get_by_test_id("retry").click()
    expect(agent_lines).to_have_text(["Once refused", "Twice refused"], timeout=TIMEOUT_MS)
    expect(failed).to_have_count(0)

"""Every screen says what went wrong in a sentence for a person, chosen by the API's error
`code`; the API's own message (for developers) never shows. The admin form's field problems
are in tests/e2e/test_admin_pages.py."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.widget_helpers import (
    TIMEOUT_MS,
    WidgetWorld,
    console_sign_in,
    shop_chat,
    w,
    world,
)
from tests.support.files import EXE

pytestmark = pytest.mark.e2e
__all__ = ["world"]

REFUSED = "Files of this type cannot be sent, for safety."
NOT_FOUND = "This could not be found. It may have been removed."


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

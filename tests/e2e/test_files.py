"""Files both ways in real browsers (issue 10): the agent sends an image and a PDF, the
visitor sees the thumbnail, opens the viewer and downloads the PDF byte for byte; the
visitor sends an image the agent expands; an 11 MB file is refused in both UIs."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.console_helpers import panel
from tests.e2e.widget_helpers import (
    TIMEOUT_MS,
    WidgetWorld,
    console_sign_in,
    request_chat,
    shop_chat,
    visitor_page,
    w,
    world,
)
from tests.support.files import PDF, opaque, png

pytestmark = pytest.mark.e2e
__all__ = ["world"]

ELEVEN_MB = opaque(11 * 1024 * 1024)


def test_files_both_ways_with_viewer_download_and_the_limit(
    world: WidgetWorld, browser: Browser, context_factory: Callable[..., BrowserContext]
) -> None:
    console = console_sign_in(world, context_factory(), "bob")
    _ctx, page, contact_id = shop_chat(
        world, browser, console, "Vera", "Can you send me the manual?", accept_downloads=True
    )
    chat = panel(console, contact_id)

    # the agent sends an image with a description
    chat.get_by_test_id("upload-tool").click()
    dialog = chat.get_by_test_id("upload-dialog")
    expect(dialog).to_contain_text("Up to 10 MB")
    dialog.get_by_test_id("upload-input").set_input_files(
        {"name": "moka.png", "mimeType": "image/png", "buffer": png(800, 600, "sienna")}
    )
    dialog.get_by_test_id("upload-description").fill("The moka pot, front view")
    dialog.get_by_test_id("upload-send").click()
    expect(dialog).to_be_hidden(timeout=TIMEOUT_MS)
    expect(chat.get_by_test_id("thumbnail")).to_have_count(1)

    # the visitor sees the thumbnail and opens it full size; Escape, ✕ and outside close it
    thumb = w(page, "thumbnail")
    expect(thumb).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.locator("sportello-widget [data-test='file'] .cap")).to_contain_text(
        "The moka pot, front view"
    )
    thumb.click()
    expect(w(page, "viewer-image")).to_be_visible(timeout=TIMEOUT_MS)
    page.keyboard.press("Escape")
    expect(w(page, "viewer")).to_be_hidden()
    thumb.click()
    w(page, "viewer-close").click()
    expect(w(page, "viewer")).to_be_hidden()

    # the agent sends a PDF; the visitor downloads it byte for byte
    chat.get_by_test_id("upload-tool").click()
    chat.get_by_test_id("upload-input").set_input_files(
        {"name": "manual.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    chat.get_by_test_id("upload-send").click()
    expect(w(page, "download")).to_be_visible(timeout=TIMEOUT_MS)
    with page.expect_download() as info:
        w(page, "download").click()
    download = info.value
    assert download.suggested_filename == "manual.pdf"
    path = download.path()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == hashlib.sha256(PDF).hexdigest()

    # the visitor sends an image (description typed, Enter); the agent expands it
    page.locator("sportello-widget [data-test='file-input']").set_input_files(
        {"name": "broken-handle.png", "mimeType": "image/png", "buffer": png(640, 480, "navy")}
    )
    expect(w(page, "attachment")).to_contain_text("broken-handle.png")
    w(page, "input").fill("The handle came off")
    w(page, "input").press("Enter")
    expect(w(page, "attachment")).to_be_hidden(timeout=TIMEOUT_MS)
    visitor_file = chat.locator(
        '[data-testid="message"][data-sender="visitor"] [data-testid="file"]'
    )
    expect(visitor_file).to_contain_text("The handle came off", timeout=TIMEOUT_MS)
    visitor_file.click()
    expect(console.get_by_test_id("viewer-image")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    console.screenshot(path=str(SCREENSHOTS / "console-image-viewer.png"))
    console.keyboard.press("Escape")
    expect(console.get_by_test_id("viewer")).to_be_hidden()

    # 11 MB: refused with the limit in words, in both UIs, before anything is sent
    chat.get_by_test_id("upload-tool").click()
    chat.get_by_test_id("upload-input").set_input_files(
        {"name": "huge.bin", "mimeType": "application/octet-stream", "buffer": ELEVEN_MB}
    )
    expect(chat.get_by_test_id("upload-error")).to_contain_text("the limit is 10 MB")
    expect(chat.get_by_test_id("upload-send")).to_be_disabled()
    chat.get_by_test_id("upload-cancel").click()
    page.locator("sportello-widget [data-test='file-input']").set_input_files(
        {"name": "huge.bin", "mimeType": "application/octet-stream", "buffer": ELEVEN_MB}
    )
    expect(w(page, "attachment-error")).to_contain_text("the limit is 10 MB")
    expect(w(page, "send")).to_be_disabled()
    w(page, "attachment-clear").click()

    last = chat.locator('[data-testid="message"]').last
    last.evaluate("m => m.scrollIntoView({block: 'end'})")  # the transcript's end in the picture
    console.screenshot(path=str(SCREENSHOTS / "console-files.png"))
    page.screenshot(path=str(SCREENSHOTS / "widget-files.png"))
    listed = world.admin_get(f"/api/contacts/{contact_id}/files").json()
    assert [f["name"] for f in listed] == ["moka.png", "manual.pdf", "broken-handle.png"]


def test_a_visitor_on_a_phone_sends_a_photo(world: WidgetWorld, browser: Browser) -> None:
    agent = world.agent("bob")
    _ctx, page = visitor_page(browser, viewport={"width": 390, "height": 844}, is_mobile=True)
    page.goto(world.demo_url + "/")
    request_chat(page, "Pia", "My pot arrived broken", service="Sales")
    offered = agent.wait_event("contact.offered")
    agent.accept(offered["data"]["entry"]["contact_id"])
    expect(w(page, "joined")).to_be_visible(timeout=TIMEOUT_MS)
    attach = w(page, "attach")
    box = attach.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    page.locator("sportello-widget [data-test='file-input']").set_input_files(
        {"name": "photo.png", "mimeType": "image/png", "buffer": png(1200, 1600, "olive")}
    )
    w(page, "input").fill("The lid")
    w(page, "send").click()
    expect(w(page, "thumbnail")).to_be_visible(timeout=TIMEOUT_MS)
    message = agent.wait_event("message.created")["data"]["message"]
    assert message["text"] == "The lid" and message["file"]["width"] == 1200
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "widget-phone-file.png"))

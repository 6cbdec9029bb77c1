"""A canned reply with a saved file, in the browsers (issue 24): an agent attaches a file to
their own reply from the console's menu, an admin to a service's reply on the admin page;
inserting the reply in a conversation sends the file as a file message the visitor receives."""

from __future__ import annotations

from collections.abc import Callable

import httpx
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
from tests.support.files import PDF

__all__ = ["console_server", "visitors"]


def test_an_own_reply_with_a_file_sends_it_when_inserted(
    console_server: E2EServer,
    context_factory: Callable[..., BrowserContext],
    visitors: Callable[[], Visitor],
) -> None:
    server = console_server
    page = sign_in(context_factory(), server, "bob")
    page.get_by_test_id("agent-menu").click()
    page.get_by_test_id("own-replies-link").click()
    dialog = page.get_by_test_id("own-replies")
    dialog.get_by_test_id("new").click()
    dialog.get_by_label("Shortcut").fill("prices")
    dialog.get_by_label("Title").fill("Price list")
    dialog.get_by_label("Text", exact=True).fill("Here is our price list, {visitor_name}.")
    dialog.get_by_test_id("save").click()
    expect(dialog.get_by_test_id("row")).to_have_count(1)
    cell = dialog.get_by_test_id("reply-file")
    cell.get_by_test_id("reply-file-input").set_input_files(
        files=[{"name": "prices-2026.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    expect(cell.get_by_test_id("reply-file-name")).to_contain_text("prices-2026.pdf")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "console-canned-reply-file.png"))
    dialog.get_by_test_id("close-replies").click()

    vera = visitors()
    vera.request(service_id(server, "Sales"), "Vera", message="How much is it?")
    page.get_by_test_id("waiting-top").click()
    chat = panel(page, vera.contact_id)
    composer = chat.get_by_test_id("composer")
    composer.fill("/pri")
    expect(chat.get_by_test_id("canned-option-file")).to_contain_text("prices-2026.pdf")
    composer.press("Enter")  # insert: the file goes now, the text when sent
    expect(composer).to_have_value("Here is our price list, Vera.")
    sent = chat.locator('[data-testid="message"][data-sender="agent"]')
    expect(sent).to_have_count(1)
    expect(sent).to_contain_text("prices-2026.pdf")
    composer.press("Enter")
    expect(sent).to_have_count(2)
    files = [m["file"] for m in vera.messages("agent") if m["file"]]
    assert [f["name"] for f in files] == ["prices-2026.pdf"]
    download = vera.http.get(f"/api/visitor/files/{files[0]['id']}")
    assert download.status_code == 200 and download.content == PDF


def test_an_admin_attaches_a_file_to_a_service_reply(
    console_server: E2EServer, context_factory: Callable[..., BrowserContext]
) -> None:
    server = console_server
    with httpx.Client(base_url=server.url, headers={"Origin": server.url}) as admin:
        token = admin.post(
            "/api/auth/login", json={"login": "ann", "password": server.seeded.passwords["ann"]}
        ).json()["token"]
        admin.headers["Authorization"] = f"Bearer {token}"
        made = admin.post(
            "/api/admin/canned-replies",
            json={
                "service_id": service_id(server, "Sales"),
                "shortcut": "terms",
                "title": "Terms",
                "text": "Our terms are attached.",
            },
        )
        assert made.status_code == 201, made.text
    page = sign_in(context_factory(), server, "ann")
    page.goto(f"{server.url}/admin#replies")
    cell = page.get_by_test_id("reply-file")
    expect(cell.get_by_test_id("reply-file-attach")).to_be_visible()
    cell.get_by_test_id("reply-file-input").set_input_files(
        files=[{"name": "terms.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    expect(cell.get_by_test_id("reply-file-name")).to_contain_text("terms.pdf")
    page.screenshot(path=str(SCREENSHOTS / "admin-canned-reply-file.png"))
    cell.get_by_test_id("reply-file-remove").click()
    expect(cell.get_by_test_id("reply-file-attach")).to_be_visible()
    page.reload()
    expect(page.get_by_test_id("reply-file").get_by_test_id("reply-file-attach")).to_be_visible()

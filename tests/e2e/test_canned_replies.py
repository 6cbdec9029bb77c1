"""Canned replies in the console (issue 24): an agent adds their own from the menu, types
"/" in the composer, filters, moves with the arrows, closes with Escape, inserts with Enter
(placeholders filled for the contact) and sends; the use is counted in the reports."""

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

__all__ = ["console_server", "visitors"]


def test_the_slash_picker_inserts_a_filled_reply_with_the_keyboard(
    console_server: E2EServer,
    context_factory: Callable[..., BrowserContext],
    visitors: Callable[[], Visitor],
) -> None:
    server = console_server
    sales = service_id(server, "Sales")
    with httpx.Client(base_url=server.url, headers={"Origin": server.url}) as admin:
        token = admin.post(
            "/api/auth/login", json={"login": "ann", "password": server.seeded.passwords["ann"]}
        ).json()["token"]
        admin.headers["Authorization"] = f"Bearer {token}"
        made = admin.post(
            "/api/admin/canned-replies",
            json={
                "service_id": sales,
                "shortcut": "greet",
                "title": "Greeting",
                "text": "Hello {visitor_name}, this is {agent_name} from {service}.",
            },
        )
        assert made.status_code == 201, made.text

    page = sign_in(context_factory(), server, "bob")
    # bob adds a reply of his own from the menu
    page.get_by_test_id("agent-menu").click()
    page.get_by_test_id("own-replies-link").click()
    dialog = page.get_by_test_id("own-replies")
    dialog.get_by_test_id("new").click()
    dialog.get_by_label("Shortcut").fill("thanks")
    dialog.get_by_label("Title").fill("Thanks and goodbye")
    dialog.get_by_label("Text", exact=True).fill("Thank you {visitor_name}, have a nice day!")
    dialog.get_by_test_id("save").click()
    expect(dialog.get_by_test_id("row")).to_have_count(1)
    dialog.get_by_test_id("close-replies").click()

    vera = visitors()
    vera.request(sales, "Vera")
    page.get_by_test_id("waiting-top").click()
    chat = panel(page, vera.contact_id)
    composer = chat.get_by_test_id("composer")
    composer.press("/")
    options = chat.get_by_test_id("canned-option")
    expect(options).to_have_count(2)
    expect(composer).to_have_attribute("aria-expanded", "true")
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(options.first).to_contain_text("Hello Vera, this is Bob from Sales.")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "canned-replies-picker.png"))

    composer.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    composer.press("ArrowDown")  # wraps round
    expect(options.first).to_have_attribute("aria-selected", "true")
    composer.press("Escape")
    expect(chat.get_by_test_id("canned-picker")).to_have_count(0)
    expect(composer).to_have_value("/")
    # typing filters by shortcut or title: "bye" is in the personal reply's title
    composer.press_sequentially("bye")
    expect(options).to_have_count(1)
    expect(options.first).to_have_attribute("data-shortcut", "thanks")
    composer.press("Enter")
    expect(chat.get_by_test_id("canned-picker")).to_have_count(0)
    expect(composer).to_have_value("Thank you Vera, have a nice day!")
    composer.press("Enter")  # now Enter sends
    expect(chat.locator('[data-testid="message"][data-sender="agent"]')).to_contain_text(
        "Thank you Vera, have a nice day!"
    )
    assert [m["text"] for m in vera.messages("agent")] == ["Thank you Vera, have a nice day!"]
    with httpx.Client(base_url=server.url) as bob:
        token = bob.post(
            "/api/auth/login",
            json={"login": "bob", "password": server.seeded.passwords["bob"]},
            headers={"Origin": server.url},
        ).json()["token"]
        report = bob.get(
            "/api/reports/overview",
            params={"since": 0, "until": 1e10},
            headers={"Authorization": f"Bearer {token}"},
        ).json()
    assert [(r["shortcut"], r["uses"]) for r in report["canned_replies"]] == [("thanks", 1)]

"""Reports in a real browser (issue 15): filter the list, open a contact with a file and see
its transcript, thumbnail and download; the overview's charts render."""

from __future__ import annotations

from collections.abc import Callable

import pytest
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
from tests.support.files import png

pytestmark = pytest.mark.e2e
__all__ = ["console_server", "visitors"]


def test_list_filter_details_and_overview(
    console_server: E2EServer,
    context_factory: Callable[..., BrowserContext],
    visitors: Callable[[], Visitor],
) -> None:
    page = sign_in(context_factory(), console_server, "ann")
    sales = service_id(console_server, "Sales")
    vera = visitors()
    vera.request(sales, "Vera Report", message="my espresso machine leaks")
    page.get_by_test_id("waiting-top").click()
    chat = panel(page, vera.contact_id)
    chat.get_by_test_id("composer").fill("Which model is it?")
    chat.get_by_test_id("composer").press("Enter")
    sent = vera.http.post(
        "/api/visitor/contact/files", params={"name": "leak.png"}, content=png(640, 480, "teal")
    )
    assert sent.status_code == 201, sent.text
    expect(chat.get_by_test_id("thumbnail")).to_be_visible()
    chat.get_by_test_id("stop").click()
    chat.get_by_test_id("confirm-stop").click()
    expect(chat.get_by_test_id("ended-bar")).to_be_visible()
    bruno = visitors()
    bruno.request(sales, "Bruno Gone")
    bruno.http.post("/api/visitor/contact/leave")

    page.goto(console_server.url + "/reports")
    rows = page.get_by_test_id("report-row")
    expect(rows).to_have_count(2)
    page.get_by_test_id("filter-text").fill("espresso")
    page.get_by_test_id("filter-apply").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Vera Report")
    export = page.get_by_test_id("export-csv").get_attribute("href") or ""
    assert "q=espresso" in export
    rows.first.click()
    detail = page.get_by_test_id("report-contact")
    expect(detail.get_by_test_id("report-transcript")).to_contain_text("Which model is it?")
    expect(detail.get_by_test_id("report-outcome")).to_have_text("successful")  # 3 messages
    thumb = detail.get_by_test_id("report-thumbnail")
    expect(thumb).to_be_visible()
    assert thumb.evaluate("img => img.naturalWidth") == 480  # the server's thumbnail loaded
    expect(detail.get_by_test_id("report-download")).to_have_attribute("download", "leak.png")
    assert "#contact/" in page.url  # linkable
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "reports-contact.png"), full_page=True)

    page.get_by_role("link", name="Overview").click()
    expect(page.locator("sp-overview[data-charts='2']")).to_be_attached()
    expect(page.get_by_test_id("overview-total")).to_contain_text("2")
    page.screenshot(path=str(SCREENSHOTS / "reports-overview.png"), full_page=True)

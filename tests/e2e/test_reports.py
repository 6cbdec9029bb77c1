"""Reports in a real browser (issue 15): filter the list, open a contact with a file and see
its transcript, thumbnail and download; the overview's charts render."""

from __future__ import annotations

import csv
import io
import re
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
    chat.get_by_test_id("colour-tool").click()
    chat.locator('.swatch[data-colour="green"]').click()
    expect(chat.get_by_test_id("colour-bar")).to_have_attribute("data-colour", "green")
    chat.get_by_test_id("stop").click()
    chat.get_by_test_id("confirm-stop").click()
    expect(chat.get_by_test_id("ended-bar")).to_be_visible()
    bruno = visitors()
    bruno.request(sales, "Bruno Gone")
    bruno.http.post("/api/visitor/contact/leave")

    page.goto(console_server.url + "/reports")
    rows = page.get_by_test_id("report-row")
    expect(rows).to_have_count(2)
    # the colour tag: in the list, as a filter, in the details and the CSV
    expect(rows.filter(has_text="Vera Report").get_by_test_id("colour-chip")).to_have_text("Green")
    expect(rows.filter(has_text="Bruno Gone").get_by_test_id("colour-chip")).to_have_count(0)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "reports-list.png"), full_page=True)
    page.get_by_test_id("filter-colour").select_option("green")
    page.get_by_test_id("filter-apply").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Vera Report")
    page.get_by_test_id("filter-colour").select_option("none")
    page.get_by_test_id("filter-apply").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Bruno Gone")
    page.get_by_test_id("filter-colour").select_option("")
    csv_href = page.get_by_test_id("export-csv").get_attribute("href") or ""
    offset = int(page.evaluate("() => -new Date().getTimezoneOffset()"))
    assert f"utc_offset_minutes={offset}" in csv_href
    exported = page.request.get(console_server.url + csv_href)
    lines = {r["visitor_name"]: r for r in csv.DictReader(io.StringIO(exported.text()))}
    vera_line = lines["Vera Report"]
    assert vera_line["colour"] == "green" and lines["Bruno Gone"]["colour"] == ""
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", vera_line["created_at"])
    assert re.fullmatch(r"\d+", vera_line["duration_seconds"])
    assert re.fullmatch(r"\d+:\d\d:\d\d", vera_line["duration"])
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
    expect(detail.get_by_test_id("report-colour")).to_have_text("Green")
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
    # at 1280 px the table fits its card: no column pokes out, the page does not scroll sideways
    widths = page.evaluate(
        """() => {
          const reports = document.querySelector('sp-reports').shadowRoot;
          const overview = reports.querySelector('sp-overview');
          const table = overview.shadowRoot.querySelector('[data-testid=overview-table]');
          return {page: document.documentElement.scrollWidth, view: innerWidth,
                  table: table.getBoundingClientRect().right, tableWidth: table.scrollWidth,
                  card: overview.getBoundingClientRect().right, cardWidth: overview.clientWidth};
        }"""
    )
    assert page.viewport_size and page.viewport_size["width"] == 1280
    assert widths["table"] <= widths["card"] + 0.5, widths
    assert widths["tableWidth"] <= widths["cardWidth"], widths
    assert widths["page"] <= widths["view"], widths
    page.screenshot(path=str(SCREENSHOTS / "reports-overview.png"), full_page=True)

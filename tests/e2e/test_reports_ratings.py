"""Visitors' ratings in the reports, in a real browser: the list's mark, the contact's
details (score and comment), the overview's average per service; in English and Italian."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.conftest import SCREENSHOTS, E2EServer
from tests.e2e.console_helpers import Visitor, console_server, panel, service_id, sign_in, visitors

pytestmark = pytest.mark.e2e
__all__ = ["console_server", "visitors"]


def rated_chat(
    page: Page, visitor: Visitor, sales: int, name: str, score: int, comment: str, line: str
) -> None:
    """A chat the agent ends in the console and the visitor rates: the ended panel says so
    (``line``: the sentence's words in the console's language)."""
    visitor.request(sales, name, message="hello")
    page.get_by_test_id("waiting-top").click()
    chat = panel(page, visitor.contact_id)
    chat.get_by_test_id("composer").fill("How can I help?")
    chat.get_by_test_id("composer").press("Enter")
    chat.get_by_test_id("stop").click()
    chat.get_by_test_id("confirm-stop").click()
    expect(chat.get_by_test_id("ended-bar")).to_be_visible()
    rated = visitor.http.post(
        f"/api/visitor/contacts/{visitor.contact_id}/rating",
        json={"score": score, "comment": comment},
    )
    assert rated.status_code == 201, rated.text
    expect(chat).to_contain_text(f"{name} {line} {score}")


@pytest.mark.parametrize(
    ("locale", "not_rated", "average_header", "line"),
    [
        ("en-GB", "not rated", "Avg rating", "rated the conversation"),
        ("it-IT", "nessuna valutazione", "Valutazione media", "ha valutato la conversazione"),
    ],
)
def test_ratings_in_the_reports(
    console_server: E2EServer,
    context_factory: Callable[..., BrowserContext],
    visitors: Callable[[], Visitor],
    locale: str,
    not_rated: str,
    average_header: str,
    line: str,
) -> None:
    page = sign_in(context_factory(), console_server, "ann")
    if locale.startswith("it"):  # the agent's own console language: Italian
        page.get_by_test_id("agent-menu").click()
        page.get_by_test_id("language-it").click()
        expect(page.get_by_test_id("agent-status")).to_have_text("DISPONIBILE")
    sales = service_id(console_server, "Sales")
    rated_chat(page, visitors(), sales, "Vera Rated", 5, "Very helpful", line)
    rated_chat(page, visitors(), sales, "Rita Rated", 2, "", line)
    unrated = visitors()
    unrated.request(sales, "Ugo Unrated")
    unrated.http.post("/api/visitor/contact/leave")

    page.goto(console_server.url + "/reports")
    rows = page.get_by_test_id("report-row")
    expect(rows).to_have_count(3)
    expect(rows.filter(has_text="Vera Rated").get_by_test_id("report-row-rating")).to_have_text(
        "★ 5"
    )
    expect(rows.filter(has_text="Ugo Unrated").get_by_test_id("report-row-rating")).to_have_count(0)
    rows.filter(has_text="Vera Rated").click()
    detail = page.get_by_test_id("report-contact")
    expect(detail.get_by_test_id("report-rating")).to_contain_text("★★★★★")
    expect(detail.get_by_test_id("report-rating-comment")).to_have_text("Very helpful")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    lang = locale[:2]
    page.screenshot(path=str(SCREENSHOTS / f"reports-rating-contact-{lang}.png"), full_page=True)
    page.go_back()
    rows.filter(has_text="Ugo Unrated").click()
    expect(page.get_by_test_id("report-rating")).to_have_text(not_rated)

    page.goto(console_server.url + "/reports#overview")
    table = page.get_by_test_id("overview-table")
    expect(table).to_contain_text(average_header)
    rating = page.get_by_test_id("overview-total").get_by_test_id("overview-rating")
    expect(rating).to_have_text("3.5 ★ (2)" if lang == "en" else "3,5 ★ (2)")
    page.screenshot(path=str(SCREENSHOTS / f"reports-rating-overview-{lang}.png"), full_page=True)

"""One line of the conversation where the agent looks first (issue 24): a waiting entry shows
what the visitor wrote while waiting (live, and after a reload), a collapsed panel its last
line with who wrote it — the visitor, an agent, or the system."""

from __future__ import annotations

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


def test_waiting_entry_shows_the_first_message_live_and_after_a_reload(
    console_server: E2EServer,
    context_factory: Callable[..., BrowserContext],
    visitors: Callable[[], Visitor],
) -> None:
    page = sign_in(context_factory(), console_server, "bob")
    vera = visitors()
    vera.request(service_id(console_server, "Sales"), "Vera")
    top = page.get_by_test_id("waiting-top")
    expect(top).to_contain_text("Vera")
    expect(top.get_by_test_id("entry-first-message")).to_have_count(0)  # nothing written yet

    vera.say("Is the blue moka pot back in stock?")
    first = top.get_by_test_id("entry-first-message")
    expect(first).to_have_text("Vera: Is the blue moka pot back in stock?")
    vera.say("Size 6, please")  # only the first one shows
    page.reload()
    expect(page.get_by_test_id("agent-status")).to_have_attribute("data-status", "READY")
    expect(page.get_by_test_id("waiting-top").get_by_test_id("entry-first-message")).to_have_text(
        "Vera: Is the blue moka pot back in stock?"
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "console-waiting-first-message.png"))


def test_a_collapsed_panel_names_the_system_when_it_wrote_last(
    console_server: E2EServer,
    context_factory: Callable[..., BrowserContext],
    visitors: Callable[[], Visitor],
) -> None:
    page = sign_in(context_factory(), console_server, "bob")
    vera, walt = visitors(), visitors()
    for visitor, name in ((vera, "Vera"), (walt, "Walt")):
        visitor.request(service_id(console_server, "Sales"), name, message=f"Hi, {name} here")
        page.get_by_test_id("waiting-top").click()
        expect(panel(page, visitor.contact_id)).to_have_attribute("expanded", "")
    vera_line = panel(page, vera.contact_id).get_by_test_id("panel-preview")
    expect(vera_line).to_have_text("Vera: Hi, Vera here")
    expect(vera_line).to_have_attribute("data-author", "visitor")

    assert vera.http.post("/api/visitor/contact/leave").status_code == 200
    expect(vera_line).to_have_attribute("data-author", "system")
    expect(vera_line).to_have_text("System: Vera left the conversation")
    page.screenshot(path=str(SCREENSHOTS / "console-collapsed-last-line.png"))

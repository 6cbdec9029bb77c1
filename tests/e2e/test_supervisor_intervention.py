"""Supervisor barge-in and take-over, and the visitor's history, in real browsers (issue 24).

Sam (a supervisor of Sales) joins Bob's conversation from supervision: the visitor's widget
says so (on a phone-sized screen), Bob sees Sam's message as Sam's; Sam leaves, then takes
the contact over: Bob's desk loses it with the reason, the widget shows the handover, Sam's
console gets the panel. Then a returning visitor: the details drawer lists the earlier
contact and opens it read-only."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from sportello.domain.model import Role
from tests.e2e.conftest import SCREENSHOTS, E2EServer
from tests.e2e.console_helpers import (
    Visitor,
    console_server,
    panel,
    service_id,
    sign_in,
    visitors,
)
from tests.e2e.widget_helpers import (
    TIMEOUT_MS,
    WidgetWorld,
    console_sign_in,
    make_world,
    shop_chat,
    shop_services,
    w,
)
from tests.support.seed import DEFAULT_AGENTS, AgentSpec

pytestmark = pytest.mark.e2e
__all__ = ["console_server", "visitors"]

SAM = AgentSpec("sam", ("sales",), Role.SUPERVISOR)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[WidgetWorld]:
    yield from make_world(tmp_path, shop_services, agents=(*DEFAULT_AGENTS, SAM))


def _shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), animations="disabled")


def test_a_supervisor_joins_writes_leaves_and_takes_over(
    world: WidgetWorld, browser: Browser, context_factory: Callable[..., BrowserContext]
) -> None:
    bob = console_sign_in(world, context_factory(), "bob")
    _ctx, widget, contact_id = shop_chat(
        world, browser, bob, "Vera", "My parcel never came", viewport={"width": 390, "height": 844}
    )
    sam_context = context_factory()
    sam_console = console_sign_in(world, sam_context, "sam")
    sup = sam_context.new_page()
    sup.goto(f"{world.server.url}/supervision#contact/{contact_id}")
    expect(sup.get_by_test_id("transcript")).to_contain_text("My parcel never came")

    sup.get_by_test_id("join").click()
    expect(sup.get_by_test_id("joined-note")).to_be_visible()
    joined = w(widget, "supervisor-joined")
    expect(joined).to_have_text("Sam, a supervisor, joined the conversation", timeout=TIMEOUT_MS)
    bob_panel = panel(bob, contact_id)
    expect(bob_panel.get_by_test_id("system-line").last).to_contain_text(
        "Sam Agent (supervisor) joined the conversation"
    )

    sup.get_by_test_id("supervisor-input").fill("Hello Vera, I am Sam, Bob's supervisor.")
    sup.get_by_test_id("supervisor-send").click()
    expect(sup.get_by_test_id("transcript")).to_contain_text("I am Sam", timeout=TIMEOUT_MS)
    said = widget.locator("sportello-widget [data-test='msg'][data-sender='agent']").last
    expect(said).to_contain_text("I am Sam", timeout=TIMEOUT_MS)
    expect(said.locator("[data-test='msg-author']")).to_have_text("Sam")
    author = bob_panel.get_by_test_id("message-author")
    expect(author).to_contain_text("Sam Agent (supervisor)")
    _shot(widget, "widget-supervisor-joined-phone")
    _shot(bob, "console-supervisor-joined")
    _shot(sup, "supervision-joined")

    sup.get_by_test_id("leave").click()
    expect(w(widget, "supervisor-left")).to_have_text(
        "Sam, a supervisor, left the conversation", timeout=TIMEOUT_MS
    )
    expect(sup.get_by_test_id("supervisor-composer")).to_have_count(0)

    sup.get_by_test_id("take-over").click()
    expect(sup.get_by_test_id("taken-over")).to_be_visible()
    expect(bob_panel).to_have_count(0, timeout=TIMEOUT_MS)
    expect(bob.get_by_text("Taken over by Sam")).to_be_visible()
    _shot(bob, "console-taken-over")
    expect(w(widget, "transfer-joined")).to_have_text("Sam joined the chat", timeout=TIMEOUT_MS)
    _shot(widget, "widget-taken-over-phone")
    sam_panel = panel(sam_console, contact_id)
    expect(sam_panel).to_be_visible(timeout=TIMEOUT_MS)
    expect(sam_panel).to_contain_text("My parcel never came")
    _shot(sam_console, "console-supervisor-holds")


def test_the_details_drawer_lists_and_opens_the_visitors_earlier_contacts(
    console_server: E2EServer,
    visitors: Callable[[], Visitor],
    context_factory: Callable[..., BrowserContext],
) -> None:
    server = console_server
    bob = sign_in(context_factory(), server, "bob")
    first = visitors()
    first.request(service_id(server, "Sales"), "Vera Back", message="Where is order 1234?")
    bob.get_by_test_id("waiting-top").click()
    expect(panel(bob, first.contact_id)).to_be_visible()
    first.say("It was due Monday")
    bob.evaluate(
        """async (id) => {
            await fetch(`/api/contacts/${id}/messages`, {method: "POST",
                headers: {"Content-Type": "application/json"},
                body: JSON.stringify({text: "It ships today", client_msg_id: "h1"})});
            await fetch(`/api/contacts/${id}/close`, {method: "POST"});
        }""",
        first.contact_id,
    )
    again = visitors()
    again.visitor_id = first.visitor_id
    again.request(service_id(server, "Sales"), "Vera Back", message="Me again")
    bob.get_by_test_id("waiting-top").click()
    expect(panel(bob, again.contact_id)).to_be_visible()

    history = bob.get_by_test_id("visitor-history")
    entry = history.get_by_test_id("history-entry")
    expect(entry).to_have_count(1)
    expect(entry).to_have_attribute("data-contact-id", str(first.contact_id))
    expect(entry).to_contain_text("Sales")
    expect(entry).to_contain_text("Bob")
    expect(entry.get_by_test_id("history-first-line")).to_have_text("“Where is order 1234?”")
    _shot(bob, "console-visitor-history")

    entry.click()
    dialog = bob.get_by_test_id("history-transcript")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_test_id("history-read-only")).to_be_visible()
    expect(dialog.get_by_test_id("history-line")).to_have_count(3)
    expect(dialog).to_contain_text("It ships today")
    expect(dialog.locator("textarea, input, [contenteditable]")).to_have_count(0)
    _shot(bob, "console-visitor-history-transcript")
    dialog.get_by_test_id("history-close").click()
    expect(dialog).to_be_hidden()

    # reports: the returning visitor is marked, filtered, and linked to their earlier contacts
    reports = bob.context.new_page()
    reports.goto(server.url + "/reports")
    row = reports.locator(f'[data-testid="report-row"][data-contact-id="{again.contact_id}"]')
    expect(row.get_by_test_id("report-returning")).to_be_visible()
    first_row = reports.locator(f'[data-testid="report-row"][data-contact-id="{first.contact_id}"]')
    expect(first_row.get_by_test_id("report-returning")).to_have_count(0)
    reports.get_by_test_id("filter-returning").select_option("true")
    reports.get_by_test_id("filter-apply").click()
    expect(reports.get_by_test_id("report-row")).to_have_count(1)
    reports.get_by_test_id("report-row").click()
    earlier = reports.get_by_test_id("report-earlier")
    expect(earlier).to_have_text("1 earlier contact")
    earlier.click()
    expect(reports.get_by_test_id("filter-one-visitor")).to_be_visible()
    expect(reports.get_by_test_id("report-row")).to_have_count(2)
    _shot(reports, "reports-one-visitor")

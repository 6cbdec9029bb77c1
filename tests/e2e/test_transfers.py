"""Transfers in real browsers (issue 12): Ann transfers a visitor from the demo shop to a
group with a note; Bob sees the arrow and the note, accepts and gets the whole history; the
visitor sees the notice and Bob's join. A rejected transfer comes back with its notice."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import SCREENSHOTS, E2EServer
from tests.e2e.console_helpers import panel, sign_in
from tests.e2e.widget_helpers import (
    TIMEOUT_MS,
    WidgetWorld,
    request_chat,
    visitor_page,
    w,
    world,
)

pytestmark = pytest.mark.e2e
__all__ = ["world"]
NOTE = "Wants to return the blue jacket; already checked the order"


def _shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"console-{name}.png"), animations="disabled")


def _make_group(world: WidgetWorld, name: str) -> None:
    with httpx.Client(base_url=world.server.url, timeout=10) as http:
        login = http.post(
            "/api/auth/login", json={"login": "ann", "password": world.seeded.passwords["ann"]}
        )
        token = login.json()["token"]
        made = http.post(
            "/api/admin/transfer-groups",
            json={"name": name, "tags": ["sales"]},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert made.status_code == 201, made.text


def test_transfer_to_a_group_accepted_then_a_rejected_one_comes_back(
    world: WidgetWorld, browser: Browser, context_factory: Callable[..., BrowserContext]
) -> None:
    _make_group(world, "Sales desk")
    server = E2EServer(server=world.server, seeded=world.seeded)
    ann = sign_in(context_factory(), server, "ann")
    bob = sign_in(context_factory(), server, "bob")
    _context, visitor = visitor_page(browser)
    visitor.goto(world.demo_url + "/")
    request_chat(visitor, "Vera", "Hello there, my jacket is too small", service="Sales")
    top = ann.get_by_test_id("waiting-top")
    expect(top).to_be_visible(timeout=TIMEOUT_MS)
    contact_id = int(top.get_attribute("data-contact-id") or 0)
    top.click()
    expect(w(visitor, "joined")).to_contain_text("Ann", timeout=TIMEOUT_MS)
    chat = panel(ann, contact_id)
    chat.get_by_test_id("composer").fill("Hi Vera, let me find the right colleague")
    chat.get_by_test_id("send").click()

    # Ann opens the transfer tool: the group is green (Bob can take it now)
    chat.get_by_test_id("transfer-tool").click()
    dialog = ann.get_by_test_id("transfer-dialog")
    expect(dialog).to_be_visible()
    group = dialog.locator('[data-testid="transfer-group"]', has_text="Sales desk")
    expect(group).to_have_attribute("data-can-take", "true")
    expect(group).to_contain_text("1 available · 4 free chat slots")
    bob_row = dialog.locator('[data-testid="transfer-agent"]', has_text="Bob")
    expect(bob_row).to_have_attribute("data-can-take", "true")
    group.click()
    dialog.get_by_test_id("transfer-note").fill(NOTE)
    _shot(ann, "transfer-dialog")
    dialog.get_by_test_id("transfer-confirm").click()
    expect(dialog).to_be_hidden()
    expect(chat.get_by_test_id("transcript")).to_contain_text("Transfer to Sales desk requested")
    expect(w(visitor, "transferring")).to_be_visible(timeout=TIMEOUT_MS)

    # Bob sees the arrow, who sends it and the note, and accepts
    entry = bob.locator(f'[data-testid="transfer-entry"][data-contact-id="{contact_id}"]')
    expect(entry).to_be_visible(timeout=TIMEOUT_MS)
    expect(entry.get_by_test_id("transfer-from")).to_contain_text("Ann Agent to Sales desk")
    expect(entry.get_by_test_id("transfer-note-text")).to_contain_text(NOTE)
    _shot(bob, "transfer-entry")
    entry.get_by_test_id("transfer-accept").click()
    taken = panel(bob, contact_id)
    transcript = taken.get_by_test_id("transcript")
    expect(transcript).to_contain_text("Hello there, my jacket is too small")
    expect(transcript).to_contain_text("let me find the right colleague")
    expect(transcript).to_contain_text(f"Transferred by Ann Agent to you: “{NOTE}”")
    expect(panel(ann, contact_id)).to_have_count(0)
    expect(w(visitor, "transfer-joined")).to_contain_text("Bob", timeout=TIMEOUT_MS)
    expect(w(visitor, "agent-name")).to_contain_text("Bob")
    expect(w(visitor, "transferring")).to_be_hidden()
    assert NOTE not in visitor.content()

    # Bob passes it to Ann, who rejects it: it comes back to Bob with the reason
    taken.get_by_test_id("transfer-tool").click()
    dialog = bob.get_by_test_id("transfer-dialog")
    dialog.locator('[data-testid="transfer-agent"]', has_text="Ann").click()
    dialog.get_by_test_id("transfer-confirm").click()
    back = ann.locator(f'[data-testid="transfer-entry"][data-contact-id="{contact_id}"]')
    expect(back).to_be_visible(timeout=TIMEOUT_MS)
    back.get_by_test_id("transfer-reason").fill("not my area")
    back.get_by_test_id("transfer-reject").click()
    expect(back).to_be_hidden()
    expect(transcript).to_contain_text("came back to you — it was rejected: “not my area”")
    expect(taken.get_by_test_id("transfer-tool")).to_be_enabled()
    expect(w(visitor, "transferring")).to_be_hidden(timeout=TIMEOUT_MS)

    # Ann, who passed it on, still finds it in the reports, with both legs and the note
    ann.goto(world.server.url + f"/reports#contact/{contact_id}")
    legs = ann.get_by_test_id("report-transfers")
    expect(legs.locator("li")).to_have_count(2)
    expect(legs.locator("li").first).to_contain_text("Ann Agent → group Sales desk")
    expect(legs.locator("li").first).to_contain_text("accepted by Bob")
    expect(legs.locator("li").first).to_contain_text(NOTE)
    expect(legs.locator("li").nth(1)).to_contain_text("rejected (not my area)")
    ann.screenshot(path=str(SCREENSHOTS / "reports-transferred.png"), full_page=True)
    ann.goto(world.server.url + "/reports")
    row = ann.locator(f'[data-testid="report-row"][data-contact-id="{contact_id}"]')
    expect(row).to_contain_text("Ann Agent → Bob")
    expect(row.get_by_test_id("report-transferred")).to_have_text("1")
    expect(row.get_by_test_id("report-transferred")).to_have_attribute("title", "Transferred once")

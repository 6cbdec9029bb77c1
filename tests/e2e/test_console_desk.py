"""The agent's desk stays tidy: collapsed panels preview their last line, ended ones go with
one click (on the header, or all at once) or by themselves; ending a contact asks first, with
the safe choice as the default."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.conftest import SCREENSHOTS, E2EServer
from tests.e2e.console_helpers import (
    Visitor,
    console_server,
    panel,
    service_id,
    sign_in,
    visitors,
)
from tests.support.seed import seed
from tests.support.server import ServerProcess

__all__ = ["console_server", "visitors"]

LONG = (
    "I ordered the moka pot last week and it has not arrived yet, the tracking page says it"
    " is still in the warehouse in Bologna, could you check what happened to it please?"
)


def take(page: Page, visitor: Visitor, server: E2EServer, name: str, message: str) -> None:
    visitor.request(service_id(server, "Sales"), name, message=message)
    page.get_by_test_id("waiting-top").click()
    expect(panel(page, visitor.contact_id)).to_have_attribute("expanded", "")


def test_end_dialog_keeps_talking_by_default_and_escape_returns_focus(
    console_server: E2EServer,
    context_factory: Callable[..., BrowserContext],
    visitors: Callable[[], Visitor],
) -> None:
    page = sign_in(context_factory(), console_server, "bob")
    vera = visitors()
    take(page, vera, console_server, "Vera", "Hello")
    chat = panel(page, vera.contact_id)
    stop = chat.get_by_test_id("stop")
    dialog = chat.get_by_role("alertdialog")

    stop.focus()
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    expect(chat.get_by_test_id("confirm-keep")).to_be_focused()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "console-end-dialog.png"))
    page.keyboard.press("Enter")  # the default keeps the conversation going
    expect(dialog).to_have_count(0)
    expect(stop).to_be_focused()
    assert vera.contact()["state"] == "assigned"

    stop.click()
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(stop).to_be_focused()
    assert vera.contact()["state"] == "assigned"

    stop.click()
    chat.get_by_test_id("confirm-stop").click()
    expect(chat).to_have_attribute("terminated", "")
    expect(chat.get_by_test_id("panel-header")).to_be_focused()


def test_collapsed_panels_preview_and_ended_ones_are_cleared(
    console_server: E2EServer,
    context_factory: Callable[..., BrowserContext],
    visitors: Callable[[], Visitor],
) -> None:
    page = sign_in(context_factory(), console_server, "ann")
    vera, walt, zoe = visitors(), visitors(), visitors()
    take(page, vera, console_server, "Vera", "Hello")
    vera_panel = panel(page, vera.contact_id)
    expect(vera_panel.get_by_test_id("panel-preview")).to_have_count(0)  # open: no preview
    vera.say(LONG)
    take(page, walt, console_server, "Walt", "Do you sell gift cards?")
    take(page, zoe, console_server, "Zoe", "Hi")

    # collapsed: one line, ellipsised, of the last message, with who wrote it
    preview = vera_panel.get_by_test_id("panel-preview")
    expect(preview).to_have_text("Vera: " + LONG)
    box = preview.evaluate(
        "e => ({scroll: e.scrollWidth, client: e.clientWidth, height: e.clientHeight,"
        " line: parseFloat(getComputedStyle(e).lineHeight) || 20,"
        " overflow: getComputedStyle(e).textOverflow})"
    )
    assert box["scroll"] > box["client"]  # the text is longer than the line...
    assert box["overflow"] == "ellipsis"  # ...and ends with an ellipsis
    assert box["height"] <= box["line"] * 1.5  # on one line
    composer = panel(page, zoe.contact_id).get_by_test_id("composer")
    composer.fill("Welcome Zoe, one moment please")
    composer.press("Enter")
    page.get_by_test_id("panel-header").first.click()  # open Vera: Zoe collapses
    expect(panel(page, zoe.contact_id).get_by_test_id("panel-preview")).to_have_text(
        "You: Welcome Zoe, one moment please"
    )

    # the visitors leave: their panels end; a collapsed one can be removed from its header
    for visitor in (vera, walt, zoe):
        assert visitor.http.post("/api/visitor/contact/leave").status_code == 200
    for visitor in (vera, walt, zoe):
        expect(panel(page, visitor.contact_id)).to_have_attribute("terminated", "")
    page.get_by_test_id("panel-header").first.click()  # collapse Vera: every panel is closed
    clear = page.get_by_test_id("clear-ended")
    expect(clear).to_have_text("Clear ended (3)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "console-ended-panels.png"))
    panel(page, walt.contact_id).get_by_test_id("header-remove").click()
    expect(panel(page, walt.contact_id)).to_have_count(0)
    expect(clear).to_have_text("Clear ended (2)")

    clear.click()
    expect(page.get_by_test_id("panel")).to_have_count(0)
    expect(clear).to_have_count(0)
    page.reload()  # removed on the server, not only on this page
    expect(page.get_by_test_id("agent-status")).to_have_attribute("data-status", "READY")
    expect(page.get_by_test_id("assigned-area")).to_contain_text("No conversations yet")


@pytest.fixture
def quick_server(tmp_path: Path) -> Iterator[E2EServer]:
    """A server whose ended panels go away 3 seconds after the contact ended."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'e2e.sqlite3'}"
    seeded = seed(url)
    server = ServerProcess(url, data_dir=tmp_path, env={"SPORTELLO_ENDED_PANEL_SECONDS": "3"})
    server.start()
    yield E2EServer(server=server, seeded=seeded)
    server.stop()


def test_ended_panels_go_away_by_themselves(
    quick_server: E2EServer, context_factory: Callable[..., BrowserContext]
) -> None:
    page = sign_in(context_factory(), quick_server, "ann")
    vera, walt = Visitor(quick_server.url), Visitor(quick_server.url)
    try:
        take(page, vera, quick_server, "Vera", "Hello")
        take(page, walt, quick_server, "Walt", "Hi")  # Walt open, Vera collapsed
        for visitor in (vera, walt):
            assert visitor.http.post("/api/visitor/contact/leave").status_code == 200
        # the collapsed one goes by itself; the one the agent is reading stays
        expect(panel(page, vera.contact_id)).to_have_count(0)
        walt_panel = panel(page, walt.contact_id)
        expect(walt_panel).to_have_attribute("terminated", "")
        expect(walt_panel).to_have_attribute("expanded", "")
        walt_panel.get_by_test_id("panel-header").click()  # once closed, it goes too
        expect(walt_panel).to_have_count(0)
        page.reload()  # past its time an ended contact is not on the desk any more
        expect(page.get_by_test_id("agent-status")).to_have_attribute("data-status", "READY")
        expect(page.get_by_test_id("assigned-area")).to_contain_text("No conversations yet")
    finally:
        vera.close()
        walt.close()

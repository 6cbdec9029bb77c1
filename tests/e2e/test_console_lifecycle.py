"""The console survives a server restart; stopping a contact; removing the ended panel."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import BrowserContext, expect

from tests.e2e.conftest import E2EServer
from tests.e2e.console_helpers import (
    Visitor,
    console_server,
    panel,
    service_id,
    sign_in,
    visitors,
)

__all__ = ["console_server", "visitors"]


def test_server_restart_mid_conversation_resumes_with_the_exact_transcript(
    console_server: E2EServer,
    context_factory: Callable[..., BrowserContext],
    visitors: Callable[[], Visitor],
) -> None:
    page = sign_in(context_factory(), console_server, "ann")
    vera = visitors()
    vera.request(service_id(console_server, "Sales"), "Vera", message="First question")
    page.get_by_test_id("waiting-top").click()
    chat = panel(page, vera.contact_id)
    composer = chat.get_by_test_id("composer")
    composer.fill("First answer")
    composer.press("Enter")
    messages = chat.get_by_test_id("message")
    expect(messages).to_have_count(2)
    expect(messages.nth(1)).not_to_have_attribute("data-state", "sending")

    console_server.server.stop()
    expect(page.get_by_test_id("reconnecting-banner")).to_be_visible()
    expect(page.get_by_test_id("agent-status")).to_have_attribute("data-status", "DISCONNECTED")
    # Written while offline: queued, sent once when the connection returns.
    composer.fill("Written while offline")
    composer.press("Enter")
    expect(messages.nth(2)).to_have_attribute("data-state", "sending")
    console_server.server.start()

    expect(page.get_by_test_id("reconnecting-banner")).to_have_count(0, timeout=10_000)
    expect(page.get_by_test_id("agent-status")).to_have_attribute("data-status", "READY")
    expect(messages.nth(2)).not_to_have_attribute("data-state", "sending")
    vera.say("Second question")
    expect(messages).to_have_count(4)
    stored = [m["text"] for m in vera.messages()]
    assert stored == ["First question", "First answer", "Written while offline", "Second question"]
    expect(chat.locator('[data-testid="message"] .bubble')).to_have_text(stored)

    # A fresh load rebuilds the same transcript from the snapshot.
    page.reload()
    chat = panel(page, vera.contact_id)
    expect(chat.locator('[data-testid="message"] .bubble')).to_have_text(stored)


def test_stop_contact_asks_for_confirmation_then_the_ended_panel_can_be_removed(
    console_server: E2EServer,
    context_factory: Callable[..., BrowserContext],
    visitors: Callable[[], Visitor],
) -> None:
    page = sign_in(context_factory(), console_server, "bob")
    vera = visitors()
    vera.request(service_id(console_server, "Sales"), "Vera", message="Hello")
    page.get_by_test_id("waiting-top").click()
    chat = panel(page, vera.contact_id)
    expect(chat).to_have_attribute("expanded", "")

    # Colour tag: persisted on the server.
    chat.get_by_test_id("colour-tool").click()
    chat.locator('.swatch[data-colour="green"]').click()
    expect(chat.get_by_test_id("colour-bar")).to_have_attribute("data-colour", "green")

    chat.get_by_test_id("stop").click()
    dialog = chat.get_by_role("alertdialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Keep talking").click()
    expect(dialog).to_have_count(0)
    assert vera.contact()["state"] == "assigned"
    expect(chat).not_to_have_attribute("terminated", "")

    chat.get_by_test_id("stop").click()
    chat.get_by_test_id("confirm-stop").click()
    expect(chat).to_have_attribute("terminated", "")
    expect(chat.get_by_test_id("act-ended")).to_be_visible()
    expect(chat.get_by_test_id("composer")).to_have_count(0)
    expect(page.get_by_test_id("assigned-count")).to_have_text("0")
    assert vera.contact()["state"] == "closed"
    # The panel stays until the agent removes it, across a reload and in a second console.
    page.reload()
    chat = panel(page, vera.contact_id)
    expect(chat).to_have_attribute("terminated", "")
    second = page.context.new_page()
    second.goto(f"{console_server.url}/console")
    expect(panel(second, vera.contact_id)).to_have_attribute("terminated", "")
    chat.get_by_test_id("remove").click()
    expect(panel(page, vera.contact_id)).to_have_count(0)
    expect(panel(second, vera.contact_id)).to_have_count(0)
    second.close()
    page.reload()
    expect(page.get_by_test_id("assigned-count")).to_have_text("0")
    expect(panel(page, vera.contact_id)).to_have_count(0)

    # A visitor who leaves ends the panel too, with a system line.
    walt = visitors()
    walt.request(service_id(console_server, "Sales"), "Walt")
    page.get_by_test_id("waiting-top").click()
    expect(panel(page, walt.contact_id)).to_be_visible()
    assert walt.http.post("/api/visitor/contact/leave").status_code == 200
    expect(panel(page, walt.contact_id)).to_have_attribute("terminated", "")
    expect(panel(page, walt.contact_id).get_by_test_id("system-line")).to_contain_text(
        "Walt left the conversation"
    )

"""Automatic translation in real browsers (issue 13), with real Apertium: the agent turns it
on from the flag tool (the visitor's Spanish detected and pre-selected, the engine named),
reads the visitor in English with the Spanish original one click away, and the visitor reads
the agent's English reply in Spanish."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from tests.e2e.conftest import SCREENSHOTS, E2EServer
from tests.e2e.console_helpers import panel, sign_in
from tests.e2e.widget_helpers import TIMEOUT_MS, WidgetWorld, request_chat, visitor_page, w, world

pytestmark = pytest.mark.e2e
__all__ = ["world"]


def test_spanish_visitor_and_english_agent_through_the_flag_tool(
    world: WidgetWorld, browser: Browser, context_factory: Callable[..., BrowserContext]
) -> None:
    console = sign_in(context_factory(), E2EServer(server=world.server, seeded=world.seeded), "bob")
    _ctx, page = visitor_page(browser, locale="es-ES")
    page.goto(world.demo_url + "/")
    request_chat(page, "Vera", "Necesito ayuda con mi pedido, por favor.", service="Sales")
    top = console.get_by_test_id("waiting-top")
    expect(top).to_be_visible(timeout=TIMEOUT_MS)
    contact_id = int(top.get_attribute("data-contact-id") or 0)
    top.click()
    chat = panel(console, contact_id)
    expect(w(page, "joined")).to_be_visible(timeout=TIMEOUT_MS)

    chat.get_by_test_id("translate-tool").click()
    chooser = chat.get_by_test_id("translate-chooser")
    expect(chooser.get_by_test_id("translate-engine")).to_contain_text(
        "apertium", timeout=TIMEOUT_MS
    )
    expect(chooser.get_by_test_id("translate-visitor")).to_have_value("es")
    chooser.get_by_test_id("translate-agent").select_option("en")
    chooser.get_by_test_id("translate-ok").click()
    expect(chooser).to_be_hidden()

    # the first message came before translation was on: translated on demand
    chat.get_by_test_id("translate-tool").click()
    chat.get_by_test_id("translate-earlier").click()
    visitor_lines = chat.locator('[data-testid="message"][data-sender="visitor"]')
    expect(visitor_lines.first.get_by_test_id("translation")).to_have_text(
        "I need help with my request, please.", timeout=TIMEOUT_MS
    )

    w(page, "input").fill("Mi pedido no ha llegado todavía.")
    w(page, "send").click()
    second = visitor_lines.nth(1)
    expect(second.get_by_test_id("translation")).to_have_text(
        "My request has not arrived still.", timeout=TIMEOUT_MS
    )
    second.get_by_test_id("show-original").click()
    expect(second.get_by_test_id("translation")).to_have_text("Mi pedido no ha llegado todavía.")

    # the agent sees what the visitor will read before sending, and corrects it
    chat.get_by_test_id("composer").fill("Your order arrives tomorrow.")
    preview = chat.get_by_test_id("translation-preview")
    expect(preview.get_by_test_id("preview-text")).to_have_value(
        "Vuestro orden llega mañana.", timeout=TIMEOUT_MS
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    console.screenshot(path=str(SCREENSHOTS / "console-translation-preview.png"))
    preview.get_by_test_id("preview-text").fill("Su pedido llega mañana.")
    chat.get_by_test_id("send").click()
    expect(preview).to_be_hidden()
    reply = chat.locator('[data-testid="message"][data-sender="agent"]').last
    expect(reply.get_by_test_id("translation")).to_contain_text(
        "(edited): Su pedido llega mañana.", timeout=TIMEOUT_MS
    )

    # the visitor is told it was translated, and can read the original
    from_agent = page.locator("sportello-widget [data-test='msg'][data-sender='agent']")
    expect(from_agent.last.locator("[data-test='text']")).to_have_text(
        "Su pedido llega mañana.", timeout=TIMEOUT_MS
    )
    expect(from_agent.last.locator("[data-test='translated']")).to_contain_text(
        "Translated automatically"
    )
    expect(from_agent.filter(has_text="Your order arrives")).to_have_count(0)
    from_agent.last.locator("[data-test='show-original']").click()
    expect(from_agent.last.locator("[data-test='text']")).to_have_text(
        "Your order arrives tomorrow."
    )

    # sent as written: marked untranslated on both sides
    chat.get_by_test_id("composer").fill("Sportello XR-200")
    expect(preview.get_by_test_id("preview-unknown")).to_contain_text(
        "Sportello", timeout=TIMEOUT_MS
    )
    console.screenshot(path=str(SCREENSHOTS / "console-translation-unknown.png"))
    preview.get_by_test_id("preview-original").check()
    expect(preview.get_by_test_id("preview-unknown")).to_be_hidden()
    chat.get_by_test_id("send").click()
    expect(chat.get_by_test_id("translation-skipped")).to_be_visible(timeout=TIMEOUT_MS)
    expect(from_agent.last.locator("[data-test='untranslated']")).to_be_visible(timeout=TIMEOUT_MS)
    expect(from_agent.last.locator("[data-test='text']")).to_have_text("Sportello XR-200")

    console.screenshot(path=str(SCREENSHOTS / "console-translation.png"))
    page.screenshot(path=str(SCREENSHOTS / "widget-translation.png"))

"""The console's language: the agent's profile setting, else the browser's, else English;
switched from the agent menu; screenshots of the console pages in Italian (console-it-*.png
and the like, in conftest's SCREENSHOTS folder)."""

from __future__ import annotations

from collections.abc import Callable

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

__all__ = ["console_server", "visitors"]


def shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def test_an_italian_browser_gets_the_console_in_italian(
    console_server: E2EServer, context_factory: Callable[..., BrowserContext]
) -> None:
    page = context_factory(locale="it-IT").new_page()
    page.goto(f"{console_server.url}/console")
    expect(page.get_by_role("heading", name="Accedi alla console")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "it")
    page.get_by_label("Nome utente").fill("bob")
    page.get_by_label("Password").fill(console_server.seeded.passwords["bob"])
    page.get_by_role("button", name="Accedi").click()
    expect(page.get_by_test_id("agent-status")).to_have_text("DISPONIBILE")
    expect(page.get_by_test_id("waiting-empty")).to_contain_text("Nessuno in attesa.")
    shoot(page, "console-it-browser")

    # a profile set to English wins over the Italian browser, from the first render on
    page.get_by_test_id("agent-menu").click()
    page.get_by_test_id("language-en").click()
    expect(page.get_by_test_id("waiting-empty")).to_contain_text("Nobody is waiting.")
    page.reload()
    expect(page.get_by_test_id("agent-status")).to_have_text("READY")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_the_profile_language_wins_over_the_browser_and_switches_the_console(
    console_server: E2EServer,
    context_factory: Callable[..., BrowserContext],
    visitors: Callable[[], Visitor],
) -> None:
    page = sign_in(context_factory(), console_server, "ann")  # an en-US browser
    expect(page.get_by_test_id("waiting-empty")).to_contain_text("Nobody is waiting.")
    page.get_by_test_id("agent-menu").click()
    page.get_by_test_id("language-it").click()
    expect(page.locator("html")).to_have_attribute("lang", "it")
    expect(page.get_by_test_id("waiting-empty")).to_contain_text("Nessuno in attesa.")

    # the setting is the profile's: a reload (or another console) opens in Italian
    page.reload()
    expect(page.get_by_test_id("agent-status")).to_have_text("DISPONIBILE")
    sales = service_id(console_server, "Sales")
    vera, jonas = visitors(), visitors()
    vera.request(sales, "Vera Rossi", country="IT", locale="it-IT", message="Buongiorno!")
    jonas.request(sales, "Jonas Berg", country="DE")
    vera.open_socket()
    expect(page.get_by_test_id("capacity")).to_have_text("0 di 4 chat")
    page.get_by_test_id("waiting-area").hover()
    expect(page.get_by_test_id("waiting-drawer")).to_contain_text("Tutti i contatti in attesa")
    shoot(page, "console-it-waiting")

    page.get_by_test_id("waiting-top").click()
    contact = panel(page, vera.contact_id)
    expect(contact).to_have_attribute("expanded", "")
    composer = contact.get_by_test_id("composer")
    expect(composer).to_have_attribute("placeholder", "Scrivi a Vera Rossi…")
    composer.fill("Buongiorno Vera, come posso aiutarla?")
    composer.press("Enter")
    expect(contact.get_by_test_id("delivery")).to_contain_text("Inviato")
    page.mouse.move(1000, 780)
    shoot(page, "console-it-chat")

    contact.get_by_test_id("transfer-tool").click()
    dialog = page.get_by_test_id("transfer-dialog")
    expect(dialog.get_by_role("heading", level=3)).to_have_text("Trasferisci Vera Rossi")
    expect(dialog.get_by_test_id("transfer-agent").first).to_be_visible()
    shoot(page, "console-it-transfer")
    dialog.get_by_test_id("transfer-cancel").click()

    # the other pages follow the profile too
    other = page.context.new_page()
    other.goto(f"{console_server.url}/supervision")
    expect(other.get_by_role("heading", name="Supervisione")).to_be_visible()
    expect(other.get_by_test_id("agent-row").first).to_be_visible()
    shoot(other, "supervision-it")
    other.goto(f"{console_server.url}/admin#agents")
    other.get_by_test_id("edit").first.click()
    expect(other.get_by_test_id("field-ui_language")).to_contain_text("Lingua del browser")
    shoot(other, "admin-it-agent")
    other.goto(f"{console_server.url}/reports#overview")
    expect(other.locator("sp-overview")).to_have_attribute("data-charts", "2")
    expect(other.get_by_test_id("overview-total")).to_contain_text("Totale")
    shoot(other, "reports-it-overview")
    other.close()

    assert vera.http.post("/api/visitor/contact/leave").is_success
    ended = contact.get_by_test_id("system-line").last
    expect(ended).to_contain_text("Vera Rossi ha lasciato la conversazione")
    page.get_by_test_id("agent-menu").click()
    expect(page.get_by_test_id("language-it")).to_have_attribute("aria-checked", "true")
    shoot(page, "console-it-menu")
    page.get_by_test_id("language-browser").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(contact.get_by_test_id("delivery")).to_contain_text("Sent")
    expect(ended).to_contain_text("Vera Rossi left the conversation")  # lines already written too

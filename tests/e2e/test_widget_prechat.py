"""The pre-chat form in the widget (issue 25), on a phone-sized screen: the service's fields
with their labels, the consent linking the privacy policy, the browser's checks, then the
server's (an address the browser takes but the server does not is shown under its field),
and the answers reaching the agent."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.console_helpers import panel
from tests.e2e.widget_helpers import (
    TIMEOUT_MS,
    WidgetWorld,
    console_sign_in,
    open_widget,
    shot,
    visitor_page,
    w,
    world,
)

pytestmark = pytest.mark.e2e
__all__ = ["world"]

PRIVACY = "https://shop.example/privacy"


def _set_form(world: WidgetWorld) -> None:
    with httpx.Client(base_url=world.server.url, timeout=10) as http:
        login = http.post(
            "/api/auth/login", json={"login": "ann", "password": world.seeded.passwords["ann"]}
        )
        login.raise_for_status()
        service_id = world.seeded.services["Sales"]["id"]
        changed = http.patch(
            f"/api/admin/services/{service_id}",
            headers={"Authorization": f"Bearer {login.json()['token']}"},
            json={
                "privacy_url": PRIVACY,
                "prechat_fields": [
                    {"kind": "name", "label": "Nome e cognome", "required": True},
                    {"kind": "email", "label": "E-mail", "required": True},
                    {"kind": "phone", "label": "Telefono", "required": False},
                    {
                        "kind": "choice",
                        "label": "Argomento",
                        "required": True,
                        "options": ["Ordini", "Resi", "Fatture"],
                    },
                    {
                        "kind": "consent",
                        "label": "Ho letto l'informativa",
                        "required": True,
                    },
                ],
            },
        )
        changed.raise_for_status()


def test_the_visitor_fills_the_pre_chat_form_on_a_phone(
    world: WidgetWorld, browser: Browser, context_factory: Callable[..., BrowserContext]
) -> None:
    _set_form(world)
    console = console_sign_in(world, context_factory(), "ann")
    _ctx, page = visitor_page(browser, viewport={"width": 390, "height": 844}, locale="it-IT")
    page.goto(world.demo_url + "/")
    open_widget(page)
    page.locator("sportello-widget [data-test='service'][data-service='Sales']").click()
    expect(w(page, "start-form")).to_contain_text("Nome e cognome")
    expect(w(page, "start-form")).to_contain_text("Telefono")
    expect(w(page, "privacy-link")).to_have_attribute("href", PRIVACY)
    expect(w(page, "prechat-choice").locator("option")).to_have_count(4)
    shot(page, "prechat-form-phone")

    # the browser checks first: nothing is sent without the required answers
    w(page, "name").fill("Vera Visitor")
    w(page, "start").click()
    expect(w(page, "queue")).to_have_count(0)
    valid = page.wait_for_function(
        "() => document.querySelector('sportello-widget').shadowRoot"
        ".querySelector('[data-test=prechat-email]').validity.valueMissing"
    )
    assert valid.json_value() is True

    # an address the browser takes and the server does not: its problem under the field
    w(page, "prechat-email").fill("vera@localhost")
    w(page, "prechat-choice").select_option("Resi")
    w(page, "prechat-consent").check()
    w(page, "start").click()
    problem = w(page, "problem-email")
    expect(problem).to_have_text("Inserisca un indirizzo e-mail valido.", timeout=TIMEOUT_MS)
    shot(page, "prechat-form-problem-phone")

    w(page, "prechat-email").fill("vera@example.org")
    w(page, "prechat-phone").fill("+39 06 1234 5678")
    w(page, "start").click()
    expect(w(page, "queue")).to_be_visible(timeout=TIMEOUT_MS)
    top = console.get_by_test_id("waiting-top")
    expect(top).to_be_visible(timeout=TIMEOUT_MS)
    contact_id = int(top.get_attribute("data-contact-id") or 0)
    top.click()
    expect(panel(console, contact_id)).to_be_visible(timeout=TIMEOUT_MS)
    answers = console.locator("sp-details").get_by_test_id("prechat-answers")
    expect(answers.get_by_test_id("prechat-phone")).to_have_text("+39 06 1234 5678")
    expect(answers.get_by_test_id("prechat-choice")).to_have_text("Resi")
    expect(answers.get_by_test_id("prechat-consent")).to_have_text("given")
    expect(answers).to_contain_text("Argomento")
    console.screenshot(path=str(SCREENSHOTS / "console-prechat-answers.png"), animations="disabled")

    reports = console.context.new_page()
    reports.goto(f"{world.server.url}/reports#contact/{contact_id}")
    expect(reports.get_by_test_id("report-prechat")).to_have_count(3, timeout=TIMEOUT_MS)
    expect(reports.get_by_test_id("report-contact")).to_contain_text("vera@example.org")

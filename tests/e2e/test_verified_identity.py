"""Verified identity in real browsers (issue 25): a shop page whose visitor is signed in
puts the signed claim on the widget's script tag; the widget greets them by name without
asking it, and the agent's console marks the contact verified (panel and details), as the
reports do. A second visit from another browser finds the first by the same identity."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Callable, Iterator
from html import escape
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from sportello.domain.identity import sign_identity
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.console_helpers import panel
from tests.e2e.widget_helpers import (
    TIMEOUT_MS,
    WidgetWorld,
    console_sign_in,
    expect_visible,
    open_widget,
    visitor_page,
    w,
    world,
)
from tests.support.postgres import free_port

pytestmark = pytest.mark.e2e
__all__ = ["world"]


class AccountSite:
    """The shop's own server for its signed-in pages (a page Playwright made up would not
    be on the loopback address the widget's server is, and Chromium blocks that)."""

    def __init__(self) -> None:
        self.page = ""
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = site.page.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def account_site() -> Iterator[AccountSite]:
    site = AccountSite()
    yield site
    site.close()


def _identity_secret(world: WidgetWorld, service: str, site: AccountSite) -> str:
    """Turn verified identity on for the service, and allow the shop's account pages."""
    with httpx.Client(base_url=world.server.url, timeout=10) as http_client:
        login = http_client.post(
            "/api/auth/login", json={"login": "ann", "password": world.seeded.passwords["ann"]}
        )
        login.raise_for_status()
        headers = {"Authorization": f"Bearer {login.json()['token']}"}
        service_id = world.seeded.services[service]["id"]
        allowed = http_client.patch(
            f"/api/admin/services/{service_id}",
            json={"sites": [world.demo_url, site.url]},
            headers=headers,
        )
        allowed.raise_for_status()
        answer = http_client.post(
            f"/api/admin/services/{service_id}/identity-secret", headers=headers
        )
        answer.raise_for_status()
        return str(answer.json()["identity_secret"])


def _claim(secret: str, user_id: str) -> dict[str, Any]:
    """What the shop's server signs for its signed-in user (docs/integrations.md)."""
    issued_at = int(time.time())
    name, email = "Giulia Rossi", "giulia@shop.example"
    signature = sign_identity(secret, user_id, name, email, issued_at)
    return {
        "user_id": user_id,
        "name": name,
        "email": email,
        "issued_at": issued_at,
        "signature": signature,
    }


def _signed_in_page(
    world: WidgetWorld,
    site: AccountSite,
    page: Page,
    secret: str,
    user_id: str,
    language: str = "en",
    *,
    attributes: bool = True,
) -> dict[str, Any]:
    """The shop's account page, as the shop's server renders it for its signed-in user
    (the claim in the script tag's attributes, or left for the page's script to pass)."""
    claim = _claim(secret, user_id)
    tags = (
        f'''data-user-id="{escape(user_id)}" data-user-name="{escape(claim["name"])}"
  data-user-email="{escape(claim["email"])}" data-user-issued-at="{claim["issued_at"]}"
  data-user-signature="{claim["signature"]}"'''
        if attributes
        else ""
    )
    site.page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Your account — Bottega Aurora</title></head>
<body><h1>Welcome back, Giulia</h1><p>Your orders and addresses.</p>
<script src="{world.server.url}/widget.js" data-service="Sales" data-language="{language}"
  {tags} async></script></body></html>"""
    page.goto(site.url + "/account")
    return claim


def _ask(page: Page, message: str) -> None:
    open_widget(page)
    expect_visible(w(page, "signed-in"))
    expect(w(page, "signed-in")).to_have_text("Signed in as Giulia Rossi")
    expect(w(page, "name")).to_have_count(0)  # the site said who they are: no name asked
    w(page, "first-message").fill(message)


def test_a_signed_in_visitor_is_verified_in_the_widget_console_and_reports(
    world: WidgetWorld,
    account_site: AccountSite,
    browser: Browser,
    context_factory: Callable[..., BrowserContext],
) -> None:
    secret = _identity_secret(world, "Sales", account_site)
    ann = console_sign_in(world, context_factory(), "ann")

    _ctx, phone = visitor_page(browser, viewport={"width": 390, "height": 844})
    _signed_in_page(world, account_site, phone, secret, "u-1001", language="it")
    open_widget(phone)
    expect(w(phone, "signed-in")).to_have_text("Accesso effettuato come Giulia Rossi")
    phone.screenshot(path=str(SCREENSHOTS / "widget-verified-identity-phone.png"))
    w(phone, "first-message").fill("Dov'è il mio ordine?")
    w(phone, "start").click()
    top = ann.get_by_test_id("waiting-top")
    expect(top).to_be_visible(timeout=TIMEOUT_MS)
    first_id = int(top.get_attribute("data-contact-id") or 0)
    top.click()
    first = panel(ann, first_id)
    expect(first.get_by_test_id("verified-badge")).to_be_visible(timeout=TIMEOUT_MS)
    expect(first).to_contain_text("Giulia Rossi")
    ann.evaluate("(id) => fetch(`/api/contacts/${id}/close`, {method: 'POST'})", first_id)

    # later, from a laptop: another visitor id, the same signed-in user
    _ctx2, laptop = visitor_page(browser)
    _signed_in_page(world, account_site, laptop, secret, "u-1001")
    _ask(laptop, "A question about my invoice")
    w(laptop, "start").click()
    expect(top).to_be_visible(timeout=TIMEOUT_MS)
    second_id = int(top.get_attribute("data-contact-id") or 0)
    assert second_id != first_id
    top.click()
    second = panel(ann, second_id)
    expect(second.get_by_test_id("verified-badge")).to_be_visible(timeout=TIMEOUT_MS)
    details = ann.locator("sp-details")
    expect(details.get_by_test_id("verified-badge")).to_be_visible()
    expect(details.get_by_test_id("verified-user-id")).to_have_text("u-1001")
    entry = details.get_by_test_id("history-entry")
    expect(entry).to_have_count(1)
    expect(entry).to_have_attribute("data-contact-id", str(first_id))
    expect(entry.get_by_test_id("history-verified")).to_be_visible()
    expect(entry.get_by_test_id("history-other-device")).to_be_visible()
    ann.screenshot(path=str(SCREENSHOTS / "console-verified-identity.png"), animations="disabled")

    reports = ann.context.new_page()
    reports.goto(world.server.url + "/reports")
    row = reports.locator(f'[data-testid="report-row"][data-contact-id="{second_id}"]')
    expect(row.get_by_test_id("verified-badge")).to_be_visible(timeout=TIMEOUT_MS)
    row.click()
    expect(reports.get_by_test_id("report-verified-user-id")).to_have_text("u-1001")


def test_a_claim_the_server_cannot_verify_shows_no_badge(
    world: WidgetWorld,
    account_site: AccountSite,
    browser: Browser,
    context_factory: Callable[..., BrowserContext],
) -> None:
    _identity_secret(world, "Sales", account_site)
    ann = console_sign_in(world, context_factory(), "ann")
    _ctx, page = visitor_page(browser)
    _signed_in_page(world, account_site, page, "a secret the shop guessed", "u-1001")
    _ask(page, "Hello")
    w(page, "start").click()
    top = ann.get_by_test_id("waiting-top")
    expect(top).to_be_visible(timeout=TIMEOUT_MS)
    contact_id = int(top.get_attribute("data-contact-id") or 0)
    top.click()
    held = panel(ann, contact_id)
    expect(held).to_contain_text("Giulia Rossi")  # the name the widget passed, unverified
    expect(held.get_by_test_id("verified-badge")).to_have_count(0)
    expect(ann.locator("sp-details").get_by_test_id("verified-badge")).to_have_count(0)


def test_a_page_signs_its_visitor_in_with_the_javascript_api(
    world: WidgetWorld,
    account_site: AccountSite,
    browser: Browser,
    context_factory: Callable[..., BrowserContext],
) -> None:
    secret = _identity_secret(world, "Sales", account_site)
    ann = console_sign_in(world, context_factory(), "ann")
    _ctx, page = visitor_page(browser)
    claim = _signed_in_page(world, account_site, page, secret, "u-2002", attributes=False)
    open_widget(page)
    expect_visible(w(page, "name"))  # not signed in yet: the name is asked
    page.wait_for_function("() => typeof window.Sportello?.identify === 'function'")
    page.evaluate("(claim) => window.Sportello.identify(claim)", claim)
    expect(w(page, "signed-in")).to_have_text("Signed in as Giulia Rossi")
    expect(w(page, "name")).to_have_count(0)
    w(page, "start").click()
    top = ann.get_by_test_id("waiting-top")
    expect(top).to_be_visible(timeout=TIMEOUT_MS)
    contact_id = int(top.get_attribute("data-contact-id") or 0)
    top.click()
    expect(panel(ann, contact_id).get_by_test_id("verified-badge")).to_be_visible(
        timeout=TIMEOUT_MS
    )
    expect(ann.locator("sp-details").get_by_test_id("verified-user-id")).to_have_text("u-2002")

"""Visitors' countries as flag images from the bundled set, named in the reader's language;
the letter badge for a code the set has no flag for; the details say where the country
came from. The server sits behind a "proxy" on this host (the test's own requests, with
X-Forwarded-For), so a visitor's address gives their country."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.e2e.conftest import SCREENSHOTS, E2EServer
from tests.e2e.console_helpers import Visitor, panel, service_id, sign_in, waiting_entry
from tests.support.seed import seed
from tests.support.server import ServerProcess


@pytest.fixture
def proxied_server(tmp_path: Path) -> Iterator[E2EServer]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'e2e.sqlite3'}"
    seeded = seed(url)
    server = ServerProcess(
        url, data_dir=tmp_path, env={"SPORTELLO_TRUSTED_PROXIES": '["127.0.0.1"]'}
    )
    server.start()
    yield E2EServer(server=server, seeded=seeded)
    server.stop()


@pytest.fixture
def arrivals(proxied_server: E2EServer) -> Iterator[Callable[[], dict[str, Visitor]]]:
    """Three visitors who ask for help (once an agent is at work): one from a US address
    (Italian browser), one from this host (a private address: the French locale speaks),
    one whose code has no flag."""
    made = {name: Visitor(proxied_server.url) for name in ("us", "fr", "zz")}

    def arrive() -> dict[str, Visitor]:
        sales = service_id(proxied_server, "Sales")
        made["us"].http.headers["X-Forwarded-For"] = "8.8.8.8"
        made["us"].request(sales, "Uma Stone", locale="it-IT", message="Hi")
        made["fr"].request(sales, "Fleur Dubois", locale="fr-FR", message="Bonjour")
        made["zz"].request(sales, "Zed Unknown", country="ZZ", message="Hello")
        return made

    yield arrive
    for visitor in made.values():
        visitor.close()


def flag_of(page: Page, visitor: Visitor) -> Locator:
    return waiting_entry(page, visitor.contact_id).get_by_test_id("country")


def expect_flag_drawn(page: Page, flag: Locator, code: str, name: str) -> None:
    expect(flag).to_have_attribute("data-country", code)
    expect(flag).to_have_attribute("alt", name)
    expect(flag).to_have_attribute("title", name)
    expect(flag).to_have_attribute("src", re.compile(rf"^/static/assets/{code.lower()}-.*\.svg$"))
    # decode() settles once the image is loaded (rejects if it cannot be drawn)
    assert flag.evaluate("(img) => img.decode().then(() => img.naturalWidth)") > 0


def shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def test_the_console_shows_flags_named_in_english(
    proxied_server: E2EServer,
    arrivals: Callable[[], dict[str, Visitor]],
    context_factory: Callable[..., BrowserContext],
) -> None:
    page = sign_in(context_factory(), proxied_server, "ann")
    visitors = arrivals()
    page.get_by_test_id("waiting-area").hover()
    expect_flag_drawn(page, flag_of(page, visitors["us"]), "US", "United States")
    expect_flag_drawn(page, flag_of(page, visitors["fr"]), "FR", "France")
    badge = flag_of(page, visitors["zz"])
    expect(badge).to_have_text("ZZ")  # no flag for it: the letters
    expect(badge).to_have_attribute("data-country", "ZZ")
    shoot(page, "console-flags-waiting")

    waiting_entry(page, visitors["us"].contact_id).click()
    contact = panel(page, visitors["us"].contact_id)
    expect(contact).to_have_attribute("expanded", "")
    details = page.locator("sp-details")
    expect(details.get_by_test_id("country")).to_have_attribute("alt", "United States")
    expect(details.get_by_test_id("country-source")).to_have_text("(from the IP address)")
    expect(contact.get_by_test_id("country")).to_have_attribute("alt", "United States")
    shoot(page, "console-flags-details")

    page.get_by_test_id("waiting-area").hover()
    waiting_entry(page, visitors["fr"].contact_id).click()
    expect(panel(page, visitors["fr"].contact_id)).to_have_attribute("expanded", "")
    expect(details.get_by_test_id("country-source")).to_have_text("(from the browser's language)")

    # the reports list shows the same flags
    reports = page.context.new_page()
    reports.goto(f"{proxied_server.url}/reports")
    rows = reports.get_by_test_id("report-row")
    expect(rows).to_have_count(3)
    uma = rows.filter(has_text="Uma Stone").get_by_test_id("country")
    expect_flag_drawn(reports, uma, "US", "United States")
    expect(rows.filter(has_text="Zed Unknown").get_by_test_id("country")).to_have_text("ZZ")
    shoot(reports, "reports-flags")


def test_an_italian_reader_gets_the_names_in_italian(
    proxied_server: E2EServer,
    arrivals: Callable[[], dict[str, Visitor]],
    context_factory: Callable[..., BrowserContext],
) -> None:
    page = context_factory(locale="it-IT").new_page()
    page.goto(f"{proxied_server.url}/console")
    page.get_by_label("Nome utente").fill("bob")
    page.get_by_label("Password").fill(proxied_server.seeded.passwords["bob"])
    page.get_by_role("button", name="Accedi").click()
    expect(page.get_by_test_id("agent-status")).to_have_text("DISPONIBILE")
    visitors = arrivals()
    page.get_by_test_id("waiting-area").hover()
    expect_flag_drawn(page, flag_of(page, visitors["us"]), "US", "Stati Uniti")
    expect_flag_drawn(page, flag_of(page, visitors["fr"]), "FR", "Francia")
    waiting_entry(page, visitors["us"].contact_id).click()
    details = page.locator("sp-details")
    expect(details.get_by_test_id("country-source")).to_have_text("(dall'indirizzo IP)")
    shoot(page, "console-it-flags")

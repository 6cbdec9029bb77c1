"""The data-sharing channel in real browsers (issue 11): "send immediately" moves the
visitor's page and the chat carries on there; a refused address tells the agent and moves
nothing; the prompt mode offers the page instead; the page trail lists the navigation; the
chat follows the visitor to another of the service's sites."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from sportello.demo_site import serve_demo_site
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.console_helpers import panel
from tests.e2e.widget_helpers import (
    TIMEOUT_MS,
    WidgetWorld,
    console_sign_in,
    make_world,
    shop_chat,
    w,
    world,
)
from tests.support.postgres import free_port
from tests.support.seed import ServiceSpec

pytestmark = pytest.mark.e2e
__all__ = ["world"]


def _say(console: Page, contact_id: int, text: str) -> None:
    composer = panel(console, contact_id).get_by_test_id("composer")
    composer.fill(text)
    composer.press("Enter")


def _chat(
    world: WidgetWorld, browser: Browser, context_factory: Callable[..., BrowserContext]
) -> tuple[Page, Page, int]:
    console = console_sign_in(world, context_factory(), "bob")
    _ctx, page, contact_id = shop_chat(world, browser, console, "Vera", "Which pot for induction?")
    return console, page, contact_id


def test_send_immediately_moves_the_visitor_and_the_chat_goes_on(
    world: WidgetWorld, browser: Browser, context_factory: Callable[..., BrowserContext]
) -> None:
    console, page, contact_id = _chat(world, browser, context_factory)
    chat = panel(console, contact_id)
    target = world.demo_url + "/product.html"
    _say(
        console,
        contact_id,
        f"This one: {target} — and this is elsewhere: https://elsewhere.example/",
    )
    links = chat.get_by_test_id("push-link")
    expect(links).to_have_count(1)
    expect(links.first).to_have_attribute("title", "Click to send immediately")
    expect(links.first).to_have_attribute("data-url", target)
    expect(chat.get_by_test_id("medium-data-sharing")).to_have_attribute("data-state", "active")

    # another site cannot be pushed: a plain link (opens in a new tab), no push affordance
    plain = chat.get_by_test_id("plain-link")
    expect(plain).to_have_count(1)
    expect(plain).to_have_attribute("href", "https://elsewhere.example/")
    expect(plain).to_have_attribute("target", "_blank")
    expect(w(page, "msg").last).to_contain_text("elsewhere.example")
    assert page.url == world.demo_url + "/"

    links.first.hover()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    console.screenshot(path=str(SCREENSHOTS / "console-send-immediately.png"))
    links.first.click()
    page.wait_for_url(target, timeout=TIMEOUT_MS)
    expect(chat.get_by_test_id("transcript")).to_contain_text(f"Sent Vera to {target}")
    expect(chat.get_by_test_id("transcript")).not_to_contain_text("left the page")
    # the chat carries on on the new page: same transcript, nothing twice
    expect(w(page, "joined")).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.locator("sportello-widget [data-sender='agent']")).to_have_count(1)
    w(page, "input").fill("Great, thanks!")
    w(page, "input").press("Enter")
    visitor_lines = chat.locator('[data-testid="message"][data-sender="visitor"]')
    expect(visitor_lines).to_have_count(2, timeout=TIMEOUT_MS)
    expect(visitor_lines.last).to_contain_text("Great, thanks!")
    # the page trail: both pages, the current one last, with how long was spent
    pages = console.get_by_test_id("page")
    expect(pages).to_have_count(2, timeout=TIMEOUT_MS)
    expect(pages.first).to_contain_text("Moka")
    expect(pages.first).to_contain_text("now")
    console.screenshot(path=str(SCREENSHOTS / "console-page-trail.png"))
    page.reload()  # the target page reloads: the push is not applied again
    expect(w(page, "joined")).to_be_visible(timeout=TIMEOUT_MS)
    page.wait_for_timeout(1000)
    assert page.url == target


def test_prompt_mode_offers_the_page_instead(
    world: WidgetWorld, browser: Browser, context_factory: Callable[..., BrowserContext]
) -> None:
    sales = world.seeded.services["Sales"]["id"]
    with httpx.Client(base_url=world.server.url, timeout=10) as http:
        token = http.post(
            "/api/auth/login", json={"login": "ann", "password": world.seeded.passwords["ann"]}
        ).json()["token"]
        changed = http.patch(
            f"/api/admin/services/{sales}",
            json={
                "immediate_redirect": False,
                "saved_links": [{"title": "Help & returns", "url": world.demo_url + "/help.html"}],
            },
            headers={"Authorization": f"Bearer {token}"},
        )
        assert changed.status_code == 200, changed.text
    console, page, contact_id = _chat(world, browser, context_factory)
    target = world.demo_url + "/help.html"
    chat = panel(console, contact_id)
    chat.get_by_test_id("saved-links").click()  # a saved link instead of typing it
    chat.get_by_test_id("saved-link").filter(has_text="Help & returns").click()
    expect(chat.get_by_test_id("composer")).to_have_value(target)
    chat.get_by_test_id("composer").press("Enter")
    link = chat.get_by_test_id("push-link")
    expect(link).to_have_attribute("title", "Click to offer this page to the visitor")
    link.click()
    offer = w(page, "offered-link")
    expect(offer).to_contain_text("suggests this page", timeout=TIMEOUT_MS)
    assert page.url == world.demo_url + "/"
    w(page, "offered-open").click()
    page.wait_for_url(target, timeout=TIMEOUT_MS)
    expect(w(page, "joined")).to_be_visible(timeout=TIMEOUT_MS)


@pytest.fixture
def two_sites(tmp_path: Path) -> Iterator[tuple[WidgetWorld, str]]:
    """A world whose Sales service lists the demo shop and a help site on another origin."""
    port = free_port()
    help_site = f"http://127.0.0.1:{port}"

    def services(shop: str) -> tuple[ServiceSpec, ...]:
        return (ServiceSpec("Sales", ("sales",), sites=(shop, help_site)),)

    for made in make_world(tmp_path, services):
        made.sites.append(serve_demo_site(made.server.url, "127.0.0.1", port))
        yield made, help_site


def test_the_chat_follows_the_visitor_to_another_of_the_services_sites(
    two_sites: tuple[WidgetWorld, str],
    browser: Browser,
    context_factory: Callable[..., BrowserContext],
) -> None:
    world, help_site = two_sites
    console = console_sign_in(world, context_factory(), "bob")
    _ctx, page, contact_id = shop_chat(world, browser, console, "Vera", "Where is the manual?")
    target = f"{help_site}/help.html#talk-to-us"
    _say(console, contact_id, f"All manuals: {target}")
    panel(console, contact_id).get_by_test_id("push-link").click()

    # the help site's widget takes the chat up: same transcript, the code gone from the URL
    expect(page).to_have_url(target, timeout=TIMEOUT_MS)
    expect(w(page, "joined")).to_be_visible(timeout=TIMEOUT_MS)
    texts = page.locator("sportello-widget [data-test='msg'] [data-test='text']")
    expect(texts).to_have_text(["Where is the manual?", f"All manuals: {target}"])
    w(page, "input").fill("Found it, thanks!")
    w(page, "input").press("Enter")
    chat = panel(console, contact_id)
    visitor_lines = chat.locator('[data-testid="message"][data-sender="visitor"]')
    expect(visitor_lines).to_have_count(2, timeout=TIMEOUT_MS)
    expect(visitor_lines.last).to_contain_text("Found it, thanks!")
    expect(chat.get_by_test_id("transcript")).not_to_contain_text("left the page")
    pages = console.get_by_test_id("page")
    expect(pages).to_have_count(2, timeout=TIMEOUT_MS)
    page.screenshot(path=str(SCREENSHOTS / "widget-chat-on-another-site.png"))

    # a reload there keeps the chat (this site's widget holds it now)
    page.reload()
    expect(w(page, "joined")).to_be_visible(timeout=TIMEOUT_MS)
    expect(texts).to_have_count(3)

    # and back to the shop, to an address with no fragment of its own: it ends clean
    back = f"{world.demo_url}/product.html"
    _say(console, contact_id, f"And the pot itself: {back}")
    links = panel(console, contact_id).get_by_test_id("push-link")
    expect(links).to_have_count(2, timeout=TIMEOUT_MS)  # the new message's link is there
    links.last.click()
    expect(page).to_have_url(back, timeout=TIMEOUT_MS)
    expect(texts).to_have_count(4, timeout=TIMEOUT_MS)
    expect(texts.last).to_contain_text("And the pot itself")

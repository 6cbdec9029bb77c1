"""People who leave, in real browsers (issue 8): the visitor's tab closes and the agent sees
"visitor left" at once and the slot freed after the grace; an agent signing out with a chat
is asked what to do; the console says when contacts wait beyond its chat limit; the demo
shop works on a phone."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.console_helpers import panel
from tests.e2e.widget_helpers import (
    TIMEOUT_MS,
    WidgetWorld,
    console_sign_in,
    make_world,
    request_chat,
    shop_chat,
    shop_services,
    visitor_page,
    w,
)

pytestmark = pytest.mark.e2e
GRACE = 10  # the shortest visitor-disconnect grace the settings allow


@pytest.fixture
def world(tmp_path: Path) -> Iterator[WidgetWorld]:
    yield from make_world(
        tmp_path, shop_services, env={"SPORTELLO_VISITOR_GRACE_SECONDS": str(GRACE)}
    )


def _shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"console-{name}.png"), animations="disabled")


def test_closing_the_visitors_tab_shows_visitor_left_then_frees_the_slot(
    world: WidgetWorld, browser: Browser, context_factory: Callable[..., BrowserContext]
) -> None:
    console = console_sign_in(world, context_factory(), "bob")
    capacity = console.get_by_test_id("capacity")
    expect(capacity).to_have_text("0 of 4 chats")
    visitor, _page, contact_id = shop_chat(world, browser, console, "Vera")
    expect(capacity).to_have_text("1 of 4 chats")
    chat = panel(console, contact_id)

    visitor.close()  # the tab goes away: pagehide, the beacon, the socket closes

    expect(chat.get_by_test_id("act-left")).to_be_visible(timeout=5_000)
    expect(chat.get_by_test_id("transcript")).to_contain_text("Vera left the page")
    _shot(console, "visitor-left")
    expect(chat.get_by_test_id("ended-bar")).to_be_visible(timeout=(GRACE + 8) * 1000)
    expect(chat.get_by_test_id("act-left")).to_be_hidden()
    expect(chat.get_by_test_id("transcript")).to_contain_text("did not come back")
    expect(capacity).to_have_text("0 of 4 chats")


def test_a_page_change_on_the_shop_keeps_the_chat_without_a_departure(
    world: WidgetWorld, browser: Browser, context_factory: Callable[..., BrowserContext]
) -> None:
    console = console_sign_in(world, context_factory(), "bob")
    _visitor, page, contact_id = shop_chat(world, browser, console, "Pia")
    chat = panel(console, contact_id)
    page.locator("a[href*='product']").first.click()  # a link to another page of the shop
    page.wait_for_url("**/product*")
    expect(w(page, "joined")).to_be_visible(timeout=TIMEOUT_MS)
    expect(chat.locator(".title .sub")).to_be_visible()
    console.wait_for_timeout((GRACE + 3) * 1000)
    expect(chat.get_by_test_id("ended-bar")).to_be_hidden()  # nothing ended after the grace
    expect(chat.get_by_test_id("act-left")).to_be_hidden()
    expect(chat.get_by_test_id("transcript")).not_to_contain_text("left the page")
    page.get_by_role("link", name="Help").first.click()  # and once more, still the same chat
    page.wait_for_url("**/help*")
    expect(w(page, "joined")).to_be_visible(timeout=TIMEOUT_MS)


def test_signing_out_with_a_chat_asks_and_hands_it_back(
    world: WidgetWorld, browser: Browser, context_factory: Callable[..., BrowserContext]
) -> None:
    console = console_sign_in(world, context_factory(), "bob")
    _visitor, page, _contact_id = shop_chat(world, browser, console, "Ugo")
    console.get_by_test_id("agent-menu").click()
    console.get_by_test_id("logout").click()
    dialog = console.get_by_test_id("signout-dialog")
    expect(dialog).to_contain_text("You have 1 contact in progress")
    expect(console.get_by_test_id("signout-requeue")).to_be_focused()
    _shot(console, "signout-dialog")
    console.get_by_test_id("signout-requeue").click()
    expect(console.get_by_label("Login")).to_be_visible(timeout=TIMEOUT_MS)
    expect(w(page, "requeued")).to_contain_text("was disconnected", timeout=TIMEOUT_MS)
    expect(w(page, "queue")).to_contain_text("Connecting you to another agent")


def test_the_console_says_when_contacts_wait_beyond_its_limit(
    world: WidgetWorld, browser: Browser, context_factory: Callable[..., BrowserContext]
) -> None:
    # cyd (support, limit 1) holds one chat; ann (support too) keeps the next one routable
    ann = world.agent("ann")
    console = console_sign_in(world, context_factory(), "cyd")
    _first_ctx, first = visitor_page(browser)
    first.goto(world.demo_url + "/")
    request_chat(first, "Ada", "First", service="Support")
    top = console.get_by_test_id("waiting-top")
    expect(top).to_be_visible(timeout=TIMEOUT_MS)
    top.click()
    expect(console.get_by_test_id("capacity")).to_have_text("1 of 1 chat")
    _second_ctx, second = visitor_page(browser)
    second.goto(world.demo_url + "/")
    request_chat(second, "Ben", "Second", service="Support")
    ann.wait_event("contact.offered")
    at_limit = console.get_by_test_id("waiting-at-limit")
    expect(at_limit).to_have_text(
        "1 waiting — you are at your limit (1 of 1 chat). End a chat to take one.",
        timeout=TIMEOUT_MS,
    )
    expect(console.get_by_test_id("waiting-count")).to_have_text("0")
    _shot(console, "at-limit")


def test_the_demo_shop_fits_a_phone_and_shows_the_launcher(
    world: WidgetWorld, browser: Browser
) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=3,
    )
    try:
        page = context.new_page()
        for path in ("/", "/product.html", "/help.html"):
            page.goto(world.demo_url + path)
            launcher = w(page, "launcher")
            expect(launcher).to_be_visible(timeout=TIMEOUT_MS)
            box = launcher.bounding_box()
            assert box is not None and box["x"] + box["width"] <= 390, (path, box)
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "widget-phone.png"))
    finally:
        context.close()

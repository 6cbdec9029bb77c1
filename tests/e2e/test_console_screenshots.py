"""Screenshots of the console's main states (docs/screenshots/console-*.png), at 1280 x 800."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import expect

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


def test_screenshots_of_the_main_states(
    console_server: E2EServer,
    context_factory: Callable[..., object],
    visitors: Callable[[], Visitor],
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = sign_in(context_factory(), console_server, "ann")  # type: ignore[arg-type]
    sales = service_id(console_server, "Sales")
    support = service_id(console_server, "Support")

    vera = visitors()
    vera.request(
        sales,
        "Vera Rossi",
        country="IT",
        email="vera.rossi@example.org",
        locale="it-IT",
        page_url="https://shop.example.com/bikes/city-e2",
        page_title="City bike E2",
        referrer="https://www.example-search.com/",
        message="Hello! Does the City E2 come in a larger frame?",
    )
    jonas = visitors()
    jonas.request(support, "Jonas Berg", country="DE", page_url="https://shop.example.com/help")
    for name, country, svc in (("Aiko Tanaka", "JP", sales), ("Lucas Martin", "FR", support)):
        visitors().request(svc, name, country=country)
    expect(page.get_by_test_id("waiting-count")).to_have_text("4")

    page.get_by_test_id("waiting-area").hover()
    expect(page.get_by_test_id("waiting-drawer")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "console-waiting-drawer.png"))

    # Take Jonas and Vera; chat with Vera.
    page.locator(f'[data-testid="waiting-entry"][data-contact-id="{jonas.contact_id}"]').click()
    expect(panel(page, jonas.contact_id)).to_be_visible()
    page.mouse.move(1000, 700)
    page.get_by_test_id("waiting-area").hover()
    page.locator(f'[data-testid="waiting-entry"][data-contact-id="{vera.contact_id}"]').click()
    vera_panel = panel(page, vera.contact_id)
    expect(vera_panel).to_have_attribute("expanded", "")
    page.mouse.move(1000, 780)
    jonas.say("Hi, my order #4411 has not arrived yet.")

    composer = vera_panel.get_by_test_id("composer")
    composer.fill("Hello Vera, yes: the City E2 comes in M, L and XL frames.")
    composer.press("Enter")
    composer.fill("The size guide is here: https://shop.example.com/size-guide")
    composer.press("Enter")
    delivery = vera_panel.get_by_test_id("delivery")
    expect(delivery).to_have_count(2)
    agent_ids = [m["id"] for m in vera.messages("agent")]
    vera.receipt(agent_ids[0], "read")
    vera.say("Great, thanks! I am 1.85 m tall, which one?")
    vera.open_socket()
    vera.typing()
    expect(vera_panel.get_by_test_id("typing-indicator")).to_be_visible()
    composer.fill("For 1.85 m I would pick the L frame.")
    composer.press("Enter")
    expect(vera_panel.locator('[data-testid="message"][data-state="read"]')).to_have_count(1)
    expect(panel(page, jonas.contact_id)).to_have_attribute("flash", "")
    page.screenshot(path=str(SCREENSHOTS / "console-chat-delivery.png"))

    page.get_by_test_id("colour-tool").click()
    page.locator('.swatch[data-colour="blue"]').click()
    panel(page, jonas.contact_id).get_by_test_id("panel-header").click()
    expect(panel(page, jonas.contact_id)).to_have_attribute("expanded", "")
    page.screenshot(path=str(SCREENSHOTS / "console-two-panels.png"))

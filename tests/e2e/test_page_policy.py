"""The app's pages work under their Content Security Policy (nothing they need is refused)
and the policy is in force: an injected inline script does not run."""

from __future__ import annotations

from playwright.sync_api import BrowserContext, ConsoleMessage, Page, expect

from tests.e2e.conftest import E2EServer
from tests.e2e.console_helpers import console_server, sign_in

__all__ = ["console_server"]

PAGES = {
    "/supervision": "supervision",
    "/reports": "reports",
    "/admin": "admin",
}


def refusals(page: Page) -> list[str]:
    refused: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    page.on("console", note)
    return refused


def test_the_pages_run_under_their_policy_and_inline_scripts_do_not(
    console_server: E2EServer, context_factory: object
) -> None:
    context: BrowserContext = context_factory()  # type: ignore[operator]
    page = sign_in(context, console_server, "ann")  # an admin: every page is hers
    refused = refusals(page)
    page.reload()
    expect(page.get_by_test_id("agent-status")).to_have_attribute("data-status", "READY")
    for path, element in PAGES.items():
        page.goto(f"{console_server.url}{path}")
        # rendered by its script: a heading inside the element's shadow root
        expect(page.locator(f"sp-{element}").get_by_role("heading").first).to_be_visible()
    assert refused == []

    page.evaluate(
        """() => {
            const script = document.createElement('script');
            script.textContent = 'window.injected = true';
            document.head.appendChild(script);
        }"""
    )
    assert page.evaluate("() => window.injected === undefined")
    assert any("script-src" in text for text in refused)

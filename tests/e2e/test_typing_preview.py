"""The typing preview in the browsers (issue 24): on a service that has it, the agent sees the
visitor's draft faintly under the transcript and the widget says so under its composer; on a
service without it the widget sends no draft at all and says nothing."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, WebSocket, expect

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.console_helpers import panel
from tests.e2e.widget_helpers import (
    TIMEOUT_MS,
    WidgetWorld,
    console_sign_in,
    make_world,
    request_chat,
    shot,
    visitor_page,
    w,
)
from tests.support.seed import ServiceSpec


@pytest.fixture
def world(tmp_path: Path) -> Iterator[WidgetWorld]:
    def services(site: str) -> tuple[ServiceSpec, ...]:
        return (
            ServiceSpec("Sales", ("sales",), sites=(site,), typing_preview=True),
            ServiceSpec("Support", ("support",), sites=(site,)),
        )

    yield from make_world(tmp_path, services)


def typing_frames(page: Page) -> list[dict[str, object]]:
    """Every `typing` frame the visitor's page sends, as it sends them."""
    sent: list[dict[str, object]] = []

    def watch(ws: WebSocket) -> None:
        def on_frame(payload: str | bytes) -> None:
            frame = json.loads(payload)
            if frame.get("type") == "typing":
                sent.append(frame)

        ws.on("framesent", on_frame)

    page.on("websocket", watch)
    return sent


def chat(
    world: WidgetWorld, browser: Browser, console: Page, name: str
) -> tuple[BrowserContext, Page, list[dict[str, object]], int]:
    """A visitor asks for the one service with an agent on (so the form shows no choice)."""
    context, page = visitor_page(browser)
    sent = typing_frames(page)
    page.goto(world.demo_url + "/")
    request_chat(page, name, "Hello")
    top = console.get_by_test_id("waiting-top")
    expect(top).to_be_visible(timeout=TIMEOUT_MS)
    contact_id = int(top.get_attribute("data-contact-id") or 0)
    top.click()
    expect(w(page, "joined")).to_be_visible(timeout=TIMEOUT_MS)
    return context, page, sent, contact_id


def test_the_agent_sees_the_draft_and_the_visitor_is_told(
    world: WidgetWorld, browser: Browser, context_factory: Callable[..., BrowserContext]
) -> None:
    console = console_sign_in(world, context_factory(), "bob")
    _ctx, page, sent, contact_id = chat(world, browser, console, "Vera")
    note = w(page, "typing-preview-note")
    expect(note).to_have_text("The agent sees what you type before you send it.")

    w(page, "input").press_sequentially("Is the red kettle back in stock", delay=20)
    preview = panel(console, contact_id).get_by_test_id("typing-preview")
    expect(preview).to_contain_text("Is the red kettle back in stock", timeout=TIMEOUT_MS)
    drafts = [f for f in sent if "draft" in f]
    assert drafts[-1]["draft"] == "Is the red kettle back in stock"  # the last one always goes
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    console.screenshot(path=str(SCREENSHOTS / "console-typing-preview.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "typing-preview-note")

    w(page, "input").press("Enter")  # sent: the preview goes, the message is there
    expect(preview).to_have_count(0)
    expect(
        panel(console, contact_id).locator('[data-testid="message"][data-sender="visitor"]').last
    ).to_contain_text("Is the red kettle back in stock")


def test_without_the_preview_no_draft_leaves_the_page(
    world: WidgetWorld, browser: Browser, context_factory: Callable[..., BrowserContext]
) -> None:
    console = console_sign_in(world, context_factory(), "cyd")  # Support only
    context, page, sent, contact_id = chat(world, browser, console, "Walt")
    expect(w(page, "typing-preview-note")).to_have_count(0)

    w(page, "input").press_sequentially("my secret draft", delay=20)
    expect(panel(console, contact_id).get_by_test_id("typing-indicator")).to_be_visible()
    assert sent and all("draft" not in frame for frame in sent)
    expect(panel(console, contact_id).get_by_test_id("typing-preview")).to_have_count(0)
    context.close()

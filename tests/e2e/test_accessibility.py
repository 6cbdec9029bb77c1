"""axe-core over every screen (issue 20): the console's states, the admin pages, the reports,
supervision and the widget's states, its Shadow DOM included. A serious or critical finding
fails (and so does content outside landmarks), printed with its rule, node and colours.
One server and a few pages for the module."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from sportello.domain.model import Role
from tests.e2e.conftest import E2EServer
from tests.e2e.console_helpers import Visitor, panel, sign_in
from tests.e2e.widget_helpers import (
    TIMEOUT_MS,
    WidgetWorld,
    make_world,
    open_widget,
    request_chat,
    shop_services,
    visitor_page,
    w,
)
from tests.support.files import png
from tests.support.seed import DEFAULT_AGENTS, AgentSpec

pytestmark = pytest.mark.e2e

AXE_JS = Path(__file__).resolve().parents[2] / "frontend/node_modules/axe-core/axe.min.js"
FAILING_IMPACTS = ("serious", "critical")
LANDMARK_RULES = ("region", "landmark-one-main")
"""Moderate, but fixed once (issue 20): content stays inside landmarks, every page has a main."""


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WidgetWorld]:
    """The demo shop, its server, and Sam, a supervisor of Sales."""
    agents = (*DEFAULT_AGENTS, AgentSpec("sam", ("sales",), Role.SUPERVISOR))
    yield from make_world(tmp_path_factory.mktemp("a11y"), shop_services, agents)


def describe(violation: dict[str, Any], where: str) -> list[str]:
    """One line per node: the rule, the node and, for contrast, the colours and the ratio."""
    lines = []
    for node in violation["nodes"]:
        colours = ""
        for check in node.get("any", []):
            data = check.get("data")
            if isinstance(data, dict) and "fgColor" in data:
                colours = (
                    f"\n    colours {data['fgColor']} on {data['bgColor']}"
                    f" = {data['contrastRatio']}:1 (needs {data['expectedContrastRatio']})"
                )
        lines.append(
            f"[{where}] {violation['impact']} {violation['id']}: {violation['help']}"
            f"\n    node {json.dumps(node['target'])} {node['html'][:200]}{colours}"
        )
    return lines


class Axe:
    """Runs axe on each screen as the test goes; `assert_clean` then fails with every finding.

    axe.min.js comes from the npm package (frontend/node_modules), read from disk."""

    def __init__(self) -> None:
        self.findings: list[str] = []

    def __call__(self, page: Page, where: str, include: str | None = None) -> None:
        """axe the page, or only the element `include` (its shadow tree included)."""
        if not AXE_JS.exists():
            pytest.fail("axe-core is not installed: cd frontend && npm ci")
        if not page.evaluate("() => 'axe' in window"):
            # Evaluated through the DevTools protocol: the app's pages allow no inline
            # script (web/security_headers.py), and a script tag would be refused.
            page.evaluate(AXE_JS.read_text())
        result = page.evaluate(
            "context => axe.run(context ?? document, {resultTypes: ['violations']})",
            {"include": [[include]]} if include else None,
        )
        for violation in result["violations"]:
            if violation["impact"] in FAILING_IMPACTS or violation["id"] in LANDMARK_RULES:
                self.findings.extend(describe(violation, where))

    def assert_clean(self) -> None:
        assert not self.findings, "\n".join(self.findings)


def test_console_admin_reports_and_supervision(
    world: WidgetWorld,
    context_factory: Callable[..., BrowserContext],
) -> None:
    check = Axe()
    server = E2EServer(server=world.server, seeded=world.seeded)
    sales = int(world.seeded.services["Sales"]["id"])
    left = {"service_id": sales, "name": "Lena", "email": "lena@example.com", "text": "Hi"}
    shop = {"Origin": world.demo_url}
    assert httpx.post(f"{server.url}/api/visitor/left-messages", json=left, headers=shop).is_success
    with httpx.Client(base_url=server.url, timeout=10) as http:
        login = {"login": "ann", "password": world.seeded.passwords["ann"]}
        token = http.post("/api/auth/login", json=login).json()["token"]
        group = {"name": "Sales desk", "tags": ["sales"]}
        auth = {"Authorization": f"Bearer {token}"}
        assert http.post("/api/admin/transfer-groups", json=group, headers=auth).is_success
    context = context_factory()
    page = context.new_page()
    page.goto(f"{server.url}/console")
    expect(page.get_by_label("Login")).to_be_visible()
    check(page, "sign-in")
    page.close()
    page = sign_in(context, server, "ann")
    check(page, "console empty")
    status = page.get_by_test_id("agent-status")
    page.get_by_test_id("pause-toggle").click()
    expect(status).to_have_attribute("data-status", "PAUSED")
    check(page, "console paused")
    page.get_by_test_id("pause-toggle").click()
    expect(status).to_have_attribute("data-status", "READY")

    vera = Visitor(server.url)
    vera.http.headers["Origin"] = world.demo_url
    vera.request(sales, "Vera Rossi", country="IT", message="Hello there")
    page.get_by_test_id("waiting-area").hover()
    expect(page.get_by_test_id("waiting-drawer")).to_be_visible()
    check(page, "waiting drawer")

    page.get_by_test_id("waiting-top").click()
    chat = panel(page, vera.contact_id)
    chat.get_by_test_id("composer").fill("Hello Vera, how can I help?")
    chat.get_by_test_id("composer").press("Enter")
    sent = vera.http.post(
        "/api/visitor/contact/files", params={"name": "leak.png"}, content=png(320, 240, "teal")
    )
    assert sent.status_code == 201, sent.text
    expect(chat.get_by_test_id("thumbnail")).to_be_visible()
    check(page, "assigned chat")

    chat.get_by_test_id("transfer-tool").click()
    expect(page.get_by_test_id("transfer-agent").first).to_be_visible()  # loaded
    check(page, "transfer dialog")
    page.get_by_test_id("transfer-cancel").click()

    side = context.new_page()
    for name in ("services", "agents", "groups", "audit", "tags"):
        side.goto(f"{server.url}/admin#{name}")
        expect(side.get_by_test_id(f"nav-{name}")).to_have_attribute("aria-current", "page")
        expect(side.get_by_test_id("audit-row" if name == "audit" else "row").first).to_be_visible()
        check(side, f"admin {name}")
    side.get_by_test_id("new").click()
    expect(side.get_by_test_id("edit-form")).to_be_visible()
    check(side, "admin new tag")

    side.goto(f"{server.url}/supervision")
    expect(side.get_by_test_id("stream-status")).to_have_text("Live")
    held = side.get_by_test_id("held-contact").filter(has_text="Vera Rossi")
    expect(held).to_be_visible()
    check(side, "supervision live")
    held.click()
    expect(side.get_by_test_id("live-transcript")).to_contain_text("Hello Vera")
    check(side, "supervision transcript")
    side.get_by_test_id("nav-left").click()
    expect(side.get_by_test_id("left-row")).to_have_count(1)
    check(side, "supervision left messages")

    chat.get_by_test_id("stop").click()
    chat.get_by_test_id("confirm-stop").click()
    expect(chat.get_by_test_id("ended-bar")).to_be_visible()
    check(page, "console ended chat")
    vera.close()

    side.goto(f"{server.url}/reports")
    expect(side.get_by_test_id("report-row")).to_have_count(1)
    check(side, "reports list")
    side.get_by_test_id("report-row").first.click()
    expect(side.get_by_test_id("report-thumbnail")).to_be_visible()
    check(side, "reports details")
    side.get_by_role("link", name="Overview").click()
    expect(side.locator("sp-overview[data-charts='2']")).to_be_attached()
    check(side, "reports overview")
    check.assert_clean()


def test_widget_states(world: WidgetWorld, browser: Browser) -> None:
    check = Axe()
    agent = world.agent("bob")  # online, never accepts "Quick": it dissuades after 5 s
    _, waiting = visitor_page(browser)
    waiting.goto(world.demo_url + "/")
    expect(w(waiting, "launcher")).to_be_visible(timeout=TIMEOUT_MS)
    check(waiting, "widget launcher", "sportello-widget")
    open_widget(waiting)
    check(waiting, "widget pre-chat", "sportello-widget")
    w(waiting, "launcher").click()
    request_chat(waiting, "Dina", "Do you sell gift cards?", service="Quick")
    expect(w(waiting, "queue")).to_be_visible(timeout=TIMEOUT_MS)
    check(waiting, "widget queue", "sportello-widget")

    # while Dina waits to be dissuaded: another visitor chats with Bob and ends
    _, page = visitor_page(browser)
    page.goto(world.demo_url + "/")
    request_chat(page, "Vera", "Hello there", service="Sales")
    offered = agent.wait_for(
        lambda f: (
            f.get("kind") == "contact.offered" and f["data"]["entry"]["visitor_name"] == "Vera"
        )
    )
    contact_id = offered["data"]["entry"]["contact_id"]
    agent.accept(contact_id)
    agent.say(contact_id, "Hi Vera, see https://example.com/help for the details.")
    expect(page.locator("sportello-widget [data-sender='agent']")).to_have_count(
        1, timeout=TIMEOUT_MS
    )
    check(page, "widget chat", "sportello-widget")
    w(page, "minimise").click()
    agent.say(contact_id, "Are you still there?")
    expect(w(page, "unread")).to_have_text("1", timeout=TIMEOUT_MS)
    check(page, "widget minimised with unread", "sportello-widget")
    open_widget(page)
    w(page, "close").click()
    expect(w(page, "confirm")).to_be_visible()
    check(page, "widget end confirmation", "sportello-widget")
    w(page, "confirm-yes").click()
    expect(w(page, "ended")).to_be_visible(timeout=TIMEOUT_MS)
    check(page, "widget ended", "sportello-widget")

    expect(w(waiting, "dissuasion")).to_be_visible(timeout=15_000)
    check(waiting, "widget dissuasion", "sportello-widget")
    w(waiting, "leave-instead").click()
    expect(w(waiting, "leave-name")).to_have_value("Dina")
    check(waiting, "widget leave a message", "sportello-widget")
    w(waiting, "leave-email").fill("dina@example.com")
    w(waiting, "leave-text").fill("Do you sell gift cards?")
    w(waiting, "leave-send").click()
    expect(w(waiting, "left")).to_be_visible(timeout=TIMEOUT_MS)
    check(waiting, "widget message left", "sportello-widget")
    check.assert_clean()

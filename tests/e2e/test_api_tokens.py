"""API tokens in the browser: an agent makes one from the console's menu (shown once), an
integration uses it, its last use shows, an admin sees it on the administration page and
revokes it, and the integration is refused from then on."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from playwright.sync_api import BrowserContext, expect

from tests.e2e.conftest import SCREENSHOTS, E2EServer
from tests.e2e.console_helpers import console_server, sign_in
from tests.e2e.test_accessibility import Axe

__all__ = ["console_server"]


def test_an_agent_makes_a_token_an_admin_revokes_it(
    console_server: E2EServer, context_factory: Callable[..., BrowserContext]
) -> None:
    server = console_server
    page = sign_in(context_factory(), server, "bob")
    page.get_by_test_id("agent-menu").click()
    page.get_by_test_id("own-tokens-link").click()
    dialog = page.get_by_test_id("own-tokens")
    dialog.get_by_test_id("new").click()
    form = dialog.get_by_test_id("edit-form")
    form.get_by_label("Name").fill("CRM")
    expect(form.get_by_label("Administration")).to_have_count(0)  # not bob's role
    form.get_by_label("Act on contacts").check()
    form.get_by_test_id("save").click()
    expect(dialog.get_by_test_id("status")).to_have_text("Token “CRM” created.")
    token = dialog.get_by_test_id("token-value").input_value()
    assert token.startswith("spt_")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "console-api-token.png"))
    axe = Axe()
    axe(page, "console, API token made")

    bearer = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.url, headers=bearer, timeout=10) as api:
        assert api.get("/api/waiting").status_code == 200
        assert api.get("/api/reports/contacts").json()["code"] == "token_scope"
    dialog.get_by_test_id("close-tokens").click()
    page.get_by_test_id("agent-menu").click()
    page.get_by_test_id("own-tokens-link").click()
    row = page.get_by_test_id("own-tokens").get_by_test_id("row").filter(has_text="CRM")
    expect(row).not_to_contain_text("never")  # last used: a date now

    admin = sign_in(context_factory(), server, "ann")
    admin.goto(f"{server.url}/admin#tokens")
    listed = admin.get_by_test_id("row").filter(has_text="bob")
    expect(listed).to_contain_text("CRM")
    expect(listed.get_by_test_id("edit")).to_have_count(0)
    listed.get_by_test_id("revoke").click()
    listed.get_by_test_id("confirm-action").click()
    expect(listed.get_by_test_id("revoked")).to_be_visible()
    admin.screenshot(path=str(SCREENSHOTS / "admin-api-tokens.png"), full_page=True)
    axe(admin, "admin, API tokens")
    axe.assert_clean()
    with httpx.Client(base_url=server.url, headers=bearer, timeout=10) as api:
        refused = api.get("/api/waiting")
        assert (refused.status_code, refused.json()["code"]) == (401, "api_token_revoked")

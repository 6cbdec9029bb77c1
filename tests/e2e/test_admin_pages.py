"""The admin pages in a real browser (issue 16): a new service is offered in the demo shop's
widget, disabling an agent who holds a contact says so first, then hands it back and signs
them out at once, errors show next to their field,
and a plain agent gets a clear "not allowed". One server and browser for the module."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.widget_helpers import (
    TIMEOUT_MS,
    WidgetWorld,
    console_sign_in,
    make_world,
    open_widget,
    shop_services,
    visitor_page,
    w,
)

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WidgetWorld]:
    yield from make_world(tmp_path_factory.mktemp("admin"), shop_services)


def admin_page(world: WidgetWorld, context: BrowserContext, page_name: str) -> Page:
    page = console_sign_in(world, context, "ann")
    page.get_by_test_id("agent-menu").click()
    expect(page.get_by_test_id("admin-link")).to_have_attribute("href", "/admin")
    page.goto(f"{world.server.url}/admin#{page_name}")
    expect(page.get_by_test_id(f"nav-{page_name}")).to_have_attribute("aria-current", "page")
    return page


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"admin-{name}.png"), full_page=True)


def test_a_new_service_is_offered_in_the_shop_widget(
    world: WidgetWorld, browser: Browser, context_factory: Callable[..., BrowserContext]
) -> None:
    world.agent("ann")  # a live console, so the service can be taken
    page = admin_page(world, context_factory(), "services")
    page.get_by_test_id("new").click()
    form = page.get_by_test_id("edit-form")
    expect(form.get_by_label("Name", exact=True)).to_be_focused()
    form.get_by_label("Name", exact=True).fill("Repairs")
    form.get_by_label("Priority").fill("99")
    form.get_by_label("Allowed sites").fill("shop.example")
    form.get_by_test_id("save").click()
    error = form.get_by_test_id("error-priority")
    expect(error).to_be_visible()  # from the API's field-named problem
    expect(form.get_by_label("Priority")).to_have_attribute("aria-invalid", "true")
    expect(form.get_by_label("Priority")).to_be_focused()
    form.get_by_label("Priority").fill("10")
    form.get_by_test_id("save").click()
    expect(form.get_by_test_id("error-sites")).to_contain_text("site origin")
    expect(form.get_by_test_id("error-priority")).to_have_count(0)
    shot(page, "field-error")
    form.get_by_label("Allowed sites").fill(world.demo_url)
    form.get_by_test_id("save").click()
    expect(page.get_by_test_id("status")).to_contain_text("Repairs")
    row = page.get_by_test_id("row").filter(has_text="Repairs")
    row.get_by_test_id("edit").click()
    snippet = page.get_by_test_id("snippet-code")
    expect(snippet).to_have_value(
        f'<script src="{world.server.url}/widget.js" data-service="Repairs" async></script>'
    )
    shot(page, "services")

    _context, shop = visitor_page(browser)
    shop.goto(world.demo_url + "/")
    open_widget(shop)
    expect(w(shop, "service").filter(has_text="Repairs")).to_be_visible(timeout=TIMEOUT_MS)
    _context.close()


def test_a_disabled_agent_is_signed_out_at_once(
    world: WidgetWorld, context_factory: Callable[..., BrowserContext]
) -> None:
    page = admin_page(world, context_factory(), "agents")
    page.get_by_test_id("new").click()
    form = page.get_by_test_id("edit-form")
    form.get_by_label("Login").fill("zoe")
    form.get_by_label("Name", exact=True).fill("Zoe Conti")
    form.get_by_label("Password").fill("zoe")
    form.get_by_label("Tags").fill("sales, support")
    form.get_by_test_id("save").click()
    # a sentence for a person, chosen by the problem's code; not the validator's wording
    expect(form.get_by_test_id("error-password")).to_have_text("Use at least 8 characters.")
    form.get_by_label("Password").fill("zoe-password-1")
    form.get_by_test_id("save").click()
    row = page.get_by_test_id("row").filter(has_text="zoe")
    expect(row).to_contain_text("Zoe Conti")

    theirs = context_factory().new_page()
    theirs.goto(f"{world.server.url}/console")
    theirs.get_by_label("Login").fill("zoe")
    theirs.get_by_label("Password").fill("zoe-password-1")
    theirs.get_by_role("button", name="Sign in").click()
    expect(theirs.get_by_test_id("agent-status")).to_have_attribute("data-status", "READY")
    with httpx.Client(base_url=world.server.url, headers={"Origin": world.demo_url}) as visitor:
        sales = world.seeded.services["Sales"]["id"]
        created = visitor.post(
            "/api/visitor/contacts",
            json={"service_id": sales, "visitor_id": "visitor-of-zoe", "name": "Vito Held"},
        )
        assert created.status_code == 201, created.text
        token = created.json()["token"]
        theirs.get_by_test_id("waiting-top").click()  # Zoe takes it
        expect(theirs.get_by_test_id("panel-header")).to_contain_text("Vito Held")

        row.get_by_test_id("toggle-enabled").click()
        question = row.get_by_test_id("question-text")
        expect(question).to_contain_text("1 contact will be handed back to the queue now")
        shot(page, "agents-disable")
        row.get_by_test_id("cancel-action").click()  # keep: nothing changes
        expect(row.get_by_test_id("question")).to_have_count(0)
        expect(row.get_by_test_id("disabled")).to_have_count(0)
        row.get_by_test_id("toggle-enabled").click()
        row.get_by_test_id("confirm-action").click()
        expect(row.get_by_test_id("disabled")).to_be_visible()
        expect(page.get_by_test_id("status")).to_have_text(
            "zoe disabled and signed out. 1 contact handed back to the queue."
        )
        expect(theirs.get_by_label("Login")).to_be_visible(timeout=TIMEOUT_MS)  # back to sign-in
        expect(theirs.get_by_test_id("agent-status")).to_have_count(0)
        contact = visitor.get(
            "/api/visitor/contact", headers={"Authorization": f"Bearer {token}"}
        ).json()
        assert (contact["state"], contact["agent"]) == ("pending", None)  # handed back at once
    shot(page, "agents")

    page.get_by_test_id("nav-audit").click()
    first = page.get_by_test_id("audit-row").first
    expect(first).to_have_attribute("data-action", "agent.changed")
    expect(first.get_by_test_id("change")).to_contain_text("enabled")
    page.get_by_test_id("audit-kind").select_option("service")
    page.get_by_test_id("audit-apply").click()
    expect(page.get_by_test_id("audit-row").first).to_have_attribute(
        "data-action", "service.created"
    )
    page.get_by_test_id("audit-kind").select_option("")
    page.get_by_test_id("audit-actor").select_option(label="ann")
    page.get_by_test_id("audit-apply").click()
    expect(page.locator("[data-testid=audit-row]:not([data-actor=ann])")).to_have_count(0)
    expect(page.get_by_test_id("audit-row").first).to_have_attribute("data-actor", "ann")
    shot(page, "audit")
    page.get_by_test_id("nav-groups").click()
    page.get_by_test_id("new").click()
    page.get_by_label("Name", exact=True).fill("Front desk")
    page.get_by_label("Member tags").fill("sales, support")
    page.get_by_test_id("save").click()
    desk = page.get_by_test_id("row").filter(has_text="Front desk")
    desk.get_by_test_id("edit").click()
    page.get_by_label("Members must hold every tag").check()
    page.get_by_label("Priority").press("Enter")  # keyboard: Enter submits the form
    expect(desk).to_contain_text("all of")
    shot(page, "groups")
    page.get_by_test_id("nav-tags").click()
    expect(page.get_by_test_id("row").filter(has_text="support")).to_contain_text("1 group")
    # keyboard only: open the form, type, Enter saves; Escape closes and gives focus back
    page.get_by_test_id("new").focus()
    page.keyboard.press("Enter")
    page.keyboard.type("vip")
    page.keyboard.press("Tab")
    page.keyboard.type("Customers who spend the most")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("row").filter(has_text="vip")).to_contain_text("0 services")
    page.get_by_test_id("row").filter(has_text="vip").get_by_test_id("edit").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Description")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("edit-form")).to_have_count(0)
    expect(page.get_by_test_id("row").filter(has_text="vip").get_by_test_id("edit")).to_be_focused()
    shot(page, "tags")
    sales = page.get_by_test_id("row").filter(has_text="sales")
    sales.get_by_test_id("delete").click()
    sales.get_by_test_id("confirm-delete").click()
    expect(page.get_by_test_id("page-error")).to_contain_text("still in use")
    vip = page.get_by_test_id("row").filter(has_text="vip")
    vip.get_by_test_id("delete").click()
    vip.get_by_test_id("confirm-delete").click()
    expect(page.get_by_test_id("status")).to_contain_text("deleted")
    expect(vip).to_have_count(0)
    page.set_viewport_size({"width": 820, "height": 1100})
    page.get_by_test_id("nav-agents").click()
    expect(page.get_by_test_id("row").first).to_be_visible()
    shot(page, "agents-tablet")


def test_a_plain_agent_is_not_allowed(
    world: WidgetWorld, context_factory: Callable[..., BrowserContext]
) -> None:
    page = console_sign_in(world, context_factory(), "bob")
    page.get_by_test_id("agent-menu").click()
    expect(page.get_by_test_id("reports-link")).to_be_visible()
    expect(page.get_by_test_id("admin-link")).to_have_count(0)
    page.goto(f"{world.server.url}/admin")
    expect(page.get_by_test_id("not-allowed")).to_contain_text("Not allowed")
    shot(page, "not-allowed")


def test_the_leave_a_message_switch_applies_on_the_next_page_load(
    world: WidgetWorld, browser: Browser, context_factory: Callable[..., BrowserContext]
) -> None:
    night_site = world.other_site()
    page = admin_page(world, context_factory(), "services")
    page.get_by_test_id("new").click()
    page.get_by_label("Name", exact=True).fill("Night desk")
    page.get_by_label("Tags").fill("night")  # nobody holds it: never available
    page.get_by_label("Allowed sites").fill(night_site)
    page.get_by_test_id("save").click()
    row = page.get_by_test_id("row").filter(has_text="Night desk")
    expect(row).to_contain_text("yes")

    context, shop = visitor_page(browser)
    shop.goto(night_site + "/")
    open_widget(shop)
    expect(w(shop, "leave-form")).to_be_visible(timeout=TIMEOUT_MS)

    row.get_by_test_id("edit").click()
    page.get_by_label("Leave-a-message form when nobody is available").uncheck()
    page.get_by_test_id("save").click()
    expect(row).to_contain_text("no")
    shop.reload()  # the widget comes back open, as the visitor left it
    expect(w(shop, "nobody")).to_be_visible(timeout=TIMEOUT_MS)
    expect(w(shop, "leave-form")).to_have_count(0)
    context.close()


def test_a_service_gets_a_form_invitations_and_an_identity_secret(
    world: WidgetWorld, context_factory: Callable[..., BrowserContext]
) -> None:
    page = admin_page(world, context_factory(), "services")
    page.get_by_test_id("row").filter(has_text="Support").get_by_test_id("edit").click()
    form = page.get_by_test_id("edit-form")
    form.get_by_label("Pre-chat form").fill(
        "name | Your name | required\n"
        "phone | Telephone | optional\n"
        "choice | Topic | required | Orders, Returns\n"
        "consent | I have read the privacy policy | required"
    )
    form.get_by_label("Privacy policy address").fill("https://shop.example/privacy")
    form.get_by_label("Chat invitations").fill("pricing | 30 | anyone | available")
    form.get_by_test_id("save").click()
    expect(form.get_by_test_id("error-invitations")).to_be_visible()
    form.get_by_label("Chat invitations").fill("/pricing* | 30 | returning | always | Questions?")
    form.get_by_test_id("save").click()
    expect(page.get_by_test_id("status")).to_contain_text("Support")

    page.get_by_test_id("row").filter(has_text="Support").get_by_test_id("edit").click()
    form = page.get_by_test_id("edit-form")
    expect(form.get_by_label("Pre-chat form")).to_have_value(
        "name | Your name | required\n"
        "phone | Telephone | optional\n"
        "choice | Topic | required | Orders, Returns\n"
        "consent | I have read the privacy policy | required"
    )
    expect(form.get_by_label("Chat invitations")).to_have_value(
        "/pricing* | 30 | returning | always | Questions?"
    )
    secret = page.get_by_test_id("identity-secret")
    expect(secret.get_by_test_id("identity-secret-off")).to_be_visible()
    secret.get_by_test_id("identity-secret-generate").click()
    value = secret.get_by_test_id("identity-secret-value")
    expect(value).to_be_visible()
    first = value.input_value()
    assert len(first) >= 40
    secret.get_by_test_id("identity-secret-generate").click()
    secret.get_by_test_id("identity-secret-confirm").click()
    expect(value).not_to_have_value(first)
    shot(page, "service-form-identity")
    with httpx.Client(base_url=world.server.url, timeout=10) as http:
        login = http.post(
            "/api/auth/login", json={"login": "ann", "password": world.seeded.passwords["ann"]}
        )
        headers = {"Authorization": f"Bearer {login.json()['token']}"}
        listed = http.get("/api/admin/services", headers=headers).json()
    support = next(s for s in listed if s["name"] == "Support")
    assert support["identity_secret"] == value.input_value()
    assert [f["kind"] for f in support["prechat_fields"]] == ["name", "phone", "choice", "consent"]

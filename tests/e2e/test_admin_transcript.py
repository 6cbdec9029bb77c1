"""The per-service "send the transcript automatically" setting on the admin page: ticked
in the browser, stored, and then a contact closing queues its transcript."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.widget_helpers import WidgetWorld, console_sign_in, make_world, shop_services

pytestmark = pytest.mark.e2e

LABEL = "E-mail the transcript when a conversation ends (to visitors who gave an address)"


@pytest.fixture
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WidgetWorld]:
    yield from make_world(tmp_path_factory.mktemp("admin-transcript"), shop_services)


def test_the_admin_turns_automatic_transcripts_on(
    world: WidgetWorld, context_factory: Callable[..., BrowserContext]
) -> None:
    page = console_sign_in(world, context_factory(), "ann")
    page.goto(f"{world.server.url}/admin#services")
    row = page.get_by_test_id("row").filter(has_text="Sales")
    row.get_by_test_id("edit").click()
    form = page.get_by_test_id("edit-form")
    box = form.get_by_label(LABEL)
    expect(box).not_to_be_checked()
    box.check()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "admin-transcript-auto.png"), full_page=True)
    form.get_by_test_id("save").click()
    expect(page.get_by_test_id("status")).to_contain_text("Sales")
    services = world.admin_get("/api/admin/services").json()
    assert next(s for s in services if s["name"] == "Sales")["transcript_auto"] is True
    audit = world.admin_get("/api/admin/audit").json()
    changes = [
        e
        for e in audit["items"]
        if e["action"] == "service.changed" and e["target"]["name"] == "Sales"
    ]
    assert changes and changes[0]["after"] == {"transcript_auto": True}

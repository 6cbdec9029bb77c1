"""Opening hours in the browser (issue 25): outside them the widget offers to leave a
message, saying the service is closed, and the agent's console names the closed service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.widget_helpers import (
    TIMEOUT_MS,
    WidgetWorld,
    console_sign_in,
    make_world,
    open_widget,
    shot,
    visitor_page,
    w,
)
from tests.support.seed import ServiceSpec

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def services(site: str) -> tuple[ServiceSpec, ...]:
    return (ServiceSpec("Support", ("support",), sites=(site,)),)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[WidgetWorld]:
    yield from make_world(tmp_path, services)


def close_for_the_holidays(world: WidgetWorld) -> None:
    """Today and tomorrow (UTC) are holidays: closed all day, whenever the test runs."""
    today = dt.datetime.now(dt.UTC).date()
    days = [today.isoformat(), (today + dt.timedelta(days=1)).isoformat()]
    with httpx.Client(base_url=world.server.url, timeout=10) as http:
        login = http.post(
            "/api/auth/login", json={"login": "ann", "password": world.seeded.passwords["ann"]}
        )
        token = login.json()["token"]
        changed = http.patch(
            f"/api/admin/services/{world.seeded.services['Support']['id']}",
            json={"holidays": days, "opening_hours": ["mon-sun 00:00-24:00"]},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert changed.status_code == 200, changed.text


def test_outside_hours_the_visitor_may_leave_a_message(
    world: WidgetWorld, browser: Browser
) -> None:
    close_for_the_holidays(world)
    console_context, _ = visitor_page(browser, viewport={"width": 1280, "height": 800})
    console = console_sign_in(world, console_context, "cyd")
    closed = console.get_by_test_id("closed-services")
    expect(closed).to_have_text("Closed now (opening hours): Support", timeout=TIMEOUT_MS)
    console.screenshot(path=str(SCREENSHOTS / "console-service-closed.png"), animations="disabled")

    _, page = visitor_page(browser, viewport=PHONE)
    page.goto(world.demo_url + "/help.html")
    open_widget(page)
    expect(w(page, "leave-form")).to_be_visible(timeout=TIMEOUT_MS)
    expect(w(page, "leave-intro")).to_contain_text("We are closed right now.")
    shot(page, "service-closed-phone")

"""Waiting for a busy agent in the browser (issue 25): a visitor who asks while the only
support agent is full is told they are queued — on a phone too — the agent's console shows
the queued entry, not takeable, and says why; when the agent ends their chat the visitor is
offered at once and served."""

from __future__ import annotations

import uuid
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
    request_chat,
    shot,
    visitor_page,
    w,
)
from tests.support.seed import ServiceSpec

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 800}


def services(site: str) -> tuple[ServiceSpec, ...]:
    return (
        ServiceSpec(
            "Support",
            ("support",),
            sites=(site,),
            dissuasion_seconds=600,
            when_busy="queue",
            queue_max_wait_seconds=1800,
        ),
    )


@pytest.fixture
def world(tmp_path: Path) -> Iterator[WidgetWorld]:
    yield from make_world(tmp_path, services)


def ask(world: WidgetWorld, name: str) -> int:
    """Someone else asks first, through the visitor API."""
    with httpx.Client(base_url=world.server.url, headers={"Origin": world.demo_url}) as http:
        response = http.post(
            "/api/visitor/contacts",
            json={
                "service_id": world.seeded.services["Support"]["id"],
                "visitor_id": uuid.uuid4().hex,
                "name": name,
            },
        )
    assert response.status_code == 201, response.text
    return int(response.json()["contact"]["id"])


def test_a_visitor_queued_while_the_agent_is_full_is_served_when_a_chat_ends(
    world: WidgetWorld, browser: Browser
) -> None:
    console_context, _ = visitor_page(browser, viewport=DESK)
    console = console_sign_in(world, console_context, "cyd")  # support, one chat at a time
    first = ask(world, "Aldo")
    top = console.get_by_test_id("waiting-top")
    expect(top).to_have_attribute("data-contact-id", str(first), timeout=TIMEOUT_MS)
    top.click()  # cyd is now full

    _, phone = visitor_page(browser, viewport=PHONE)
    phone.goto(world.demo_url + "/help.html")
    request_chat(phone, "Grace", "My order has not arrived")
    expect(w(phone, "queued")).to_be_visible(timeout=TIMEOUT_MS)
    expect(w(phone, "queued")).to_contain_text("You are in the queue")
    expect(w(phone, "queue").locator("h2")).to_have_text("All our agents are busy")
    expect(w(phone, "place")).to_contain_text("You are next in line.")
    shot(phone, "busy-queue-phone")
    phone.set_viewport_size({"width": 1100, "height": 760})
    shot(phone, "busy-queue")
    phone.set_viewport_size(PHONE)

    # the console shows the queued visitor, not takeable, and says why
    queued = console.get_by_test_id("queued-entry")
    expect(queued).to_have_count(1, timeout=TIMEOUT_MS)
    expect(queued).to_contain_text("Grace")
    expect(queued.get_by_test_id("entry-queued")).to_have_text("Queued")
    expect(console.get_by_test_id("queued-why")).to_contain_text("1 queued")
    expect(console.get_by_test_id("waiting-top")).to_have_count(0)
    expect(console.get_by_test_id("waiting-count")).to_have_text("1")
    console.screenshot(path=str(SCREENSHOTS / "console-busy-queue.png"), animations="disabled")

    # cyd ends the chat with Aldo: Grace is offered at once, and taken
    cyd = world.agent("cyd")
    closed = cyd.run(cyd.client.post(f"/api/contacts/{first}/close"))
    assert closed.status_code == 200, closed.text
    expect(w(phone, "queued")).to_have_count(0, timeout=TIMEOUT_MS)
    expect(w(phone, "queue").locator("h2")).to_have_text("Connecting you to an agent…")
    top = console.get_by_test_id("waiting-top")
    expect(top).to_contain_text("Grace", timeout=TIMEOUT_MS)
    expect(console.get_by_test_id("queued-entry")).to_have_count(0)
    top.click()
    expect(w(phone, "chat")).to_be_visible(timeout=TIMEOUT_MS)
    expect(w(phone, "agent-name")).to_contain_text("Cyd")
    shot(phone, "busy-queue-served-phone")

    # the report splits Grace's wait into her time queued and her time offered
    reports = console_context.new_page()
    reports.goto(f"{world.server.url}/reports")
    reports.get_by_test_id("report-row").filter(has_text="Grace").click()
    detail = reports.get_by_test_id("report-contact")
    expect(detail.get_by_test_id("report-queued")).to_contain_text(
        "Time queued", timeout=TIMEOUT_MS
    )
    expect(detail).to_contain_text("Time offered")


def test_past_the_queue_length_the_visitor_may_leave_a_message(
    world: WidgetWorld, browser: Browser
) -> None:
    cyd = world.agent("cyd")
    cyd.accept(ask(world, "Aldo"))  # full
    # the service's limit is lowered to one queued request; one is queued already
    with httpx.Client(base_url=world.server.url, timeout=10) as http:
        login = http.post(
            "/api/auth/login", json={"login": "ann", "password": world.seeded.passwords["ann"]}
        )
        token = login.json()["token"]
        changed = http.patch(
            f"/api/admin/services/{world.seeded.services['Support']['id']}",
            json={"queue_max_length": 1},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert changed.status_code == 200, changed.text
    ask(world, "Bea")
    _, page = visitor_page(browser, viewport=PHONE)
    page.goto(world.demo_url + "/help.html")
    request_chat(page, "Carla")
    expect(w(page, "failed")).to_be_visible(timeout=TIMEOUT_MS)
    expect(w(page, "failed").locator("h2")).to_have_text("The queue is full")
    expect(w(page, "dissuasion")).to_have_text(
        "All our agents are busy and too many people are already waiting."
    )
    expect(w(page, "leave-instead")).to_be_visible()
    shot(page, "busy-queue-full-phone")

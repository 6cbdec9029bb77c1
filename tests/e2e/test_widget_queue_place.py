"""A waiting visitor sees their place in line move up, on a phone, in Italian and English;
the console's waiting entry shows the same number."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

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


def services(site: str) -> tuple[ServiceSpec, ...]:
    return (
        ServiceSpec("Vendite", ("sales",), sites=(site,), language="it", dissuasion_seconds=600),
        ServiceSpec("Sales", ("sales",), sites=(site,), language="en", dissuasion_seconds=600),
    )


@pytest.fixture
def world(tmp_path: Path) -> Iterator[WidgetWorld]:
    yield from make_world(tmp_path, services)


def ask(world: WidgetWorld, service: str, name: str) -> int:
    """Someone else asks first, through the visitor API (no widget of theirs is needed)."""
    with httpx.Client(base_url=world.server.url, headers={"Origin": world.demo_url}) as http:
        response = http.post(
            "/api/visitor/contacts",
            json={
                "service_id": world.seeded.services[service]["id"],
                "visitor_id": uuid.uuid4().hex,
                "name": name,
            },
        )
    assert response.status_code == 201, response.text
    assert response.json()["contact"]["state"] == "pending"
    return int(response.json()["contact"]["id"])


def waiting_on_phone(world: WidgetWorld, browser: Browser, locale: str, service: str) -> Page:
    _, page = visitor_page(browser, locale=locale, viewport=PHONE)
    page.goto(world.demo_url + "/help.html")
    request_chat(page, "Giulia" if locale == "it-IT" else "Grace", service=service)
    expect(w(page, "queue")).to_be_visible(timeout=TIMEOUT_MS)
    return page


def test_the_place_in_line_moves_up_as_the_line_moves(world: WidgetWorld, browser: Browser) -> None:
    console_context, _ = visitor_page(browser)
    console = console_sign_in(world, console_context, "bob")
    first = ask(world, "Vendite", "Aldo")
    ask(world, "Sales", "Bea")

    italian = waiting_on_phone(world, browser, "it-IT", "Vendite")
    place = w(italian, "place")
    expect(place).to_have_attribute("data-position", "2", timeout=TIMEOUT_MS)
    expect(place).to_contain_text("È il numero 2 in coda.")
    expect(w(italian, "estimate")).to_have_count(0)  # no answers yet: no estimate
    shot(italian, "queue-place-it")

    # Sales has answered five contacts lately (at once): an estimate, said roughly
    ann = world.agent("ann")
    for n in range(5):
        answered = ask(world, "Sales", f"Earlier {n}")
        ann.accept(answered)
        assert ann.run(ann.client.post(f"/api/contacts/{answered}/close")).status_code == 200
    english = waiting_on_phone(world, browser, "en-GB", "Sales")
    expect(w(english, "place")).to_contain_text("You are number 2 in line.", timeout=TIMEOUT_MS)
    expect(w(english, "estimate")).to_have_text("Estimated wait: less than a minute")
    shot(english, "queue-place-en")

    # the console numbers the waiting entries as their visitors are told
    top = console.get_by_test_id("waiting-top")
    expect(top).to_have_attribute("data-contact-id", str(first), timeout=TIMEOUT_MS)
    expect(top.get_by_test_id("entry-position")).to_have_text("#1 in line")
    console.get_by_test_id("waiting-area").hover()
    giulia = console.get_by_test_id("waiting-entry").filter(has_text="Giulia")
    expect(giulia.get_by_test_id("entry-position")).to_have_attribute("data-position", "2")
    shot(console, "queue-place-console")

    # the agent takes the one ahead of Giulia: she is next, on both sides
    top.click()
    expect(place).to_have_attribute("data-position", "1", timeout=TIMEOUT_MS)
    expect(place).to_contain_text("È il prossimo in coda.")
    shot(italian, "queue-place-it-next")
    console.mouse.move(0, 0)  # the click left the pointer inside: enter the area again
    console.get_by_test_id("waiting-area").hover()
    expect(giulia.get_by_test_id("entry-position")).to_have_attribute("data-position", "1")
    expect(w(english, "place")).to_have_attribute("data-position", "2")  # another line

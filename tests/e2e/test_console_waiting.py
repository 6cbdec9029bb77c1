"""The waiting area: two agents see the same contact; the first to take it wins; oldest rule."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import expect

from tests.e2e.conftest import E2EServer
from tests.e2e.console_helpers import (
    Visitor,
    console_server,
    panel,
    service_id,
    sign_in,
    visitors,
    waiting_entry,
)

__all__ = ["console_server", "visitors"]


def test_two_agents_share_the_waiting_area_and_the_top_box_takes_the_oldest(
    console_server: E2EServer,
    context_factory: Callable[..., object],
    visitors: Callable[[], Visitor],
) -> None:
    ann = sign_in(context_factory(), console_server, "ann")  # type: ignore[arg-type]
    bob = sign_in(context_factory(), console_server, "bob")  # type: ignore[arg-type]
    sales = service_id(console_server, "Sales")

    first = visitors().request(
        sales, "Vera Visitor", country="IT", page_url="https://shop.example.com/p/1"
    )
    for page in (ann, bob):
        expect(page.get_by_test_id("waiting-count")).to_have_text("1")
        top = page.get_by_test_id("waiting-top")
        expect(top).to_have_attribute("data-contact-id", str(first))
        expect(top).to_contain_text("Vera Visitor")
        expect(top).to_contain_text("Sales")
        expect(top).to_contain_text("New visitor")
        expect(top.get_by_test_id("country")).to_have_attribute("data-country", "IT")

    # ann picks it from the drawer; it disappears from bob's waiting area within a second.
    ann.get_by_test_id("waiting-area").hover()
    waiting_entry(ann, first).click()
    expect(panel(ann, first)).to_be_visible()
    expect(panel(ann, first)).to_have_attribute("expanded", "")
    expect(bob.get_by_test_id("waiting-count")).to_have_text("0", timeout=1000)
    expect(bob.get_by_test_id("waiting-top")).to_have_count(0, timeout=1000)

    # Two more: the top box takes the one that has waited longest.
    second = visitors().request(sales, "Walt Older")
    expect(bob.get_by_test_id("waiting-count")).to_have_text("1")
    third = visitors().request(sales, "Xena Newer")
    expect(bob.get_by_test_id("waiting-count")).to_have_text("2")
    expect(bob.get_by_test_id("waiting-top")).to_have_attribute("data-contact-id", str(second))
    bob.get_by_test_id("waiting-area").hover()
    expect(bob.get_by_test_id("waiting-entry")).to_have_count(2)
    bob.get_by_test_id("waiting-top").click()
    expect(panel(bob, second)).to_contain_text("Walt Older")
    expect(panel(bob, third)).to_have_count(0)
    expect(ann.get_by_test_id("waiting-top")).to_have_attribute("data-contact-id", str(third))
    expect(ann.get_by_test_id("waiting-count")).to_have_text("1")

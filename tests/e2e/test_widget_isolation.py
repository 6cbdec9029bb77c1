"""The widget looks the same on a page with hostile CSS as on a plain page, and its own
styles do not leak into the host page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.widget_helpers import (
    TIMEOUT_MS,
    WidgetWorld,
    open_widget,
    shot,
    visitor_page,
    w,
    world,
)

pytestmark = pytest.mark.e2e
__all__ = ["world"]

KEYS = ["panel", "launcher", "service", "name", "start", "first-message"]
PROPS = [
    "font-family",
    "font-size",
    "font-weight",
    "font-style",
    "line-height",
    "letter-spacing",
    "word-spacing",
    "text-transform",
    "text-align",
    "text-shadow",
    "color",
    "background-color",
    "box-sizing",
    "border-top-style",
    "border-top-width",
    "border-top-left-radius",
    "padding-top",
    "padding-left",
    "margin-top",
    "outline-style",
    "opacity",
    "direction",
]


def widget_styles(page: Page) -> dict[str, Any]:
    return dict(
        page.evaluate(
            """([keys, props]) => {
                const root = document.querySelector('sportello-widget').shadowRoot;
                const out = {};
                for (const key of keys) {
                    const el = root.querySelector(`[data-test="${key}"]`);
                    const cs = getComputedStyle(el);
                    const box = el.getBoundingClientRect();
                    out[key] = Object.fromEntries(props.map((p) => [p, cs.getPropertyValue(p)]));
                    out[key].box = [box.x, box.y, box.width, box.height].map(Math.round);
                }
                return out;
            }""",
            [KEYS, PROPS],
        )
    )


def inner_pixels(page: Page, key: str, inset: int) -> bytes:
    box = w(page, key).bounding_box()
    assert box is not None
    clip = {
        "x": box["x"] + inset,
        "y": box["y"] + inset,
        "width": box["width"] - 2 * inset,
        "height": box["height"] - 2 * inset,
    }
    return page.screenshot(clip=clip, animations="disabled")  # type: ignore[arg-type]


def open_start_form(page: Page, url: str) -> None:
    page.goto(url)
    open_widget(page)
    expect(w(page, "service")).to_have_count(3, timeout=TIMEOUT_MS)
    page.mouse.move(0, 0)  # no hover effect on the launcher
    page.wait_for_function(
        "document.querySelector('sportello-widget').shadowRoot"
        ".querySelector('.launcher').getAnimations().length === 0"
    )


def test_hostile_css_does_not_change_the_widget(world: WidgetWorld, browser: Browser) -> None:
    world.agent("ann")
    _, plain = visitor_page(browser)
    _, hostile = visitor_page(browser)
    open_start_form(plain, world.demo_url + "/index.html")
    open_start_form(hostile, world.demo_url + "/hostile.html")

    # the hostile rules are really in force on the host page …
    page_font = hostile.evaluate("getComputedStyle(document.querySelector('main p')).fontFamily")
    assert "Comic Sans" in page_font
    # … yet every key element of the widget computes the same styles and boxes
    assert widget_styles(hostile) == widget_styles(plain)
    shot(hostile, "hostile")
    # and renders the same pixels (inside the rounded corners, where the page shows through)
    for key, inset in (("panel", 16), ("launcher", 10)):
        assert inner_pixels(hostile, key, inset) == inner_pixels(plain, key, inset), key

    # the widget's styles do not leak out: the shop's own buttons keep the shop's look
    shop_button = plain.evaluate(
        "getComputedStyle(document.querySelector('a.button')).backgroundColor"
    )
    assert shop_button == "rgb(180, 83, 42)"

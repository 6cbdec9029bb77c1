"""Private notes, mentions and whispers in real browsers (issue 24): the console's composer
switches between a reply and a private note, each looking unlike the other; a note and a
supervisor's whisper show as labelled cards to the agent and the supervisor, and never in
the visitor's widget — not live, not after the page reloads; an @mention reaches the
colleague's console, who reads the contact and answers with a note."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from sportello.domain.model import Role
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.console_helpers import panel
from tests.e2e.test_accessibility import Axe
from tests.e2e.widget_helpers import (
    TIMEOUT_MS,
    WidgetWorld,
    console_sign_in,
    make_world,
    shop_chat,
    shop_services,
    w,
)
from tests.support.seed import DEFAULT_AGENTS, AgentSpec

pytestmark = pytest.mark.e2e

NOTE = "internal: reseller account, check the discount @cyd"
WHISPER = "whisper: offer the 10% voucher"


@pytest.fixture
def world(tmp_path: Path) -> Iterator[WidgetWorld]:
    """The demo shop with Sam, a supervisor of Sales, beside the usual agents."""
    agents = (*DEFAULT_AGENTS, AgentSpec("sam", ("sales",), Role.SUPERVISOR))
    yield from make_world(tmp_path, shop_services, agents)


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), animations="disabled")


def widget_html(page: Page) -> str:
    """Everything the widget renders, inside its shadow root."""
    return str(
        page.evaluate("() => document.querySelector('sportello-widget').shadowRoot.innerHTML")
    )


def write_note(console: Page, contact_id: int, text: str) -> None:
    box = panel(console, contact_id)
    box.get_by_test_id("mode-note").click()
    expect(box.get_by_test_id("composer-box")).to_have_attribute("data-mode", "note")
    box.get_by_test_id("composer").fill(text)
    box.get_by_test_id("composer").press("Enter")


def test_notes_and_whispers_show_to_staff_and_never_in_the_widget(
    world: WidgetWorld, browser: Browser, context_factory: Callable[..., BrowserContext]
) -> None:
    bob = console_sign_in(world, context_factory(), "bob")
    _ctx, vera, cid = shop_chat(world, browser, bob, "Vera", "Do you ship to Malta?")
    box = panel(bob, cid)

    write_note(bob, cid, NOTE)
    card = box.get_by_test_id("note")
    expect(card).to_have_count(1)
    expect(card.get_by_test_id("note-label")).to_have_text("Your private note")
    expect(card).to_have_attribute("data-kind", "note")
    expect(card.get_by_test_id("note-told")).to_have_text("Told: Cyd Agent")
    composer = box.get_by_test_id("composer")
    expect(composer).to_have_value("")
    expect(composer).to_have_attribute(
        "placeholder",
        "Private note: only agents and supervisors read it. Type @login to ask a colleague.",
    )
    expect(box.get_by_test_id("send")).to_have_text("Add note")
    composer.fill("a draft note")
    axe = Axe()
    axe(bob, "console note mode")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    box.screenshot(path=str(SCREENSHOTS / "console-note-mode.png"))

    box.get_by_test_id("mode-reply").click()
    expect(box.get_by_test_id("composer-box")).to_have_attribute("data-mode", "reply")
    expect(box.get_by_test_id("send")).to_have_text("Send")
    composer.fill("Yes, we ship to Malta.")
    composer.press("Enter")
    expect(w(vera, "transcript")).to_contain_text("Yes, we ship to Malta.", timeout=TIMEOUT_MS)

    sam = console_sign_in(world, context_factory(), "sam")
    sam.goto(world.server.url + "/supervision")
    expect(sam.get_by_test_id("stream-status")).to_have_text("Live")
    sam.get_by_test_id("held-contact").filter(has_text="Vera").click()
    watched = sam.get_by_test_id("live-transcript")
    expect(watched.get_by_test_id("note")).to_contain_text(NOTE)
    watched.get_by_test_id("whisper-text").fill(WHISPER)
    watched.get_by_test_id("whisper-send").click()
    expect(watched.get_by_test_id("note").filter(has_text=WHISPER)).to_have_count(1)
    shot(sam, "supervision-whisper")
    axe(sam, "supervision whisper")
    axe.assert_clean()

    whispered = box.locator('[data-testid="note"][data-kind="whisper"]')
    expect(whispered.get_by_test_id("note-label")).to_have_text("Whisper from Sam Agent")
    expect(whispered).to_contain_text(WHISPER)
    bob.set_viewport_size({"width": 1280, "height": 900})
    shot(bob, "console-note-and-whisper")

    vera.set_viewport_size({"width": 390, "height": 844})
    shot(vera, "widget-after-notes")
    seen = widget_html(vera)
    assert "Yes, we ship to Malta." in seen
    assert "internal:" not in seen and "whisper:" not in seen and "Private note" not in seen
    vera.reload()  # the widget comes back: its hello (or resumed stream) brings the chat
    expect(w(vera, "transcript")).to_contain_text("Yes, we ship to Malta.", timeout=TIMEOUT_MS)
    again = widget_html(vera)
    assert "internal:" not in again and "whisper:" not in again
    own = vera.evaluate(
        """async (server) => {
            const found = (v) => {
                if (v && typeof v === "object") {
                    if (typeof v.token === "string") return v.token;
                    for (const inner of Object.values(v)) {
                        const t = found(inner);
                        if (t) return t;
                    }
                }
                return null;
            };
            const stored = [...Object.values(sessionStorage), ...Object.values(localStorage)];
            const parse = (v) => { try { return found(JSON.parse(v)); } catch { return null; } };
            const token = stored.map(parse).find((t) => t);
            const r = await fetch(`${server}/api/visitor/contact`,
              {headers: {Authorization: `Bearer ${token}`}});
            return [r.status, await r.text()];
        }""",
        world.server.url,
    )
    assert own[0] == 200 and "Yes, we ship to Malta." in own[1]
    assert "internal:" not in own[1] and "whisper:" not in own[1]

    box.get_by_test_id("stop").click()  # after the end, only a wrap-up note can be written
    box.get_by_test_id("confirm-stop").click()
    expect(box.get_by_test_id("ended-bar")).to_be_visible()
    expect(box.get_by_test_id("composer")).to_have_count(0)  # no reply to the visitor now
    box.get_by_test_id("wrap-up-note").fill("internal: wrap-up, voucher sent by mail")
    box.get_by_test_id("wrap-up-note").press("Enter")
    expect(box.get_by_test_id("note")).to_have_count(3)
    expect(w(vera, "transcript")).to_be_visible()
    assert "wrap-up" not in widget_html(vera)


def test_a_mention_reaches_the_colleague_who_reads_and_answers_with_a_note(
    world: WidgetWorld, browser: Browser, context_factory: Callable[..., BrowserContext]
) -> None:
    bob = console_sign_in(world, context_factory(), "bob")
    cyd = console_sign_in(world, context_factory(), "cyd")
    _ctx, vera, cid = shop_chat(world, browser, bob, "Vera", "My parcel is damaged")
    expect(cyd.get_by_test_id("mentions-count")).to_have_count(0)

    write_note(bob, cid, "@cyd you handled their last claim, what did we offer?")
    expect(cyd.get_by_test_id("mentions-count")).to_have_text("1")
    cyd.get_by_test_id("mentions").click()
    entry = cyd.get_by_test_id("mention")
    expect(entry).to_contain_text("Bob Agent on Vera (Sales)")
    shot(cyd, "console-mentions-list")
    expect(cyd.get_by_test_id("mentions-count")).to_have_count(0)  # seen once listed
    entry.click()
    reader = cyd.get_by_test_id("mention-reader")
    expect(reader.get_by_test_id("read-only")).to_contain_text("Bob Agent handles this contact")
    expect(reader.get_by_test_id("reader-transcript")).to_contain_text("My parcel is damaged")
    expect(reader.get_by_test_id("note")).to_contain_text("what did we offer?")
    expect(cyd.get_by_test_id("composer")).to_have_count(0)  # no way to write to Vera
    reader.get_by_test_id("reader-note").fill("a 20% refund, approved by Ann")
    reader.get_by_test_id("reader-add-note").click()
    expect(reader.get_by_test_id("note")).to_have_count(2)
    shot(cyd, "console-mention-reader")
    axe = Axe()
    axe(cyd, "mention reader")

    answer = panel(bob, cid).get_by_test_id("note").filter(has_text="a 20% refund")
    expect(answer.get_by_test_id("note-label")).to_have_text("Private note by Cyd Agent")
    assert "20% refund" not in widget_html(vera)
    write_note(bob, cid, "@cyd and was it paid by bank transfer?")  # the open reader follows
    expect(reader.get_by_test_id("note")).to_have_count(3)
    expect(reader.get_by_test_id("note").last).to_contain_text("bank transfer")
    cyd.get_by_test_id("reader-close").click()
    cyd.get_by_test_id("mentions").click()
    axe(cyd, "mentions list")
    axe.assert_clean()


def test_the_note_composer_speaks_the_agents_language(
    world: WidgetWorld, browser: Browser, context_factory: Callable[..., BrowserContext]
) -> None:
    bob = console_sign_in(world, context_factory(), "bob")
    bob.get_by_test_id("agent-menu").click()
    bob.get_by_test_id("language-it").click()
    expect(bob.get_by_test_id("agent-status")).to_have_text("DISPONIBILE")
    _ctx, _vera, cid = shop_chat(world, browser, bob, "Vera", "Buongiorno")
    box = panel(bob, cid)
    expect(box.get_by_test_id("mode-note")).to_have_text("Nota privata")
    write_note(bob, cid, "cliente abituale")
    expect(box.get_by_test_id("note-label")).to_have_text("La tua nota privata")
    expect(box.get_by_test_id("send")).to_have_text("Aggiungi nota")
    shot(bob, "console-note-it")

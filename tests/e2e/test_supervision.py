"""Supervision in a real browser (issue 16): the live view follows a visitor who arrives, is
taken and leaves; a supervisor watches a live transcript and has no way to write; left
messages arrive live and are marked done or not done again; a plain agent is kept out."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from sportello.domain.model import Role
from tests.e2e.conftest import SCREENSHOTS, E2EServer
from tests.e2e.console_helpers import SITE, Visitor, service_id, sign_in
from tests.support.seed import DEFAULT_AGENTS, AgentSpec, seed
from tests.support.server import ServerProcess

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[E2EServer]:
    """One server for the module, with Sam, a supervisor of Sales."""
    tmp: Path = tmp_path_factory.mktemp("supervision")
    url = f"sqlite+aiosqlite:///{tmp / 'e2e.sqlite3'}"
    seeded = seed(url, (*DEFAULT_AGENTS, AgentSpec("sam", ("sales",), Role.SUPERVISOR)))
    process = ServerProcess(url, data_dir=tmp)
    process.start()
    yield E2EServer(server=process, seeded=seeded)
    process.stop()


@pytest.fixture
def visitors(server: E2EServer) -> Iterator[Callable[[], Visitor]]:
    made: list[Visitor] = []

    def make() -> Visitor:
        made.append(Visitor(server.url))
        return made[-1]

    yield make
    for visitor in made:
        visitor.close()


def open_supervision(page: Page, server: E2EServer) -> None:
    """From the console's menu, as a supervisor would (the link opens a new tab there)."""
    page.get_by_test_id("agent-menu").click()
    link = page.get_by_test_id("supervision-link")
    expect(link).to_be_visible()
    assert link.get_attribute("href") == "/supervision"
    page.goto(server.url + "/supervision")
    expect(page.get_by_test_id("stream-status")).to_have_text("Live")


def agent_row(page: Page, name: str) -> Locator:
    return page.get_by_test_id("agent-row").filter(has_text=name)


def test_the_live_view_follows_a_visitor_and_a_live_transcript(
    server: E2EServer,
    context_factory: Callable[..., BrowserContext],
    visitors: Callable[[], Visitor],
) -> None:
    bob = sign_in(context_factory(), server, "bob")
    sam = sign_in(context_factory(), server, "sam")
    open_supervision(sam, server)
    bob_row = agent_row(sam, "Bob")
    expect(bob_row.get_by_test_id("agent-status")).to_have_attribute("data-status", "READY")
    expect(bob_row.get_by_test_id("agent-load")).to_have_text("0 / 4")
    expect(sam.get_by_test_id("today-requests")).to_have_text("0")
    bob.get_by_test_id("media-voice").click()  # Bob switches voice off in his console
    expect(bob_row.get_by_test_id("media-voice")).to_have_attribute("data-on", "false")
    expect(bob_row.get_by_test_id("media-chat")).to_have_attribute("data-on", "true")

    vera = visitors()
    vera.request(service_id(server, "Sales"), "Vera Watch", message="my order is late")
    sales = sam.locator('[data-testid="service-queue"]').filter(has_text="Sales")
    expect(sales.get_by_test_id("queue-count")).to_have_text("1 waiting")
    entry = sales.get_by_test_id("queue-entry")
    expect(entry).to_contain_text("Vera Watch")
    countdown = entry.get_by_test_id("dissuasion")
    expect(countdown).to_have_attribute("aria-label", re.compile(r"dissuaded in \d+ seconds"))
    first = countdown.get_attribute("aria-label") or ""
    assert 0 < int(first.split()[2]) <= 60  # the seeded service's dissuasion time
    expect(countdown).not_to_have_attribute("aria-label", first)  # it counts down
    expect(sam.get_by_test_id("today-requests")).to_have_text("1")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    sam.screenshot(path=str(SCREENSHOTS / "supervision-live.png"), full_page=True)

    bob.get_by_test_id("waiting-top").click()
    expect(sales.get_by_test_id("queue-count")).to_have_text("0 waiting")
    expect(bob_row.get_by_test_id("agent-load")).to_have_text("1 / 4")
    expect(sam.get_by_test_id("today-answered")).to_have_text("1")
    expect(sales.get_by_test_id("service-today")).to_contain_text("1 request · 1 answered")
    held = bob_row.get_by_test_id("held-contact")
    expect(held).to_contain_text("Vera Watch")

    held.focus()  # keyboard only: a button, opened with Enter
    sam.keyboard.press("Enter")
    transcript = sam.get_by_test_id("live-transcript")
    expect(transcript.get_by_test_id("transcript")).to_contain_text("my order is late")
    expect(transcript.get_by_role("heading", name="Vera Watch")).to_be_focused()
    vera.say("it was due on Monday")
    expect(transcript.get_by_test_id("transcript")).to_contain_text("it was due on Monday")
    expect(transcript.get_by_test_id("read-only")).to_be_visible()
    # nothing to write to the visitor with: the one text box is the whisper's, to the agent
    writable = sam.locator("textarea, input[type=text], [contenteditable]")
    expect(writable).to_have_count(1)
    expect(writable).to_have_attribute("data-testid", "whisper-text")
    refused = sam.evaluate(
        """async (id) => {
            const r = await fetch(`/api/contacts/${id}/messages`, {method: "POST",
                headers: {"Content-Type": "application/json"},
                body: JSON.stringify({text: "sneaky", client_msg_id: "s1"})});
            return [r.status, (await r.json()).code];
        }""",
        vera.contact_id,
    )
    assert refused == [403, "forbidden"]
    sam.screenshot(path=str(SCREENSHOTS / "supervision-transcript.png"), full_page=True)

    vera.http.post("/api/visitor/contact/leave")
    expect(transcript.get_by_test_id("transcript-ended")).to_be_visible()
    sam.get_by_test_id("back-to-live").click()
    expect(bob_row.get_by_test_id("agent-load")).to_have_text("0 / 4")
    expect(bob_row.get_by_test_id("held-contact")).to_have_count(0)

    bob.close()  # Bob's console goes: reconnecting, then (after the grace) disconnected
    expect(bob_row.get_by_test_id("agent-status")).to_have_attribute("data-status", "reconnecting")
    expect(bob_row.get_by_test_id("no-console")).to_be_visible()
    sam.set_viewport_size({"width": 820, "height": 1180})
    sam.screenshot(path=str(SCREENSHOTS / "supervision-tablet.png"), full_page=True)


def test_left_messages_arrive_live_and_are_marked_done_or_not(
    server: E2EServer, context_factory: Callable[..., BrowserContext]
) -> None:
    sam = sign_in(context_factory(), server, "sam")
    open_supervision(sam, server)
    sam.get_by_test_id("nav-left").click()
    expect(sam.get_by_test_id("left-empty")).to_be_visible()
    with httpx.Client(base_url=server.url, headers={"Origin": SITE}) as http:
        for service, text in (("Sales", "please call me back"), ("Support", "not for Sam")):
            left = http.post(
                "/api/visitor/left-messages",
                json={
                    "service_id": service_id(server, service),
                    "name": f"Lena {service}",
                    "email": "lena@example.com",
                    "text": text,
                },
            )
            assert left.status_code == 201, left.text
    rows = sam.get_by_test_id("left-row")
    expect(rows).to_have_count(1)  # arrived without a reload; Support is not Sam's
    row = rows.first
    expect(row).to_contain_text("please call me back")

    with httpx.Client(base_url=server.url) as ann:  # another supervisor marks it done
        login = {"login": "ann", "password": server.seeded.passwords["ann"]}
        token = ann.post("/api/auth/login", json=login).json()["token"]
        message_id = row.get_attribute("data-message-id")
        done = ann.post(
            f"/api/supervision/left-messages/{message_id}/done",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert done.status_code == 200, done.text
    expect(row.get_by_test_id("left-done-by")).to_contain_text("Done by Ann")
    sam.screenshot(path=str(SCREENSHOTS / "supervision-left-messages.png"), full_page=True)

    row.get_by_test_id("left-mark-not-done").click()
    expect(row.get_by_test_id("left-done-by")).to_have_count(0)
    row.get_by_test_id("left-mark-done").click()
    expect(row.get_by_test_id("left-done-by")).to_contain_text("Done by Sam")

    sam.get_by_test_id("left-done").select_option("false")
    sam.get_by_test_id("left-apply").click()
    expect(sam.get_by_test_id("left-empty")).to_be_visible()
    sam.get_by_test_id("left-done").select_option("true")
    sam.get_by_test_id("left-apply").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Done by Sam")


def test_a_plain_agent_is_kept_out(
    server: E2EServer, context_factory: Callable[..., BrowserContext]
) -> None:
    bob = sign_in(context_factory(), server, "bob")
    bob.get_by_test_id("agent-menu").click()
    expect(bob.get_by_test_id("reports-link")).to_be_visible()
    expect(bob.get_by_test_id("supervision-link")).to_have_count(0)
    bob.goto(server.url + "/supervision")
    expect(bob.get_by_test_id("supervision-forbidden")).to_be_visible()
    expect(bob.get_by_test_id("agents")).to_have_count(0)


def test_the_view_counts_contacts_of_other_services_and_says_what_it_covers(
    server: E2EServer,
    context_factory: Callable[..., BrowserContext],
    visitors: Callable[[], Visitor],
) -> None:
    cyd = sign_in(context_factory(), server, "cyd")  # Support only; he serves Quick too
    sam = sign_in(context_factory(), server, "sam")  # supervises Sales (and Quick)
    open_supervision(sam, server)
    expect(sam.get_by_test_id("scope-note")).to_contain_text(
        "Only the services you supervise: Quick, Sales."
    )
    vic = visitors()
    contact_id = vic.request(service_id(server, "Support"), "Vic Support")
    origin = {"Origin": server.url}
    taken = cyd.request.post(f"{server.url}/api/contacts/{contact_id}/accept", headers=origin)
    assert taken.ok, taken.text()

    row = agent_row(sam, "Cyd")  # chatting in Support: busy, not "0 / 1"
    expect(row.get_by_test_id("agent-load")).to_have_text("1 / 1")
    expect(row.get_by_test_id("held-elsewhere")).to_have_text("1 in other services")
    expect(row.get_by_test_id("held-contact")).to_have_count(0)  # counted, not shown
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    sam.screenshot(path=str(SCREENSHOTS / "supervision-scope.png"), full_page=True)
    closed = cyd.request.post(f"{server.url}/api/contacts/{contact_id}/close", headers=origin)
    assert closed.ok, closed.text()
    expect(row.get_by_test_id("agent-load")).to_have_text("0 / 1")

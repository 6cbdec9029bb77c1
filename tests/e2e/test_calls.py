"""Voice and video calls in real browsers (issue 14): an agent's console and a visitor's
widget in two Chromium contexts with fake camera and microphone call each other over
loopback. Frames flowing is read from the <video> elements (decoded frames keep growing)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, WebSocketRoute, expect

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.console_helpers import Visitor, panel
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
CALL_MS = 30_000


def call_services(site: str) -> tuple[ServiceSpec, ...]:
    return (ServiceSpec("Sales", ("sales",), media=("chat", "voice", "video"), sites=(site,)),)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[WidgetWorld]:
    yield from make_world(tmp_path, call_services)


def frames_grow(video: Locator) -> None:
    """The element shows a live picture: it has a size and has decoded frame after frame
    (counted by the element, from zero whenever playback restarts)."""
    video.page.wait_for_function(
        "v => v.videoWidth > 0 && v.getVideoPlaybackQuality().totalVideoFrames >= 10",
        arg=video.element_handle(timeout=CALL_MS),
        timeout=CALL_MS,
    )


def tracks(media: Locator, kind: str) -> int:
    count: int = media.evaluate(f"m => m.srcObject.get{kind}Tracks().length")
    return count


def icon(console: Page, contact_id: int, medium: str) -> Locator:
    return panel(console, contact_id).get_by_test_id(f"medium-{medium}")


def plays_without_restarting(media: Locator, clock: Locator) -> None:
    """While the console renders again and again (its clocks tick every second), the element
    keeps playing what it was given: no ``loadstart`` or ``emptied`` over three ticks."""
    handle = media.element_handle(timeout=CALL_MS)
    handle.evaluate(
        """m => {
            m.restarts = 0;
            const count = () => { m.restarts += 1; };
            m.addEventListener("loadstart", count);
            m.addEventListener("emptied", count);
        }"""
    )
    for _ in range(3):
        expect(clock).not_to_have_text(clock.inner_text())
    assert handle.evaluate("m => m.restarts") == 0


def controls_below_picture(picture: Locator, hang_up: Locator) -> None:
    """The call's buttons sit under the picture, not over it."""
    pic, button = picture.bounding_box(), hang_up.bounding_box()
    assert pic is not None and button is not None
    assert button["y"] >= pic["y"] + pic["height"] - 1


def composer_usable(console: Page, contact_id: int, width: int, height: int) -> None:
    """At this window size the whole composer is on screen (not clipped by the panel) and
    takes what the agent types."""
    console.set_viewport_size({"width": width, "height": height})
    composer = panel(console, contact_id).get_by_test_id("composer")
    expect(composer).to_be_in_viewport(ratio=1)
    composer.click()  # fails if something covers it
    composer.press_sequentially("still typing")
    expect(composer).to_have_value("still typing")
    composer.fill("")


def agent_and_visitor(
    world: WidgetWorld, browser: Browser, context_factory: Callable[..., BrowserContext]
) -> tuple[Page, Page]:
    """Bob's console, and a visitor on the shop whose browser may use camera and microphone."""
    console = console_sign_in(world, context_factory(), "bob")
    _ctx, page = visitor_page(browser, permissions=["camera", "microphone"])
    page.goto(world.demo_url + "/")
    return console, page


def take_top(console: Page) -> int:
    """The agent takes the contact at the top of the waiting area; its id."""
    top = console.get_by_test_id("waiting-top")
    expect(top).to_be_visible(timeout=TIMEOUT_MS)
    contact_id = int(top.get_attribute("data-contact-id") or 0)
    top.click()
    return contact_id


def ended_chats(world: WidgetWorld, console: Page, count: int) -> None:
    """``count`` visitors of the shop (over the API) whom the agent takes, and who leave:
    their ended panels stay on the agent's desk."""
    origin = world.demo_url.split("/", 3)
    for i in range(count):
        visitor = Visitor(world.server.url)
        visitor.http.headers["Origin"] = "/".join(origin[:3])
        visitor.request(world.seeded.services["Sales"]["id"], f"Earlier visitor {i + 1}")
        contact_id = take_top(console)
        assert visitor.http.post("/api/visitor/contact/leave").status_code == 200
        expect(panel(console, contact_id).get_by_test_id("ended-bar")).to_be_visible(
            timeout=TIMEOUT_MS
        )


def chat(
    world: WidgetWorld,
    browser: Browser,
    context_factory: Callable[..., BrowserContext],
    ended_before: int = 0,
) -> tuple[Page, Page, int]:
    console, page = agent_and_visitor(world, browser, context_factory)
    ended_chats(world, console, ended_before)
    request_chat(page, "Vera", "Can you show me?")  # the only service: no choice to make
    contact_id = take_top(console)
    expect(w(page, "joined")).to_be_visible(timeout=TIMEOUT_MS)
    # the widget reported its devices: the console's icons are dark grey (available)
    expect(icon(console, contact_id, "video")).to_have_attribute("data-state", "available")
    expect(icon(console, contact_id, "voice")).to_have_attribute("data-state", "available")
    return console, page, contact_id


def test_agent_started_video_then_voice_only(
    world: WidgetWorld, browser: Browser, context_factory: Callable[..., BrowserContext]
) -> None:
    console, page, contact_id = chat(world, browser, context_factory)
    mine = panel(console, contact_id)

    icon(console, contact_id, "video").click()
    expect(icon(console, contact_id, "video")).to_have_attribute("data-state", "connecting")
    expect(w(page, "call-prompt")).to_be_visible(timeout=TIMEOUT_MS)
    expect(w(page, "call-prompt")).to_contain_text("video call")
    shot(page, "incoming-call")
    w(page, "call-accept-video").click()

    expect(w(page, "call-stage")).to_have_attribute("data-call-state", "connected", timeout=CALL_MS)
    expect(icon(console, contact_id, "video")).to_have_attribute(
        "data-state", "active", timeout=CALL_MS
    )
    frames_grow(mine.get_by_test_id("remote-video"))  # the visitor's camera, in the console
    frames_grow(w(page, "remote-video"))  # the agent's camera, in the widget
    expect(w(page, "local-video")).to_be_visible()
    expect(mine.get_by_test_id("local-video")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    console.screenshot(path=str(SCREENSHOTS / "console-video-call.png"))
    shot(page, "video-call")

    # the picture plays on while the console's clocks tick (its media is bound once), and the
    # buttons sit under the picture in both UIs
    clock = mine.get_by_test_id("duration")
    plays_without_restarting(mine.get_by_test_id("remote-video"), clock)
    controls_below_picture(mine.get_by_test_id("call-picture"), mine.get_by_test_id("call-hang-up"))
    controls_below_picture(w(page, "call-picture"), w(page, "call-hang-up"))

    # the agent can type during the call on a small laptop screen, down to 1280x600
    composer_usable(console, contact_id, 1366, 650)
    console.screenshot(path=str(SCREENSHOTS / "console-video-call-1366x650.png"))
    composer_usable(console, contact_id, 1280, 600)
    console.set_viewport_size({"width": 1280, "height": 800})

    # mute and camera off act on our own tracks only
    mine.get_by_test_id("call-mute").click()
    expect(mine.get_by_test_id("call-mute")).to_have_attribute("aria-pressed", "true")
    w(page, "call-camera").click()
    expect(w(page, "call-camera")).to_have_attribute("aria-pressed", "true")

    # a call takes the agent's whole capacity, and the console says so
    expect(console.get_by_test_id("capacity")).to_have_text("in a call: no new chats")

    # the visitor hangs up: both back to chat
    w(page, "call-hang-up").click()
    expect(w(page, "call-stage")).to_have_count(0, timeout=TIMEOUT_MS)
    expect(w(page, "call-notice")).to_contain_text("You ended the video call")
    expect(mine.get_by_test_id("call-stage")).to_have_count(0, timeout=TIMEOUT_MS)
    expect(icon(console, contact_id, "video")).to_have_attribute("data-state", "available")
    expect(mine.get_by_test_id("transcript")).to_contain_text("Vera hung up")
    expect(console.get_by_test_id("capacity")).to_have_text(re.compile(r"^1 of \d+ chats?$"))

    # a video offer answered "voice only": the visitor sees the agent, sends audio only
    icon(console, contact_id, "video").click()
    w(page, "call-accept-voice").click()
    expect(w(page, "call-stage")).to_have_attribute("data-call-state", "connected", timeout=CALL_MS)
    frames_grow(w(page, "remote-video"))
    expect(w(page, "local-video")).to_have_count(0)
    remote_audio = mine.get_by_test_id("remote-audio")
    expect(remote_audio).to_have_count(1, timeout=CALL_MS)
    assert tracks(remote_audio, "Video") == 0
    console.wait_for_function(
        "a => a.srcObject.getAudioTracks().length === 1",
        arg=remote_audio.element_handle(),
        timeout=CALL_MS,
    )
    expect(mine.get_by_test_id("call-status")).to_contain_text("voice only")
    plays_without_restarting(remote_audio, clock)

    # the agent hangs up from the green icon
    expect(icon(console, contact_id, "video")).to_have_attribute("data-state", "active")
    icon(console, contact_id, "video").click()
    expect(w(page, "call-stage")).to_have_count(0, timeout=TIMEOUT_MS)
    expect(w(page, "call-notice")).to_contain_text("ended the video call")
    expect(mine.get_by_test_id("call-stage")).to_have_count(0)
    expect(w(page, "input")).to_be_enabled()  # the chat goes on

    # the reports list both calls under the contact, with their media and who hung up
    console.goto(console.url.split("/console")[0] + f"/reports#contact/{contact_id}")
    calls = console.get_by_test_id("report-calls").locator("li")
    expect(calls).to_have_count(2)
    expect(calls.first).to_contain_text("video call started by the agent")
    expect(calls.first).to_contain_text("hung up by the visitor")
    expect(calls.nth(1)).to_contain_text("voice only")
    expect(calls.nth(1)).to_contain_text("hung up by the agent")


def test_decline_not_now_and_engage(
    world: WidgetWorld, browser: Browser, context_factory: Callable[..., BrowserContext]
) -> None:
    console, page, contact_id = chat(world, browser, context_factory, ended_before=3)
    mine = panel(console, contact_id)

    # video switched off in this console: light grey with the reason, and no video button
    # for the visitor; back on: dark grey again, and the visitor may ask
    expect(w(page, "call-ask-video")).to_be_visible(timeout=TIMEOUT_MS)
    console.get_by_test_id("media-video").click()
    video = icon(console, contact_id, "video")
    expect(video).to_have_attribute("data-state", "unavailable")
    expect(video).to_have_attribute("title", "Video: switched off in this console")
    expect(w(page, "call-ask-video")).to_have_count(0, timeout=TIMEOUT_MS)
    expect(w(page, "call-ask-voice")).to_be_visible()
    console.get_by_test_id("media-video").click()
    expect(video).to_have_attribute("data-state", "available")
    expect(w(page, "call-ask-video")).to_be_visible(timeout=TIMEOUT_MS)

    # the agent offers voice; the visitor declines; icons back to dark grey, chat goes on
    icon(console, contact_id, "voice").click()
    expect(w(page, "call-prompt")).to_be_visible(timeout=TIMEOUT_MS)
    expect(w(page, "call-accept-video")).to_have_count(0)  # a voice call offers no video
    w(page, "call-decline").click()
    expect(mine.get_by_test_id("transcript")).to_contain_text("Vera declined the voice call")
    expect(icon(console, contact_id, "voice")).to_have_attribute("data-state", "available")
    expect(w(page, "call-prompt")).to_have_count(0)

    # the visitor asks for video: ENGAGE / NOT NOW on the agent's panel; NOT NOW is polite
    w(page, "call-ask-video").click()
    expect(mine.get_by_test_id("call-request")).to_contain_text("Vera asks for a video call")
    expect(icon(console, contact_id, "video")).to_have_attribute("data-state", "connecting")
    expect(w(page, "call-waiting")).to_be_visible()
    mine.get_by_test_id("call-not-now").click()
    expect(w(page, "call-notice")).to_contain_text("cannot take a video call right now")
    expect(mine.get_by_test_id("call-request")).to_have_count(0)

    w(page, "call-ask-video").click()
    mine.get_by_test_id("call-engage").click()
    expect(mine.get_by_test_id("call-stage")).to_have_attribute(
        "data-call-state", "connected", timeout=CALL_MS
    )
    frames_grow(mine.get_by_test_id("remote-video"))
    frames_grow(w(page, "remote-video"))
    # three ended conversations sit above the live one: the agent can still type
    composer_usable(console, contact_id, 1280, 800)
    mine.get_by_test_id("call-hang-up").click()
    expect(w(page, "call-stage")).to_have_count(0, timeout=TIMEOUT_MS)
    expect(w(page, "call-notice")).to_contain_text("ended the video call")
    expect(mine.get_by_test_id("transcript")).to_contain_text("you hung up")

    # the call lines are part of the transcript: a reloaded console shows them again
    console.reload()
    transcript = panel(console, contact_id).get_by_test_id("transcript")
    expect(transcript).to_contain_text("Vera declined the voice call", timeout=TIMEOUT_MS)
    expect(transcript).to_contain_text("you hung up")


def frames_grow_again(video: Locator) -> None:
    """Ten more frames presented from now on, whatever the element's counters did (it may
    have started showing a new peer connection's stream)."""
    handle = video.element_handle(timeout=CALL_MS)
    handle.evaluate(
        """v => {
            v.presented = 0;
            const count = () => { v.presented += 1; v.requestVideoFrameCallback(count); };
            v.requestVideoFrameCallback(count);
        }"""
    )
    video.page.wait_for_function("v => v.presented >= 10", arg=handle, timeout=CALL_MS)


class CutLink:
    """The console's WebSocket through a Playwright route: ``cut`` closes it on both ends and
    refuses reconnects until ``restore``."""

    def __init__(self, page: Page) -> None:
        self.refusing = False
        self.open: tuple[WebSocketRoute, WebSocketRoute] | None = None
        page.route_web_socket(re.compile(r"/ws/console"), self._connect)

    def _connect(self, ws: WebSocketRoute) -> None:
        if self.refusing:
            ws.close(code=4000, reason="the test holds the network down")
            return
        self.open = (ws, ws.connect_to_server())

    def cut(self) -> None:
        assert self.open is not None
        self.refusing = True
        page_side, server_side = self.open
        server_side.close()
        page_side.close(code=4000, reason="the test cut the network")

    def restore(self) -> None:
        self.refusing = False


def in_call(stage: Locator) -> None:
    expect(stage).to_have_attribute("data-call-state", "connected", timeout=CALL_MS)
    expect(stage).to_have_attribute("data-reconnecting", "false", timeout=CALL_MS)


def test_a_call_survives_a_blip_a_page_change_and_a_console_reload(
    world: WidgetWorld, browser: Browser, context_factory: Callable[..., BrowserContext]
) -> None:
    console, page, contact_id = chat(world, browser, context_factory)
    mine = panel(console, contact_id)
    icon(console, contact_id, "video").click()
    w(page, "call-accept-video").click()
    in_call(w(page, "call-stage"))
    in_call(mine.get_by_test_id("call-stage"))
    frames_grow(mine.get_by_test_id("remote-video"))
    frames_grow(w(page, "remote-video"))

    # the visitor's network drops: both sides say the call is reconnecting, media goes on
    page.context.set_offline(True)
    expect(mine.get_by_test_id("call-stage")).to_have_attribute(
        "data-reconnecting", "true", timeout=CALL_MS
    )
    expect(mine.get_by_test_id("call-status")).to_contain_text("Reconnecting the call")
    expect(w(page, "call-stage")).to_have_attribute("data-reconnecting", "true")
    expect(w(page, "call-status")).to_contain_text("Reconnecting the call")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    console.screenshot(path=str(SCREENSHOTS / "console-call-reconnecting.png"))
    shot(page, "call-reconnecting")
    page.context.set_offline(False)
    in_call(mine.get_by_test_id("call-stage"))
    expect(mine.get_by_test_id("transcript")).to_contain_text("Vera lost the connection")
    expect(mine.get_by_test_id("transcript")).to_contain_text("Vera rejoined")
    in_call(w(page, "call-stage"))
    frames_grow_again(mine.get_by_test_id("remote-video"))
    frames_grow_again(w(page, "remote-video"))

    # a page change on the shop: the new page rejoins, the console offers again
    page.goto(world.demo_url + "/product.html")
    in_call(w(page, "call-stage"))
    frames_grow(w(page, "remote-video"))
    in_call(mine.get_by_test_id("call-stage"))
    frames_grow_again(mine.get_by_test_id("remote-video"))

    # the console reloads: it rejoins with the same session and offers again (its socket
    # now goes through a route the test can cut)
    link = CutLink(console)
    console.reload()
    mine = panel(console, contact_id)
    in_call(mine.get_by_test_id("call-stage"))
    frames_grow(mine.get_by_test_id("remote-video"))
    in_call(w(page, "call-stage"))
    frames_grow_again(w(page, "remote-video"))

    transcript = mine.get_by_test_id("transcript")
    expect(transcript).to_contain_text("The video call is connected")
    expect(w(page, "call-notice")).to_have_count(0)  # it never ended

    # the console's connection drops and the agent hangs up before it is back, before its
    # rejoin can go out: the hang-up is not lost, the call ends for both
    link.cut()
    expect(console.get_by_test_id("reconnecting-banner")).to_be_visible(timeout=TIMEOUT_MS)
    mine.get_by_test_id("call-hang-up").click()
    expect(mine.get_by_test_id("call-ending")).to_be_visible()
    link.restore()
    expect(w(page, "call-notice")).to_contain_text("ended the video call", timeout=TIMEOUT_MS)
    expect(transcript).to_contain_text("you hung up", timeout=TIMEOUT_MS)
    expect(mine.get_by_test_id("call-ending")).to_have_count(0)


def test_a_contact_that_starts_as_video(
    world: WidgetWorld, browser: Browser, context_factory: Callable[..., BrowserContext]
) -> None:
    """The visitor picks video in the widget: routed as video, the call starts on accept."""
    console, page = agent_and_visitor(world, browser, context_factory)
    w(page, "launcher").click()
    w(page, "name").fill("Vera")
    shot(page, "start-with-video")
    w(page, "start-video").click()
    contact_id = take_top(console)
    mine = panel(console, contact_id)
    expect(mine.get_by_test_id("call-stage")).to_have_attribute(
        "data-call-state", "connected", timeout=CALL_MS
    )
    expect(w(page, "call-stage")).to_have_attribute("data-call-state", "connected")
    frames_grow(mine.get_by_test_id("remote-video"))
    frames_grow(w(page, "remote-video"))
    expect(mine.get_by_test_id("transcript")).to_contain_text("You engaged the video call")
    expect(console.get_by_test_id("capacity")).to_have_text("in a call: no new chats")

    # a phone held sideways: the picture on one side, the conversation keeps a usable height
    page.set_viewport_size({"width": 844, "height": 390})
    conversation = w(page, "chat").bounding_box()
    assert conversation is not None and conversation["height"] >= 200
    expect(w(page, "input")).to_be_in_viewport(ratio=1)
    expect(w(page, "remote-video")).to_be_in_viewport()
    shot(page, "video-call-landscape")
    w(page, "input").fill("Can you hear me?")
    w(page, "input").press("Enter")
    expect(mine.get_by_test_id("transcript")).to_contain_text("Can you hear me?")

    # the visitor hangs up and goes on chatting: the agent's capacity is back
    w(page, "call-hang-up").click()
    expect(w(page, "call-notice")).to_contain_text("You ended the video call", timeout=TIMEOUT_MS)
    expect(console.get_by_test_id("capacity")).to_have_text(re.compile(r"^1 of \d+ chats?$"))
    expect(w(page, "input")).to_be_enabled()

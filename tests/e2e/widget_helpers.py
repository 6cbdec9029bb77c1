"""Fixtures for the widget tests: a real server, the demo shop on its own origin, an agent.

The agent side speaks the public API (HTTP + console WebSocket) from a background thread so
the synchronous Playwright test can drive the visitor while the agent stays live for routing.
"""

from __future__ import annotations

import asyncio
import http.server
import json
import threading
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Dialog,
    Locator,
    Page,
    WebSocketRoute,
    expect,
)

from sportello.demo_site import serve_demo_site
from tests.e2e.conftest import SCREENSHOTS, E2EServer
from tests.e2e.console_helpers import sign_in
from tests.support.clients import AgentClient, Stream
from tests.support.postgres import free_port
from tests.support.seed import DEFAULT_AGENTS, AgentSpec, Seeded, ServiceSpec, seed
from tests.support.server import ServerProcess

T = TypeVar("T")

WIDGET_JS = (
    Path(__file__).resolve().parents[2] / "src" / "sportello" / "web" / "static" / "widget.js"
)
TIMEOUT_MS = 10_000


class AgentSide:
    """One signed-in agent with a live console WebSocket, driven from a private event loop."""

    def __init__(self, base_url: str, ws_url: str, login: str, password: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.client = AgentClient(base_url, ws_url, login, password)
        self.stream: Stream | None = None

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 20) -> T:
        future: Future[T] = asyncio.run_coroutine_threadsafe(coro, self.loop)
        return future.result(timeout)

    def open(self) -> AgentSide:
        async def go() -> Stream:
            await self.client.sign_in()
            return await self.client.open_console()

        self.stream = self.run(go())
        return self

    @property
    def console(self) -> Stream:
        assert self.stream is not None, "open() first"
        return self.stream

    def wait_event(self, kind: str, timeout: float = 10, **data: Any) -> dict[str, Any]:
        return self.run(self.console.wait_event(kind, timeout, **data), timeout + 5)

    def wait_for(self, match: Callable[[dict[str, Any]], bool], timeout: float = 10) -> Any:
        return self.run(self.console.wait_for(match, timeout), timeout + 5)

    def accept(self, contact_id: int) -> dict[str, Any]:
        response = self.run(self.client.accept(contact_id))
        assert response.status_code == 200, response.text
        return dict(response.json())

    def say(self, contact_id: int, text: str) -> dict[str, Any]:
        response = self.run(self.client.say(contact_id, text))
        assert response.status_code == 201, response.text
        return dict(response.json())

    def drop_console(self) -> None:
        """Close the console WebSocket (the agent's last): their visitors are told."""
        self.run(self.console.close())

    def reopen_console(self) -> None:
        """Reconnect with the same console session, from the last position seen."""
        stream = self.console

        async def go() -> Stream:
            return await self.client.open_console(
                since=stream.position, session_id=self.client.session_id
            )

        self.stream = self.run(go())

    def send_frame(self, frame: dict[str, Any]) -> None:
        self.run(self.console.send(frame))

    def get(self, path: str) -> httpx.Response:
        async def go() -> httpx.Response:
            return await self.client.http.get(path)

        return self.run(go())

    def close(self) -> None:
        async def go() -> None:
            if self.stream is not None:
                await self.stream.close()
            await self.client.aclose()

        try:
            self.run(go(), 10)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(5)


@dataclass
class WidgetWorld:
    server: ServerProcess
    seeded: Seeded
    demo_url: str
    tmp_path: Path
    agents: list[AgentSide] = field(default_factory=list)
    sites: list[http.server.ThreadingHTTPServer] = field(default_factory=list)

    def agent(self, login: str = "ann") -> AgentSide:
        side = AgentSide(
            self.server.url, self.server.ws_url, login, self.seeded.passwords[login]
        ).open()
        self.agents.append(side)
        return side

    def other_site(self) -> str:
        """The same demo pages on another origin, which no service lists in its sites."""
        port = free_port()
        self.sites.append(serve_demo_site(self.server.url, "127.0.0.1", port))
        return f"http://127.0.0.1:{port}"

    def admin_get(self, path: str) -> httpx.Response:
        with httpx.Client(base_url=self.server.url, timeout=10) as http:
            login = http.post(
                "/api/auth/login", json={"login": "ann", "password": self.seeded.passwords["ann"]}
            )
            login.raise_for_status()
            token = login.json()["token"]
            return http.get(path, headers={"Authorization": f"Bearer {token}"})


def make_world(
    tmp_path: Path,
    services: Callable[[str], tuple[ServiceSpec, ...]],
    agents: tuple[AgentSpec, ...] = DEFAULT_AGENTS,
    env: dict[str, str] | None = None,
) -> Iterator[WidgetWorld]:
    if not WIDGET_JS.exists():
        pytest.fail("the widget is not built: cd frontend && npm run build:widget")
    demo_port = free_port()
    demo_url = f"http://127.0.0.1:{demo_port}"
    url = f"sqlite+aiosqlite:///{tmp_path / 'widget.sqlite3'}"
    # Playwright's sync API keeps an event loop running in this thread: seed from another.
    with ThreadPoolExecutor(1) as pool:
        seeded = pool.submit(seed, url, agents, services(demo_url)).result()
    server = ServerProcess(url, data_dir=tmp_path, env=env)
    server.start()
    world = WidgetWorld(server=server, seeded=seeded, demo_url=demo_url, tmp_path=tmp_path)
    world.sites.append(serve_demo_site(server.url, "127.0.0.1", demo_port))
    try:
        yield world
    finally:
        for side in world.agents:
            side.close()
        for site in world.sites:
            site.shutdown()
            site.server_close()
        server.stop()


def shop_services(site: str) -> tuple[ServiceSpec, ...]:
    return (
        ServiceSpec("Sales", ("sales",), sites=(site,)),
        ServiceSpec("Support", ("support",), priority=5, sites=(site,)),
        ServiceSpec("Quick", (), dissuasion_seconds=5, sites=(site,)),
    )


@pytest.fixture
def world(tmp_path: Path) -> Iterator[WidgetWorld]:
    """Server + demo shop (listed in every service's sites) + agents on demand."""
    yield from make_world(tmp_path, shop_services)


# -- the visitor's browser ---------------------------------------------------------------


def visitor_page(browser: Browser, **options: Any) -> tuple[BrowserContext, Page]:
    options.setdefault("viewport", {"width": 1100, "height": 760})
    context = browser.new_context(**options)
    page = context.new_page()
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda exc: dialogs.append(f"page error: {exc}"))
    page.dialogs = dialogs  # type: ignore[attr-defined]
    return context, page


def no_dialogs(page: Page) -> None:
    """Fails if the page ever opened an alert/confirm/prompt (e.g. injected script ran)."""
    dialogs: list[str] = page.dialogs  # type: ignore[attr-defined]
    assert not [d for d in dialogs if not d.startswith("page error")], dialogs


def w(page: Page, test_id: str) -> Locator:
    """An element inside the widget's shadow root (Playwright CSS pierces open shadow DOM)."""
    return page.locator(f"sportello-widget [data-test='{test_id}']")


def open_widget(page: Page) -> None:
    w(page, "launcher").click()
    expect_visible(w(page, "panel"))


def expect_visible(locator: Locator, timeout: int = TIMEOUT_MS) -> None:
    expect(locator).to_be_visible(timeout=timeout)


def request_chat(page: Page, name: str, message: str = "", service: str | None = None) -> None:
    """Fill the start form (picking the service when the page does not name one)."""
    open_widget(page)
    if service is not None:
        page.locator(f"sportello-widget [data-test='service'][data-service='{service}']").click()
    w(page, "name").fill(name)
    if message:
        w(page, "first-message").fill(message)
    w(page, "start").click()


def shot(page: Page, name: str) -> None:
    """Save a screenshot of the page with the widget under docs/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"widget-{name}.png"), animations="disabled")


# -- a console and a visitor of the demo shop, together ---------------------------------


def console_sign_in(world: WidgetWorld, context: BrowserContext, login: str) -> Page:
    """The agent console of this world's server, signed in."""
    return sign_in(context, E2EServer(server=world.server, seeded=world.seeded), login)


def shop_chat(
    world: WidgetWorld,
    browser: Browser,
    console: Page,
    name: str,
    message: str = "Hello there",
    **options: Any,
) -> tuple[BrowserContext, Page, int]:
    """A visitor on the demo shop asks Sales; the console takes it from the waiting area.

    With a single service the widget shows no service tiles, so none is picked."""
    context, page = visitor_page(browser, **options)
    page.goto(world.demo_url + "/")
    service = "Sales" if len(world.seeded.services) > 1 else None
    request_chat(page, name, message, service=service)
    top = console.get_by_test_id("waiting-top")
    expect(top).to_be_visible(timeout=TIMEOUT_MS)
    contact_id = int(top.get_attribute("data-contact-id") or 0)
    top.click()
    expect(w(page, "joined")).to_be_visible(timeout=TIMEOUT_MS)
    return context, page, contact_id


WRITE_CONFLICT = {
    "type": "error",
    "code": "write_conflict",
    "message": "another write held what this one needed",
    "details": {"retry_after": 1},
}


def refusing_sends(
    refusals: dict[str, int], sends: list[dict[str, Any]]
) -> Callable[[WebSocketRoute], None]:
    """A socket route that relays everything, records each ``message.send`` in ``sends``
    and answers ``write_conflict`` itself, instead of relaying, to the first
    ``refusals[text]`` sends of that text: a deadlock the database broke, which a browser
    cannot provoke (the server's side: tests/api/test_lock_order.py). Its handler runs on
    the test's thread, so wait on the page (``expect``), not elsewhere, while it relays."""

    def route(ws: WebSocketRoute) -> None:
        server = ws.connect_to_server()

        def from_page(message: str | bytes) -> None:
            frame = json.loads(message) if isinstance(message, str) else {}
            if frame.get("type") == "message.send":
                sends.append(frame)
                if refusals.get(frame["text"], 0) > 0:
                    refusals[frame["text"]] -= 1
                    ws.send(json.dumps(WRITE_CONFLICT | {"ref": frame["client_msg_id"]}))
                    return
            server.send(message)

        ws.on_message(from_page)

    return route

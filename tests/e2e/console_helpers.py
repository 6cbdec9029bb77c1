"""Helpers for the console browser tests: a visitor driven through the public API, sign-in."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect
from websockets.sync.client import ClientConnection, connect

from tests.e2e.conftest import E2EServer

SITE = "https://shop.example.com"


class Visitor:
    """One visitor of one contact, over HTTP (and the visitor WebSocket for typing)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = httpx.Client(base_url=base_url, timeout=10, headers={"Origin": SITE})
        self.visitor_id = uuid.uuid4().hex
        self.token = ""
        self.contact_id = 0
        self.ws: ClientConnection | None = None

    def request(self, service_id: int, name: str, **extra: Any) -> int:
        body = {"service_id": service_id, "visitor_id": self.visitor_id, "name": name, **extra}
        response = self.http.post("/api/visitor/contacts", json=body)
        assert response.status_code == 201, response.text
        data = response.json()
        self.token = data["token"]
        self.contact_id = int(data["contact"]["id"])
        self.http.headers["Authorization"] = f"Bearer {self.token}"
        return self.contact_id

    def say(self, text: str) -> dict[str, Any]:
        response = self.http.post(
            "/api/visitor/contact/messages",
            json={"text": text, "client_msg_id": uuid.uuid4().hex},
        )
        assert response.status_code == 201, response.text
        return dict(response.json())

    def receipt(self, up_to: int, state: str) -> None:
        response = self.http.post(
            "/api/visitor/contact/receipts", json={"up_to": up_to, "state": state}
        )
        assert response.status_code == 200, response.text

    def contact(self) -> dict[str, Any]:
        response = self.http.get("/api/visitor/contact")
        assert response.status_code == 200, response.text
        return dict(response.json())

    def messages(self, sender: str | None = None) -> list[dict[str, Any]]:
        return [m for m in self.contact()["messages"] if sender is None or m["sender"] == sender]

    def open_socket(self) -> ClientConnection:
        ws_url = self.base_url.replace("http://", "ws://")
        self.ws = connect(
            f"{ws_url}/ws/visitor?token={self.token}",
            additional_headers={"Origin": SITE},
            compression=None,
        ).__enter__()  # closed explicitly by close() or the test
        hello = json.loads(self.ws.recv(timeout=5))
        assert hello["type"] == "hello", hello
        return self.ws

    def typing(self, active: bool = True) -> None:
        assert self.ws is not None
        self.ws.send(
            json.dumps({"type": "typing", "contact_id": self.contact_id, "active": active})
        )

    def wait_frame(self, match: Callable[[dict[str, Any]], bool], timeout: float = 5) -> None:
        """Read visitor frames until one matches (raises TimeoutError otherwise)."""
        assert self.ws is not None
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no matching visitor frame")
            frame = json.loads(self.ws.recv(timeout=left))
            if match(frame):
                return

    def close(self) -> None:
        if self.ws is not None:
            self.ws.close()
        self.http.close()


@pytest.fixture
def console_server(e2e_server: E2EServer) -> E2EServer:
    """The real server process of conftest's e2e_server (fresh seeded SQLite per test)."""
    return e2e_server


@pytest.fixture
def visitors(console_server: E2EServer) -> Iterator[Callable[[], Visitor]]:
    made: list[Visitor] = []

    def make() -> Visitor:
        visitor = Visitor(console_server.url)
        made.append(visitor)
        return visitor

    yield make
    for visitor in made:
        visitor.close()


def sign_in(context: BrowserContext, server: E2EServer, login: str) -> Page:
    """Open the console in a new page and sign in; returns once the stream is live."""
    page = context.new_page()
    page.goto(f"{server.url}/console")
    page.get_by_label("Login").fill(login)
    page.get_by_label("Password").fill(server.seeded.passwords[login])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("agent-status")).to_have_attribute("data-status", "READY")
    return page


def panel(page: Page, contact_id: int) -> Locator:
    return page.locator(f'sp-panel[data-contact-id="{contact_id}"]')


def waiting_entry(page: Page, contact_id: int) -> Locator:
    return page.locator(f'[data-testid="waiting-entry"][data-contact-id="{contact_id}"]')


def service_id(server: E2EServer, name: str) -> int:
    return int(server.seeded.services[name]["id"])

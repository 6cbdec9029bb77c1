"""The Webhooks admin page against a real server process and a real receiver: an admin
registers an endpoint (its secret shown once), sees it parked with its last error after the
receiver failed too long, and replays it once the receiver is back."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import orjson
import pytest
from playwright.sync_api import BrowserContext, expect

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_accessibility import Axe
from tests.e2e.widget_helpers import WidgetWorld, console_sign_in, make_world, shop_services
from tests.support.receiver import verify

pytestmark = pytest.mark.e2e

ENV = {
    "SPORTELLO_WEBHOOKS_ALLOW_PRIVATE": "true",
    "SPORTELLO_WEBHOOKS_POLL_SECONDS": "0.05",
    "SPORTELLO_WEBHOOKS_RETRY_SECONDS": "0.2",
    "SPORTELLO_WEBHOOKS_PARK_AFTER_SECONDS": "1",
}


class Inbox(http.server.ThreadingHTTPServer):
    up = False
    got: list[tuple[dict[str, str], bytes]]
    arrived: threading.Event


class Handler(http.server.BaseHTTPRequestHandler):
    server: Inbox

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.server.up:
            self.server.got.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.server.arrived.set()
        self.send_response(200 if self.server.up else 500)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    server = Inbox(("127.0.0.1", 0), Handler)
    server.got = []
    server.arrived = threading.Event()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


@pytest.fixture
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WidgetWorld]:
    yield from make_world(tmp_path_factory.mktemp("admin-webhooks"), shop_services, env=ENV)


def an_event(world: WidgetWorld) -> None:
    """``agent.status_changed``: Bob pauses."""
    with httpx.Client(base_url=world.server.url, timeout=10) as http:
        login = http.post(
            "/api/auth/login", json={"login": "bob", "password": world.seeded.passwords["bob"]}
        )
        token = login.json()["token"]
        changed = http.put(
            "/api/me/status",
            json={"status": "PAUSED"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert changed.status_code == 200, changed.text


def test_the_admin_registers_sees_parked_and_replays_a_webhook(
    world: WidgetWorld, inbox: Inbox, context_factory: Callable[..., BrowserContext]
) -> None:
    page = console_sign_in(world, context_factory(), "ann")
    page.goto(f"{world.server.url}/admin#webhooks")
    page.get_by_test_id("new").click()
    form = page.get_by_test_id("edit-form")
    url = f"http://127.0.0.1:{inbox.server_address[1]}/hook"
    form.get_by_label("Address (URL)").fill(url)
    form.get_by_label("Events").fill("agent.*")
    form.get_by_test_id("save").click()
    expect(page.get_by_test_id("status")).to_contain_text(f"Webhook {url} created.")
    secret = page.get_by_test_id("secret-value").input_value()
    assert len(secret) >= 32
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "admin-webhooks-secret.png"), full_page=True)
    axe = Axe()
    axe(page, "admin webhooks, secret shown")

    an_event(world)
    for _ in range(400):  # the receiver answers 500 until the endpoint is parked
        if world.admin_get("/api/admin/webhooks").json()[0]["state"] == "parked":
            break
        time.sleep(0.05)
    page.reload()
    row = page.get_by_test_id("row").filter(has_text=url)
    expect(row.get_by_test_id("parked")).to_contain_text("Parked since")
    expect(row.get_by_test_id("last-error")).to_have_text("HTTP 500")
    page.screenshot(path=str(SCREENSHOTS / "admin-webhooks-parked.png"), full_page=True)
    axe(page, "admin webhooks, parked")

    inbox.up = True
    row.get_by_test_id("replay").click()
    axe(page, "admin webhooks, replay question")
    axe.assert_clean()
    expect(row.get_by_test_id("question-text")).to_contain_text("Send again from event")
    row.get_by_test_id("confirm-action").click()
    expect(page.get_by_test_id("status")).to_contain_text(f"Deliveries to {url} resume")
    assert inbox.arrived.wait(30)
    headers, body = inbox.got[0]
    assert verify(secret, headers["sportello-signature"], body)
    assert orjson.loads(body)["kind"] == "agent.status_changed"
    page.reload()
    expect(row.get_by_test_id("parked")).to_have_count(0)
    hook = world.admin_get("/api/admin/webhooks").json()[0]
    assert (hook["state"], hook["attempts"]) == ("active", 0)

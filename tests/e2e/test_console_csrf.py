"""A page on another origin of the same site cannot use the agent's session cookie.

127.0.0.1 on another port is the same *site* as the server, so the SameSite=Strict cookie
goes along with its requests; the server must refuse them by origin. The page tries every
state-changing endpoint (from the OpenAPI document) as form posts and as fetches with
credentials; nothing changes.
"""

from __future__ import annotations

import http.server
import re
import threading
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import BrowserContext

from tests.e2e.conftest import E2EServer
from tests.e2e.console_helpers import Visitor, console_server, service_id, sign_in, visitors
from tests.support.postgres import free_port

__all__ = ["console_server", "visitors"]


class AttackerPage(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<!doctype html><p>You won a prize!</p>")

    def log_message(self, *_args: Any) -> None:
        return None


@pytest.fixture
def attacker() -> Iterator[str]:
    """A page served from another port of the server's host: another origin, the same site."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), AttackerPage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


FORGE = """async ([targets]) => {
    const results = [];
    for (const [method, url] of targets) {
        if (method === 'POST') {  // a plain HTML form, as a forged click would send it
            await new Promise((resolve) => {
                const frame = document.createElement('iframe');
                frame.name = 'f' + results.length;
                frame.onload = resolve;
                document.body.appendChild(frame);
                const form = document.createElement('form');
                form.method = 'POST';
                form.action = url;
                form.target = frame.name;
                form.enctype = 'text/plain';
                const field = document.createElement('input');
                field.name = '{"colour": "red", "status": "PAUSED", "x": "';
                field.value = '"}';
                form.appendChild(field);
                document.body.appendChild(form);
                form.submit();
                setTimeout(resolve, 3000);
            });
        }
        for (const mode of ['no-cors', 'cors']) {  // fetch with the cookie
            try {
                await fetch(url, {method, mode, credentials: 'include',
                    headers: {'Content-Type': 'text/plain'}, body: '{"status": "PAUSED"}'});
            } catch (e) { /* a refused preflight: the request never left */ }
        }
        results.push(url);
    }
    return results.length;
}"""


PATH_PARAM = re.compile(r"\{(\w+)\}")
"""A path's parameter; ids the test does not know are 1 (a row that may not even exist)."""


def state_changing(server: E2EServer, contact_id: int, session: str) -> list[tuple[str, str]]:
    spec = httpx.get(server.url + "/openapi.json").json()
    targets = []
    for path, operations in spec["paths"].items():
        if path.startswith("/api/visitor/"):  # bearer-token API, cross-origin by design
            continue
        for method in operations:
            if method.upper() in ("POST", "PUT", "PATCH", "DELETE"):
                url = server.url + PATH_PARAM.sub(
                    lambda m: str({"contact_id": contact_id, "session_id": session}.get(m[1], 1)),
                    path,
                )
                targets.append((method.upper(), url))
    return sorted(targets, key=lambda t: t[1].endswith("/logout"))  # sign-out last


def test_a_same_site_page_cannot_forge_console_requests(
    console_server: E2EServer,
    context_factory: Callable[..., BrowserContext],
    visitors: Callable[[], Visitor],
    attacker: str,
) -> None:
    context = context_factory()
    console = sign_in(context, console_server, "ann")
    vera = visitors()
    vera.request(service_id(console_server, "Sales"), "Vera", message="Hello?")
    assert vera.contact()["state"] == "pending"
    session = console.evaluate("sessionStorage.getItem('sportello.console.session')")
    before = httpx.get(console_server.url + "/healthz").json()["position"]

    page = context.new_page()
    page.goto(attacker + "/")
    targets = state_changing(console_server, vera.contact_id, session)
    assert len(targets) >= 10
    assert page.evaluate(FORGE, [targets]) == len(targets)

    assert vera.contact()["state"] == "pending"  # not accepted, not closed
    assert httpx.get(console_server.url + "/healthz").json()["position"] == before

    def from_console(script: str) -> Any:
        return console.evaluate(script)

    me = from_console("fetch('/api/me').then(async (r) => [r.status, await r.json()])")
    assert me[0] == 200 and me[1]["status"] == "READY"  # still signed in, not paused
    # The cookie itself works from the console's own origin: the refusals were about origin.
    opened = from_console("fetch('/api/console-sessions', {method: 'POST'}).then((r) => r.status)")
    assert opened == 201

"""The demo shop website (its own origin/port) with the widget embedded.

The pages are plain HTML files under ``pages/``; every ``__SPORTELLO_URL__`` in them is
replaced, when served, by the main server's public URL so they load ``/widget.js`` from it
whatever port it runs on.
"""

from __future__ import annotations

import http.server
import mimetypes
import threading
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

from sportello.config import Settings

PAGES = Path(__file__).parent / "pages"
PLACEHOLDER = "__SPORTELLO_URL__"
TEMPLATED = {".html", ".css", ".js"}


def _browser_host(host: str) -> str:
    """A wildcard bind address is not something a browser can open: use loopback."""
    return "127.0.0.1" if host in ("", "0.0.0.0", "::") else host


def sportello_url(settings: Settings) -> str:
    """Where the demo pages load the widget from: the main server."""
    fallback = f"http://{_browser_host(settings.host)}:{settings.port}"
    return (settings.public_url or fallback).rstrip("/")


def demo_site_origin(settings: Settings, port: int) -> str:
    """The shop's origin, listed in the demo services' sites."""
    return f"http://{_browser_host(settings.host)}:{port}"


class DemoSiteHandler(http.server.BaseHTTPRequestHandler):
    """GET/HEAD of the files under ``pages/``, templated; nothing else."""

    server_version = "SportelloDemoShop"
    widget_base: ClassVar[str] = ""
    root: ClassVar[Path] = PAGES

    def do_GET(self) -> None:
        self._serve(body=True)

    def do_HEAD(self) -> None:
        self._serve(body=False)

    def _serve(self, *, body: bool) -> None:
        path = urlsplit(self.path).path.lstrip("/") or "index.html"
        if path.endswith("/"):
            path += "index.html"
        root = self.root.resolve()
        for candidate in (path, path + ".html"):
            target = (root / candidate).resolve()
            if target.is_relative_to(root) and target.is_file():
                self._send(200, target, body=body)
                return
        self._send(404, root / "404.html", body=body)

    def _send(self, status: int, target: Path, *, body: bool) -> None:
        data = target.read_bytes()
        if target.suffix in TEMPLATED:
            data = data.replace(PLACEHOLDER.encode(), self.widget_base.encode())
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type.endswith("javascript"):
            content_type += "; charset=utf-8"
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        if body:
            self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the main server's log is what matters."""


def serve_demo_site(widget_base: str, host: str, port: int) -> http.server.ThreadingHTTPServer:
    """Start the demo shop in a daemon thread; the caller may ``shutdown()`` it."""
    handler = type("BoundDemoSiteHandler", (DemoSiteHandler,), {"widget_base": widget_base})
    server = http.server.ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True, name="demo-site").start()
    return server


def start_demo_site(settings: Settings, port: int) -> None:
    """Serve the demo pages in a thread; they load the widget from the main server."""
    serve_demo_site(sportello_url(settings), settings.host, port)

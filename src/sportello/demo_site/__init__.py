"""The demo shop website (its own origin/port) with the widget embedded."""

from __future__ import annotations

import http.server
import threading
from functools import partial
from pathlib import Path

from sportello.config import Settings

PAGES = Path(__file__).parent / "pages"


def demo_site_origin(settings: Settings, port: int) -> str:
    return f"http://{settings.host}:{port}"


def start_demo_site(settings: Settings, port: int) -> None:
    """Serve the static demo pages in a thread; they load the widget from the main server."""
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(PAGES))
    server = http.server.ThreadingHTTPServer((settings.host, port), handler)
    threading.Thread(target=server.serve_forever, daemon=True, name="demo-site").start()

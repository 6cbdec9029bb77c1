"""The app served by uvicorn inside the test's event loop, on a random port, with a manual clock."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from sportello.actions.agents import do_refresh_node_sessions
from sportello.actions.context import Ctx
from sportello.app import build_app
from sportello.clock import ManualClock
from sportello.config import Settings
from sportello.realtime.hub import StreamHub
from sportello.serving import Node
from sportello.web.admission import AdmissionGate
from sportello.web.readiness import Readiness
from tests.support.postgres import free_port

RATE_LIMITS_OFF = {
    "rate_contacts_per_minute": 0,
    "rate_left_messages_per_minute": 0,
    "rate_messages_per_minute": 0,
    "rate_ip_messages_per_minute": 0,
    "rate_call_signals_per_minute": 0,
    "rate_translation_previews_per_minute": 0,
}
"""Tests drive every client from 127.0.0.1 at machine speed under a clock that stands still,
so the limits are off unless a test sets them (tests/api/test_rate_limits.py)."""


@dataclass
class RunningApp:
    url: str
    ws_url: str
    ctx: Ctx
    clock: ManualClock
    hub: StreamHub
    admission: AdmissionGate
    readiness: Readiness
    server: Node

    async def advance(self, seconds: float) -> None:
        """Move time on; live console sessions stay live as their heartbeat would keep them."""
        self.clock.advance(seconds)
        await do_refresh_node_sessions(self.ctx)


@contextlib.asynccontextmanager
async def serve_app(
    database_url: str, data_dir: Path, **settings: object
) -> AsyncIterator[RunningApp]:
    port = free_port()
    clock = ManualClock()
    for name, off in RATE_LIMITS_OFF.items():
        settings.setdefault(name, off)
    config = Settings(
        database_url=database_url,
        data_dir=data_dir,
        secret_key="test-secret",
        port=port,
        **settings,  # type: ignore[arg-type]
    )
    app = build_app(config, clock=clock, create_tables=True)
    server = Node(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            log_level="warning",
            ws="websockets-sansio",
            ws_per_message_deflate=False,
            lifespan="on",
            proxy_headers=False,  # as serving.py: the app's TrustedProxies decides
        ),
        app.state.readiness,
        config.drain_seconds,
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    running = RunningApp(
        url=f"http://127.0.0.1:{port}",
        ws_url=f"ws://127.0.0.1:{port}",
        ctx=app.state.ctx,
        clock=clock,
        hub=app.state.hub,
        admission=app.state.admission,
        readiness=app.state.readiness,
        server=server,
    )
    try:
        yield running
    finally:
        server.should_exit = True
        await task

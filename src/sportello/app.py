"""Builds the application: settings, database, bus, hub, scheduler, routes, static assets."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from sportello import __version__
from sportello.actions.agents import do_reset_sessions
from sportello.actions.call_resume import do_presume_calls_interrupted
from sportello.actions.context import Ctx
from sportello.actions.nodes import do_beat_node
from sportello.actions.visitor_presence import do_presume_visitors_away
from sportello.actions.webhook_cursor import do_release_webhook_leases
from sportello.clock import Clock, SystemClock
from sportello.config import Settings
from sportello.files.storage import LocalFileStore
from sportello.hooks.dispatcher import WebhookDispatcher
from sportello.logs import tidy_uvicorn_lines
from sportello.mail.sender import OutboxSender
from sportello.realtime.hub import StreamHub
from sportello.realtime.queue_lines import QueueLines
from sportello.realtime.supervision_views import SupervisionViews
from sportello.routing.rerouter import Rerouter
from sportello.scheduler import Scheduler
from sportello.storage.database import Database
from sportello.storage.migrate import head_revisions
from sportello.stream.bus import Bus, LocalBus, RedisBus
from sportello.translation.jobs import TranslationJobs
from sportello.web import (
    routes_admin,
    routes_admin_agents,
    routes_api_tokens,
    routes_audit,
    routes_auth,
    routes_canned_files,
    routes_canned_replies,
    routes_console,
    routes_contacts,
    routes_files,
    routes_health,
    routes_history,
    routes_intervention,
    routes_metrics,
    routes_reports,
    routes_supervision,
    routes_translation,
    routes_visitor,
    routes_webhooks,
    ws,
)
from sportello.web.admission import AdmissionGate, AdmissionMiddleware
from sportello.web.cors import VisitorCorsMiddleware
from sportello.web.csrf import CsrfMiddleware
from sportello.web.errors import install_error_handlers
from sportello.web.proxies import TrustedProxies
from sportello.web.readiness import Readiness
from sportello.web.request_log import RequestLog
from sportello.web.security_headers import SecurityHeaders
from sportello.web.socket_shortcut import SocketShortcut, socket_endpoints

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "web" / "static"


def build_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    run_scheduler: bool = True,
    create_tables: bool = False,
) -> FastAPI:
    """The ASGI app. ``create_tables`` is for tests; servers run migrations first."""
    db = Database(settings.database_url, writers=settings.database_writers)
    bus: Bus = RedisBus(settings.redis_url) if settings.redis_url else LocalBus()
    ctx = Ctx(settings=settings, db=db, bus=bus, clock=clock or SystemClock())
    hub = StreamHub(db, bus, ctx.clock, ctx.figures.delivery)
    ctx.committed = hub.committed
    supervision = SupervisionViews(ctx, hub)
    queue_lines = QueueLines(ctx)
    hub.queue_moved = queue_lines.moved
    scheduler = Scheduler(ctx)
    outbox = OutboxSender(ctx)
    webhooks = WebhookDispatcher(ctx)
    rerouter = Rerouter(ctx)
    ctx.reroute_soon = rerouter.kick
    ctx.load_changed = rerouter.load_changed
    translations = TranslationJobs(ctx)
    ctx.translate_soon = translations.submit
    readiness = Readiness(
        db,
        ctx.node_id,
        redis_url=settings.redis_url,
        head=None if create_tables else head_revisions(),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        tidy_uvicorn_lines()
        if create_tables:
            await db.create_all()
        await bus.start()
        await do_beat_node(ctx)  # registered before any widget connects here
        if not settings.redis_url:
            await do_reset_sessions(ctx)
            await do_presume_visitors_away(ctx)
            await do_presume_calls_interrupted(ctx)
            await do_release_webhook_leases(ctx, everyone=True)  # the only deliverer
        await hub.start()
        rerouter.start()
        # Ask the engine for its pairs now, not at the first agent's click (Apertium's
        # helper processes take a moment to start).
        warming = asyncio.create_task(ctx.translator.pairs())
        if run_scheduler:
            scheduler.start()
            outbox.start()
            webhooks.start()
        try:
            yield
        finally:
            readiness.drain()
            await scheduler.stop()
            await outbox.stop()
            await webhooks.stop()
            warming.cancel()
            await asyncio.gather(warming, return_exceptions=True)
            await translations.stop()
            await ctx.translator.close()
            await rerouter.stop()
            await supervision.stop()
            await queue_lines.stop()
            await hub.stop()
            await bus.stop()
            await ctx.limits.close()
            ctx.countries.close()
            await readiness.close()
            await db.dispose()

    app = FastAPI(
        title="Sportello",
        version=__version__,
        description="Multimedia contact center API. WebSocket frames: docs/protocol.md.",
        lifespan=lifespan,
    )
    app.state.ctx = ctx
    app.state.hub = hub
    app.state.readiness = readiness
    app.state.supervision = supervision
    app.state.queue_lines = queue_lines
    app.state.scheduler = scheduler
    app.state.files = LocalFileStore(settings.files_root)
    app.state.admission = AdmissionGate(
        settings.intake_max_in_flight, settings.intake_retry_after_seconds
    )
    app.add_middleware(AdmissionMiddleware, gate=app.state.admission)
    app.add_middleware(CsrfMiddleware, allowed_origins=settings.allowed_console_origins)
    app.add_middleware(VisitorCorsMiddleware)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestLog)
    app.add_middleware(SocketShortcut, endpoints=socket_endpoints(ws.router))
    app.add_middleware(TrustedProxies, trusted=settings.trusted_proxies)  # outermost

    install_error_handlers(app)

    for module in (
        routes_auth,
        routes_console,
        routes_contacts,
        routes_visitor,
        routes_files,
        routes_reports,
        routes_supervision,
        routes_intervention,
        routes_history,
        routes_translation,
        routes_admin,
        routes_admin_agents,
        routes_canned_replies,
        routes_canned_files,
        routes_audit,
        routes_api_tokens,
        routes_webhooks,
        routes_metrics,
        routes_health,
        ws,
    ):
        app.include_router(module.router)

    @app.get("/healthz", tags=["ops"])
    async def healthz() -> dict[str, object]:
        return {"ok": True, "version": __version__, "position": hub.position}

    _mount_static(app)
    return app


def _mount_static(app: FastAPI) -> None:
    """The built console and widget (frontend/ → web/static)."""
    if not STATIC_DIR.exists():
        log.warning("front end not built: %s is missing (run `make frontend`)", STATIC_DIR)
        return
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/", include_in_schema=False)
    async def root() -> Response:
        return RedirectResponse("/console")

    @app.get("/console", include_in_schema=False)
    async def console() -> Response:
        return FileResponse(STATIC_DIR / "console.html")

    @app.get("/reports", include_in_schema=False)
    async def reports() -> Response:
        return FileResponse(STATIC_DIR / "reports.html")

    @app.get("/admin", include_in_schema=False)
    async def admin() -> Response:
        return FileResponse(STATIC_DIR / "admin.html")

    @app.get("/supervision", include_in_schema=False)
    async def supervision() -> Response:
        return FileResponse(STATIC_DIR / "supervision.html")

    @app.get("/widget.js", include_in_schema=False)
    async def widget() -> Response:
        return FileResponse(STATIC_DIR / "widget.js", media_type="text/javascript")

"""Running the server: one process, or N worker processes sharing one listening socket.

Each process is a :class:`Node`: uvicorn, plus a drain on a graceful stop. The first
SIGTERM (or SIGINT) makes ``/health/ready`` answer 503 at once; after
``SPORTELLO_DRAIN_SECONDS`` (still serving, so a load balancer notices) uvicorn stops
listening, closes the WebSockets with 1012 (clients reconnect elsewhere and resume),
waits for the requests in flight, then the app's shutdown runs. A second signal skips
what is left of the drain.

``--workers N`` forks nothing: the parent binds the socket, spawns N fresh interpreters
that each build a full node (own node id, heartbeat, timers, bus connection) and serve
the shared socket, replaces a worker that dies, and on SIGTERM passes it to every worker
and waits for all of them to finish draining. A worker whose parent is gone stops.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from types import FrameType
from typing import Any

import uvicorn

from sportello.config import ConfigError, Settings, load_settings
from sportello.log_format import configure_logging
from sportello.web.readiness import Readiness

log = logging.getLogger(__name__)

STARTUP_FAILED = 3
"""A worker's exit status when it stopped before serving: replacing it would fail alike."""


class Node(uvicorn.Server):
    def __init__(
        self,
        config: uvicorn.Config,
        readiness: Readiness,
        drain_seconds: float,
        *,
        supervisor: int | None = None,
    ) -> None:
        """``supervisor``: the parent's pid, for a worker; one whose parent is gone (killed)
        stops at once rather than serve unsupervised."""
        super().__init__(config)
        self.readiness = readiness
        self.drain_seconds = drain_seconds
        self.supervisor = supervisor
        self._drain_until: float | None = None

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        """Graceful stop; not re-raised afterwards, so a drained process exits with 0."""
        self.readiness.drain()
        if self._drain_until is None and self.drain_seconds > 0:
            self._drain_until = time.monotonic() + self.drain_seconds
            log.info("draining for %ss before stopping", self.drain_seconds)
            return
        if self.should_exit and sig == signal.SIGINT:
            self.force_exit = True
        self.should_exit = True

    async def on_tick(self, counter: int) -> bool:
        orphaned = self.supervisor is not None and os.getppid() != self.supervisor
        if orphaned or (self._drain_until is not None and time.monotonic() >= self._drain_until):
            self.readiness.drain()
            self.should_exit = True
        return await super().on_tick(counter)


def node(settings: Settings, supervisor: int | None = None) -> Node:
    """The app of ``settings`` under a :class:`Node` (migrations must have run)."""
    from sportello.app import build_app

    app = build_app(settings)
    return Node(
        uvicorn.Config(
            app,
            host=settings.host,
            port=settings.port,
            ws="websockets-sansio",
            ws_per_message_deflate=False,
            log_level=settings.log_level,
            log_config=None,  # the process's own (log_format.py)
            access_log=False,  # requests are logged by route (web/request_log.py)
            proxy_headers=False,  # SPORTELLO_TRUSTED_PROXIES is the one rule (web/proxies.py)
            loop="uvloop",
            http="httptools",
        ),
        app.state.readiness,
        settings.drain_seconds,
        supervisor=supervisor,
    )


def check_workers(settings: Settings, workers: int) -> None:
    """Several processes need the scale-out mode: PostgreSQL for the shared state, Redis
    for the wake-ups between them (without it each would also reset the others' sessions
    when it starts)."""
    if workers < 1:
        raise ConfigError("--workers must be at least 1")
    if workers > 1 and (settings.database_url.startswith("sqlite") or not settings.redis_url):
        raise ConfigError(
            "--workers needs the scale-out mode: a PostgreSQL SPORTELLO_DATABASE_URL and "
            "SPORTELLO_REDIS_URL (docs/operations.md, Scale-out)"
        )


def serve_workers(settings: Settings, overrides: dict[str, Any], workers: int) -> int:
    """Supervise ``workers`` processes on one socket until SIGTERM/SIGINT; 0 when all of
    them stopped cleanly."""
    listener = uvicorn.Config("sportello", host=settings.host, port=settings.port).bind_socket()
    spawn = multiprocessing.get_context("spawn")
    stopping = threading.Event()

    def start() -> Any:
        process = spawn.Process(target=_worker, args=(overrides, listener, os.getpid()))
        process.start()
        return process

    procs = [start() for _ in range(workers)]

    def on_signal(sig: int, _frame: FrameType | None) -> None:
        if stopping.is_set():  # again: the workers skip what is left of their drain
            _forward(procs, signal.SIGTERM)
        stopping.set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, on_signal)
    log.info("serving with %d workers on %s:%s", workers, settings.host, settings.port)
    failed = False
    while not stopping.wait(0.5):
        for index, process in enumerate(procs):
            if process.exitcode is None:
                continue
            if process.exitcode == STARTUP_FAILED:
                log.error("worker %s failed to start; stopping", process.pid)
                failed = True
                stopping.set()
                break
            log.error("worker %s exited (%s); starting another", process.pid, process.exitcode)
            procs[index] = start()
    _forward(procs, signal.SIGTERM)
    for process in procs:
        process.join()
    listener.close()
    return 1 if failed or any(p.exitcode != 0 for p in procs) else 0


def _forward(procs: list[Any], sig: int) -> None:
    for process in procs:
        if process.exitcode is None and process.pid is not None:
            os.kill(process.pid, sig)


def _worker(overrides: dict[str, Any], listener: socket.socket, supervisor: int) -> None:
    """One worker process: a full node on the parent's socket."""
    configure_logging()
    try:
        settings = load_settings(**overrides)
        configure_logging(settings.log_level, settings.log_format)
        server = node(settings, supervisor)
    except Exception:
        log.exception("worker failed to start")
        sys.exit(STARTUP_FAILED)
    server.run(sockets=[listener])
    if not server.started:
        sys.exit(STARTUP_FAILED)

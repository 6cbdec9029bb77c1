"""Start the systems under test as real processes: a Sportello server or the bare relay."""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from bench.seed import Seeded, SeedSpec, seed
from bench.system import pin, raise_nofile

METRICS_TOKEN = "bench-metrics-token"
"""Turns the servers' /metrics on (the stream lock's hold-time histogram)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _prepare_child(cpus: list[int] | None) -> Any:
    def prepare() -> None:
        raise_nofile()
        pin(cpus)

    return prepare


@dataclass
class Target:
    """A running system under test and what clients need to talk to it (picklable view)."""

    kind: str
    """``sportello`` or ``relay``."""
    port: int
    process: subprocess.Popen[bytes]
    workdir: Path
    seeded: Seeded = field(default_factory=Seeded)
    cleanup: list[Any] = field(default_factory=list)
    database_url: str = ""
    others: list[tuple[int, subprocess.Popen[bytes]]] = field(default_factory=list)
    """More server processes on the same database and Redis (port, process): a
    multi-process run. Clients spread over all of them (``client_view``'s ``nodes``)."""

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def pids(self) -> list[int]:
        """Every server process, the first one first."""
        return [self.process.pid, *(p.pid for _port, p in self.others)]

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def client_view(self) -> dict[str, Any]:
        view: dict[str, Any] = {"kind": self.kind, "http": self.http, "ws": self.ws}
        if self.others:
            ports = [self.port, *(port for port, _p in self.others)]
            view["nodes"] = [
                {"index": i, "http": f"http://127.0.0.1:{port}", "ws": f"ws://127.0.0.1:{port}"}
                for i, port in enumerate(ports)
            ]
        return view

    def stop(self) -> None:
        processes = [self.process, *(p for _port, p in self.others)]
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
        for step in reversed(self.cleanup):
            step()
        shutil.rmtree(self.workdir, ignore_errors=True)


def _wait_healthy(target: Target, log: Path, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if target.process.poll() is not None:
            raise RuntimeError(f"{target.kind} exited: {log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{target.http}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    said = log.read_text()[-3000:]
    target.stop()
    raise TimeoutError(f"{target.kind} did not start: {said}")


def start_relay(cpus: list[int] | None) -> Target:
    workdir = Path(tempfile.mkdtemp(prefix="sportello-bench-relay-"))
    port = free_port()
    log = workdir / "relay.log"
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bench.relay", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=_prepare_child(cpus),
            cwd=Path(__file__).resolve().parent.parent,
        )
    target = Target("relay", port, process, workdir)
    _wait_healthy(target, log)
    return target


def start_sportello(
    spec: SeedSpec,
    cpus: list[int] | None,
    database_url: str | None,
    settings: dict[str, str],
    processes: int = 1,
) -> Target:
    """Seed a fresh database (SQLite in a temp dir, or a new database on the given
    PostgreSQL server), then run ``python -m sportello.cli serve`` against it with the
    run's settings (``SPORTELLO_*``: rate limits, Redis): ``processes`` of them, each on
    its own port (more than one needs PostgreSQL and Redis)."""
    workdir = Path(tempfile.mkdtemp(prefix="sportello-bench-"))
    cleanup: list[Any] = []
    if database_url:
        url, drop = _fresh_postgres_database(database_url)
        cleanup.append(drop)
    else:
        url = f"sqlite+aiosqlite:///{workdir / 'bench.sqlite3'}"
    secret = secrets.token_urlsafe(32)
    seeded = seed(url, secret, spec)
    env = {
        **os.environ,
        "SPORTELLO_DATABASE_URL": url,
        "SPORTELLO_DATA_DIR": str(workdir),
        "SPORTELLO_SECRET_KEY": secret,
        "SPORTELLO_LOG_LEVEL": "warning",
        "SPORTELLO_METRICS_TOKEN": METRICS_TOKEN,
        **settings,
    }
    started: list[tuple[int, subprocess.Popen[bytes], Path]] = []
    for i in range(processes):
        port = free_port()
        log = workdir / ("server.log" if i == 0 else f"server-{i}.log")
        with log.open("ab") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "sportello.cli", "serve"],
                env={**env, "SPORTELLO_PORT": str(port)},
                stdout=out,
                stderr=subprocess.STDOUT,
                preexec_fn=_prepare_child(cpus),
            )
        started.append((port, process, log))
    (port, process, log), rest = started[0], started[1:]
    target = Target("sportello", port, process, workdir, seeded, cleanup, url)
    target.others = [(p, proc) for p, proc, _log in rest]
    try:
        for other_port, other, other_log in rest:
            _wait_healthy(Target("sportello", other_port, other, workdir), other_log)
        _wait_healthy(target, log)
    except BaseException:
        target.stop()
        raise
    return target


def _fresh_postgres_database(url: str) -> tuple[str, Any]:
    """CREATE a throwaway database on the server named by ``url``; return its URL and a
    function that drops it."""
    import asyncpg

    parts = urlsplit(url)
    admin_dsn = urlunsplit(parts._replace(scheme="postgresql"))
    name = f"sportello_bench_{secrets.token_hex(4)}"

    async def run(sql: str) -> None:
        conn = await asyncpg.connect(admin_dsn)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    return urlunsplit(parts._replace(path=f"/{name}")), drop

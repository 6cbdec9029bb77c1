"""A real Sportello server process (the installed `sportello serve`) for e2e and crash tests."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.support.inproc import RATE_LIMITS_OFF
from tests.support.postgres import free_port


def listens(pid: int, port: int) -> bool:
    """Whether this process (or, with --workers, a child of it) holds the socket listening
    on 127.0.0.1:``port``: its inode among /proc/<pid>/fd of the process or its children."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table) as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(fields[9])
    pids = [pid, *_children(pid)]
    for owner in pids:
        with contextlib.suppress(OSError):
            for fd in os.listdir(f"/proc/{owner}/fd"):
                with contextlib.suppress(OSError):
                    link = os.readlink(f"/proc/{owner}/fd/{fd}")
                    if link.startswith("socket:[") and link[8:-1] in inodes:
                        return True
    return False


def _children(pid: int) -> list[int]:
    with contextlib.suppress(OSError), open(f"/proc/{pid}/task/{pid}/children") as f:
        return [int(child) for child in f.read().split()]
    return []


class ServerProcess:
    def __init__(
        self,
        database_url: str,
        *,
        data_dir: Path,
        port: int | None = None,
        env: dict[str, str] | None = None,
        redis_url: str | None = None,
        workers: int = 1,
    ) -> None:
        self.port = port or free_port()
        self.database_url = database_url
        self.data_dir = data_dir
        self.redis_url = redis_url
        self.extra_env = env or {}
        self.workers = workers
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = data_dir / f"server-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> None:
        env = {
            **os.environ,
            "SPORTELLO_DATABASE_URL": self.database_url,
            "SPORTELLO_DATA_DIR": str(self.data_dir),
            "SPORTELLO_PORT": str(self.port),
            "SPORTELLO_LOG_LEVEL": "warning",
            # Every test client comes from 127.0.0.1 at machine speed: limits off unless set.
            **{f"SPORTELLO_{name.upper()}": "0" for name in RATE_LIMITS_OFF},
            **self.extra_env,
        }
        if self.redis_url:
            env["SPORTELLO_REDIS_URL"] = self.redis_url
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sportello.cli", "serve", "--workers", str(self.workers)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text()[-2000:]}")
            try:
                healthy = httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200
            except httpx.HTTPError:
                healthy = False
            # Ours, not another server that took the port between free_port() and the bind
            # (a shared machine: ours then fails with "address already in use").
            if healthy and listens(self.process.pid, self.port):
                return
            time.sleep(0.1)
        raise TimeoutError(f"server did not start: {self.log_path.read_text()[-2000:]}")

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no flush; what was committed must survive."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

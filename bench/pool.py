"""Client worker processes: each runs one asyncio (uvloop) coroutine and talks to the parent.

The parent and a worker exchange small picklable messages over a pipe, so the parent can
line the workers up at barriers ("all connected") and measure the server in between.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import traceback
from collections.abc import Callable, Coroutine
from multiprocessing.connection import Connection
from typing import Any

from bench.system import pin, raise_nofile

WorkerFn = Callable[["Link", dict[str, Any]], Coroutine[Any, Any, None]]


class WorkerError(RuntimeError):
    """A client worker failed; the message carries its traceback."""


class Link:
    """The worker's end of the pipe, usable from asyncio."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def send(self, tag: str, payload: Any = None) -> None:
        self._conn.send((tag, payload))

    async def recv(self) -> tuple[str, Any]:
        loop = asyncio.get_running_loop()
        message: tuple[str, Any] = await loop.run_in_executor(None, self._conn.recv)
        return message

    async def wait_for(self, tag: str) -> Any:
        got, payload = await self.recv()
        if got != tag:
            raise RuntimeError(f"expected {tag!r} from the parent, got {got!r}")
        return payload


def _entry(fn: WorkerFn, conn: Connection, params: dict[str, Any], cpus: list[int] | None) -> None:
    import uvloop

    pin(cpus)
    raise_nofile()
    link = Link(conn)
    try:
        uvloop.run(fn(link, params))
    except BaseException:
        conn.send(("error", traceback.format_exc()))
        raise
    finally:
        conn.close()


class Pool:
    """N worker processes running ``fn(link, params[i])``."""

    def __init__(self, fn: WorkerFn, params: list[dict[str, Any]], cpus: list[int] | None) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._conns: list[Connection] = []
        self._procs: list[Any] = []
        for p in params:
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=_entry, args=(fn, child, p, cpus), daemon=True)
            proc.start()
            child.close()
            self._conns.append(parent)
            self._procs.append(proc)

    def __len__(self) -> int:
        return len(self._conns)

    def gather(self, tag: str, timeout: float) -> list[Any]:
        """One message tagged ``tag`` from every worker, or WorkerError."""
        out = []
        for i, conn in enumerate(self._conns):
            if not conn.poll(timeout):
                raise WorkerError(f"worker {i} sent nothing for {timeout:.0f} s (waiting {tag!r})")
            try:
                got, payload = conn.recv()
            except EOFError as exc:
                raise WorkerError(f"worker {i} exited (waiting {tag!r})") from exc
            if got == "error":
                raise WorkerError(f"worker {i} failed:\n{payload}")
            if got != tag:
                raise WorkerError(f"worker {i} sent {got!r}, expected {tag!r}")
            out.append(payload)
        return out

    def broadcast(self, tag: str, payload: Any = None) -> None:
        for conn in self._conns:
            conn.send((tag, payload))

    def close(self, timeout: float = 10.0) -> None:
        for proc in self._procs:
            proc.join(timeout)
            if proc.is_alive():
                proc.terminate()
                proc.join(5)
        for conn in self._conns:
            conn.close()

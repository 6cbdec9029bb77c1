"""Clients that move between server processes the way the real widget and console do.

A socket whose process goes away (killed: the connection drops; stopped gracefully: close
1012) is replaced by one to another process, resuming from the last position it processed
(``since``). An HTTP request that finds its process gone, or answered 502/503/504, goes to
the next one; it is the same request (same ``client_msg_id``), so a retry never doubles a
write the first attempt committed.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import websockets
from websockets.asyncio.client import ClientConnection

from tests.support.clients import Stream
from tests.support.server import ServerProcess

RETRY_STATUS = {502, 503, 504}
GIVE_UP_SECONDS = 30.0
"""A client that finds no process answering for this long fails the test."""


class Cluster:
    def __init__(self, nodes: list[ServerProcess]) -> None:
        self.nodes = nodes

    def __len__(self) -> int:
        return len(self.nodes)


class Roamer:
    """Remembers which process it talks to, and moves on when that one stops answering."""

    def __init__(self, cluster: Cluster, home: int) -> None:
        self.cluster = cluster
        self.home = home % len(cluster)
        self.first_home = self.home
        self.moves = 0

    @property
    def node(self) -> ServerProcess:
        return self.cluster.nodes[self.home]

    async def move_on(self, tried: int) -> None:
        """To the next process; after trying all of them, a short pause before the next
        round (every process may be restarting at once only briefly)."""
        self.home = (self.home + 1) % len(self.cluster)
        self.moves += 1
        if tried and tried % len(self.cluster) == 0:
            await asyncio.sleep(0.2)

    async def post(
        self,
        http: httpx.AsyncClient,
        path: str,
        body: dict[str, Any],
        headers: Callable[[ServerProcess], dict[str, str]] = lambda node: {},
    ) -> httpx.Response:
        deadline = asyncio.get_running_loop().time() + GIVE_UP_SECONDS
        tried = 0
        while True:
            node = self.node
            try:
                response = await http.post(f"{node.url}{path}", json=body, headers=headers(node))
                if response.status_code not in RETRY_STATUS:
                    return response
            except httpx.TransportError:
                if asyncio.get_running_loop().time() > deadline:
                    raise
            tried += 1
            await self.move_on(tried)


Connect = Callable[[ServerProcess, int | None], Awaitable[ClientConnection]]


class RoamingStream(Roamer):
    """One logical stream over successive sockets: ``frames`` is everything received, in
    order, whichever socket brought it; ``closes`` the close codes of the sockets lost."""

    def __init__(self, cluster: Cluster, home: int, connect: Connect) -> None:
        super().__init__(cluster, home)
        self._connect = connect
        self.changed = asyncio.Event()
        self._done: list[dict[str, Any]] = []
        self.current: Stream | None = None
        self.closes: list[int | None] = []
        self._closing = False
        self._task: asyncio.Task[None] | None = None
        self.failure: str | None = None

    @property
    def frames(self) -> list[dict[str, Any]]:
        return self._done + (self.current.frames if self.current is not None else [])

    @property
    def position(self) -> int:
        kinds = ("hello", "event")
        return max((f["position"] for f in self.frames if f["type"] in kinds), default=0)

    def events(self, kind: str | None = None) -> list[dict[str, Any]]:
        return [
            f for f in self.frames if f["type"] == "event" and (kind is None or f["kind"] == kind)
        ]

    async def open(self) -> RoamingStream:
        self.current = await self._open(None)
        self._task = asyncio.create_task(self._follow())
        return self

    async def _open(self, since: int | None) -> Stream:
        ws = await self._connect(self.node, since)
        stream = Stream(ws, self.changed)
        first = await stream.wait_for(lambda f: f["type"] in ("hello", "error"), timeout=20)
        if first["type"] == "error":
            await stream.close()
            raise StreamRefusedError(first)
        return stream

    async def _follow(self) -> None:
        tried = 0
        while True:
            assert self.current is not None
            await self.current.wait_closed()
            if self._closing:
                return
            self.closes.append(self.current.ws.close_code)
            since = self.current.position
            self._done.extend(self.current.frames)
            self.current = None
            while self.current is None:
                tried += 1
                await self.move_on(tried)
                try:
                    self.current = await self._open(since)
                except StreamRefusedError as exc:
                    self.failure = f"resume from {since} refused: {exc.frame}"
                    self.changed.set()
                    return
                except (OSError, websockets.InvalidHandshake, websockets.ConnectionClosed):
                    continue
                except TimeoutError:
                    continue
            tried = 0

    async def wait_for(
        self, match: Callable[[dict[str, Any]], bool], timeout: float = 10.0
    ) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            self.changed.clear()
            for frame in self.frames:
                if match(frame):
                    return frame
            if self.failure is not None:
                raise AssertionError(self.failure)
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"no matching frame; got {self.frames[-5:]}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), remaining)

    async def rehome(self) -> None:
        """Back to the process it started on, resuming there (a page reloaded after the
        load balancer spread connections again); nothing if it is there already."""
        if self.current is None or self.home == self.first_home:
            return
        self.home = (self.first_home - 1) % len(self.cluster)  # _follow moves on by one
        await self.current.ws.close()

    async def send(self, frame: dict[str, Any]) -> None:
        if self.current is not None:
            with contextlib.suppress(websockets.ConnectionClosed):
                await self.current.send(frame)

    async def close(self) -> None:
        self._closing = True
        if self.current is not None:
            await self.current.close()
        if self._task is not None:
            await self._task


class StreamRefusedError(Exception):
    def __init__(self, frame: dict[str, Any]) -> None:
        super().__init__(frame)
        self.frame = frame

"""Client side of the public API, shared by every scenario and by both systems under test.

The relay answers the same paths with the same shapes, so this code does not know which
one it talks to (except that relay consoles name the service whose offers they want).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import orjson
import websockets
from websockets.asyncio.client import ClientConnection

Frame = dict[str, Any]


def now_ns() -> int:
    """CLOCK_MONOTONIC: system-wide on Linux, so comparable across the bench's processes."""
    return time.monotonic_ns()


def node_of(target: dict[str, Any], k: int) -> dict[str, Any]:
    """The k-th server process (modulo their number) of a multi-process run, or the one
    server: where a client spread by ``k`` talks to."""
    nodes: list[dict[str, Any]] | None = target.get("nodes")
    if not nodes:
        return {"index": 0, "http": target["http"], "ws": target["ws"]}
    return nodes[k % len(nodes)]


@dataclass
class Agent:
    login: str
    token: str
    id: int
    session_id: str = ""
    service_id: int | None = None
    node: dict[str, Any] | None = None
    """The server process this agent's console and requests go to (None: the target's)."""


class Socket:
    """One WebSocket: waits for ``hello``, then hands every frame to ``on_frame``."""

    def __init__(self, ws: ClientConnection, on_frame: Callable[[Frame], None]) -> None:
        self.ws = ws
        self.on_frame = on_frame
        self.hello: asyncio.Future[Frame] = asyncio.get_running_loop().create_future()
        # A refused handshake is reported by _connect; don't warn about it again at exit.
        self.hello.add_done_callback(lambda f: f.cancelled() or f.exception())
        self.closed = asyncio.Event()
        self.handler_errors = 0
        self._task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                frame = orjson.loads(raw)
                if not self.hello.done():
                    if frame.get("type") == "hello":
                        self.hello.set_result(frame)
                    else:
                        self.hello.set_exception(ConnectionError(f"refused: {frame}"))
                    continue
                try:
                    self.on_frame(frame)
                except Exception:  # a bench bug must not silently stop the reader
                    traceback.print_exc()
                    self.handler_errors += 1
        except websockets.ConnectionClosed:
            pass
        finally:
            if not self.hello.done():
                self.hello.set_exception(ConnectionError("closed before hello"))
            self.closed.set()

    async def send(self, frame: Frame) -> None:
        await self.ws.send(orjson.dumps(frame).decode())

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.ws.close(), 5)
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._task


def _ignore(_frame: Frame) -> None:
    return None


async def _connect(
    url: str, headers: dict[str, str], on_frame: Callable[[Frame], None] | None
) -> Socket:
    ws = await websockets.connect(
        url,
        additional_headers=headers,
        compression=None,
        ping_interval=None,
        open_timeout=60,
        close_timeout=2,
        max_size=2**24,
    )
    socket = Socket(ws, on_frame or _ignore)
    try:
        await asyncio.wait_for(asyncio.shield(socket.hello), 60)
    except BaseException:
        await socket.close()
        raise
    return socket


async def open_console(
    target: dict[str, Any],
    agent: Agent,
    on_frame: Callable[[Frame], None] | None = None,
    since: int | None = None,
) -> Socket:
    query = f"session={agent.session_id}"
    if agent.service_id is not None and target["kind"] == "relay":
        query += f"&service={agent.service_id}"
    if since is not None:
        query += f"&since={since}"
    return await _connect(
        f"{(agent.node or target)['ws']}/ws/console?{query}",
        {"Cookie": f"sportello_session={agent.token}"},
        on_frame,
    )


async def open_widget(
    target: dict[str, Any],
    token: str,
    on_frame: Callable[[Frame], None] | None = None,
    since: int | None = None,
    node: dict[str, Any] | None = None,
) -> Socket:
    """``node``: the server process to connect to (a multi-process run); default the
    target's."""
    query = f"token={token}" + (f"&since={since}" if since is not None else "")
    return await _connect(f"{(node or target)['ws']}/ws/visitor?{query}", {}, on_frame)


class Api:
    """The HTTP calls a bench client makes."""

    def __init__(self, target: dict[str, Any], connections: int = 64) -> None:
        self.http = httpx.AsyncClient(
            base_url=target["http"],
            timeout=60,
            limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
        )

    async def sign_in(
        self,
        login: str,
        password: str,
        service_id: int | None = None,
        node: dict[str, Any] | None = None,
    ) -> Agent:
        """``node``: the server process this agent works with (a multi-process run)."""
        base = node["http"] if node else ""
        response = await self.http.post(
            f"{base}/api/auth/login", json={"login": login, "password": password}
        )
        response.raise_for_status()
        # Authenticate every later call with this agent's bearer token, not the cookie
        # the login just set (a shared client would otherwise act as the last agent).
        self.http.cookies.clear()
        body = response.json()
        agent = Agent(
            login, body["token"], int(body["agent"]["id"]), service_id=service_id, node=node
        )
        response = await self.http.post(
            f"{base}/api/console-sessions", headers=_bearer(agent.token)
        )
        response.raise_for_status()
        agent.session_id = str(response.json()["id"])
        return agent

    async def create_contact(
        self, service_id: int, name: str, visitor_id: str, node: dict[str, Any] | None = None
    ) -> Frame:
        """Ask for help (through ``node``, in a multi-process run); the answer holds
        ``contact`` and ``token``."""
        base = node["http"] if node else ""
        response = await self.http.post(
            f"{base}/api/visitor/contacts",
            json={"service_id": service_id, "visitor_id": visitor_id, "name": name},
        )
        response.raise_for_status()
        body: Frame = response.json()
        return body

    async def accept(self, agent: Agent, contact_id: int) -> int:
        return (await self.accept_coded(agent, contact_id))[0]

    async def accept_coded(self, agent: Agent, contact_id: int) -> tuple[int, str]:
        """The status and, for a refusal, the error's code."""
        response = await self.http.post(
            _at(agent, f"/api/contacts/{contact_id}/accept"), headers=_bearer(agent.token)
        )
        if response.status_code == 200:
            return 200, ""
        try:
            code = str(response.json().get("code", ""))
        except ValueError:
            code = ""
        return response.status_code, code or str(response.status_code)

    async def translate(self, agent: Agent, contact_id: int, visitor: str, own: str) -> int:
        response = await self.http.put(
            _at(agent, f"/api/contacts/{contact_id}/translation"),
            json={"visitor": visitor, "agent": own},
            headers=_bearer(agent.token),
        )
        return response.status_code

    async def close(self, agent: Agent, contact_id: int) -> int:
        response = await self.http.post(
            _at(agent, f"/api/contacts/{contact_id}/close"), headers=_bearer(agent.token)
        )
        return response.status_code

    async def aclose(self) -> None:
        await self.http.aclose()


def _at(agent: Agent, path: str) -> str:
    """The agent's own server process's URL for ``path`` (relative: the target's)."""
    return f"{agent.node['http']}{path}" if agent.node else path


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def wait_until(done: Callable[[], bool], seconds: float, step: float = 0.02) -> bool:
    """Poll ``done`` until it holds or ``seconds`` pass (bounded in count and time)."""
    for _ in range(max(1, int(seconds / step))):
        if done():
            return True
        await asyncio.sleep(step)
    return done()


async def bounded(limit: int, jobs: list[Callable[[], Any]]) -> list[Any]:
    """Run coroutine factories with at most ``limit`` in flight; results in order."""
    semaphore = asyncio.Semaphore(limit)

    async def one(job: Callable[[], Any]) -> Any:
        async with semaphore:
            return await job()

    return list(await asyncio.gather(*(one(j) for j in jobs)))

"""Test clients speaking the public API: an agent (HTTP + console WebSocket) and a visitor."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import orjson
import websockets
from websockets.asyncio.client import ClientConnection

KEEP_ALIVE = httpx.Limits(keepalive_expiry=1.0)
"""Let idle connections go well before uvicorn closes them (5 s): with both at 5 s, a
request sent as the server closed the connection failed with ReadError on a loaded machine
(tests/api/test_races.py, twenty agents signing in one after another)."""


class Stream:
    """One WebSocket of the stream, collecting frames; remembers the last position seen."""

    def __init__(self, ws: ClientConnection, new: asyncio.Event | None = None) -> None:
        """``new``: set on every frame (and at the end); shared by a client that follows
        one logical stream over several sockets (tests/scaleout/roaming.py)."""
        self.ws = ws
        self.frames: list[dict[str, Any]] = []
        self.position = 0
        self._new = new or asyncio.Event()
        self._task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                frame = orjson.loads(raw)
                if frame.get("type") in ("hello", "event", "view") and "position" in frame:
                    self.position = max(self.position, int(frame["position"]))
                self.frames.append(frame)
                self._new.set()
        except websockets.ConnectionClosed:
            pass
        finally:
            self._new.set()

    async def send(self, frame: dict[str, Any]) -> None:
        await self.ws.send(orjson.dumps(frame).decode())

    def events(self, kind: str | None = None) -> list[dict[str, Any]]:
        return [
            f for f in self.frames if f["type"] == "event" and (kind is None or f["kind"] == kind)
        ]

    async def wait_for(
        self, match: Callable[[dict[str, Any]], bool], timeout: float = 5.0, start: int = 0
    ) -> dict[str, Any]:
        deadline = asyncio.get_running_loop().time() + timeout
        seen = start
        while True:
            for frame in self.frames[seen:]:
                if match(frame):
                    return frame
            seen = len(self.frames)
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise TimeoutError(f"no matching frame; got {self.frames[-5:]}")
            self._new.clear()
            if len(self.frames) > seen:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new.wait(), remaining)

    async def next_frame(self, frame_type: str, timeout: float = 5.0) -> dict[str, Any]:
        """The first frame of this type that arrives from now on."""
        return await self.wait_for(
            lambda f: f["type"] == frame_type, timeout, start=len(self.frames)
        )

    async def wait_event(self, kind: str, timeout: float = 5.0, **data: Any) -> dict[str, Any]:
        def match(f: dict[str, Any]) -> bool:
            return (
                f["type"] == "event"
                and f["kind"] == kind
                and all(f["data"].get(k) == v or f.get(k) == v for k, v in data.items())
            )

        return await self.wait_for(match, timeout)

    async def drain(self) -> list[dict[str, Any]]:
        """Every event received once the server has answered a ping (replay comes first)."""
        ref = uuid.uuid4().hex
        await self.send({"type": "ping", "ref": ref})
        await self.wait_for(lambda f: f["type"] == "pong" and f["ref"] == ref)
        return [f for f in self.frames if f["type"] == "event"]

    async def wait_closed(self) -> None:
        """Until the socket has closed, from either side."""
        await asyncio.shield(self._task)

    async def close(self) -> None:
        await self.ws.close()
        await self._task


class AgentClient:
    def __init__(
        self,
        base_url: str,
        ws_url: str,
        login: str,
        password: str,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.base_url = base_url
        self.ws_url = ws_url
        self.login = login
        self.password = password
        self.tls = tls
        """What a TLS server's certificate is checked against (a test's own CA)."""
        # As the console page does: its requests carry the app's own origin (and the cookie).
        self.http = httpx.AsyncClient(
            base_url=base_url,
            timeout=20,
            headers={"Origin": base_url},
            limits=KEEP_ALIVE,
            verify=tls or True,
        )
        self.token = ""
        self.agent: dict[str, Any] = {}
        self.session_id = ""

    async def sign_in(self) -> AgentClient:
        response = await self.http.post(
            "/api/auth/login", json={"login": self.login, "password": self.password}
        )
        response.raise_for_status()
        body = response.json()
        self.token = body["token"]
        self.agent = body["agent"]
        return self

    async def open_console(self, since: int | None = None, session_id: str | None = None) -> Stream:
        if session_id is None:
            response = await self.http.post("/api/console-sessions")
            response.raise_for_status()
            session_id = response.json()["id"]
        self.session_id = session_id
        query = f"session={session_id}" + (f"&since={since}" if since is not None else "")
        return await self._stream(f"/ws/console?{query}")

    async def open_supervision(self, since: int | None = None) -> Stream:
        """The supervision stream (roles supervisor and admin): a hello then views and events."""
        query = f"?since={since}" if since is not None else ""
        return await self._stream(f"/ws/supervision{query}")

    async def _stream(self, path: str) -> Stream:
        ws = await websockets.connect(
            f"{self.ws_url}{path}",
            additional_headers={"Cookie": f"sportello_session={self.token}"},
            compression=None,
            ssl=self.tls,
        )
        stream = Stream(ws)
        await stream.wait_for(lambda f: f["type"] in ("hello", "error"))
        return stream

    async def post(self, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
        return await self.http.post(path, json=body or {})

    async def accept(self, contact_id: int) -> httpx.Response:
        return await self.post(f"/api/contacts/{contact_id}/accept")

    async def say(
        self, contact_id: int, text: str, client_msg_id: str | None = None
    ) -> httpx.Response:
        return await self.post(
            f"/api/contacts/{contact_id}/messages",
            {"text": text, "client_msg_id": client_msg_id or uuid.uuid4().hex},
        )

    async def aclose(self) -> None:
        await self.http.aclose()


class VisitorClient:
    def __init__(
        self,
        base_url: str,
        ws_url: str,
        origin: str | None = None,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.base_url = base_url
        self.ws_url = ws_url
        self.origin = origin
        self.tls = tls
        headers = {"Origin": origin} if origin else {}
        self.http = httpx.AsyncClient(
            base_url=base_url, timeout=20, headers=headers, limits=KEEP_ALIVE, verify=tls or True
        )
        self.visitor_id = uuid.uuid4().hex
        self.token = ""
        self.contact: dict[str, Any] = {}

    @property
    def contact_id(self) -> int:
        return int(self.contact["id"])

    async def request(
        self, service_id: int, name: str = "Vera Visitor", **extra: Any
    ) -> httpx.Response:
        body = {"service_id": service_id, "visitor_id": self.visitor_id, "name": name, **extra}
        response = await self.http.post("/api/visitor/contacts", json=body)
        if response.status_code == 201:
            self.token = response.json()["token"]
            self.contact = response.json()["contact"]
            self.http.headers["Authorization"] = f"Bearer {self.token}"
        return response

    async def open_widget(self, since: int | None = None) -> Stream:
        query = f"token={self.token}" + (f"&since={since}" if since is not None else "")
        headers = {"Origin": self.origin} if self.origin else {}
        ws = await websockets.connect(
            f"{self.ws_url}/ws/visitor?{query}",
            additional_headers=headers,
            compression=None,
            ssl=self.tls,
        )
        stream = Stream(ws)
        await stream.wait_for(lambda f: f["type"] in ("hello", "error"))
        return stream

    async def say(self, text: str, client_msg_id: str | None = None) -> httpx.Response:
        return await self.http.post(
            "/api/visitor/contact/messages",
            json={"text": text, "client_msg_id": client_msg_id or uuid.uuid4().hex},
        )

    async def leave(self) -> httpx.Response:
        return await self.http.post("/api/visitor/contact/leave")

    async def aclose(self) -> None:
        await self.http.aclose()

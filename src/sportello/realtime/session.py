"""One WebSocket client of the stream: catch-up from a position, then live, in order.

Subclasses say what the principal may see (``visible``) and how to handle client frames.
Ordering: the session subscribes to the hub *before* reading the catch-up, and drops live
events at or below the catch-up's end, so nothing is missed and nothing is sent twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from functools import partial
from typing import Any

import orjson
from sqlalchemy.exc import DBAPIError
from starlette.websockets import WebSocket, WebSocketDisconnect

from sportello.actions.context import Ctx
from sportello.errors import (
    InternalError,
    NotAuthenticatedError,
    ResyncRequiredError,
    SportelloError,
)
from sportello.realtime.frames import ClientFrame, Ping, parse_frame
from sportello.realtime.hub import StreamHub
from sportello.storage.conflicts import write_conflict
from sportello.stream.bus import Signal
from sportello.stream.events import Event, head_position, oldest_position, read_after

log = logging.getLogger(__name__)

IN_FLIGHT_LIMIT = 256
"""Frames of one connection being handled at once; reading pauses beyond this."""

OUTBOX_LIMIT = 5000
"""A client this far behind is disconnected; it reconnects and resumes from its position."""

SESSION_ENDED = 4401
"""Close code: the sign-in behind this connection ended (logout, reset, disabled)."""

SERVICE_RESTART = 1012
"""Close code the server (uvicorn) gives its own sockets when it shuts down."""

ENDED_MESSAGES = {
    "signed_out": "your session has ended; sign in again",
    "password_reset": "your password was reset; sign in with the new one",
    "account_disabled": "your account was disabled by an administrator",
}
"""Why a sign-in ended, as the ``not_authenticated`` frame before the 4401 close says it."""

_END = object()
"""Outbox marker: say the session ended, then close."""


class ClientGone(Exception):
    """A send failed because the client has left (closed, reset, or mid-close): ordinary."""


CLIENT_GONE = (WebSocketDisconnect, RuntimeError, OSError)
"""What sending raises once the client is gone: Starlette turns a lost transport into
WebSocketDisconnect and refuses later sends with a RuntimeError (WebSocketDisconnected)."""


class StreamSession:
    def __init__(self, ws: WebSocket, ctx: Ctx, hub: StreamHub) -> None:
        self.ws = ws
        self.ctx = ctx
        self.hub = hub
        self._outbox: deque[dict[str, Any] | Event | object | None] = deque()
        self._sender: asyncio.Task[None] | None = None
        """Sends the outbox while it has something; none runs for an idle connection."""
        self._live = False
        """The catch-up is sent: live events may follow."""
        self._finished = False
        """The outbox sent its last frame (too slow, or the sign-in ended)."""
        self._cutoff = 0
        self._overflowed = False
        self._ended = False
        self._opened = False
        self._released: asyncio.Future[None] | None = None
        self._end_reason = "signed_out"
        self.closed_by_shutdown = False
        """The server closed this socket because it is stopping: not the client leaving."""
        self.resuming = False
        """Whether this connection resumes from a position (its replay brings the history)."""

    # -- what subclasses provide -------------------------------------------------------
    def subscribe(self) -> None:
        raise NotImplementedError

    def unsubscribe(self) -> None:
        raise NotImplementedError

    def replay_contact(self) -> int | None:
        """Replay only this contact's events (a widget), or every event (None)."""
        return None

    async def snapshot(self, conn: Any) -> dict[str, Any]:
        """The full current state, read inside the catch-up transaction."""
        raise NotImplementedError

    def transform(self, event: Event, *, replay: bool) -> dict[str, Any] | Event | None:
        """The frame for an event: the event itself for its standard frame (serialised once
        for every receiver), a dict for a frame of this principal's own, or None when this
        principal must not see it."""
        raise NotImplementedError

    async def handle(self, frame: ClientFrame) -> None:
        """Act on one client frame (never a ping: the session answers those)."""
        raise NotImplementedError

    async def on_open(self) -> None:
        return None

    async def on_close(self) -> None:
        return None

    # -- hub callbacks -----------------------------------------------------------------
    def deliver(self, event: Event) -> None:
        self._enqueue(event)

    def signal(self, signal: Signal) -> None:
        self._enqueue({"type": "signal", **{k: v for k, v in signal.items() if k != "to"}})

    def end(self, reason: str = "signed_out") -> None:
        """The sign-in behind this connection ended: handle no more frames, say so (and
        why: ``details.reason``), close."""
        if not self._ended:
            self._ended = True
            self._end_reason = reason
            self._post(_END)

    def _enqueue(self, item: dict[str, Any] | Event) -> None:
        if len(self._outbox) >= OUTBOX_LIMIT:
            if not self._overflowed:
                self._overflowed = True
                self._post(None)
            return
        self._post(item)

    def _post(self, item: dict[str, Any] | Event | object | None) -> None:
        """Queue for sending; start a sender if the connection is live and none runs.

        A task per burst, not per connection: ten thousand idle widgets hold no task."""
        if self._finished:
            return
        self._outbox.append(item)
        if self._live and self._sender is None:
            self._sender = asyncio.create_task(self._send_outbox())

    # -- the session -------------------------------------------------------------------
    async def run(self, since: int | None) -> None:
        self.subscribe()
        try:
            await self.on_open()
            self._opened = True
            await self._catch_up(since)
            self._live = True
            if self._outbox and self._sender is None:
                self._sender = asyncio.create_task(self._send_outbox())
            try:
                await self._read_loop()
            finally:
                self._finished = True
                sender = self._sender
                if sender is not None:
                    sender.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await sender
        except (WebSocketDisconnect, ClientGone):
            pass  # the client left: ordinary, nothing to log
        except ResyncRequiredError as exc:
            with contextlib.suppress(ClientGone):
                await self.send({"type": "error", **exc.to_dict()})
                await self.close(4410)
        finally:
            await self._release()

    def _release(self) -> asyncio.Future[None]:
        """Unsubscribe and run ``on_close``, once: when the socket closes, or before closing
        it because the sign-in ended (so the agent is no longer live when the client learns)."""
        if self._released is None:
            self._released = asyncio.ensure_future(self._do_release())
        return self._released

    async def _do_release(self) -> None:
        self.unsubscribe()
        if self._opened:
            await self.on_close()

    async def _catch_up(self, since: int | None) -> None:
        hub_position = self.hub.position
        async with self.ctx.db.read() as conn:
            head = await head_position(conn)
            if since is None:
                state = await self.snapshot(conn)
                start = head
                await self.send({"type": "hello", "position": head, "resumed": False, **state})
                replay: list[Event] = []
            else:
                oldest = await oldest_position(conn)
                too_old = oldest > 0 and since < oldest - 1
                if since > head or too_old or head - since > self.ctx.settings.replay_limit:
                    raise ResyncRequiredError(
                        "that position can no longer be served; reconnect without one",
                        position=since,
                        head=head,
                    )
                self.resuming = True
                state = await self.snapshot(conn)
                start = since
                state.pop("contacts", None)  # a console's replay brings every change
                await self.send({"type": "hello", "position": since, "resumed": True, **state})
                replay = await read_after(
                    conn,
                    since,
                    up_to=max(hub_position, start),
                    contact_id=self.replay_contact(),
                    limit=10**9,
                )
        for event in replay:
            frame = self.transform(event, replay=True)
            if frame is not None:
                await self.send(frame)
        self._cutoff = max(start, hub_position)

    async def _send_outbox(self) -> None:
        try:
            while self._outbox and not self._finished:
                await self._send_one(self._outbox.popleft())
        except ClientGone:
            self._finished = True  # the read loop sees the close and ends the session
        except Exception:
            self._finished = True
            log.exception("sending to a client failed")
            with contextlib.suppress(ClientGone):
                await self.close(1011)
        finally:
            self._sender = None

    async def _send_one(self, item: dict[str, Any] | Event | object | None) -> None:
        if item is None:
            self._finished = True
            await self.close(4408, "client too slow; resume from your position")
        elif item is _END:
            self._finished = True
            await asyncio.shield(self._release())
            error = NotAuthenticatedError(
                ENDED_MESSAGES.get(self._end_reason, ENDED_MESSAGES["signed_out"]),
                reason=self._end_reason,
            )
            await self.send({"type": "error", **error.to_dict()})
            await self.close(SESSION_ENDED, "signed out")
        elif isinstance(item, Event):
            if item.position <= self._cutoff:
                return
            frame = self.transform(item, replay=False)
            if frame is not None:
                await self.send(frame)
        elif isinstance(item, dict):
            await self.send(item)

    async def _read_loop(self) -> None:
        """Read frames and handle them concurrently across contacts, in order within one.

        A console carries many contacts; handling its frames one at a time made every
        contact's send wait for every other's commit. Frames for the same contact still run
        one after another, and a ping answers only once every earlier frame is handled.
        """
        tails: dict[int | None, asyncio.Task[None]] = {}
        slots = asyncio.Semaphore(IN_FLIGHT_LIMIT)
        while True:
            text = await self._receive()
            if self._ended:
                continue
            try:
                frame = parse_frame(text)
            except SportelloError as exc:
                await self.send({"type": "error", "ref": _ref_of(text), **exc.to_dict()})
                continue
            if isinstance(frame, Ping):
                waits = list(tails.values())
                key: int | None = None
            else:
                key = frame.contact_id
                waits = [tails[key]] if key in tails else []
            await slots.acquire()
            task = asyncio.create_task(self._handle_after(waits, frame, text))
            task.add_done_callback(lambda _t: slots.release())
            tails[key] = task
            task.add_done_callback(partial(_forget, tails, key))

    async def _receive(self) -> str | bytes:
        """The next frame, text or binary (parse_frame refuses binary ones with an error)."""
        message = await self.ws.receive()
        if message["type"] == "websocket.disconnect":
            self.closed_by_shutdown = message.get("code") == SERVICE_RESTART
            raise WebSocketDisconnect(message.get("code", 1000), message.get("reason"))
        text: str | None = message.get("text")
        return text if text is not None else bytes(message.get("bytes") or b"")

    async def _handle_after(
        self, waits: list[asyncio.Task[None]], frame: ClientFrame, text: str | bytes
    ) -> None:
        if waits:
            await asyncio.wait(waits)
        try:
            if isinstance(frame, Ping):
                await self.send({"type": "pong", "ref": frame.ref})
            else:
                await self.handle(frame)
        except ClientGone:
            return  # the client left while its frame was handled; nobody to answer
        except SportelloError as exc:
            await self._send_quietly({"type": "error", "ref": _ref_of(text), **exc.to_dict()})
        except Exception as exc:
            error: SportelloError | None = (
                write_conflict(exc) if isinstance(exc, DBAPIError) else None
            )
            if error is None:
                log.exception("frame handling failed")
                error = InternalError("try again")
            else:
                log.warning("frame handling: %s", exc)
            await self._send_quietly({"type": "error", "ref": _ref_of(text), **error.to_dict()})

    async def _send_quietly(self, frame: dict[str, Any]) -> None:
        """Answer a frame unless the client has gone meanwhile."""
        with contextlib.suppress(ClientGone):
            await self.send(frame)

    async def send(self, frame: dict[str, Any] | Event) -> None:
        data = frame.text if isinstance(frame, Event) else orjson.dumps(frame).decode()
        try:
            await self.ws.send_text(data)
        except CLIENT_GONE as exc:
            raise ClientGone from exc

    async def close(self, code: int, reason: str = "") -> None:
        try:
            await self.ws.close(code=code, reason=reason)
        except CLIENT_GONE as exc:
            raise ClientGone from exc


def _forget(
    tails: dict[int | None, asyncio.Task[None]], key: int | None, task: asyncio.Task[None]
) -> None:
    """Drop a finished task from the per-contact chain unless a newer one follows it."""
    if tails.get(key) is task:
        del tails[key]


def _ref_of(text: str | bytes) -> str | None:
    """Echo the client's id for the failed frame when it can be read."""
    if isinstance(text, bytes):
        return None
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(data, dict):
        return None
    for key in ("client_msg_id", "ref"):
        if isinstance(data.get(key), str) and data[key]:
            return str(data[key])
    return None

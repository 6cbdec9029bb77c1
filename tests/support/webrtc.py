"""aiortc peers for call tests: the widget's or console's side of a call, in Python.

aioice leaves 127.0.0.1 out of its host candidates; ``loopback_ice`` puts it back (and only
it), so test calls stay on this machine.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from typing import Any
from unittest import mock

from aiortc import (
    RTCConfiguration,
    RTCIceServer,
    RTCIceTransportPolicy,
    RTCPeerConnection,
    RTCSessionDescription,
)
from aiortc.mediastreams import AudioStreamTrack, MediaStreamTrack, VideoStreamTrack

from tests.support.clients import Stream


@contextlib.contextmanager
def loopback_ice() -> Iterator[None]:
    with mock.patch("aioice.ice.get_host_addresses", return_value=["127.0.0.1"]):
        yield


def configuration(ice: dict[str, Any]) -> RTCConfiguration:
    """The ``ice`` of a hello frame as aiortc's configuration."""
    servers = [
        RTCIceServer(urls=s["urls"], username=s.get("username"), credential=s.get("credential"))
        for s in ice["servers"]
    ]
    policy = RTCIceTransportPolicy(ice["transport_policy"])
    return RTCConfiguration(iceServers=servers, iceTransportPolicy=policy)


class Peer:
    """One side's RTCPeerConnection, sending its tracks and counting what it receives."""

    def __init__(self, stream: Stream, contact_id: int, call_id: int, ice: dict[str, Any]) -> None:
        self.stream = stream
        self.contact_id = contact_id
        self.call_id = call_id
        self.pc = RTCPeerConnection(configuration(ice))
        self.received: dict[str, int] = {"audio": 0, "video": 0}
        self.connected = asyncio.Event()
        self._readers: list[asyncio.Task[None]] = []
        self.pc.on("track", self._on_track)
        self.pc.on("connectionstatechange", self._on_state)

    def send(self, *, video: bool) -> None:
        self.pc.addTrack(AudioStreamTrack())
        if video:
            self.pc.addTrack(VideoStreamTrack())

    def _on_state(self) -> None:
        if self.pc.connectionState == "connected":
            self.connected.set()

    def _on_track(self, track: MediaStreamTrack) -> None:
        self._readers.append(asyncio.ensure_future(self._count(track)))

    async def _count(self, track: MediaStreamTrack) -> None:
        with contextlib.suppress(Exception):
            while True:
                await track.recv()
                self.received[track.kind] += 1

    async def signal(self, description: RTCSessionDescription) -> None:
        await self.stream.send(
            {
                "type": "call.signal",
                "contact_id": self.contact_id,
                "call_id": self.call_id,
                "description": {"type": description.type, "sdp": description.sdp},
            }
        )

    async def offer(self) -> None:
        await self.pc.setLocalDescription(await self.pc.createOffer())  # gathers every candidate
        await self.signal(self.pc.localDescription)

    async def answer_when_offered(self, timeout: float = 10) -> None:
        frame = await self.stream.wait_for(
            lambda f: f["type"] == "signal" and f.get("description", {}).get("type") == "offer",
            timeout,
        )
        await self.pc.setRemoteDescription(RTCSessionDescription(**frame["description"]))
        await self.pc.setLocalDescription(await self.pc.createAnswer())
        await self.signal(self.pc.localDescription)

    async def take_answer(self, timeout: float = 10) -> None:
        frame = await self.stream.wait_for(
            lambda f: f["type"] == "signal" and f.get("description", {}).get("type") == "answer",
            timeout,
        )
        await self.pc.setRemoteDescription(RTCSessionDescription(**frame["description"]))

    async def frames_arrive(self, kind: str, at_least: int, timeout: float = 15) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.received[kind] < at_least:
            assert loop.time() < deadline, f"only {self.received} received"
            await asyncio.sleep(0.05)

    async def close(self) -> None:
        await self.pc.close()
        for reader in self._readers:
            reader.cancel()


async def set_up(caller: Peer, callee: Peer) -> None:
    """The console's peer offers, the widget's answers, through the server; both connect."""
    await caller.offer()
    await callee.answer_when_offered()
    await caller.take_answer()
    await caller.connected.wait()
    await callee.connected.wait()

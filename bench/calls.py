"""``python -m bench.calls``: voice/video call set-up through a real Sportello process.

Each call is between two aiortc peers on loopback (the console's side and the widget's),
signalled through the server exactly as the browsers do. Measured: the time from the answer
(the visitor's accept of an agent's offer, or the agent's ENGAGE of a visitor's request) to
both RTCPeerConnections ``connected``; and the server's CPU per call from the offer to the
hang-up — signalling only, since the media never reaches it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
import uuid
from typing import Any
from unittest import mock

import httpx
import websockets
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import AudioStreamTrack, VideoStreamTrack

from bench.launch import Target, start_sportello
from bench.seed import SeedSpec
from bench.stats import summarise_ns
from bench.system import cpu_seconds, machine, pin


class Socket:
    """A stream WebSocket that queues every frame it receives."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.frames: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for raw in self.ws:
            await self.frames.put(json.loads(raw))

    async def send(self, frame: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(frame))

    async def expect(self, kind: str) -> dict[str, Any]:
        """The next event or signal of this kind (other frames are skipped)."""
        while True:
            frame = await asyncio.wait_for(self.frames.get(), 30)
            if frame.get("kind") == kind:
                return frame
            if frame.get("type") == "error":
                raise RuntimeError(frame)

    async def hello(self) -> dict[str, Any]:
        """The first frame: what happened before it is in its snapshot, not in events."""
        frame = await asyncio.wait_for(self.frames.get(), 30)
        assert frame.get("type") == "hello", frame
        return frame

    async def close(self) -> None:
        await self.ws.close()
        self.task.cancel()


async def peer(sock: Socket, contact_id: int, call_id: int) -> tuple[RTCPeerConnection, Any]:
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    pc.addTrack(AudioStreamTrack())
    pc.addTrack(VideoStreamTrack())
    connected = asyncio.Event()

    @pc.on("connectionstatechange")
    def _state() -> None:
        if pc.connectionState == "connected":
            connected.set()

    async def signal(description: Any) -> None:
        await sock.send(
            {
                "type": "call.signal",
                "contact_id": contact_id,
                "call_id": call_id,
                "description": {"type": description.type, "sdp": description.sdp},
            }
        )

    pc.signal = signal  # type: ignore[attr-defined]
    return pc, connected


async def one_call(
    ws: str, agent: Socket, token: str, contact_id: int, engage: bool, pid: int
) -> tuple[int, float]:
    widget = Socket(await websockets.connect(f"{ws}/ws/visitor?token={token}", compression=None))
    await widget.hello()  # a call started before it would be in the snapshot, not an event
    cpu = cpu_seconds(pid)
    caller, answerer = (widget, agent) if engage else (agent, widget)
    await caller.send({"type": "call.start", "contact_id": contact_id, "media": "video"})
    call = (await answerer.expect("call.offered"))["data"]["call"]
    started = time.monotonic_ns()
    await answerer.send(
        {"type": "call.accept", "contact_id": contact_id, "call_id": call["id"], "media": "video"}
    )
    await agent.expect("call.accepted")
    console_pc, console_up = await peer(agent, contact_id, call["id"])
    widget_pc, widget_up = await peer(widget, contact_id, call["id"])
    await console_pc.setLocalDescription(await console_pc.createOffer())
    await console_pc.signal(console_pc.localDescription)  # type: ignore[attr-defined]
    offer = await widget.expect("call.signal")
    await widget_pc.setRemoteDescription(RTCSessionDescription(**offer["description"]))
    await widget_pc.setLocalDescription(await widget_pc.createAnswer())
    await widget_pc.signal(widget_pc.localDescription)  # type: ignore[attr-defined]
    answer = await agent.expect("call.signal")
    await console_pc.setRemoteDescription(RTCSessionDescription(**answer["description"]))
    await asyncio.wait_for(asyncio.gather(console_up.wait(), widget_up.wait()), 30)
    elapsed = time.monotonic_ns() - started
    await widget.send({"type": "call.connected", "contact_id": contact_id, "call_id": call["id"]})
    await agent.expect("call.connected")
    await agent.send({"type": "call.end", "contact_id": contact_id, "call_id": call["id"]})
    await widget.expect("call.ended")
    used = cpu_seconds(pid) - cpu
    await console_pc.close()
    await widget_pc.close()
    await widget.close()
    return elapsed, used


async def measure(target: Target, calls: int) -> dict[str, Any]:
    agent = target.seeded.agents[0]
    async with httpx.AsyncClient(base_url=target.http, timeout=30) as http:
        login = await http.post(
            "/api/auth/login", json={"login": agent["login"], "password": agent["password"]}
        )
        auth = {"Authorization": f"Bearer {login.json()['token']}"}
        session = (await http.post("/api/console-sessions", headers=auth)).json()["id"]
        console = Socket(
            await websockets.connect(
                f"{target.ws}/ws/console?session={session}",
                additional_headers={"Cookie": f"sportello_session={login.json()['token']}"},
                compression=None,
            )
        )
        results: dict[str, list[tuple[int, float]]] = {"accept": [], "engage": []}
        for i in range(2 * calls):
            engage = i % 2 == 1
            created = await http.post(
                "/api/visitor/contacts",
                json={
                    "service_id": agent["service_id"],
                    "visitor_id": uuid.uuid4().hex,
                    "name": f"Caller {i}",
                },
            )
            contact_id = created.json()["contact"]["id"]
            token = created.json()["token"]
            await http.post(f"/api/contacts/{contact_id}/accept", headers=auth)
            results["engage" if engage else "accept"].append(
                await one_call(target.ws, console, token, contact_id, engage, target.pid)
            )
            await http.post(f"/api/contacts/{contact_id}/close", headers=auth)
        await console.close()
    report: dict[str, Any] = {"machine": machine(), "calls_each": calls}
    for name, rows in results.items():
        summary = summarise_ns([ns for ns, _ in rows])
        report[name] = {
            "to_connected_p50_ms": summary["p50_ms"],
            "to_connected_p95_ms": summary["p95_ms"],
            "server_cpu_ms_per_call": 1000 * sum(cpu for _, cpu in rows) / len(rows),
        }
    return report


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.calls", description=__doc__)
    parser.add_argument("--calls", type=int, default=20, help="calls of each kind")
    args = parser.parse_args()
    # aioice leaves 127.0.0.1 out of its host candidates: loopback calls need it back
    # one contact per call from 127.0.0.1: the per-IP contact limit must carry the run
    limits = {"SPORTELLO_RATE_CONTACTS_PER_MINUTE": str(max(20, 8 * args.calls))}
    target = start_sportello(
        SeedSpec(agents=1, chat_limit=1, media=("chat", "voice", "video")), [0], None, limits
    )
    pin([1])  # the server has CPU 0 to itself; both peers run here
    try:
        with mock.patch("aioice.ice.get_host_addresses", return_value=["127.0.0.1"]):
            report = asyncio.run(measure(target, args.calls))
    finally:
        target.stop()
    print(json.dumps(report, indent=2))
    for name in ("accept", "engage"):
        r = report[name]
        print(
            f"{name:>6} → connected: p50 {r['to_connected_p50_ms']:.0f} ms, "
            f"p95 {r['to_connected_p95_ms']:.0f} ms; server CPU "
            f"{r['server_cpu_ms_per_call']:.1f} ms per call"
        )


if __name__ == "__main__":
    main()

"""Voice and video calls (issue 14): the state machine's moves and refusals, signalling
relayed in order to the other party only, and a real WebRTC call between two aiortc peers
(the console's side and the widget's side) set up through the server; a call surviving a
party's reconnect (a blip, a reload) within the grace, and ending once when nobody comes
back."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from sportello import scheduler
from sportello.actions.call_resume import do_call_gone_due, do_presume_calls_interrupted
from sportello.domain.calls import (
    CallMove,
    CallState,
    Side,
    lapsed_side,
    may_move,
    next_state,
    sends_video,
)
from tests.conftest import World, make_world
from tests.support.clients import Stream
from tests.support.inproc import serve_app
from tests.support.webrtc import Peer, loopback_ice, set_up


async def call_frame(stream: Stream, kind: str, contact_id: int, **fields: Any) -> dict[str, Any]:
    """Send a call frame; the error it got, or {} once the server handled it (ping barrier)."""
    ref = uuid.uuid4().hex
    start = len(stream.frames)
    await stream.send({"type": kind, "contact_id": contact_id, "ref": ref, **fields})
    await stream.send({"type": "ping", "ref": ref + "p"})
    await stream.wait_for(lambda f: f["type"] == "pong" and f["ref"] == ref + "p", start=start)
    errors = [f for f in stream.frames[start:] if f["type"] == "error" and f.get("ref") == ref]
    return errors[0] if errors else {}


async def call_event(stream: Stream, state: str, timeout: float = 5) -> dict[str, Any]:
    frame = await stream.wait_event(f"call.{state}", timeout)
    call: dict[str, Any] = frame["data"]["call"]
    return call


async def call_chat(world: World, login: str = "ann") -> tuple[Any, Stream, Any, Stream]:
    """An agent holding a contact of a service that offers voice and video."""
    if "Calls" not in world.services:
        await world.add_service("Calls", tags_=["sales"], media=["chat", "voice", "video"])
    return await world.assigned_chat(login, "Calls")


def test_state_machine_table() -> None:
    assert next_state(CallState.OFFERED, CallMove.ACCEPT) is CallState.ACCEPTED
    assert next_state(CallState.ACCEPTED, CallMove.CONNECT) is CallState.CONNECTED
    assert next_state(CallState.CONNECTED, CallMove.END) is CallState.ENDED
    assert next_state(CallState.OFFERED, CallMove.END) is CallState.ENDED
    assert next_state(CallState.ACCEPTED, CallMove.ACCEPT) is None
    assert next_state(CallState.OFFERED, CallMove.CONNECT) is None
    assert next_state(CallState.DECLINED, CallMove.END) is None
    assert next_state(CallState.ENDED, CallMove.ACCEPT) is None
    assert not may_move(Side.AGENT, Side.AGENT, CallMove.ACCEPT)
    assert may_move(Side.AGENT, Side.VISITOR, CallMove.DECLINE)
    assert may_move(Side.AGENT, Side.AGENT, CallMove.END)
    assert sends_video(Side.AGENT, "video", "voice")
    assert not sends_video(Side.VISITOR, "video", "voice")
    assert not sends_video(Side.AGENT, "voice", "voice")
    assert lapsed_side(None, None, 10) is None
    assert lapsed_side(11, None, 10) is None
    assert lapsed_side(10, None, 10) is Side.AGENT
    assert lapsed_side(9, 5, 10) is Side.VISITOR  # the earlier grace ran out first


async def test_refused_moves_answer_their_codes(world: World) -> None:
    agent, console, visitor, widget = await call_chat(world)
    cid = visitor.contact_id
    assert (
        await call_frame(
            widget,
            "call.capabilities",
            cid,
            webrtc=True,
            camera=True,
            microphone=True,
            permission="prompt",
        )
    ) == {}
    media = await console.wait_event("visitor.media")
    assert media["data"]["media"]["camera"] is True

    assert (await call_frame(console, "call.accept", cid, call_id=999, media="video"))[
        "code"
    ] == "no_call"
    assert (await call_frame(console, "call.start", cid, media="video")) == {}
    offered = await call_event(widget, "offered")
    assert offered["started_by"] == "agent" and offered["requested"] == "video"
    assert "agent_session" not in offered  # the console's session stays internal
    call_id = offered["id"]
    assert (await call_frame(widget, "call.start", cid, media="voice"))["code"] == (
        "call_in_progress"
    )
    refused = await call_frame(console, "call.accept", cid, call_id=call_id, media="video")
    assert refused["code"] == "call_move_refused"  # the caller cannot answer their own call
    # signalling before the call is answered has nowhere to go
    early = await call_frame(
        console, "call.signal", cid, call_id=call_id, description={"type": "offer", "sdp": "v=0"}
    )
    assert early["code"] == "no_call"
    assert (await call_frame(widget, "call.decline", cid, call_id=call_id)) == {}
    declined = await call_event(console, "declined")
    assert declined["state"] == "declined" and declined["media"] is None
    assert (await call_frame(console, "call.end", cid, call_id=call_id))["code"] == "no_call"

    # video switched off in the agent's console session: not offered to the visitor
    await agent.http.patch(f"/api/console-sessions/{agent.session_id}", json={"video": False})
    await widget.wait_for(
        lambda f: (
            f["type"] == "event" and f["kind"] == "call.media" and f["data"]["media"] == ["voice"]
        )
    )
    assert (await call_frame(widget, "call.start", cid, media="video"))["code"] == (
        "medium_unavailable"
    )
    # visitor-started voice; NOT NOW is the agent's decline, ENGAGE its accept
    assert (await call_frame(widget, "call.start", cid, media="voice")) == {}
    asked = await console.wait_for(
        lambda f: (
            f["type"] == "event"
            and f["kind"] == "call.offered"
            and f["data"]["call"]["started_by"] == "visitor"
        )
    )
    second = asked["data"]["call"]["id"]
    assert (await call_frame(widget, "call.accept", cid, call_id=second, media="voice"))[
        "code"
    ] == "call_move_refused"
    assert (await call_frame(console, "call.accept", cid, call_id=second, media="voice")) == {}
    assert (await call_frame(console, "call.accept", cid, call_id=second, media="voice"))[
        "code"
    ] == "call_move_refused"
    # closing the contact ends the call, and the contact used no voice/video yet
    assert (await agent.post(f"/api/contacts/{cid}/close")).status_code == 200
    ended = await widget.wait_for(
        lambda f: (
            f["type"] == "event" and f["kind"] == "call.ended" and f["data"]["call"]["id"] == second
        )
    )
    assert ended["data"]["call"]["end_reason"] == "contact_closed"
    closed = await widget.wait_event("contact.closed")
    assert closed["data"]["outcome"] == "no_interaction"


async def test_video_call_between_two_peers_relayed_to_the_parties_only(
    sqlite_world: World,
) -> None:
    world = sqlite_world
    agent, console, visitor, widget = await call_chat(world)
    cid = visitor.contact_id
    other_tab = await agent.open_console()  # the same agent's second console: not in the call
    _bob, bob_console, _other_visitor, other_widget = await call_chat(world, "bob")
    ice = console.frames[0]["ice"]
    assert widget.frames[0]["ice"]["servers"] == []  # no STUN/TURN configured: host only

    assert (await call_frame(console, "call.start", cid, media="video")) == {}
    call_id = (await call_event(widget, "offered"))["id"]
    assert (await call_frame(widget, "call.accept", cid, call_id=call_id, media="voice")) == {}
    accepted = await call_event(console, "accepted")
    assert accepted["media"] == "voice" and accepted["state"] == "accepted"

    # candidates are relayed in the order sent, to the visitor's connection only
    for i in range(5):
        candidate = {"candidate": f"candidate:{i} 1 udp 1 192.0.2.{i} 9 typ host", "sdpMid": "0"}
        assert (
            await call_frame(console, "call.signal", cid, call_id=call_id, candidate=candidate)
        ) == {}
    relayed = [
        f["candidate"]["candidate"]
        for f in (await widget.drain() and widget.frames)
        if f["type"] == "signal" and f.get("kind") == "call.signal" and "candidate" in f
    ]
    assert relayed == [f"candidate:{i} 1 udp 1 192.0.2.{i} 9 typ host" for i in range(5)]

    with loopback_ice():
        caller = Peer(console, cid, call_id, ice)
        callee = Peer(widget, cid, call_id, widget.frames[0]["ice"])
        caller.send(video=True)  # an agent's video offer answered "voice only"
        callee.send(video=False)
        await set_up(caller, callee)
        await callee.frames_arrive("video", 10)
        await callee.frames_arrive("audio", 10)
        await caller.frames_arrive("audio", 10)
        assert caller.received["video"] == 0  # the visitor sends no video
        assert (await call_frame(widget, "call.connected", cid, call_id=call_id)) == {}
        assert (await call_frame(console, "call.connected", cid, call_id=call_id)) == {}
        connected = await call_event(console, "connected")
        assert connected["connected_at"] is not None
        await caller.close()
        await callee.close()

    assert (await call_frame(widget, "call.end", cid, call_id=call_id)) == {}
    ended = await call_event(console, "ended")
    assert (ended["ended_by"], ended["end_reason"]) == ("visitor", "hung_up")
    assert len(console.events("call.connected")) == 1  # both reported it; recorded once

    # no signalling reached anyone else: the agent's other tab (which does see the call's
    # durable events, like every event of the agent's contacts), the other agent, the
    # other visitor (who see nothing of the call at all)
    for stream in (other_tab, bob_console, other_widget):
        await stream.drain()
        assert not [f for f in stream.frames if f.get("kind") == "call.signal"]
    assert len(other_tab.events("call.ended")) == 1
    for stream in (bob_console, other_widget):
        assert not [f for f in stream.frames if f.get("kind", "").startswith("call.")]
    # the agent's second tab cannot inject signalling into the call
    refused = await call_frame(
        other_tab, "call.signal", cid, call_id=call_id, description={"type": "offer", "sdp": "x"}
    )
    assert refused["code"] == "no_call"

    assert (await agent.post(f"/api/contacts/{cid}/close")).status_code == 200
    row = (await agent.http.get("/api/reports/contacts", params={"visitor": "Vera"})).json()
    mine = next(i for i in row["items"] if i["id"] == cid)
    assert mine["outcome"] == "successful" and "voice/video" in mine["media_used"]
    detail = (await agent.http.get(f"/api/contacts/{cid}")).json()
    assert [c["state"] for c in detail["calls"]] == ["ended"] and detail["call"] is None


async def accepted_call(
    world: World, medium: str = "video"
) -> tuple[Any, Stream, Any, Stream, int]:
    """A call the agent offered and the visitor accepted (the console now sends its offer)."""
    agent, console, visitor, widget = await call_chat(world)
    cid = visitor.contact_id
    assert (await call_frame(console, "call.start", cid, media=medium)) == {}
    call_id = (await call_event(widget, "offered"))["id"]
    assert (await call_frame(widget, "call.accept", cid, call_id=call_id, media=medium)) == {}
    await call_event(console, "accepted")
    return agent, console, visitor, widget, call_id


async def test_call_survives_the_visitors_signalling_blip(world: World) -> None:
    """The widget's socket drops and reconnects on the same page (its peer connection alive):
    the call is re-bound to the new connection, media never stops, nothing is renegotiated."""
    _agent, console, visitor, widget, call_id = await accepted_call(world)
    cid = visitor.contact_id
    with loopback_ice():
        caller = Peer(console, cid, call_id, console.frames[0]["ice"])
        callee = Peer(widget, cid, call_id, widget.frames[0]["ice"])
        caller.send(video=True)
        callee.send(video=True)
        await set_up(caller, callee)
        assert (await call_frame(console, "call.connected", cid, call_id=call_id)) == {}

        await widget.close()
        interrupted = await console.wait_event("call.interrupted")
        assert interrupted["data"]["side"] == "visitor"
        assert interrupted["data"]["call"]["state"] == "connected"
        resume_by = interrupted["data"]["resume_by"]
        assert interrupted["data"]["call"]["visitor_gone_at"] == resume_by
        # media keeps flowing while the signalling is away
        await callee.frames_arrive("video", callee.received["video"] + 10)
        await caller.frames_arrive("audio", caller.received["audio"] + 10)

        back = await visitor.open_widget(since=widget.position)
        live = back.frames[0]["contact"]["call"]
        assert (live["id"], live["visitor_gone_at"]) == (call_id, resume_by)
        assert (await call_frame(back, "call.rejoin", cid, call_id=call_id, fresh=False)) == {}
        resumed = await console.wait_event("call.resumed")
        assert resumed["data"]["side"] == "visitor" and resumed["data"]["renegotiate"] is False
        assert resumed["data"]["call"]["visitor_gone_at"] is None
        # signalling now reaches the new connection, and the new connection may send it
        candidate = {"candidate": "candidate:9 1 udp 1 192.0.2.9 9 typ host", "sdpMid": "0"}
        assert (
            await call_frame(console, "call.signal", cid, call_id=call_id, candidate=candidate)
        ) == {}
        await back.wait_for(lambda f: f.get("kind") == "call.signal" and "candidate" in f)
        assert (await call_frame(back, "call.connected", cid, call_id=call_id)) == {}
        # and the media still flows, both ways, on the same peer connections
        await callee.frames_arrive("video", callee.received["video"] + 10)
        await caller.frames_arrive("video", caller.received["video"] + 10)
        await caller.close()
        await callee.close()
    await console.drain()
    assert not console.events("call.ended")
    assert [e["kind"] for e in console.events() if e["kind"].startswith("call.")] == [
        "call.offered",
        "call.accepted",
        "call.connected",
        "call.interrupted",
        "call.resumed",
    ]


async def test_reloaded_console_rejoins_and_negotiates_again(sqlite_world: World) -> None:
    """The console reloads (its peer connection gone): the same session rejoins ``fresh``,
    the visitor hears it, and a new offer from the console sets up new peers."""
    agent, console, visitor, widget, call_id = await accepted_call(sqlite_world, "voice")
    cid = visitor.contact_id
    session = agent.session_id
    await console.close()
    assert (await call_event(widget, "interrupted"))["agent_gone_at"] is not None

    other = await agent.open_console()  # another tab of the agent may not take the call
    refused = await call_frame(other, "call.rejoin", cid, call_id=call_id, fresh=True)
    assert refused["code"] == "forbidden"
    assert (await call_frame(other, "call.rejoin", cid, call_id=999, fresh=True))["code"] == (
        "no_call"
    )

    reloaded = await agent.open_console(session_id=session)
    held = next(c for c in reloaded.frames[0]["contacts"] if c["id"] == cid)
    assert held["call"]["id"] == call_id and held["call"]["agent_gone_at"] is not None
    assert (await call_frame(reloaded, "call.rejoin", cid, call_id=call_id, fresh=True)) == {}
    resumed = await widget.wait_event("call.resumed")
    assert resumed["data"]["side"] == "agent" and resumed["data"]["renegotiate"] is True
    assert resumed["data"]["call"]["agent_gone_at"] is None
    with loopback_ice():
        caller = Peer(reloaded, cid, call_id, reloaded.frames[0]["ice"])
        callee = Peer(widget, cid, call_id, widget.frames[0]["ice"])
        caller.send(video=False)
        callee.send(video=False)
        await set_up(caller, callee)
        await callee.frames_arrive("audio", 10)
        await caller.frames_arrive("audio", 10)
        await caller.close()
        await callee.close()
    assert not widget.events("call.ended")


async def test_a_console_blip_finds_its_calls_in_the_resumed_hello(world: World) -> None:
    """The console's socket drops and resumes with ``since``: its hello has no contacts (the
    replay brings the changes) but lists the session's live calls, which it rejoins."""
    agent, console, visitor, widget, call_id = await accepted_call(world)
    cid = visitor.contact_id
    assert console.frames[0]["calls"] == []  # connected before the call
    await console.close()
    await call_event(widget, "interrupted")
    back = await agent.open_console(since=console.position, session_id=agent.session_id)
    hello = back.frames[0]
    assert hello["resumed"] is True and "contacts" not in hello
    assert [(c["id"], c["agent_gone_at"] is not None) for c in hello["calls"]] == [(call_id, True)]
    assert (await call_frame(back, "call.rejoin", cid, call_id=call_id, fresh=False)) == {}
    resumed = await widget.wait_event("call.resumed")
    assert resumed["data"]["renegotiate"] is False
    other = await agent.open_console()  # another console session of the agent: not its call
    assert other.frames[0]["calls"] == []
    assert (await call_frame(back, "call.end", cid, call_id=call_id)) == {}
    await call_event(widget, "ended")
    again = await agent.open_console(since=back.position, session_id=agent.session_id)
    assert again.frames[0]["calls"] == []


async def test_nobody_comes_back_the_call_ends_once(world: World) -> None:
    """Each side's grace runs out: the call ends (agent_disconnected / visitor_left), once."""
    app = world.app
    _agent, console, visitor, widget, call_id = await accepted_call(world)
    await console.close()
    await call_event(widget, "interrupted")
    await app.advance(app.ctx.settings.call_reconnect_seconds - 1)
    await widget.drain()
    assert not widget.events("call.ended")  # within the grace
    await app.advance(2)
    ended = await call_event(widget, "ended")
    assert (ended["ended_by"], ended["end_reason"]) == ("agent", "agent_disconnected")
    assert (ended["agent_gone_at"], ended["visitor_gone_at"]) == (None, None)
    assert await do_call_gone_due(app.ctx) == []  # nothing left to fire
    await widget.drain()
    assert len(widget.events("call.ended")) == 1
    assert (
        await call_frame(widget, "call.rejoin", visitor.contact_id, call_id=call_id, fresh=True)
    )["code"] == "no_call"

    _ann, console, _visitor, widget, call_id = await accepted_call(world, "voice")
    await widget.close()
    await call_event(console, "interrupted")
    await app.advance(app.ctx.settings.call_reconnect_seconds + 1)
    ended = await call_event(console, "ended")
    assert (ended["id"], ended["ended_by"], ended["end_reason"]) == (
        call_id,
        "visitor",
        "visitor_left",
    )
    await console.drain()
    assert len(console.events("call.ended")) == 1


async def test_a_restart_interrupts_live_calls_and_a_hang_up_still_ends_at_once(
    sqlite_world: World,
) -> None:
    """A single-process start finds no connection in any call: both sides get the grace
    (what the app's start-up runs), and a hang-up meanwhile ends the call once, at once."""
    app = sqlite_world.app
    _agent, console, visitor, widget, call_id = await accepted_call(sqlite_world, "voice")
    cid = visitor.contact_id
    await do_presume_calls_interrupted(app.ctx)
    await do_presume_calls_interrupted(app.ctx)  # a running grace stays as it is
    await widget.drain()
    sides = [e["data"]["side"] for e in widget.events("call.interrupted")]
    assert sorted(sides) == ["agent", "visitor"]
    assert (await call_frame(console, "call.rejoin", cid, call_id=call_id, fresh=False)) == {}
    resumed = await widget.wait_event("call.resumed")
    assert resumed["data"]["call"]["agent_gone_at"] is None
    assert resumed["data"]["call"]["visitor_gone_at"] is not None

    assert (await call_frame(widget, "call.end", cid, call_id=call_id)) == {}
    ended = await call_event(console, "ended")
    assert (ended["end_reason"], ended["visitor_gone_at"]) == ("hung_up", None)
    await app.advance(app.ctx.settings.call_reconnect_seconds + 1)
    assert await do_call_gone_due(app.ctx) == []
    await console.drain()
    assert len(console.events("call.ended")) == 1


async def test_call_signals_have_a_rate_limit(sqlite_url: str, tmp_path: Path) -> None:
    async with serve_app(sqlite_url, tmp_path, rate_call_signals_per_minute=3) as app:
        world = await make_world(app)
        try:
            _agent, console, visitor, _widget, call_id = await accepted_call(world)
            candidate = {"candidate": "candidate:1 1 udp 1 192.0.2.1 9 typ host", "sdpMid": "0"}
            # another agent's refused signals do not use up the call's allowance
            intruder = await (await world.agent("bob")).open_console()
            cid = visitor.contact_id
            for _ in range(4):
                refused = await call_frame(
                    intruder, "call.signal", cid, call_id=call_id, candidate=candidate
                )
                assert refused["code"] == "forbidden"
            sent = [
                await call_frame(
                    console, "call.signal", visitor.contact_id, call_id=call_id, candidate=candidate
                )
                for _ in range(4)
            ]
            assert sent[:3] == [{}, {}, {}]
            assert sent[3]["code"] == "rate_limited"
            assert sent[3]["details"]["retry_after"] == 20
        finally:
            await world.close()


async def queue_news(stream: Stream, kind: str, contact_id: int, start: int = 0) -> dict[str, Any]:
    return await stream.wait_for(
        lambda f: f.get("kind") == kind and f["contact_id"] == contact_id, start=start
    )


async def test_contact_started_as_video_weighs_a_whole_agent(
    sqlite_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A video contact weighs a whole agent while its call is live, and a chat after: the
    call's start and end route again at once (no periodic pass in this test)."""
    monkeypatch.setattr(scheduler, "REROUTE_SECONDS", 3600.0)
    world = sqlite_world
    await world.add_service("Video desk", tags_=["sales"], media=["chat", "video"])
    agent = await world.agent("bob")
    console = await agent.open_console()
    await agent.http.patch(f"/api/console-sessions/{agent.session_id}", json={"video": False})
    refused = world.visitor()
    created = await refused.request(world.services["Video desk"]["id"], medium="video")
    assert created.json()["contact"]["state"] == "rejected"  # nobody has video on

    await agent.http.patch(f"/api/console-sessions/{agent.session_id}", json={"video": True})
    visitor = world.visitor()
    created = await visitor.request(world.services["Video desk"]["id"], medium="video")
    assert created.json()["contact"]["state"] == "pending"
    assert (await agent.accept(visitor.contact_id)).status_code == 200
    assigned = await console.wait_event("contact.assigned")
    call = assigned["data"]["contact"]["call"]
    assert (call["started_by"], call["requested"], call["state"]) == ("visitor", "video", "offered")
    widget = await visitor.open_widget()
    assert widget.frames[0]["contact"]["call"]["id"] == call["id"]
    assert (
        await call_frame(
            console, "call.accept", visitor.contact_id, call_id=call["id"], media="video"
        )
    ) == {}
    await call_event(widget, "accepted")
    # the video contact weighs 100 %: a chat of the same service finds bob full
    chat = world.visitor()
    second = await chat.request(world.services["Video desk"]["id"])
    assert second.json()["contact"]["state"] == "rejected"

    # the visitor hangs up and goes on chatting: the contact weighs as a chat again
    assert (await call_frame(widget, "call.end", visitor.contact_id, call_id=call["id"])) == {}
    await call_event(console, "ended")
    waiting = world.visitor()
    third = await waiting.request(world.services["Video desk"]["id"])
    assert third.json()["contact"]["state"] == "pending"
    await queue_news(console, "contact.offered", waiting.contact_id)

    # a call the agent starts on that chat takes the whole agent again: bob may no longer
    # take the waiting chat; hanging up gives him the room back
    start = len(console.frames)
    assert (await call_frame(console, "call.start", visitor.contact_id, media="video")) == {}
    full = await queue_news(console, "contact.offered", waiting.contact_id, start)
    assert full["data"]["entry"]["can_take"] is False
    again = (await call_event(widget, "offered"))["id"]
    start = len(console.frames)
    assert (await call_frame(console, "call.end", visitor.contact_id, call_id=again)) == {}
    room = await queue_news(console, "contact.offered", waiting.contact_id, start)
    assert room["data"]["entry"]["can_take"] is True
    assert (await agent.accept(waiting.contact_id)).status_code == 200

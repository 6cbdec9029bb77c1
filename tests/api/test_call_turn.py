"""TURN (issue 14): a real coturn started here with the REST-API shared secret; the server
hands both sides short-lived credentials, ICE is forced relay-only, and a call between two
aiortc peers connects through the relay."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from sportello.config import Settings
from sportello.realtime.ice import ice_config, turn_credential
from tests.api.test_calls import call_chat, call_event, call_frame
from tests.conftest import World, make_world
from tests.support.coturn import CoturnNotInstalledError, ThrowawayCoturn
from tests.support.inproc import serve_app
from tests.support.webrtc import Peer, loopback_ice, set_up

SECRET = "a-shared-turn-secret"


def test_credentials_follow_the_coturn_rest_scheme() -> None:
    settings = Settings(
        stun_urls=["stun:stun.example:3478"],
        turn_urls=["turn:turn.example:3478"],
        turn_secret="north",
        turn_ttl_seconds=600,
    )
    ice = ice_config(settings, "contact-7", 1_800_000_000.5)
    stun, turn = ice["servers"]
    assert stun == {"urls": ["stun:stun.example:3478"]}
    assert turn["username"] == "1800000600:contact-7" and ice["expires_at"] == 1_800_000_600
    # what coturn computes for use-auth-secret, base64(HMAC-SHA1(secret, username)), as
    # `echo -n 1800000600:contact-7 | openssl dgst -sha1 -hmac north -binary | base64` says
    assert turn["credential"] == turn_credential("north", "1800000600:contact-7")
    assert turn_credential("north", "1800000600:contact-7") == "Ys2u6SR7RcgDT/sSNjLa5v5aeZ0="
    assert ice_config(Settings(), "x", 0.0) == {
        "servers": [],
        "transport_policy": "all",
        "expires_at": None,
    }


@pytest.fixture
def coturn(tmp_path: Path) -> Iterator[ThrowawayCoturn]:
    try:
        server = ThrowawayCoturn(tmp_path, SECRET)
    except CoturnNotInstalledError:
        if os.environ.get("CI"):
            raise
        pytest.skip("coturn is not installed (scripts/install-system-deps.sh)")
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def turn_world(
    sqlite_url: str, tmp_path: Path, coturn: ThrowawayCoturn
) -> AsyncIterator[World]:
    async with serve_app(
        sqlite_url,
        tmp_path,
        turn_urls=[coturn.url],
        turn_secret=SECRET,
        ice_transport_policy="relay",
    ) as app:
        world = await make_world(app)
        try:
            yield world
        finally:
            await world.close()


async def test_a_relay_only_call_connects_through_coturn(
    turn_world: World, coturn: ThrowawayCoturn
) -> None:
    _agent, console, visitor, widget = await call_chat(turn_world)
    cid = visitor.contact_id
    ice = console.frames[0]["ice"]
    assert ice["transport_policy"] == "relay"
    assert [s["urls"] for s in ice["servers"]] == [[coturn.url]]
    assert widget.frames[0]["ice"]["servers"][0]["username"].endswith(f":contact-{cid}")

    assert (await call_frame(console, "call.start", cid, media="video")) == {}
    call_id = (await call_event(widget, "offered"))["id"]
    assert (await call_frame(widget, "call.accept", cid, call_id=call_id, media="video")) == {}
    await call_event(console, "accepted")
    with loopback_ice():
        caller = Peer(console, cid, call_id, ice)
        callee = Peer(widget, cid, call_id, widget.frames[0]["ice"])
        caller.send(video=True)
        callee.send(video=True)
        await set_up(caller, callee)
        # only relayed candidates were offered: the media went through coturn
        offered = caller.pc.localDescription.sdp
        assert "typ relay" in offered and "typ host" not in offered
        await callee.frames_arrive("video", 10)
        await caller.frames_arrive("video", 10)
        await caller.close()
        await callee.close()
    assert "ALLOCATE" in coturn.output() or "allocation" in coturn.output().lower()

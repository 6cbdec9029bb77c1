"""A frame fuzzer for the stream endpoints (/ws/console, /ws/visitor and /ws/supervision):
binary frames, non-objects, wrong types, out-of-range integers, huge and deep JSON,
unstorable text and floods. Every bad frame is answered by an error whose code
docs/protocol.md documents; the connection and the server stay up, and afterwards a normal
chat message works (supervision: a frame is answered, read-only, and pings are)."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from sportello.domain.model import Role
from tests.support.seed import AgentSpec, ServiceSpec, seed
from tests.support.server import ServerProcess

SITE = "https://shop.example"
PROTOCOL = Path(__file__).parents[2] / "docs" / "protocol.md"
DOCUMENTED = set(re.findall(r"^\| `([a-z_]+)` \| \d{3} \|", PROTOCOL.read_text(), re.M))
TYPES = ("message.send", "typing", "receipt", "ping")
FIELDS = (
    "contact_id",
    "client_msg_id",
    "text",
    "active",
    "draft",
    "up_to",
    "state",
    "ref",
    "canned_reply_id",
)


@dataclass
class Endpoint:
    name: str
    url: str
    headers: dict[str, str]
    contact_id: int
    ws: ClientConnection | None = None

    def connect(self) -> ClientConnection:
        self.ws = connect(
            self.url,
            additional_headers=self.headers,
            compression=None,
            max_size=None,
            legacy=True,  # a connection kept across examples, not a with-block
        )
        hello = json.loads(self.ws.recv(timeout=10))
        assert hello["type"] == "hello", hello
        return self.ws

    def answers_until_pong(self) -> list[dict[str, Any]]:
        """Send a ping (a barrier: answered after every earlier frame) and collect until pong."""
        assert self.ws is not None
        ref = uuid.uuid4().hex
        self.ws.send(json.dumps({"type": "ping", "ref": ref}))
        frames = []
        while True:
            frame = json.loads(self.ws.recv(timeout=20))
            if frame["type"] == "pong" and frame["ref"] == ref:
                return frames
            frames.append(frame)


@pytest.fixture(scope="module")
def endpoints(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Endpoint]]:
    tmp = tmp_path_factory.mktemp("wsfuzz")
    db = f"sqlite+aiosqlite:///{tmp / 'sportello.sqlite3'}"
    seeded = seed(
        db,
        agents=(AgentSpec("ann", ("sales",), Role.ADMIN),),
        services=(ServiceSpec("Shop", ("sales",), sites=(SITE,)),),
    )
    server = ServerProcess(db, data_dir=tmp)
    server.start()
    try:
        http = httpx.Client(base_url=server.url, timeout=20)
        token = http.post(
            "/api/auth/login", json={"login": "ann", "password": seeded.passwords["ann"]}
        ).json()["token"]
        agent = {"Authorization": f"Bearer {token}"}
        session = http.post("/api/console-sessions", headers=agent).json()["id"]
        console = Endpoint(
            "console",
            f"{server.ws_url}/ws/console?session={session}",
            {"Cookie": f"sportello_session={token}"},
            0,
        )
        console.connect()  # live, so the contact is offered to ann
        contact = http.post(
            "/api/visitor/contacts",
            headers={"Origin": SITE},
            json={
                "service_id": seeded.services["Shop"]["id"],
                "visitor_id": "fuzz-visitor-1",
                "name": "F",
            },
        ).json()
        contact_id = contact["contact"]["id"]
        assert http.post(f"/api/contacts/{contact_id}/accept", headers=agent).status_code == 200
        console.contact_id = contact_id
        widget = Endpoint(
            "visitor",
            f"{server.ws_url}/ws/visitor?token={contact['token']}",
            {"Origin": SITE},
            contact_id,
        )
        widget.connect()
        supervision = Endpoint(
            "supervision",
            f"{server.ws_url}/ws/supervision",
            {"Cookie": f"sportello_session={token}"},
            contact_id,
        )
        supervision.connect()
        yield {"console": console, "visitor": widget, "supervision": supervision}
        assert http.get("/healthz").status_code == 200
        log = server.log_path.read_text()
        assert "Traceback" not in log and " ERROR" not in log, log[-3000:]
    finally:
        server.stop()


# -- bad frames: each strategy yields (raw frame, is it certainly invalid) ----------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)
OUT_OF_RANGE = st.integers(max_value=0) | st.integers(min_value=2**63, max_value=2**80)


def _frame(kind: str, **fields: Any) -> str:
    return json.dumps({"type": kind, **fields})


binary = st.binary(max_size=200).map(lambda b: (b, True))
non_objects = JSON_VALUES.filter(lambda v: not isinstance(v, dict)).map(
    lambda v: (json.dumps(v), True)
)
untyped = st.dictionaries(st.text(), JSON_VALUES, max_size=4).map(
    lambda d: (
        json.dumps({**d, "type": d.get("type", 0) if not isinstance(d.get("type"), str) else 0}),
        True,
    )
)
unknown_types = st.text().filter(lambda t: t not in TYPES).map(lambda t: (_frame(t), True))
wrong_types = st.builds(
    lambda kind, field, value: (_frame(kind, **{field: value}), True),
    st.sampled_from(TYPES[:3]),
    st.sampled_from(("contact_id", "up_to", "active")),
    JSON_VALUES.filter(lambda v: not isinstance(v, int) or isinstance(v, bool)),
)
out_of_range = st.builds(
    lambda kind, value: (
        _frame(kind, contact_id=value, client_msg_id="x", text="x", up_to=1, state="read")
        if kind != "typing"
        else _frame(kind, contact_id=value),
        True,
    ),
    st.sampled_from(TYPES[:3]),
    OUT_OF_RANGE,
)
any_fields = st.builds(
    lambda kind, fields: (_frame(kind, **fields), False),
    st.sampled_from(TYPES),
    st.dictionaries(st.sampled_from(FIELDS), JSON_VALUES, max_size=5),
)
unstorable = st.sampled_from(("\\ud800", "\\udfff", "\\u0000")).map(
    lambda bad: (f'{{"type": "ping", "ref": "{bad}"}}', True)
)
BAD_FRAMES = binary | non_objects | untyped | unknown_types | wrong_types | out_of_range
ANY_FRAMES = BAD_FRAMES | any_fields | unstorable


def check_answers(endpoint: Endpoint, raw: str | bytes, certainly_bad: bool) -> None:
    assert endpoint.ws is not None
    endpoint.ws.send(raw)
    errors = [f for f in endpoint.answers_until_pong() if f["type"] == "error"]
    for error in errors:
        assert error["code"] in DOCUMENTED, error
        assert error["code"] != "internal", error
        assert error["message"], error
    if certainly_bad:
        assert errors, raw[:200]


@pytest.mark.parametrize("name", ["console", "visitor", "supervision"])
def test_random_frames_get_documented_errors(endpoints: dict[str, Endpoint], name: str) -> None:
    endpoint = endpoints[name]

    @given(case=ANY_FRAMES)
    @settings(
        max_examples=150, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def fuzz(case: tuple[str | bytes, bool]) -> None:
        check_answers(endpoint, *case)

    fuzz()
    still_works(endpoint)


@pytest.mark.parametrize("name", ["console", "visitor", "supervision"])
def test_huge_deep_and_flooded_frames(endpoints: dict[str, Endpoint], name: str) -> None:
    endpoint = endpoints[name]
    cid = endpoint.contact_id
    for raw in (
        "[" * 100_000 + "]" * 100_000,
        '{"a":' * 3000 + "1" + "}" * 3000,
        _frame("ping", ref=json.loads("[" * 900 + "]" * 900)),
        json.dumps(list(range(200_000))),
        _frame("message.send", contact_id=cid, client_msg_id="huge", text="x" * 2_000_000),
        _frame("typing", contact_id=cid, padding="x" * 1_000_000),
    ):
        check_answers(endpoint, raw, certainly_bad=True)
    assert endpoint.ws is not None
    flood = 2000
    for i in range(flood):
        endpoint.ws.send(b"\x00" if i % 2 else _frame("receipt", contact_id=True))
    errors = [f for f in endpoint.answers_until_pong() if f["type"] == "error"]
    assert len(errors) == flood
    assert {e["code"] for e in errors} == {"malformed_frame", "invalid_input"}
    still_works(endpoint)


@pytest.mark.parametrize("name", ["console", "visitor", "supervision"])
def test_invalid_utf8_text_frame_closes_1007(endpoints: dict[str, Endpoint], name: str) -> None:
    """The WebSocket protocol itself fails a text frame that is not UTF-8 (close 1007)."""
    endpoint = endpoints[name]
    assert endpoint.ws is not None
    endpoint.ws.send(b'{"type": "ping", "ref": "\xff\xfe"}', text=True)
    with pytest.raises(ConnectionClosed):
        while True:
            endpoint.ws.recv(timeout=10)
    assert endpoint.ws.close_code == 1007
    endpoint.connect()
    still_works(endpoint)


def still_works(endpoint: Endpoint) -> None:
    """A chat message is acknowledged; on the read-only supervision stream it is refused
    (``forbidden``, naming it) and a ping is still answered."""
    assert endpoint.ws is not None
    ref = uuid.uuid4().hex
    if endpoint.name == "supervision":
        endpoint.ws.send(
            _frame("message.send", contact_id=endpoint.contact_id, client_msg_id=ref, text="no")
        )
        answers = endpoint.answers_until_pong()
        refused = [f for f in answers if f["type"] == "error" and f.get("ref") == ref]
        assert [f["code"] for f in refused] == ["forbidden"], answers[-5:]
        return
    endpoint.ws.send(
        _frame("message.send", contact_id=endpoint.contact_id, client_msg_id=ref, text="still ok")
    )
    while True:
        frame = json.loads(endpoint.ws.recv(timeout=20))
        if frame.get("ref") == ref:
            assert frame["type"] == "ack", frame
            return

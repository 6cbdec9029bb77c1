"""Every HTTP endpoint and WebSocket frame by every role, generated from the app's route table.

A new endpoint or frame type without a rule here fails the test; so does a rule for a route
that no longer exists. "Denied" is 401/403 (404 for another agent's console session, which
is not revealed); "allowed" is any answer but those (409, 422… are the business rules'
business, tested elsewhere). Static assets (the /static mount) are public files.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import websockets
from fastapi.routing import APIWebSocketRoute, iter_route_contexts
from starlette.routing import Mount

from sportello.app import build_app
from sportello.config import Settings
from sportello.domain.model import Role
from sportello.realtime.frames import FRAME_TYPES
from tests.conftest import World
from tests.support.clients import AgentClient, Stream
from tests.support.files import png

SITE = "https://shop.example"

HOLDER, OWN = "holder", "visitor_own"
AGENT_ROLES = (
    "holder",
    "agent_not_holding",
    "agent_other_tags",
    "supervisor_in",
    "supervisor_out",
    "admin",
)
VISITOR_ROLES = ("visitor_own", "visitor_other")
ROLES = ("anonymous", *VISITOR_ROLES, *AGENT_ROLES)
LOGINS = {
    "holder": "bob",
    "agent_not_holding": "dan",
    "agent_other_tags": "cyd",
    "supervisor_in": "sam",
    "supervisor_out": "sue",
    "admin": "ann",
}

PUBLIC = frozenset(ROLES)
AGENTS = frozenset(AGENT_ROLES)
VISITORS = frozenset(VISITOR_ROLES)
READERS = frozenset({HOLDER, "supervisor_in", "admin"})
SUPERVISORS = frozenset({"supervisor_in", "supervisor_out", "admin"})
SUPERVISING = frozenset({"supervisor_in", "admin"})
ADMIN = frozenset({"admin"})
ONLY_HOLDER = frozenset({HOLDER})


def unique() -> str:
    return uuid.uuid4().hex[:10]


HOOK_URL = "https://hooks.example/in"
"""Registered disabled: the matrix checks who may manage endpoints, not deliveries."""

REPLY = {"title": "Greeting", "text": "Hello {visitor_name}"}


RULES: dict[tuple[str, str], tuple[frozenset[str], Any]] = {
    # (method, path): (roles allowed, body or a function of nothing giving one)
    ("POST", "/api/auth/login"): (PUBLIC, lambda: {"login": "eve", "password": "eve-password"}),
    ("POST", "/api/auth/logout"): (AGENTS, None),
    ("GET", "/api/me"): (AGENTS, None),
    ("PUT", "/api/me/status"): (AGENTS, lambda: {"status": "READY"}),
    ("PUT", "/api/me/ui-language"): (AGENTS, lambda: {"ui_language": ""}),
    ("POST", "/api/console-sessions"): (AGENTS, None),
    ("PATCH", "/api/console-sessions/{session_id}"): (ONLY_HOLDER, lambda: {"chat": True}),
    ("GET", "/api/waiting"): (AGENTS, None),
    ("POST", "/api/waiting/accept-oldest"): (AGENTS, None),
    ("GET", "/api/agents"): (AGENTS, None),
    ("GET", "/api/contacts/{contact_id}"): (READERS, None),
    ("POST", "/api/contacts/{contact_id}/accept"): (AGENTS, None),
    ("POST", "/api/contacts/{contact_id}/messages"): (
        ONLY_HOLDER,
        lambda: {"text": "hello", "client_msg_id": unique()},
    ),
    ("POST", "/api/contacts/{contact_id}/notes"): (READERS, lambda: {"text": "a note"}),
    ("POST", "/api/contacts/{contact_id}/receipts"): (
        ONLY_HOLDER,
        lambda: {"up_to": 1, "state": "read"},
    ),
    ("POST", "/api/contacts/{contact_id}/close"): (ONLY_HOLDER, None),
    ("POST", "/api/contacts/{contact_id}/dismiss"): (ONLY_HOLDER, None),
    ("PUT", "/api/contacts/{contact_id}/colour"): (ONLY_HOLDER, lambda: {"colour": "green"}),
    ("GET", "/api/contacts/{contact_id}/transfer-targets"): (ONLY_HOLDER, None),
    # the visitor's history: the holder, or whoever reads the contact (and the earlier one)
    ("GET", "/api/contacts/{contact_id}/history"): (READERS, None),
    ("GET", "/api/contacts/{contact_id}/history/{earlier_id}"): (READERS, None),
    # to the admin, who has no console open: refused as not_transferable (409), not denied
    ("POST", "/api/contacts/{contact_id}/transfer"): (ONLY_HOLDER, lambda: {"agent_id": 1}),
    ("POST", "/api/contacts/{contact_id}/transfer/cancel"): (ONLY_HOLDER, None),
    ("POST", "/api/contacts/{contact_id}/transfer/accept"): (AGENTS, None),
    ("POST", "/api/contacts/{contact_id}/transfer/reject"): (AGENTS, None),
    ("POST", "/api/contacts/{contact_id}/push-link"): (
        ONLY_HOLDER,
        lambda: {"url": f"{SITE}/cart"},
    ),
    ("GET", "/api/contacts/{contact_id}/canned-replies"): (ONLY_HOLDER, None),
    ("GET", "/api/me/canned-replies"): (AGENTS, None),
    ("POST", "/api/me/canned-replies"): (AGENTS, lambda: {**REPLY, "shortcut": unique()}),
    # the holder's own reply: anyone else's answers not_found, admins included
    ("PATCH", "/api/me/canned-replies/{reply_id}"): (ONLY_HOLDER, lambda: {"title": "Hi"}),
    ("DELETE", "/api/me/canned-replies/{reply_id}"): (ONLY_HOLDER, None),
    # a reply's saved file: the body is the file (here the JSON's bytes)
    ("PUT", "/api/me/canned-replies/{reply_id}/file"): (ONLY_HOLDER, lambda: {"a": 1}),
    ("DELETE", "/api/me/canned-replies/{reply_id}/file"): (ONLY_HOLDER, None),
    ("POST", "/api/contacts/{contact_id}/canned-replies/{reply_id}/file"): (ONLY_HOLDER, None),
    ("GET", "/api/contacts/{contact_id}/translation"): (ONLY_HOLDER, None),
    ("PUT", "/api/contacts/{contact_id}/translation"): (
        ONLY_HOLDER,
        lambda: {"visitor": "es", "agent": "en"},
    ),
    ("POST", "/api/contacts/{contact_id}/translation/earlier"): (ONLY_HOLDER, None),
    ("POST", "/api/contacts/{contact_id}/translation/preview"): (
        ONLY_HOLDER,
        lambda: {"text": "hello"},
    ),
    ("DELETE", "/api/contacts/{contact_id}/translation"): (ONLY_HOLDER, None),
    # no role: its own token (SPORTELLO_METRICS_TOKEN, tests/api/test_metrics.py); off here
    ("GET", "/metrics"): (frozenset(), None),
    ("GET", "/api/visitor/services"): (PUBLIC, None),
    ("POST", "/api/visitor/contacts"): (PUBLIC, "new-contact"),
    ("GET", "/api/visitor/contact"): (VISITORS, None),
    ("POST", "/api/visitor/contact/messages"): (
        VISITORS,
        lambda: {"text": "hello", "client_msg_id": unique()},
    ),
    ("POST", "/api/visitor/contact/receipts"): (VISITORS, lambda: {"up_to": 1, "state": "read"}),
    ("POST", "/api/visitor/contact/pages"): (
        VISITORS,
        lambda: {"url": f"{SITE}/cart", "title": "Cart"},
    ),
    ("POST", "/api/visitor/contact/leave"): (VISITORS, None),
    # the contact's own visitor only (an assigned one: contact_not_ended, 409)
    ("POST", "/api/visitor/contacts/{contact_id}/rating"): (frozenset({OWN}), lambda: {"score": 5}),
    ("POST", "/api/visitor/contacts/{contact_id}/transcript"): (
        frozenset({OWN}),
        lambda: {"email": "vera@example.org"},
    ),
    ("POST", "/api/visitor/contact/handoff"): (VISITORS, lambda: {"url": f"{SITE}/help"}),
    # the code in the body is the credential (a bad one is handoff_refused, 410)
    ("POST", "/api/visitor/handoff"): (PUBLIC, lambda: {"code": "forged.code"}),
    # a beacon: the visitor token travels in the body, so no header role applies
    ("POST", "/api/visitor/contact/departure"): (PUBLIC, None),
    ("POST", "/api/contacts/{contact_id}/files"): (ONLY_HOLDER, None),
    ("GET", "/api/contacts/{contact_id}/files"): (READERS, None),
    ("POST", "/api/visitor/contact/files"): (VISITORS, None),
    ("GET", "/api/visitor/contact/files"): (VISITORS, None),
    ("GET", "/api/files/{public_id}"): (READERS, None),
    ("GET", "/api/files/{public_id}/thumbnail"): (READERS, None),
    ("GET", "/api/visitor/files/{public_id}"): (frozenset({OWN}), None),
    ("GET", "/api/visitor/files/{public_id}/thumbnail"): (frozenset({OWN}), None),
    # an incomplete body (invalid_input): no service of the cast has invitation rules
    ("POST", "/api/visitor/invitations"): (PUBLIC, lambda: {"kind": "shown"}),
    ("POST", "/api/visitor/left-messages"): (
        PUBLIC,
        lambda: {"name": "Vera", "email": "vera@example.com", "text": "call me"},
    ),
    ("GET", "/api/admin/services"): (ADMIN, None),
    ("POST", "/api/admin/services"): (ADMIN, lambda: {"name": f"Service {unique()}"}),
    ("PATCH", "/api/admin/services/{service_id}"): (ADMIN, lambda: {"immediate_redirect": True}),
    ("POST", "/api/admin/services/{service_id}/identity-secret"): (ADMIN, None),
    ("DELETE", "/api/admin/services/{service_id}/identity-secret"): (ADMIN, None),
    ("GET", "/api/admin/agents"): (ADMIN, None),
    ("POST", "/api/admin/agents"): (
        ADMIN,
        lambda: {"login": f"new{unique()}", "password": "a-long-password", "display_name": "N"},
    ),
    # on eve, who is in no role of the cast (a reset ends her sign-ins, not theirs)
    ("PATCH", "/api/admin/agents/{agent_id}"): (ADMIN, lambda: {"chat_limit": 3}),
    ("PUT", "/api/admin/agents/{agent_id}/password"): (ADMIN, lambda: {"password": "eve-password"}),
    ("POST", "/api/admin/erasures"): (ADMIN, lambda: {"visitor_id": f"nobody-{unique()}"}),
    ("GET", "/api/admin/tags"): (ADMIN, None),
    ("POST", "/api/admin/tags"): (ADMIN, lambda: {"name": f"tag{unique()}"}),
    ("PATCH", "/api/admin/tags/{name}"): (ADMIN, lambda: {"description": "Sales desk"}),
    # "sales" is in use: the admin is refused as tag_in_use (409), the others denied
    ("DELETE", "/api/admin/tags/{name}"): (ADMIN, None),
    ("GET", "/api/admin/audit"): (ADMIN, None),
    ("GET", "/api/admin/canned-replies"): (ADMIN, None),
    ("POST", "/api/admin/canned-replies"): (
        ADMIN,
        lambda: {**REPLY, "shortcut": unique(), "service_id": 1},
    ),
    # a Sales reply made for the round
    ("PATCH", "/api/admin/canned-replies/{reply_id}"): (ADMIN, lambda: {"title": "Hi"}),
    ("DELETE", "/api/admin/canned-replies/{reply_id}"): (ADMIN, None),
    ("PUT", "/api/admin/canned-replies/{reply_id}/file"): (ADMIN, lambda: {"a": 1}),
    ("DELETE", "/api/admin/canned-replies/{reply_id}/file"): (ADMIN, None),
    ("GET", "/api/admin/left-messages"): (SUPERVISORS, None),
    ("GET", "/api/supervision"): (SUPERVISORS, None),
    # stepping into a contact: supervisors of its service and admins (others not_supervising)
    ("POST", "/api/supervision/contacts/{contact_id}/join"): (SUPERVISING, None),
    ("DELETE", "/api/supervision/contacts/{contact_id}/join"): (SUPERVISING, None),
    ("POST", "/api/supervision/contacts/{contact_id}/messages"): (
        SUPERVISING,
        lambda: {"text": "I am here to help"},
    ),
    ("POST", "/api/supervision/contacts/{contact_id}/take-over"): (SUPERVISING, None),
    ("GET", "/api/supervision/left-messages"): (SUPERVISORS, None),
    # a message left without a service: every supervisor's (a second mark is already_done, 409)
    ("POST", "/api/supervision/left-messages/{message_id}/done"): (SUPERVISORS, None),
    # marking it not done: not_done (409) while it is not done, else reopened
    ("DELETE", "/api/supervision/left-messages/{message_id}/done"): (SUPERVISORS, None),
    ("POST", "/api/supervision/contacts/{contact_id}/whisper"): (
        frozenset({"supervisor_in", "admin"}),
        lambda: {"text": "a whisper"},
    ),
    ("GET", "/api/admin/transfer-groups"): (ADMIN, None),
    ("POST", "/api/admin/transfer-groups"): (ADMIN, lambda: {"name": f"Group {unique()}"}),
    ("PUT", "/api/admin/transfer-groups/{group_id}"): (
        ADMIN,
        lambda: {"name": f"Group {unique()}", "tags": ["sales"]},
    ),
    ("DELETE", "/api/admin/transfer-groups/{group_id}"): (ADMIN, None),
    ("GET", "/api/me/tokens"): (AGENTS, None),
    ("POST", "/api/me/tokens"): (AGENTS, lambda: {"name": "CRM", "scopes": ["contacts:act"]}),
    # the holder's token: anyone else's revoking is not_found (404), as if it did not exist
    ("DELETE", "/api/me/tokens/{token_id}"): (ONLY_HOLDER, None),
    ("GET", "/api/admin/tokens"): (ADMIN, None),
    ("DELETE", "/api/admin/tokens/{token_id}"): (ADMIN, None),
    ("GET", "/api/admin/webhooks"): (ADMIN, None),
    ("POST", "/api/admin/webhooks"): (ADMIN, lambda: {"url": HOOK_URL, "enabled": False}),
    ("GET", "/api/admin/webhooks/{webhook_id}"): (ADMIN, None),
    ("PATCH", "/api/admin/webhooks/{webhook_id}"): (ADMIN, lambda: {"kinds": ["message.*"]}),
    ("DELETE", "/api/admin/webhooks/{webhook_id}"): (ADMIN, None),
    ("POST", "/api/admin/webhooks/{webhook_id}/replay"): (ADMIN, lambda: {"from_position": 1}),
    # reports: every agent, each within their scope (out of scope: not_found)
    ("GET", "/api/reports/contacts"): (AGENTS, None),
    ("GET", "/api/reports/contacts.csv"): (AGENTS, None),
    ("GET", "/api/reports/contacts/{contact_id}"): (READERS, None),
    ("GET", "/api/reports/overview"): (AGENTS, None),
    ("GET", "/api/reports/invitations"): (AGENTS, None),
    ("GET", "/api/reports/overview.csv"): (AGENTS, None),
    ("GET", "/healthz"): (PUBLIC, None),
    ("GET", "/health/live"): (PUBLIC, None),
    ("GET", "/health/ready"): (PUBLIC, None),
    ("GET", "/openapi.json"): (PUBLIC, None),
    ("GET", "/docs"): (PUBLIC, None),
    ("GET", "/docs/oauth2-redirect"): (PUBLIC, None),
    ("GET", "/redoc"): (PUBLIC, None),
    ("GET", "/"): (PUBLIC, None),
    ("GET", "/console"): (PUBLIC, None),
    ("GET", "/reports"): (PUBLIC, None),
    ("GET", "/admin"): (PUBLIC, None),
    ("GET", "/supervision"): (PUBLIC, None),
    ("GET", "/widget.js"): (PUBLIC, None),
}
SOCKETS = {"/ws/console": AGENTS, "/ws/visitor": VISITORS, "/ws/supervision": SUPERVISORS}
FRAMES: dict[str, frozenset[str]] = {
    "message.send": frozenset({HOLDER, OWN}),
    "typing": frozenset({HOLDER, OWN}),
    "receipt": frozenset({HOLDER, OWN}),
    "ping": PUBLIC,
    # calls: the contact's visitor and holder only (others are forbidden before any check of
    # the call itself; a move the state machine refuses answers its own 409 code)
    "call.start": frozenset({HOLDER, OWN}),
    "call.accept": frozenset({HOLDER, OWN}),
    "call.decline": frozenset({HOLDER, OWN}),
    "call.connected": frozenset({HOLDER, OWN}),
    "call.end": frozenset({HOLDER, OWN}),
    "call.rejoin": frozenset({HOLDER, OWN}),
    "call.signal": frozenset({HOLDER, OWN}),
    "call.capabilities": frozenset({OWN}),
}
LAST = ("/api/auth/logout",)  # signs the roles out: run it after everything else


def route_table(tmp_path: Path) -> tuple[set[tuple[str, str]], set[str]]:
    app = build_app(
        Settings(
            database_url=f"sqlite+aiosqlite:///{tmp_path / 'routes.sqlite3'}", data_dir=tmp_path
        )
    )
    http: set[tuple[str, str]] = set()
    sockets: set[str] = set()
    for context in iter_route_contexts(app.routes):
        route = context.route
        if isinstance(route, APIWebSocketRoute):
            sockets.add(context.path)
        elif isinstance(route, Mount):
            assert context.path == "/static", context.path  # public files
        else:
            http |= {(m, context.path) for m in context.methods or () if m != "HEAD"}
    return http, sockets


def test_every_route_and_frame_has_a_rule(tmp_path: Path) -> None:
    http, sockets = route_table(tmp_path)
    assert http == set(RULES), "add a rule for each new endpoint (and drop rules for gone ones)"
    assert sockets == set(SOCKETS)
    assert set(FRAMES) == set(FRAME_TYPES)


@dataclass
class Cast:
    """The principals of one check, around a fresh contact held by ``holder``."""

    world: World
    agents: dict[str, AgentClient]
    contact_id: int = 0
    file_id: str = ""
    """An image the contact's visitor sent in it."""
    tokens: dict[str, str] = field(default_factory=dict)
    holder_session: str = ""
    group_id: int = 0
    """A transfer group made for this round (a round may delete it)."""
    eve_id: int = 0
    """An agent in no role of the cast, for the admin's changes to accounts."""
    left_message_id: int = 0
    """A message a visitor left without a service, for this round."""
    service_reply_id: int = 0
    """A Sales canned reply, for this round (a round may delete it)."""
    own_reply_id: int = 0
    """The holder's own canned reply, for this round (a round may delete it)."""
    visitor_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    """The contact's visitor, the same every round: each round's contact has the last
    round's as an earlier one (the visitor's history)."""
    earlier_id: int = 0
    webhook_id: int = 0
    token_id: int = 0
    """The holder's API token, for this round (a round may revoke it)."""
    """A webhook endpoint made for this round (a round may delete it)."""

    async def fresh_contact(self) -> None:
        """End the last round's contacts (the holder's capacity), then open new ones."""
        if self.contact_id:
            self.earlier_id = self.contact_id
            await self.agents[HOLDER].post(f"/api/contacts/{self.contact_id}/close")
            async with httpx.AsyncClient(base_url=self.world.app.url) as http:
                other = {"Authorization": f"Bearer {self.tokens['visitor_other']}"}
                await http.post("/api/visitor/contact/leave", headers=other)
        for role in VISITOR_ROLES:
            visitor = self.world.visitor(SITE)
            if role == OWN:
                visitor.visitor_id = self.visitor_id
            created = await visitor.request(self.world.services["Sales"]["id"])
            assert created.status_code == 201, created.text
            self.tokens[role] = visitor.token
            if role == OWN:
                self.contact_id = visitor.contact_id
        holder = self.agents[HOLDER]
        assert (await holder.accept(self.contact_id)).status_code == 200
        group = await self.agents["admin"].post(
            "/api/admin/transfer-groups", {"name": f"Desk {unique()}"}
        )
        self.group_id = group.json()["id"]
        hook = await self.agents["admin"].post(
            "/api/admin/webhooks", {"url": HOOK_URL, "enabled": False}
        )
        self.webhook_id = hook.json()["id"]
        made = await holder.post("/api/me/tokens", {"name": "CRM", "scopes": ["contacts:act"]})
        self.token_id = made.json()["id"]
        async with httpx.AsyncClient(base_url=self.world.app.url) as http:
            sent = await http.post(
                "/api/visitor/contact/files",
                params={"name": "photo.png"},
                content=png(32, 32),
                headers={"Authorization": f"Bearer {self.tokens[OWN]}", "Origin": SITE},
            )
        assert sent.status_code == 201, sent.text
        self.file_id = sent.json()["file"]["id"]
        async with httpx.AsyncClient(base_url=self.world.app.url) as http:
            left = await http.post(
                "/api/visitor/left-messages",
                json={"name": "Vera", "email": "vera@example.com", "text": "call me"},
            )
        assert left.status_code == 201, left.text
        self.left_message_id = left.json()["id"]
        reply = {**REPLY, "shortcut": unique()}
        service_reply = await self.agents["admin"].post(
            "/api/admin/canned-replies",
            {**reply, "service_id": self.world.services["Sales"]["id"]},
        )
        self.service_reply_id = service_reply.json()["id"]
        self.own_reply_id = (await holder.post("/api/me/canned-replies", reply)).json()["id"]

    def headers(self, role: str, path: str) -> dict[str, str]:
        """The role's credentials, from the widget's site or the console's own origin."""
        token = self.tokens.get(role) or (self.agents[role].token if role in self.agents else "")
        auth = {"Authorization": f"Bearer {token}"} if token else {}
        origin = SITE if path.startswith("/api/visitor/") else self.world.app.url
        return {"Origin": origin, **auth}


async def cast_of(world: World) -> Cast:
    await world.add_agent("dan", ["sales"])
    await world.add_agent("eve", ["sales"])
    await world.add_agent("sam", ["sales"], role=Role.SUPERVISOR)
    await world.add_agent("sue", ["support"], role=Role.SUPERVISOR)
    agents = {role: await world.agent(login) for role, login in LOGINS.items()}
    await agents[HOLDER].open_console()  # so new contacts wait instead of being rejected
    listed = (await agents["admin"].http.get("/api/admin/agents")).json()
    eve_id = next(a["id"] for a in listed if a["login"] == "eve")
    return Cast(world, agents, holder_session=agents[HOLDER].session_id, eve_id=eve_id)


async def test_http_matrix(sqlite_world: World, tmp_path: Path) -> None:
    cast = await cast_of(sqlite_world)
    routes = sorted(RULES, key=lambda r: (r[1] in LAST, r))
    failures = []
    async with httpx.AsyncClient(base_url=sqlite_world.app.url, timeout=20) as http:
        for method, path in routes:
            allowed, body = RULES[(method, path)]
            await cast.fresh_contact()
            url = path.format(
                contact_id=cast.contact_id,
                earlier_id=cast.earlier_id,
                session_id=cast.holder_session,
                public_id=cast.file_id,
                group_id=cast.group_id,
                webhook_id=cast.webhook_id,
                token_id=cast.token_id,
                message_id=cast.left_message_id,
                service_id=sqlite_world.services["Sales"]["id"],
                agent_id=cast.eve_id,
                name="sales",
                reply_id=cast.service_reply_id
                if path.startswith("/api/admin/")
                else cast.own_reply_id,
            )
            # Denied roles first: they must change nothing the allowed ones then rely on.
            for role in sorted(ROLES, key=lambda r: r in allowed):
                payload = body() if callable(body) else body
                if payload == "new-contact":
                    payload = {
                        "service_id": sqlite_world.services["Sales"]["id"],
                        "visitor_id": unique(),
                        "name": "Vera",
                    }
                response = await http.request(
                    method, url, headers=cast.headers(role, path), json=payload
                )
                http.cookies.clear()  # a sign-in sets one; roles carry only their own
                denied = response.status_code in (401, 403, 404)
                if denied == (role in allowed) or response.status_code >= 500:
                    failures.append(f"{method} {path} as {role}: {response.status_code}")
    assert failures == [], "\n".join(failures)


async def connect(world: World, cast: Cast, path: str, role: str) -> Stream:
    query = ""
    headers = {"Origin": SITE}
    if path == "/ws/visitor" and role in cast.tokens:
        query = f"?token={cast.tokens[role]}"
    if path in ("/ws/console", "/ws/supervision"):
        headers = {"Origin": world.app.url}
        if role in cast.agents:
            client = cast.agents[role]
            headers["Cookie"] = f"sportello_session={client.token}"
            if path == "/ws/console":
                session = (await client.post("/api/console-sessions")).json()["id"]
                query = f"?session={session}"
    ws = await websockets.connect(f"{world.app.ws_url}{path}{query}", additional_headers=headers)
    stream = Stream(ws)
    await stream.wait_for(lambda f: f["type"] in ("hello", "error"))
    return stream


async def test_websocket_matrix(sqlite_world: World) -> None:
    world = sqlite_world
    cast = await cast_of(world)
    await cast.fresh_contact()
    message = (
        await world.visitor(SITE).http.post(
            "/api/visitor/contact/messages",
            headers={"Authorization": f"Bearer {cast.tokens[OWN]}"},
            json={"text": "hi", "client_msg_id": "first"},
        )
    ).json()
    frames = {
        "message.send": {"contact_id": cast.contact_id, "text": "hello"},
        "typing": {"contact_id": cast.contact_id, "active": True},
        "receipt": {"contact_id": cast.contact_id, "up_to": message["id"], "state": "read"},
        "ping": {},
        "call.start": {"contact_id": cast.contact_id, "media": "voice"},
        "call.accept": {"contact_id": cast.contact_id, "call_id": 1, "media": "voice"},
        "call.decline": {"contact_id": cast.contact_id, "call_id": 1},
        "call.connected": {"contact_id": cast.contact_id, "call_id": 1},
        "call.end": {"contact_id": cast.contact_id, "call_id": 1},
        "call.rejoin": {"contact_id": cast.contact_id, "call_id": 1, "fresh": False},
        "call.signal": {
            "contact_id": cast.contact_id,
            "call_id": 1,
            "candidate": {"candidate": "candidate:1 1 udp 1 127.0.0.1 9 typ host"},
        },
        "call.capabilities": {
            "contact_id": cast.contact_id,
            "webrtc": True,
            "camera": False,
            "microphone": True,
            "permission": "prompt",
        },
    }
    failures = []
    for path, allowed in SOCKETS.items():
        for role in ROLES:
            stream = await connect(world, cast, path, role)
            hello = stream.frames[0]
            if (hello["type"] == "hello") != (role in allowed):
                failures.append(f"{path} as {role}: {hello}")
            if hello["type"] != "hello":
                await stream.close()
                assert stream.ws.close_code == 4403, (path, role)
                continue
            for kind, fields in frames.items():
                ref = unique()
                start = len(stream.frames)
                await stream.send(
                    {"type": kind, "client_msg_id": ref, **fields}
                    if kind == "message.send"
                    else {"type": kind, **fields}
                )
                await stream.send({"type": "ping", "ref": ref})
                await stream.wait_for(
                    lambda f, ref=ref: f["type"] == "pong" and f["ref"] == ref, start=start
                )
                refused = any(
                    f["type"] == "error" and f["code"] == "forbidden" for f in stream.frames[start:]
                )
                if refused == (role in FRAMES[kind]):
                    failures.append(f"{path} frame {kind} as {role}: {stream.frames[start:]}")
            await stream.close()
    assert failures == [], "\n".join(failures)

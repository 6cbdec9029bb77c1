"""Personal API tokens over real HTTP: made by their owner and shown once (only a hash
stored), usable as ``Authorization: Bearer``, never beyond their scopes nor their owner's
role; revoked, expired or disabled → 401 with a code; last use recorded; audited."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from sportello.domain.model import Role
from sportello.storage.tables import api_tokens
from tests.conftest import World, make_world
from tests.support.clients import AgentClient
from tests.support.inproc import serve_app


async def make_token(agent: AgentClient, **body: Any) -> dict[str, Any]:
    body.setdefault("name", "CRM")
    response = await agent.post("/api/me/tokens", body)
    assert response.status_code == 201, response.text
    made: dict[str, Any] = response.json()
    return made


def with_token(world: World, token: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=world.app.url, headers={"Authorization": f"Bearer {token}"}, timeout=10
    )


def code(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, str(response.json().get("code", ""))


async def test_a_token_reaches_its_scopes_only(database_url: str, tmp_path: Path) -> None:
    async with serve_app(database_url, tmp_path) as app:
        world = await make_world(app)
        bob = await world.agent("bob")
        await bob.open_console()
        refused = await bob.post("/api/me/tokens", {"name": "x", "scopes": ["admin"]})
        assert code(refused) == (422, "invalid_input")
        made = await make_token(bob, scopes=["contacts:act"], expires_in_days=30)
        token = made["token"]
        assert token.startswith("spt_") and made["hint"] == token[:8]
        assert made["expires_at"] == app.clock.now() + 30 * 86400
        async with app.ctx.db.read() as conn:
            [row] = (await conn.execute(select(api_tokens))).all()
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in [str(v) for v in row]  # only the hash is kept
        listed = (await bob.http.get("/api/me/tokens")).json()
        assert [t["id"] for t in listed] == [made["id"]] and "token" not in listed[0]
        assert listed[0]["last_used_at"] is None

        visitor = world.visitor()
        await visitor.request(world.services["Sales"]["id"])
        async with with_token(world, token) as api:
            me = await api.get("/api/me")
            assert me.status_code == 200 and me.json()["login"] == "bob"
            assert (await api.get("/api/waiting")).status_code == 200
            accepted = await api.post(f"/api/contacts/{visitor.contact_id}/accept")
            assert accepted.status_code == 200, accepted.text
            said = await api.post(
                f"/api/contacts/{visitor.contact_id}/messages",
                json={"client_msg_id": "t1", "text": "Hello from the CRM"},
            )
            assert said.status_code == 201, said.text
            for method, path in (
                ("GET", "/api/reports/contacts"),
                ("GET", "/api/admin/services"),
                ("POST", "/api/me/tokens"),
                ("PUT", "/api/me/status"),
                ("POST", "/api/console-sessions"),
                ("POST", "/api/auth/logout"),
            ):
                answer = await api.request(
                    method, path, json={"name": "x", "scopes": ["contacts:act"]}
                )
                assert code(answer) == (403, "token_scope"), (method, path)
        used = (await bob.http.get("/api/me/tokens")).json()[0]
        assert used["last_used_at"] == app.clock.now()
        await world.close()


async def test_a_token_never_goes_beyond_its_owners_role(sqlite_url: str, tmp_path: Path) -> None:
    async with serve_app(sqlite_url, tmp_path) as app:
        world = await make_world(app)
        await world.add_agent("zed", ["sales"], role=Role.ADMIN)
        ann, zed = await world.agent("ann"), await world.agent("zed")
        token = (await make_token(zed, scopes=["admin", "reports:read"]))["token"]
        async with with_token(world, token) as api:
            assert (await api.get("/api/admin/services")).status_code == 200
            assert (await api.get("/api/reports/contacts")).status_code == 200
            assert code(await api.get("/api/waiting")) == (403, "token_scope")
            zed_id = (await api.get("/api/me")).json()["id"]
            demoted = await ann.http.patch(f"/api/admin/agents/{zed_id}", json={"role": "agent"})
            assert demoted.status_code == 200, demoted.text
            assert code(await api.get("/api/admin/services")) == (403, "forbidden")
            disabled = await ann.http.patch(f"/api/admin/agents/{zed_id}", json={"enabled": False})
            assert disabled.status_code == 200
            assert code(await api.get("/api/reports/contacts")) == (401, "not_authenticated")
        await world.close()


async def test_revoked_and_expired_tokens_answer_401_with_their_code(
    sqlite_url: str, tmp_path: Path
) -> None:
    async with serve_app(sqlite_url, tmp_path) as app:
        world = await make_world(app)
        ann, bob = await world.agent("ann"), await world.agent("bob")
        revoked = await make_token(bob, scopes=["contacts:act"])
        expiring = await make_token(bob, scopes=["contacts:act"], expires_in_days=1)
        others = await make_token(bob, scopes=["contacts:act"])

        assert (await ann.http.delete(f"/api/me/tokens/{others['id']}")).status_code == 404
        assert (await bob.http.delete(f"/api/me/tokens/{revoked['id']}")).status_code == 204
        assert (await bob.http.delete(f"/api/me/tokens/{revoked['id']}")).status_code == 204
        async with with_token(world, revoked["token"]) as api:
            assert code(await api.get("/api/waiting")) == (401, "api_token_revoked")
        assert (await ann.http.delete(f"/api/admin/tokens/{others['id']}")).status_code == 204
        async with with_token(world, others["token"]) as api:
            assert code(await api.get("/api/waiting")) == (401, "api_token_revoked")

        async with with_token(world, expiring["token"]) as api:
            assert (await api.get("/api/waiting")).status_code == 200
            await app.advance(86_400)
            assert code(await api.get("/api/waiting")) == (401, "api_token_expired")
        async with with_token(world, "spt_" + "x" * 43) as api:
            assert code(await api.get("/api/waiting")) == (401, "not_authenticated")

        everyone = (await ann.http.get("/api/admin/tokens")).json()
        assert {(t["owner"], t["revoked_at"] is not None) for t in everyone} == {
            ("bob", True),
            ("bob", False),
        }
        audit = (await ann.http.get("/api/admin/audit", params={"target_kind": "api_token"})).json()
        actions = [(i["action"], i["actor"]["login"]) for i in audit["items"]]
        assert actions == [
            ("api_token.revoked", "ann"),
            ("api_token.revoked", "bob"),
            ("api_token.created", "bob"),
            ("api_token.created", "bob"),
            ("api_token.created", "bob"),
        ]
        assert all(t["token"] not in str(audit) for t in (revoked, expiring, others))
        await world.close()

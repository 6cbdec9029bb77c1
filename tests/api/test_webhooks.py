"""Webhooks through a real local HTTP receiver: signatures, order, de-duplication ids, the
kinds an endpoint asks for (agent-side events only when it opts in), retries after 500s and
timeouts, parking and replay, and the address checks (server-side request forgery)."""

from __future__ import annotations

import asyncio
import base64
import json
import re
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from sportello.actions.context import Ctx
from sportello.actions.webhook_cursor import lease_seconds
from sportello.hooks.dispatcher import WebhookDispatcher
from sportello.storage.database import Database
from sportello.storage.tables import webhook_endpoints
from tests.conftest import World, make_world
from tests.support.clients import AgentClient
from tests.support.inproc import serve_app
from tests.support.receiver import Answer, Received, Receiver, verify

FAST = {"webhooks_poll_seconds": 0.05, "webhooks_retry_seconds": 1.0}


async def register(admin: AgentClient, **body: Any) -> dict[str, Any]:
    response = await admin.post("/api/admin/webhooks", body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def endpoint(admin: AgentClient, endpoint_id: int) -> dict[str, Any]:
    response = await admin.http.get(f"/api/admin/webhooks/{endpoint_id}")
    assert response.status_code == 200, response.text
    view: dict[str, Any] = response.json()
    return view


async def until_endpoint(admin: AgentClient, endpoint_id: int, check: Any) -> dict[str, Any]:
    for _ in range(600):
        view = await endpoint(admin, endpoint_id)
        if check(view):
            return view
        await asyncio.sleep(0.05)
    raise AssertionError(f"webhook {endpoint_id} never got there: {view}")


def kinds(requests: list[Received]) -> list[str]:
    return [r.json["kind"] for r in requests]


def started(database_url: str, tmp_path: Path, **settings: Any) -> Any:
    return serve_app(database_url, tmp_path, **{**FAST, **settings})


async def test_signed_in_order_and_only_what_each_endpoint_asks_for(
    database_url: str, tmp_path: Path
) -> None:
    receiver = await Receiver().start()
    async with started(database_url, tmp_path, webhooks_allow_private=True) as app:
        world = await make_world(app)
        admin = await world.agent("ann")
        everything = await register(admin, url=receiver.url + "/all")
        agent_side = await register(
            admin, url=receiver.url + "/agent", kinds=["message.*", "note.*"], agent_side=True
        )
        assert everything["kinds"] == ["*"] and not everything["agent_side"]
        assert len(everything["secret"]) >= 32
        listed = (await admin.http.get("/api/admin/webhooks")).json()
        assert all("secret" not in hook for hook in listed)

        agent, _console, visitor, _widget = await world.assigned_chat("bob")
        for i in range(3):
            assert (await visitor.say(f"visitor {i}")).status_code == 201
            assert (await agent.say(visitor.contact_id, f"agent {i}")).status_code == 201
        note = await agent.post(f"/api/contacts/{visitor.contact_id}/notes", {"text": "VIP"})
        assert note.status_code == 201
        assert (await agent.post(f"/api/contacts/{visitor.contact_id}/close")).status_code == 200

        def on(path: str) -> list[Received]:
            return [r for r in receiver.accepted() if r.path.endswith(path)]

        await receiver.until(lambda: "contact.closed" in kinds(on("/all")))
        await receiver.until(lambda: "note.created" in kinds(on("/agent")))

        for path, hook in (("/all", everything), ("/agent", agent_side)):
            got = on(path)
            for request in got:
                assert verify(hook["secret"], request.headers["sportello-signature"], request.body)
                assert not verify(
                    "another secret", request.headers["sportello-signature"], request.body
                )
                body = request.json
                assert request.delivery == body["id"] == f"{hook['id']}-{body['position']}"
                assert request.headers["sportello-event"] == body["kind"]
            positions = [r.json["position"] for r in got]
            assert positions == sorted(set(positions)), "reordered or duplicated"

        everything_kinds = kinds(on("/all"))
        assert "note.created" not in everything_kinds  # private notes: agent side only
        assert everything_kinds.count("message.created") == 6
        assert {"contact.created", "contact.closed"} <= set(everything_kinds)
        texts = [
            r.json["data"]["message"]["text"]
            for r in on("/all")
            if r.json["kind"] == "message.created"
        ]
        assert texts == ["visitor 0", "agent 0", "visitor 1", "agent 1", "visitor 2", "agent 2"]
        assert set(kinds(on("/agent"))) <= {"message.created", "message.status", "note.created"}
        [noted] = [r for r in on("/agent") if r.json["kind"] == "note.created"]
        assert noted.json["data"]["note"]["text"] == "VIP"

        view = await until_endpoint(admin, everything["id"], lambda v: v["backlog"] == 0)
        assert view["state"] == "active" and view["attempts"] == 0
        await world.close()
    await receiver.stop()


async def test_500s_and_timeouts_are_retried_with_the_same_id_and_nothing_overtakes(
    sqlite_url: str, tmp_path: Path
) -> None:
    receiver = await Receiver().start()
    never = asyncio.Event()
    script = ["500", "timeout"]

    async def answer(request: Received) -> Answer:
        if request.json["kind"] == "message.created" and script:
            step = script.pop(0)
            if step == "timeout":
                await never.wait()  # the sender gives up after its timeout
            return 500, {}
        return 200, {}

    receiver.answer = answer
    settings = {"webhooks_allow_private": True, "webhooks_timeout_seconds": 0.5}
    async with started(sqlite_url, tmp_path, **settings) as app:
        world = await make_world(app)
        admin = await world.agent("ann")
        hook = await register(admin, url=receiver.url, kinds=["message.created"])
        _agent, _console, visitor, _widget = await world.assigned_chat()
        await visitor.say("first")
        await visitor.say("second")

        failed = await until_endpoint(admin, hook["id"], lambda v: v["attempts"] == 1)
        assert failed["last_error"] == "HTTP 500"
        # backoff: at most the first delay, at least half of it (the jitter)
        assert 0.5 <= failed["next_attempt_at"] - app.clock.now() <= 1.0
        await app.advance(1.0)
        timed_out = await until_endpoint(admin, hook["id"], lambda v: v["attempts"] == 2)
        assert "no answer within 0.5 s" in timed_out["last_error"]
        assert 1.0 <= timed_out["next_attempt_at"] - app.clock.now() <= 2.0
        await app.advance(2.0)
        await receiver.until(lambda: len(receiver.accepted()) == 2)

        texts = [r.json["data"]["message"]["text"] for r in receiver.requests]
        assert texts == ["first", "first", "first", "second"]  # nothing overtook the first
        ids = [r.delivery for r in receiver.requests]
        assert ids[0] == ids[1] == ids[2] != ids[3]
        done = await until_endpoint(admin, hook["id"], lambda v: v["backlog"] == 0)
        assert (done["attempts"], done["last_error"], done["state"]) == (0, "", "active")
        never.set()
        await world.close()
    await receiver.stop()


async def test_parked_after_the_retry_window_then_replayed_from_a_position(
    sqlite_url: str, tmp_path: Path
) -> None:
    receiver = await Receiver().start()
    down = True

    async def answer(_request: Received) -> Answer:
        return (503 if down else 200), {}

    receiver.answer = answer
    settings = {"webhooks_allow_private": True, "webhooks_park_after_seconds": 10}
    async with started(sqlite_url, tmp_path, **settings) as app:
        world = await make_world(app)
        admin = await world.agent("ann")
        hook = await register(admin, url=receiver.url, kinds=["message.created"])
        _agent, _console, visitor, _widget = await world.assigned_chat()
        await visitor.say("lost at first")
        await until_endpoint(admin, hook["id"], lambda v: v["attempts"] == 1)
        await app.advance(11)
        parked = await until_endpoint(admin, hook["id"], lambda v: v["state"] == "parked")
        assert parked["attempts"] == 2 and parked["last_error"] == "HTTP 503"
        assert parked["parked_at"] == app.clock.now()
        first_position = receiver.requests[0].json["position"]
        assert parked["cursor"] == first_position - 1

        down = False
        await visitor.say("while parked")
        await app.advance(60)
        after = await endpoint(admin, hook["id"])
        assert (after["state"], after["cursor"]) == ("parked", first_position - 1)
        assert len(receiver.requests) == 2  # nothing is sent while parked

        too_far = await admin.post(
            f"/api/admin/webhooks/{hook['id']}/replay", {"from_position": 10**9}
        )
        assert (too_far.status_code, too_far.json()["code"]) == (422, "invalid_input")
        replayed = await admin.post(
            f"/api/admin/webhooks/{hook['id']}/replay", {"from_position": first_position}
        )
        assert replayed.status_code == 200, replayed.text
        assert replayed.json()["state"] == "active"
        await receiver.until(lambda: len(receiver.accepted()) == 2)
        got = receiver.accepted()
        assert [r.json["data"]["message"]["text"] for r in got] == ["lost at first", "while parked"]
        assert got[0].delivery == receiver.requests[0].delivery  # the same id as the failures
        audit = (await admin.http.get("/api/admin/audit", params={"target_kind": "webhook"})).json()
        assert [item["action"] for item in audit["items"]] == [
            "webhook.replayed",
            "webhook.created",
        ]
        await world.close()
    await receiver.stop()


async def test_private_addresses_are_refused_before_and_after_dns(
    sqlite_url: str, tmp_path: Path
) -> None:
    receiver = await Receiver().start()
    async with started(sqlite_url, tmp_path) as app:
        world = await make_world(app)
        admin = await world.agent("ann")
        for url in (
            receiver.url,
            "http://[::1]/hook",
            "http://169.254.169.254/latest/meta-data",
            "http://10.1.2.3/hook",
            "http://[::ffff:192.168.0.1]/hook",
            "ftp://hooks.example/",
            "https://user:pw@hooks.example/",
        ):
            refused = await admin.post("/api/admin/webhooks", {"url": url})
            assert refused.status_code == 422, url
            assert refused.json()["code"] == "webhook_url_refused", url
        # a name is checked where it resolves, at each delivery: localhost is 127.0.0.1
        hook = await register(admin, url=f"http://localhost:{receiver.port}/hook")
        await world.assigned_chat()
        failed = await until_endpoint(admin, hook["id"], lambda v: v["attempts"] >= 1)
        assert "not a public address" in failed["last_error"]
        assert receiver.requests == []
        await world.close()
    await receiver.stop()


async def test_a_redirect_is_never_followed(sqlite_url: str, tmp_path: Path) -> None:
    inside = await Receiver().start()
    redirecting = await Receiver().start()

    async def elsewhere(_request: Received) -> Answer:
        return 307, {"Location": inside.url}

    redirecting.answer = elsewhere
    async with started(sqlite_url, tmp_path, webhooks_allow_private=True) as app:
        world = await make_world(app)
        admin = await world.agent("ann")
        hook = await register(admin, url=redirecting.url)
        await world.assigned_chat()
        failed = await until_endpoint(admin, hook["id"], lambda v: v["attempts"] >= 1)
        assert failed["last_error"] == "HTTP 307: redirects are not followed"
        assert failed["cursor"] == hook["cursor"]
        assert len(redirecting.requests) == 1 and inside.requests == []
        await world.close()
    await inside.stop()
    await redirecting.stop()


async def test_a_slow_endpoint_delays_neither_chat_nor_another_endpoint(
    sqlite_url: str, tmp_path: Path
) -> None:
    slow, fast = await Receiver().start(), await Receiver().start()
    never = asyncio.Event()

    async def hang(_request: Received) -> Answer:
        await never.wait()
        return 200, {}

    slow.answer = hang
    async with started(sqlite_url, tmp_path, webhooks_allow_private=True) as app:
        world: World = await make_world(app)
        admin = await world.agent("ann")
        await register(admin, url=slow.url, kinds=["message.created"])
        await register(admin, url=fast.url, kinds=["message.created"])
        _agent, _console, visitor, widget = await world.assigned_chat()
        for i in range(5):
            assert (await visitor.say(f"m{i}")).status_code == 201
        await fast.until(lambda: len(fast.accepted()) == 5)
        assert len(slow.requests) == 1 and slow.accepted() == []  # still hanging on m0
        seen = [e["data"]["message"]["text"] for e in widget.events("message.created")]
        assert seen[-5:] == [f"m{i}" for i in range(5)]
        never.set()
        await world.close()
    await slow.stop()
    await fast.stop()


def snippet(language: str) -> str:
    """The verification code docs/integrations.md shows receivers, as written there."""
    text = (Path(__file__).parents[2] / "docs" / "integrations.md").read_text()
    webhooks = text.split("## Webhooks", 1)[1]
    match = re.search(rf"```{language}\n(.*?)```", webhooks, re.S)
    assert match, language
    return match.group(1)


async def test_the_documented_checks_accept_a_real_delivery_and_refuse_a_forged_one(
    sqlite_url: str, tmp_path: Path
) -> None:
    receiver = await Receiver().start()
    async with started(sqlite_url, tmp_path, webhooks_allow_private=True) as app:
        world = await make_world(app)
        admin = await world.agent("ann")
        hook = await register(admin, url=receiver.url, secret="a shared secret, 16+")
        await world.assigned_chat()
        await receiver.until(lambda: len(receiver.accepted()) >= 1)
        await world.close()
    await receiver.stop()
    request = receiver.accepted()[0]
    header = request.headers["sportello-signature"]
    forged = request.body.replace(b'"kind"', b'"kind" ')

    scope: dict[str, Any] = {}
    exec(snippet("python"), scope)  # the documented code itself
    assert scope["verify"](hook["secret"], header, request.body)
    assert not scope["verify"](hook["secret"], header, forged)
    assert not scope["verify"]("another secret, 16+", header, request.body)

    script = tmp_path / "verify.cjs"
    script.write_text(
        snippet("js")
        + "\nconst [secret, header, body, forged] = process.argv.slice(2);\n"
        + "console.log(JSON.stringify([verify(secret, header, Buffer.from(body, 'base64')),"
        + " verify(secret, header, Buffer.from(forged, 'base64'))]));\n"
    )
    node = await asyncio.create_subprocess_exec(
        "node",
        str(script),
        hook["secret"],
        header,
        base64.b64encode(request.body).decode(),
        base64.b64encode(forged).decode(),
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await node.communicate()
    assert node.returncode == 0 and json.loads(out) == [True, False]


async def test_two_processes_share_the_work_but_never_an_endpoint(
    database_url: str, tmp_path: Path
) -> None:
    """A second deliverer on the same database (another process of a scale-out) takes only
    the endpoints nobody holds: every event is delivered once, in order, by one of them."""
    receiver = await Receiver().start()
    async with started(database_url, tmp_path, webhooks_allow_private=True) as app:
        world = await make_world(app)
        admin = await world.agent("ann")
        other = Ctx(settings=app.ctx.settings, db=Database(app.ctx.settings.database_url))
        other.clock = app.clock
        second = WebhookDispatcher(other)
        second.start()
        hooks = [
            await register(admin, url=f"{receiver.url}/{n}", kinds=["message.created"])
            for n in range(4)
        ]
        _agent, _console, visitor, _widget = await world.assigned_chat()
        for i in range(5):
            assert (await visitor.say(f"m{i}")).status_code == 201
        await receiver.until(lambda: len(receiver.accepted()) == 4 * 5)
        for n in range(4):
            got = [r for r in receiver.accepted() if r.path.endswith(f"/{n}")]
            assert [r.json["data"]["message"]["text"] for r in got] == [f"m{i}" for i in range(5)]
        async with app.ctx.db.read() as conn:
            owners = dict(
                (
                    await conn.execute(
                        select(webhook_endpoints.c.id, webhook_endpoints.c.lease_owner)
                    )
                ).all()
            )
        assert set(owners) == {h["id"] for h in hooks}
        assert set(owners.values()) <= {app.ctx.node_id, other.node_id}
        await second.stop()
        await other.db.dispose()
        await world.close()
    await receiver.stop()


async def test_an_endpoint_held_by_a_dead_process_is_taken_over_when_its_lease_ends(
    sqlite_url: str, tmp_path: Path
) -> None:
    receiver = await Receiver().start()
    async with started(sqlite_url, tmp_path, webhooks_allow_private=True) as app:
        world = await make_world(app)
        admin = await world.agent("ann")
        hook = await register(admin, url=receiver.url, kinds=["message.created"], enabled=False)
        lease_until = app.clock.now() + lease_seconds(app.ctx)
        async with app.ctx.db.write() as conn:  # a process that died holding it
            await conn.execute(
                update(webhook_endpoints)
                .where(webhook_endpoints.c.id == hook["id"])
                .values(lease_owner="dead-node", lease_until=lease_until)
            )
        enabled = await admin.http.patch(
            f"/api/admin/webhooks/{hook['id']}", json={"enabled": True}
        )
        assert enabled.status_code == 200
        _agent, _console, visitor, _widget = await world.assigned_chat()
        await visitor.say("after the crash")
        await until_endpoint(admin, hook["id"], lambda v: v["backlog"] > 0)
        taken = await endpoint(admin, hook["id"])
        assert receiver.requests == [] and taken["cursor"] == hook["cursor"]
        await app.advance(lease_seconds(app.ctx) + 1)
        await receiver.until(lambda: len(receiver.accepted()) == 1)
        assert receiver.accepted()[0].json["data"]["message"]["text"] == "after the crash"
        async with app.ctx.db.read() as conn:
            owner = await conn.scalar(
                select(webhook_endpoints.c.lease_owner).where(webhook_endpoints.c.id == hook["id"])
            )
        assert owner == app.ctx.node_id
        await world.close()
    await receiver.stop()

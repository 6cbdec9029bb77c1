"""Automatic translation (issue 13): real Apertium both ways, a stand-in engine that fails
or hangs, the cache, holds and resume."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from sportello.actions.translation import do_release_held_due
from tests.conftest import World, make_world
from tests.support.clients import Stream
from tests.support.inproc import serve_app

STANDIN = Path(__file__).parent.parent / "support" / "standin_apertium.py"


def message_event(stream: Stream, kind: str, message_id: int) -> list[dict[str, Any]]:
    return [e for e in stream.events(kind) if e["data"]["message"]["id"] == message_id]


async def wait_message(stream: Stream, kind: str, message_id: int) -> dict[str, Any]:
    frame = await stream.wait_for(
        lambda f: (
            f["type"] == "event" and f["kind"] == kind and f["data"]["message"]["id"] == message_id
        ),
        timeout=20,
    )
    message: dict[str, Any] = frame["data"]["message"]
    return message


async def spanish_chat(world: World) -> tuple[Any, Stream, Any, Stream]:
    agent = await world.agent("ann")
    console = await agent.open_console()
    visitor = world.visitor()
    await visitor.request(world.services["Sales"]["id"], locale="es-ES")
    assert (await agent.accept(visitor.contact_id)).status_code == 200
    widget = await visitor.open_widget()
    return agent, console, visitor, widget


async def test_spanish_visitor_and_english_agent_read_each_other(world: World) -> None:
    agent, console, visitor, widget = await spanish_chat(world)
    base = f"/api/contacts/{visitor.contact_id}/translation"
    earlier = (await visitor.say("Mi pedido no ha llegado todavía.")).json()

    choices = (await agent.http.get(base)).json()
    assert choices["engine"] == "apertium" and choices["visitor_language"] == "es"
    routes = {(r["source"], r["target"]): r["via"] for r in choices["routes"]}
    assert routes[("es", "en")] is None and routes[("en", "es")] is None
    assert routes[("en", "it")] == "es"  # no direct pair in Debian: through Spanish

    turned = await agent.http.put(base, json={"visitor": "es", "agent": "en"})
    assert turned.status_code == 200, turned.text
    assert turned.json() == {
        "visitor": "es",
        "agent": "en",
        "engine": "apertium",
        "via": None,
        "glossary": [],
    }
    await console.wait_event("contact.translation")

    said = (await visitor.say("Necesito ayuda con mi pedido, por favor.")).json()
    created = await wait_message(console, "message.created", said["id"])
    assert created["text"] == "Necesito ayuda con mi pedido, por favor."
    assert created["translation"]["state"] in ("pending", "done")
    translated = await wait_message(console, "message.translated", said["id"])
    assert translated["translation"] == {
        "state": "done",
        "source": "es",
        "target": "en",
        "text": "I need help with my request, please.",
        "engine": "apertium",
        "via": None,
    }

    reply = (await agent.say(visitor.contact_id, "Your order arrives tomorrow.")).json()
    assert reply["translation"] == {"state": "pending", "source": "en", "target": "es"}
    seen = await wait_message(widget, "message.created", reply["id"])
    assert seen["text"] == "Your order arrives tomorrow."
    assert seen["translation"]["text"] == "Vuestro orden llega mañana."
    assert len(message_event(widget, "message.created", reply["id"])) == 1
    both = await wait_message(console, "message.translated", reply["id"])
    assert both["translation"]["text"] == "Vuestro orden llega mañana."

    asked = await agent.post(f"{base}/earlier")
    assert asked.status_code == 202 and asked.json() == {"messages": [earlier["id"]]}
    old = await wait_message(console, "message.translated", earlier["id"])
    assert old["translation"]["text"] == "My request has not arrived still."

    contact = (await agent.http.get(f"/api/contacts/{visitor.contact_id}")).json()
    assert contact["translation"]["visitor"] == "es"
    assert [m["translation"]["state"] for m in contact["messages"]] == ["done"] * 3

    assert (await agent.http.delete(base)).status_code == 204
    plain = (await agent.say(visitor.contact_id, "Bye")).json()
    assert plain["translation"] is None
    assert (await wait_message(widget, "message.created", plain["id"]))["text"] == "Bye"


async def test_a_pair_no_engine_can_do_is_refused(world: World) -> None:
    agent, _console, visitor, _widget = await spanish_chat(world)
    base = f"/api/contacts/{visitor.contact_id}/translation"
    refused = await agent.http.put(base, json={"visitor": "de", "agent": "en"})
    assert refused.status_code == 409
    assert refused.json()["code"] == "translation_unavailable"
    assert (await agent.post(f"{base}/earlier")).json()["code"] == "translation_unavailable"
    other = await world.agent("bob")
    assert (await other.http.put(base, json={"visitor": "es", "agent": "en"})).status_code == 403


@pytest.fixture
async def standin_world(sqlite_url: str, tmp_path: Path) -> AsyncIterator[World]:
    log = tmp_path / "calls.log"
    log.touch()
    command = tmp_path / "standin"
    command.write_text(f'#!/bin/sh\nSTANDIN_LOG={log} exec {sys.executable} {STANDIN} "$@"\n')
    command.chmod(0o755)
    modes = tmp_path / "modes"
    modes.mkdir()
    for mode in ("spa-eng", "eng-spa"):
        (modes / f"{mode}.mode").write_text(f"{command} {mode}\n")
    async with serve_app(
        sqlite_url,
        tmp_path,
        apertium_modes_dir=modes,
        translation_timeout_seconds=5.0,
    ) as app:
        w = await make_world(app)
        try:
            yield w
        finally:
            await w.close()


def calls(world: World) -> list[str]:
    return (world.app.ctx.settings.data_dir / "calls.log").read_text().splitlines()


async def turned_on(world: World) -> tuple[Any, Stream, Any, Stream]:
    agent, console, visitor, widget = await spanish_chat(world)
    turned = await agent.http.put(
        f"/api/contacts/{visitor.contact_id}/translation", json={"visitor": "es", "agent": "en"}
    )
    assert turned.status_code == 200
    return agent, console, visitor, widget


async def test_a_hanging_engine_times_out_without_delaying_the_next_message(
    standin_world: World,
) -> None:
    _agent, console, visitor, widget = await turned_on(standin_world)
    # the pipeline started first (its start-up is not what is being tested)
    warm = [(await visitor.say(text)).json() for text in ("uno", "dos")]
    for said in warm:
        await wait_message(console, "message.translated", said["id"])
    stuck = (await visitor.say("hang on")).json()
    after = (await visitor.say("hola")).json()
    await wait_message(console, "message.created", after["id"])
    await wait_message(console, "message.translated", after["id"])
    # the next message came and was translated while the first one's engine call hung
    assert message_event(console, "message.untranslated", stuck["id"]) == []
    failed = await wait_message(console, "message.untranslated", stuck["id"])
    assert failed["text"] == "hang on"
    assert failed["translation"]["state"] == "failed"
    assert failed["translation"]["code"] == "timeout"
    assert "5 s" in failed["translation"]["reason"]
    told = await wait_message(widget, "message.untranslated", stuck["id"])
    assert told["translation"]["state"] == "failed"
    assert message_event(widget, "message.translated", after["id"]) == []


async def test_a_failed_agent_translation_reaches_the_visitor_untranslated_with_a_reason(
    standin_world: World,
) -> None:
    agent, console, visitor, widget = await turned_on(standin_world)
    reply = (await agent.say(visitor.contact_id, "this will fail")).json()
    seen = await wait_message(widget, "message.created", reply["id"])
    assert seen["text"] == "this will fail" and seen["translation"]["state"] == "failed"
    why = await wait_message(console, "message.untranslated", reply["id"])
    assert why["translation"]["code"] == "engine_failed"
    assert "told to fail" in why["translation"]["reason"]


async def test_the_cache_spares_a_second_engine_call(standin_world: World) -> None:
    _agent, console, visitor, _widget = await turned_on(standin_world)
    for _ in range(2):
        said = (await visitor.say("gracias")).json()
        done = await wait_message(console, "message.translated", said["id"])
        assert done["translation"]["text"] == "GRACIAS"
    assert calls(standin_world) == ["spa-eng 'gracias'"]


async def test_resume_delivers_each_translation_once(standin_world: World) -> None:
    agent, console, visitor, widget = await turned_on(standin_world)
    start_console, start_widget = console.position, widget.position
    said = (await visitor.say("hola")).json()
    reply = (await agent.say(visitor.contact_id, "hello")).json()
    await wait_message(console, "message.translated", said["id"])
    await wait_message(console, "message.translated", reply["id"])
    await wait_message(widget, "message.created", reply["id"])
    await console.close()
    await widget.close()

    again = await agent.open_console(since=start_console, session_id=agent.session_id)
    events = await again.drain()
    translated = [e["data"]["message"]["id"] for e in events if e["kind"] == "message.translated"]
    assert sorted(translated) == sorted([said["id"], reply["id"]])
    widget_again = await visitor.open_widget(since=start_widget)
    created = [
        e["data"]["message"]
        for e in await widget_again.drain()
        if e["kind"] == "message.created" and e["data"]["message"]["id"] == reply["id"]
    ]
    assert [m["translation"]["text"] for m in created] == ["HELLO"]


async def test_a_message_whose_translation_never_comes_is_released_untranslated(
    standin_world: World,
) -> None:
    agent, console, visitor, widget = await turned_on(standin_world)
    standin_world.app.ctx.translator.timeout = 600  # as if the worker were lost
    reply = (await agent.say(visitor.contact_id, "hang for good")).json()
    snapshot = (await visitor.http.get("/api/visitor/contact")).json()
    assert reply["id"] not in [m["id"] for m in snapshot["messages"]]
    await standin_world.app.advance(standin_world.app.ctx.settings.translation_hold_seconds)
    assert await do_release_held_due(standin_world.app.ctx) == 1
    seen = await wait_message(widget, "message.created", reply["id"])
    assert seen["text"] == "hang for good" and seen["translation"]["code"] == "interrupted"
    await wait_message(console, "message.untranslated", reply["id"])

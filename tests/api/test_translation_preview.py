"""The agent's preview of a translated message, and sending it as checked, edited or
untranslated (issue 22), with real Apertium."""

from __future__ import annotations

from sportello.security.rate_limits import Limit
from tests.api.test_translation import spanish_chat, turned_on, wait_message
from tests.conftest import World


async def test_the_holder_previews_a_draft_and_nobody_else_may(world: World) -> None:
    agent, _console, visitor, _widget = await spanish_chat(world)
    url = f"/api/contacts/{visitor.contact_id}/translation/preview"
    off = await agent.post(url, {"text": "Your order arrives tomorrow."})
    assert off.status_code == 409 and off.json()["code"] == "translation_unavailable"

    await agent.http.put(
        f"/api/contacts/{visitor.contact_id}/translation", json={"visitor": "es", "agent": "en"}
    )
    shown = await agent.post(url, {"text": "Your order arrives tomorrow."})
    assert shown.status_code == 200, shown.text
    assert shown.json() == {
        "text": "Vuestro orden llega mañana.",
        "source": "en",
        "target": "es",
        "engine": "apertium",
        "via": None,
        "unknown": [],
    }
    # words the dictionaries do not know are left as written: the agent is told which
    typo = (await agent.post(url, {"text": "Your ordr arrives *really* soon, Zorblat."})).json()
    assert typo["unknown"] == ["ordr", "Zorblat"]
    other = await world.agent("bob")
    assert (await other.post(url, {"text": "hi"})).json()["code"] == "forbidden"
    assert (await visitor.http.post(url, json={"text": "hi"})).status_code in (401, 403)
    for bad in ({"text": "   "}, {"text": "x" * 10_001}, {}, {"text": 3}, {"text": "a\u0000"}):
        refused = await agent.post(url, bad)
        assert refused.status_code in (400, 413, 422), (bad, refused.text)
        assert refused.json()["code"] in ("invalid_input", "text_too_long"), bad
    missing = await agent.post("/api/contacts/999999/translation/preview", {"text": "hi"})
    assert missing.status_code == 404

    world.app.ctx.limits.previews = Limit("translation previews per agent", "preview", 1)
    await agent.post(url, {"text": "One"})
    limited = await agent.post(url, {"text": "Two"})
    assert limited.status_code == 429 and limited.json()["code"] == "rate_limited"


async def test_a_busy_engine_answers_translation_failed(world: World) -> None:
    agent, console, visitor, widget = await turned_on(world)
    world.app.ctx.translator.queue_limit = 0
    busy = await agent.post(
        f"/api/contacts/{visitor.contact_id}/translation/preview", {"text": "New words here."}
    )
    assert busy.status_code == 503
    assert busy.json()["code"] == "translation_failed"
    assert busy.json()["details"] == {"reason": "busy"}

    # a message meanwhile goes at once, untranslated, and both sides are told why
    said = (await visitor.say("Nuevas palabras aquí.")).json()
    for side in (console, widget):
        failed = await wait_message(side, "message.untranslated", said["id"])
        assert failed["translation"]["code"] == "busy"
    reply = (await agent.say(visitor.contact_id, "Fresh words here.")).json()
    seen = await wait_message(widget, "message.created", reply["id"])
    assert seen["text"] == "Fresh words here." and seen["translation"]["code"] == "busy"


async def test_the_agent_sends_an_edited_translation_or_the_original(world: World) -> None:
    agent, _console, visitor, widget = await turned_on(world)
    edited = await agent.post(
        f"/api/contacts/{visitor.contact_id}/messages",
        {
            "text": "Your order arrives tomorrow.",
            "translation": {"text": "Su pedido llega mañana.", "edited": True},
        },
    )
    assert edited.status_code == 201, edited.text
    sent = edited.json()
    assert sent["text"] == "Your order arrives tomorrow."
    assert sent["translation"] == {
        "state": "done",
        "source": "en",
        "target": "es",
        "text": "Su pedido llega mañana.",
        "engine": "apertium",
        "via": None,
        "edited": True,
    }
    seen = await wait_message(widget, "message.created", sent["id"])
    assert seen["translation"]["text"] == "Su pedido llega mañana."

    original = (
        await agent.post(
            f"/api/contacts/{visitor.contact_id}/messages",
            {"text": "Sportello XR-200", "translation": {"original": True}},
        )
    ).json()
    assert original["translation"]["state"] == "skipped"
    seen = await wait_message(widget, "message.created", original["id"])
    assert seen["text"] == "Sportello XR-200" and seen["translation"]["code"] == "skipped"
    assert world.app.ctx.translator.engine_calls == 0

    for bad in ({"original": True, "text": "x"}, {}, {"text": " "}, {"original": False}):
        refused = await agent.post(
            f"/api/contacts/{visitor.contact_id}/messages", {"text": "x", "translation": bad}
        )
        assert refused.status_code == 422, bad
        assert refused.json()["code"] == "invalid_input"
    transcript = (await agent.http.get(f"/api/contacts/{visitor.contact_id}")).json()
    assert [m["translation"]["state"] for m in transcript["messages"]] == ["done", "skipped"]


async def test_the_service_glossary_is_left_untranslated_both_ways(world: World) -> None:
    ann = await world.agent("ann")
    sales = world.services["Sales"]["id"]
    bad = await ann.http.patch(f"/api/admin/services/{sales}", json={"translation_glossary": [""]})
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_input"
    changed = await ann.http.patch(
        f"/api/admin/services/{sales}",
        json={"translation_glossary": ["Orange", " Apple  Watch ", "Orange"]},
    )
    assert changed.json()["translation_glossary"] == ["Orange", "Apple Watch"]

    agent, console, visitor, _widget = await turned_on(world)
    contact = (await agent.http.get(f"/api/contacts/{visitor.contact_id}")).json()
    assert contact["translation"]["glossary"] == ["Orange", "Apple Watch"]
    said = (await visitor.say("Mi router Orange y mi Apple Watch están rotos.")).json()
    done = await wait_message(console, "message.translated", said["id"])
    assert done["translation"]["text"] == "My router Orange and my Apple Watch are broken."
    shown = await agent.post(
        f"/api/contacts/{visitor.contact_id}/translation/preview",
        {"text": "My Orange router and my Apple Watch are broken."},
    )
    # without the glossary: "Mi Naranja router y mi Reloj de Manzana está roto."
    assert shown.json()["text"] == "Mi Orange router y mi Apple Watch está roto."
    assert shown.json()["unknown"] == ["router"]  # the glossary's terms are not listed

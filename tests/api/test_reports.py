"""Reports (issue 15): the overview counted from a seeded history with hand-counted answers,
the list's filters, sort orders and keyset pages, transcript search, scope, CSV."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import datetime
from typing import Any

import pytest

from sportello.domain.model import Role
from sportello.reports import search
from tests.conftest import World
from tests.support.clients import AgentClient, VisitorClient

DAY = 86_400


async def history(world: World) -> dict[str, Any]:
    """Five contacts, each with a known fate and known times (the clock is manual)."""
    app = world.app
    ann, bob = await world.agent("ann"), await world.agent("bob")
    await ann.open_console()
    bob_console = await bob.open_console()
    t0 = app.clock.now()
    sales, support = world.services["Sales"]["id"], world.services["Support"]["id"]

    a = world.visitor()  # Sales: answered after 10 s, 3 messages, handled for 60 s
    await a.request(sales, name="Alma Answered", message="my espresso machine leaks")
    await app.advance(10)
    assert (await bob.accept(a.contact_id)).status_code == 200
    await bob.say(a.contact_id, "which model is it?")
    await a.say("the Moka Classica")
    await app.advance(60)
    await bob.post(f"/api/contacts/{a.contact_id}/close")

    b = world.visitor()  # Sales: offered, nobody takes it, dissuaded after 30 s
    await b.request(sales, name="Bea Dissuaded")
    await ann.http.put("/api/me/status", json={"status": "PAUSED"})
    c = world.visitor()  # Support: rejected at once, its only agent online is paused
    assert (await c.request(support, name="Cid Rejected")).json()["contact"]["state"] == "rejected"
    await ann.http.put("/api/me/status", json={"status": "READY"})
    await bob_console.drain()
    await app.advance(30)
    await wait_state(world, b, "dissuaded")

    d = world.visitor()  # Support: leaves after 5 s, cancelled
    await d.request(support, name="Dan Cancelled")
    await app.advance(5)
    await d.leave()

    e = world.visitor()  # Support: answered after 20 s, no message, handled 30 s
    await e.request(support, name="Eve Silent")
    await app.advance(20)
    assert (await ann.accept(e.contact_id)).status_code == 200
    await app.advance(30)
    await ann.post(f"/api/contacts/{e.contact_id}/close")
    return {"t0": t0, "ann": ann, "bob": bob, "a": a, "b": b, "c": c, "d": d, "e": e}


async def wait_state(world: World, visitor: VisitorClient, state: str) -> None:
    for _ in range(100):
        if (await visitor.http.get("/api/visitor/contact")).json()["state"] == state:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"contact never became {state}")


def by_name(groups: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {g["name"]: g for g in groups}


async def test_overview_figures_match_the_hand_count(world: World) -> None:
    h = await history(world)
    ann: AgentClient = h["ann"]
    period = {"since": h["t0"] - 1, "until": h["t0"] + DAY}
    report = (await ann.http.get("/api/reports/overview", params=period)).json()
    total = report["total"]
    assert total["requests"] == 5
    assert (total["successful"], total["no_interaction"], total["dissuaded"]) == (1, 1, 1)
    assert (total["cancelled"], total["rejected"], total["abandoned"]) == (1, 1, 0)
    assert total["answered"] == 2
    assert total["answer_avg"] == 15.0  # (10 + 20) / 2
    assert total["handling_avg"] == 45.0  # (60 + 30) / 2
    # waits: answered 10 and 20, dissuaded 30, cancelled 5, rejected 0
    assert total["wait_avg"] == 13.0
    assert (total["wait_p50"], total["wait_p90"]) == (10.0, 30.0)
    services = by_name(report["groups"])
    assert services["Sales"]["requests"] == 2 and services["Support"]["requests"] == 3
    assert services["Sales"]["successful"] == 1 and services["Support"]["rejected"] == 1
    agents = by_name(
        (
            await ann.http.get("/api/reports/overview", params={**period, "group_by": "agent"})
        ).json()["groups"]
    )
    assert agents["Bob"]["requests"] == 1 and agents["Ann"]["requests"] == 1
    assert agents["(no agent)"]["requests"] == 3
    assert sum(bar["contacts"] for bar in report["wait_histogram"]) == 5
    bars = report["wait_histogram"]
    assert (bars[0]["below"], bars[0]["at_least"], bars[-1]["below"]) == (10, None, None)
    assert bars[-1]["at_least"] == 300
    assert sum(sum(v for k, v in hour.items() if k != "hour") for hour in report["by_hour"]) == 5
    outside = (
        await ann.http.get(
            "/api/reports/overview", params={"since": h["t0"] + DAY, "until": h["t0"] + 2 * DAY}
        )
    ).json()
    assert outside["total"]["requests"] == 0


async def test_list_filters_sorts_and_pages(world: World) -> None:
    h = await history(world)
    ann: AgentClient = h["ann"]
    newest_first = [h[k].contact_id for k in ("e", "d", "c", "b", "a")]
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await ann.http.get("/api/reports/contacts", params=params)).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == newest_first
    by_wait = (await ann.http.get("/api/reports/contacts", params={"sort": "wait"})).json()
    assert [i["wait"] for i in by_wait["items"]] == [30.0, 20.0, 10.0, 5.0, 0.0]
    by_duration = (await ann.http.get("/api/reports/contacts", params={"sort": "duration"})).json()
    assert [i["duration"] for i in by_duration["items"][:2]] == [60.0, 30.0]
    sales = world.services["Sales"]["id"]
    filtered = (
        await ann.http.get(
            "/api/reports/contacts", params={"service_id": sales, "outcome": "successful"}
        )
    ).json()["items"]
    assert [(i["visitor"]["name"], i["agent"]["name"]) for i in filtered] == [
        ("Alma Answered", "Bob")
    ]
    named = (await ann.http.get("/api/reports/contacts", params={"visitor": "dan"})).json()
    assert [i["outcome"] for i in named["items"]] == ["cancelled"]
    bad = await ann.http.get("/api/reports/contacts", params={"cursor": "nonsense"})
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_input")


async def test_text_search_in_transcripts(world: World) -> None:
    h = await history(world)
    ann: AgentClient = h["ann"]
    found = (await ann.http.get("/api/reports/contacts", params={"q": "espresso leaks"})).json()
    assert [i["id"] for i in found["items"]] == [h["a"].contact_id]
    assert (await ann.http.get("/api/reports/contacts", params={"q": "model"})).json()["items"]
    none = (await ann.http.get("/api/reports/contacts", params={"q": 'tea "OR" *'})).json()
    assert none["items"] == []


async def test_text_search_finds_the_same_for_rare_and_common_words(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL takes a rare word's contacts by id and a common one's by subquery
    (reports/search.py): both ways find the same contacts."""
    h = await history(world)
    ann: AgentClient = h["ann"]

    async def found(words: str) -> list[int]:
        page = await ann.http.get("/api/reports/contacts", params={"q": words})
        return [i["id"] for i in page.json()["items"]]

    rare = await found("espresso leaks")
    monkeypatch.setattr(search, "RARE", 0)  # every word is common now
    assert await found("espresso leaks") == rare == [h["a"].contact_id]
    assert await found("tea") == []


async def test_each_role_sees_its_scope(world: World) -> None:
    h = await history(world)
    await world.add_agent("sam", ["sales"], role=Role.SUPERVISOR)
    sam, cyd = await world.agent("sam"), await world.agent("cyd")
    bob: AgentClient = h["bob"]

    async def ids(client: AgentClient) -> set[int]:
        items = (await client.http.get("/api/reports/contacts")).json()["items"]
        return {i["id"] for i in items}

    assert await ids(bob) == {h["a"].contact_id}  # what he handled
    assert await ids(sam) == {h["a"].contact_id, h["b"].contact_id}  # Sales
    assert await ids(cyd) == set()  # handled nothing
    assert len(await ids(h["ann"])) == 5
    out = await bob.http.get(f"/api/reports/contacts/{h['e'].contact_id}")
    assert (out.status_code, out.json()["code"]) == (404, "not_found")
    mine = (await bob.http.get(f"/api/reports/contacts/{h['a'].contact_id}")).json()
    assert [m["text"] for m in mine["messages"]][:2] == [
        "my espresso machine leaks",
        "which model is it?",
    ]
    assert mine["summary"]["wait"] == 10.0 and mine["files"] == []


async def test_csv_export_follows_the_filters(world: World) -> None:
    h = await history(world)
    ann: AgentClient = h["ann"]
    answer = await ann.http.get(
        "/api/reports/contacts.csv", params={"service_id": world.services["Support"]["id"]}
    )
    assert answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert [r["visitor_name"] for r in rows] == ["Eve Silent", "Dan Cancelled", "Cid Rejected"]
    assert rows[0]["duration_seconds"] == "30" and rows[2]["outcome"] == "rejected"
    assert (rows[0]["duration"], rows[0]["wait_seconds"], rows[0]["wait"]) == (
        "0:00:30",
        "20",
        "0:00:20",
    )
    period = {"since": h["t0"] - 1, "until": h["t0"] + DAY}
    overview = await ann.http.get("/api/reports/overview.csv", params=period)
    lines = list(csv.DictReader(io.StringIO(overview.text)))
    assert lines[-1]["name"] == "All" and lines[-1]["requests"] == "5"


async def test_the_colour_tag_is_reported_and_the_csv_reads_as_a_spreadsheet(
    world: World,
) -> None:
    app = world.app
    ann = await world.agent("ann")
    await ann.open_console()
    tagged, plain = world.visitor(), world.visitor()
    for visitor, name in ((tagged, "Tina Tagged"), (plain, "Paul Plain")):
        await visitor.request(world.services["Sales"]["id"], name=name)
        await app.advance(7.4)
        assert (await ann.accept(visitor.contact_id)).status_code == 200
    colour = await ann.http.put(
        f"/api/contacts/{tagged.contact_id}/colour", json={"colour": "green"}
    )
    assert colour.status_code == 200, colour.text
    await app.advance(3725.6)
    for visitor in (tagged, plain):
        await ann.post(f"/api/contacts/{visitor.contact_id}/close")

    listed = (await ann.http.get("/api/reports/contacts")).json()["items"]
    assert {i["visitor"]["name"]: i["colour"] for i in listed} == {
        "Tina Tagged": "green",
        "Paul Plain": None,
    }
    detail = (await ann.http.get(f"/api/reports/contacts/{tagged.contact_id}")).json()
    assert detail["colour"] == "green" and detail["summary"]["colour"] == "green"
    green = (await ann.http.get("/api/reports/contacts", params={"colour": "green"})).json()
    assert [i["visitor"]["name"] for i in green["items"]] == ["Tina Tagged"]
    untagged = (await ann.http.get("/api/reports/contacts", params={"colour": "none"})).json()
    assert [i["visitor"]["name"] for i in untagged["items"]] == ["Paul Plain"]
    wrong = await ann.http.get("/api/reports/contacts", params={"colour": "pink"})
    assert (wrong.status_code, wrong.json()["code"]) == (422, "invalid_input")

    exported = await ann.http.get(
        "/api/reports/contacts.csv", params={"colour": "green", "utc_offset_minutes": 60}
    )
    (row,) = list(csv.DictReader(io.StringIO(exported.text)))
    created = next(i["created_at"] for i in listed if i["id"] == tagged.contact_id)
    when = datetime.fromisoformat(row["created_at"])
    assert row["created_at"].endswith("+01:00") and when.timestamp() == int(created)
    assert row["colour"] == "green"
    assert (row["wait_seconds"], row["wait"]) == ("7", "0:00:07")
    # handled 7.4 + 3725.6 s (the other contact was taken meanwhile)
    assert (row["duration_seconds"], row["duration"]) == ("3733", "1:02:13")
    period = {"since": created - 1, "until": created + DAY}
    overview = await ann.http.get("/api/reports/overview.csv", params=period)
    total = list(csv.DictReader(io.StringIO(overview.text)))[-1]
    assert (total["wait_avg"], total["handling_avg"]) == ("7", "3729")  # 3729.3


async def test_a_contact_across_midnight_counts_on_the_day_it_was_requested(
    sqlite_world: World,
) -> None:
    world = sqlite_world
    ann = await world.agent("ann")
    await ann.open_console()
    now = world.app.clock.now()
    midnight = (now // DAY + 1) * DAY
    await world.app.advance(midnight - 20 - now)  # 23:59:40 UTC
    late = world.visitor()
    await late.request(world.services["Sales"]["id"], name="Night Owl")
    await world.app.advance(10)
    await ann.accept(late.contact_id)
    await world.app.advance(50)  # handled across midnight: 00:00:40 at the end
    await ann.post(f"/api/contacts/{late.contact_id}/close")
    day1 = {"since": midnight - DAY, "until": midnight}
    first = (await ann.http.get("/api/reports/overview", params=day1)).json()["total"]
    assert (first["requests"], first["answer_avg"], first["handling_avg"]) == (1, 10.0, 50.0)
    hours = (await ann.http.get("/api/reports/overview", params=day1)).json()["by_hour"]
    assert hours[23]["no_interaction"] == 1  # requested in the last hour (UTC)
    day2 = {"since": midnight, "until": midnight + DAY}
    second = (await ann.http.get("/api/reports/overview", params=day2)).json()["total"]
    assert second["requests"] == 0


async def test_a_transferred_contact_in_the_list_the_details_and_the_overview(
    sqlite_world: World,
) -> None:
    """Bob passes a chat to Cyd's colleague Ann: both read it afterwards, the row names both,
    the details list the leg with its note, and the overview counts the transfer."""
    world = sqlite_world
    bob, ann = await world.agent("bob"), await world.agent("ann")
    ann_console = await ann.open_console()
    await bob.open_console()
    t0 = world.app.clock.now()
    visitor = world.visitor()
    await visitor.request(world.services["Sales"]["id"], name="Tia Transferred")
    assert (await bob.accept(visitor.contact_id)).status_code == 200
    await visitor.say("I need an invoice in my company's name")
    sent = await bob.post(
        f"/api/contacts/{visitor.contact_id}/transfer",
        {"agent_id": ann.agent["id"], "note": "invoices are Ann's"},
    )
    assert sent.status_code == 201, sent.text
    await ann_console.wait_for(
        lambda f: (
            f.get("kind") == "contact.offered" and f["data"]["entry"]["state"] == "transferring"
        )
    )
    accepted = await ann.post(f"/api/contacts/{visitor.contact_id}/transfer/accept")
    assert accepted.status_code == 200, accepted.text
    await ann.say(visitor.contact_id, "I can do that")
    await ann.post(f"/api/contacts/{visitor.contact_id}/close")

    mine = (await bob.http.get("/api/reports/contacts")).json()["items"]
    assert [i["id"] for i in mine] == [visitor.contact_id], "Bob handled it before passing it on"
    row = mine[0]
    assert [a["name"] for a in row["agents"]] == ["Bob", "Ann"]
    assert (row["agent"]["name"], row["transfers"]) == ("Ann", 1)
    by_bob = await ann.http.get("/api/reports/contacts", params={"agent_id": bob.agent["id"]})
    assert [i["id"] for i in by_bob.json()["items"]] == [visitor.contact_id]

    detail = (await bob.http.get(f"/api/reports/contacts/{visitor.contact_id}")).json()
    (leg,) = detail["transfers"]
    assert (leg["from_agent"]["display_name"], leg["to_agent"]["display_name"]) == ("Bob", "Ann")
    assert (leg["note"], leg["outcome"]) == ("invoices are Ann's", "accepted")
    senders = [(m["sender"], m["agent_id"]) for m in detail["messages"] if m["sender"] != "system"]
    assert ("agent", ann.agent["id"]) in senders

    period = {"since": t0 - 1, "until": t0 + DAY}
    per_service = (await ann.http.get("/api/reports/overview", params=period)).json()
    assert by_name(per_service["groups"])["Sales"]["transferred"] == 1
    assert per_service["total"]["transferred"] == 1
    per_agent = (
        await ann.http.get("/api/reports/overview", params={**period, "group_by": "agent"})
    ).json()
    assert by_name(per_agent["groups"])["Bob"]["transferred"] == 1
    assert by_name(per_agent["groups"])["Ann"]["transferred"] == 0
    exported = await ann.http.get("/api/reports/contacts.csv")
    (line,) = list(csv.DictReader(io.StringIO(exported.text)))
    assert (line["agent"], line["earlier_agents"]) == ("Ann", "Bob")

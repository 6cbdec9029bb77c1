"""/metrics: off until a token is set, refused without it, and figures that follow the
deployment (waiting and held contacts, agents by status, open sockets)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import make_world
from tests.support.inproc import serve_app

TOKEN = "metrics-s3cret"


def samples(body: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(body)
        for s in family.samples
    }


async def scrape(http: httpx.AsyncClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    answer = await http.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain; version=0.0.4")
    return samples(answer.text)


async def test_metrics_follow_the_deployment(sqlite_url: str, tmp_path: Path) -> None:
    async with serve_app(
        sqlite_url, tmp_path, metrics_token=TOKEN, webhooks_allow_private=True
    ) as app:
        world = await make_world(app)
        try:
            async with httpx.AsyncClient(base_url=app.url) as http:
                denied = await http.get("/metrics")
                assert denied.status_code == 401
                assert denied.json()["code"] == "not_authenticated"
                wrong = await http.get("/metrics", headers={"Authorization": "Bearer nope"})
                assert wrong.status_code == 401

                before = await scrape(http)
                assert before[("sportello_agents", (("status", "DISCONNECTED"),))] == 3
                assert before[("sportello_websockets", (("kind", "console"),))] == 0
                assert (
                    "sportello_contacts_open",
                    (("service", "Sales"), ("state", "pending")),
                ) not in before
                assert ("process_resident_memory_bytes", ()) in before

                ann = await world.agent("ann")
                console = await ann.open_console()
                waiting = world.visitor()
                await waiting.request(world.services["Sales"]["id"])
                await app.advance(7)
                held = world.visitor()
                await held.request(world.services["Support"]["id"])
                assert (await ann.accept(held.contact_id)).status_code == 200
                widget = await held.open_widget()

                now = await scrape(http)
                sales = (("service", "Sales"), ("state", "pending"))
                assert now[("sportello_contacts_open", sales)] == 1
                support = (("service", "Support"), ("state", "assigned"))
                assert now[("sportello_contacts_open", support)] == 1
                oldest = now[("sportello_contacts_oldest_waiting_seconds", (("service", "Sales"),))]
                assert 7 <= oldest < 60
                assert now[("sportello_agents", (("status", "READY"),))] == 1
                assert now[("sportello_agents", (("status", "DISCONNECTED"),))] == 2
                assert now[("sportello_websockets", (("kind", "console"),))] == 1
                assert now[("sportello_websockets", (("kind", "visitor"),))] == 1
                assert (
                    now[("sportello_stream_position", ())]
                    > before[("sportello_stream_position", ())]
                )
                # the process's own timings and count, kept as it works
                assert (await held.say("hello")).status_code == 201
                assert (await ann.say(held.contact_id, "hi")).status_code == 201
                after = await scrape(http)
                told = (
                    after[("sportello_messages_total", ())] - now[("sportello_messages_total", ())]
                )
                assert told == 2
                commits = after[("sportello_commit_seconds_count", ())]
                assert commits > before[("sportello_commit_seconds_count", ())]
                assert after[("sportello_write_wait_seconds_count", ())] == commits
                assert after[("sportello_commit_seconds_bucket", (("le", "+Inf"),))] == commits
                assert after[("sportello_routing_pass_seconds_count", ())] >= 1
                handed = after[("sportello_delivery_seconds_count", ())]
                assert handed > now[("sportello_delivery_seconds_count", ())]
                assert ("sportello_stream_lock_held_seconds_count", ()) not in after  # SQLite
                hook = await ann.post("/api/admin/webhooks", {"url": "http://127.0.0.1:9/in"})
                assert hook.status_code == 201, hook.text
                assert (await ann.say(held.contact_id, "one more")).status_code == 201
                hooked = await scrape(http)
                labels = (("endpoint", str(hook.json()["id"])), ("state", "active"))
                assert hooked[("sportello_webhook_backlog", labels)] >= 1  # nothing listens
                await widget.close()
                await console.close()
        finally:
            await world.close()


async def test_metrics_are_off_without_a_token(sqlite_url: str, tmp_path: Path) -> None:
    async with serve_app(sqlite_url, tmp_path) as app, httpx.AsyncClient(base_url=app.url) as http:
        answer = await http.get("/metrics", headers={"Authorization": "Bearer anything"})
        assert answer.status_code == 404
        assert answer.json()["code"] == "not_found"


DASHBOARD = Path(__file__).resolve().parents[2] / "docs" / "grafana" / "sportello.json"
ENGINE_ONLY = {
    "sqlite": {"sportello_stream_lock_held_seconds"},
    "postgresql": {"sportello_search_unindexed_messages"},
}
"""Series one engine never has (each panel says which engine it is for)."""


def dashboard_metrics() -> set[str]:
    """The metric names the Grafana dashboard queries, without their series' suffixes."""
    panels = json.loads(DASHBOARD.read_text())["panels"]
    exprs = [target["expr"] for panel in panels for target in panel["targets"]]
    names = {n for e in exprs for n in re.findall(r"\b((?:sportello|process)_[a-z_]+)\b", e)}
    return {re.sub(r"_(bucket|count|sum|total|info)$", "", n) for n in names}


async def test_every_series_the_dashboard_draws_is_served(
    database_url: str, tmp_path: Path
) -> None:
    async with serve_app(database_url, tmp_path, metrics_token=TOKEN) as app:
        world = await make_world(app)
        try:
            ann = await world.agent("ann")
            console = await ann.open_console()
            vera = world.visitor()
            await vera.request(world.services["Sales"]["id"])
            assert (await ann.accept(vera.contact_id)).status_code == 200
            async with httpx.AsyncClient(base_url=app.url) as http:
                answer = await http.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
            served = {family.name for family in text_string_to_metric_families(answer.text)}
            await console.close()
        finally:
            await world.close()
    engine = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    wanted = dashboard_metrics() - ENGINE_ONLY[engine]
    assert len(wanted) >= 10
    assert wanted <= served, wanted - served

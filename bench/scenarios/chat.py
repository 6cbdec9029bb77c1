"""Scenario 2 — chat: K assigned contacts, visitor and agent taking turns at a set rate.

The schedule is open-loop (each contact sends at fixed times whatever the answers), so a
slow server shows up as latency, not as a lower offered load. Every message carries its
send time (CLOCK_MONOTONIC, ns) in its text; the receiving side — the agent's console for
visitor messages, the widget for agent messages — subtracts it on arrival.
"""

from __future__ import annotations

import asyncio
import math
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.launch import Target
from bench.pool import Link, Pool
from bench.scenarios.common import Bench, split
from bench.scenarios.pairs import Pair, make_pairs, sign_in_all
from bench.seed import SeedSpec
from bench.stats import summarise_ns
from bench.system import rss_bytes
from bench.wire import Agent, Api, Frame, now_ns, wait_until

PAD = "x" * 40
LINES = {
    "visitor": "Mi pedido no ha llegado todavía, ¿me ayudas?",
    "agent": "Your order ships today.",
}
"""Real chat lines (about PAD's length) when translating: the engine works on real words."""
TRANSLATED = ("message.translated", "message.untranslated")
DIRECTIONS = ("visitor_to_agent", "agent_to_visitor")
"""Message text: "<send ns>|" plus this, ~60 characters like a short chat line."""


@dataclass(frozen=True)
class Params:
    contacts: int = 200
    rate: float = 2000.0
    """Messages per second, both directions together, over all contacts."""
    seconds: float = 20.0
    warmup: float = 3.0
    per_agent: int = 10
    """Contacts held per agent (chat limit is 20)."""
    translate: float = 0.0
    """The share of contacts with translation (Spanish visitor, English agent) on: 0 none,
    1 every one (Sportello). Between the two, latency is also given for each kind apart."""


During = Callable[[Target, int, int], dict[str, Any]]
"""Extra load run in a thread of the coordinator during the measured window (from, to ns)."""


def run(bench: Bench, kind: str, p: Params, during: During | None = None) -> dict[str, Any]:
    agents = max(bench.workers, math.ceil(p.contacts / p.per_agent))
    target = bench.start(kind, SeedSpec(agents=agents))
    try:
        agent_parts = split(target.seeded.agents, bench.workers)
        contact_parts = [len(part) for part in split(range(p.contacts), bench.workers)]
        pool = Pool(
            worker,
            [
                {
                    "target": target.client_view(),
                    "agents": a,
                    "contacts": n,
                    "index": i,
                    "translate": p.translate,
                }
                for i, (a, n) in enumerate(zip(agent_parts, contact_parts, strict=True))
            ],
            bench.client_cpus,
        )
        try:
            pool.gather("ready", 120)
            start = now_ns() + 500_000_000
            measure_from = start + int(p.warmup * 1e9)
            measure_to = measure_from + int(p.seconds * 1e9)
            interval = p.contacts / p.rate
            pool.broadcast(
                "go",
                {"start": start, "from": measure_from, "to": measure_to, "interval": interval},
            )
            extra: dict[str, Any] = {}
            side = (
                threading.Thread(
                    target=lambda: extra.update(during(target, measure_from, measure_to))
                )
                if during is not None
                else None
            )
            if side is not None:
                side.start()
            cpu = bench.measure_servers(target, measure_from, measure_to, f"chat-{kind}")
            if side is not None:
                side.join()
            rss = rss_bytes(target.pid)
            results = pool.gather("result", 120)
        finally:
            pool.close()
    finally:
        target.stop()
    sent = sum(r["sent"] for r in results)
    received = sum(r["received"] for r in results)
    out: dict[str, Any] = {
        "contacts": p.contacts,
        "translate": p.translate,
        "offered_msgs_per_s": p.rate,
        "seconds": p.seconds,
        "sent": sent,
        "received": received,
        "lost": sent - received,
        "errors": sum(r["errors"] for r in results),
        "translated": sum(r["translated"] for r in results),
        "untranslated": sum(r["untranslated"] for r in results),
        "msgs_per_s": received / p.seconds,
        **cpu,
        "server_rss_mb": rss / 2**20,
        **extra,
    }
    directions = ["visitor_to_agent", "agent_to_visitor"]
    if p.translate:
        directions.append("visitor_translated")
    if 0 < p.translate < 1:
        directions += [f"{kind}_{d}" for kind in ("plain", "translated") for d in DIRECTIONS]
    for direction in directions:
        summary = summarise_ns([x for r in results for x in r[direction]])
        for key in ("p50_ms", "p95_ms", "p99_ms", "max_ms"):
            out[f"{direction}_{key}"] = summary[key]
    return out


async def worker(link: Link, params: dict[str, Any]) -> None:
    target = params["target"]
    api = Api(target)
    window = [0, 0]
    samples: dict[str, list[int]] = {
        "visitor_to_agent": [],
        "agent_to_visitor": [],
        "visitor_translated": [],
        **{f"{kind}_{d}": [] for kind in ("plain", "translated") for d in DIRECTIONS},
    }
    translated_ids: set[int] = set()
    counts = {"received": 0, "errors": 0, "translated": 0, "untranslated": 0}

    def outcome(message: dict[str, Any]) -> None:
        """Each message's translation, done or failed, counted once (with --translate)."""
        state = (message.get("translation") or {}).get("state")
        if state in ("done", "failed"):
            counts["translated" if state == "done" else "untranslated"] += 1

    def receiver(expect: str, key: str) -> Any:
        bucket = samples[key]

        def on_frame(frame: Frame) -> None:
            kind = frame.get("type")
            if kind == "event" and frame.get("kind") == "message.created":
                message = frame["data"]["message"]
                if message["sender"] != expect:
                    return
                sent_at = int(message["text"].split("|", 1)[0])
                if window[0] <= sent_at < window[1]:
                    took = now_ns() - sent_at
                    bucket.append(took)
                    kind = "translated" if message["contact_id"] in translated_ids else "plain"
                    samples[f"{kind}_{key}"].append(took)
                    counts["received"] += 1
                    if expect == "agent":
                        outcome(message)
            elif kind == "event" and frame.get("kind") in TRANSLATED:
                message = frame["data"]["message"]
                sent_at = int(message["text"].split("|", 1)[0])
                if message["sender"] == "visitor" and window[0] <= sent_at < window[1]:
                    samples["visitor_translated"].append(now_ns() - sent_at)
                    outcome(message)
            elif kind == "error":
                counts["errors"] += 1

        return on_frame

    def on_console(_agent: Agent) -> Any:
        return receiver("visitor", "visitor_to_agent")

    consoles = await sign_in_all(api, target, params["agents"], on_console)
    pairs = await make_pairs(
        api,
        target,
        consoles,
        params["contacts"],
        f"c{params['index']}",
        lambda _pair: receiver("agent", "agent_to_visitor"),
    )
    if params["translate"]:
        for pair in pairs[: round(params["translate"] * len(pairs))]:
            translated_ids.add(pair.contact_id)
            status = await api.translate(pair.agent, pair.contact_id, "es", "en")
            if status != 200:
                raise RuntimeError(f"translation on {pair.contact_id}: HTTP {status}")
    link.send("ready")
    go = await link.wait_for("go")
    window[0], window[1] = go["from"], go["to"]
    sent = await asyncio.gather(
        *(_talk(pair, go, pair.contact_id in translated_ids) for pair in pairs)
    )
    total = sum(sent)
    # held agent messages reach the widget once translated or timed out (10 s + 5 s hold)
    await wait_until(lambda: counts["received"] >= total, 20.0 if params["translate"] else 5.0)
    if params["translate"]:
        in_translated = sum(
            s for s, p in zip(sent, pairs, strict=True) if p.contact_id in translated_ids
        )
        await wait_until(
            lambda: counts["translated"] + counts["untranslated"] >= in_translated, 20.0
        )
    link.send("result", {"sent": total, **counts, **samples})
    for pair in pairs:
        if pair.widget is not None:
            await pair.widget.close()
    for _agent, console in consoles:
        await console.close()
    await api.aclose()


async def _talk(pair: Pair, go: dict[str, Any], translate: bool) -> int:
    """Send on schedule until the window ends; return how many sends fell in the window."""
    assert pair.widget is not None
    interval_ns = int(go["interval"] * 1e9)
    at = go["start"] + random.randrange(max(interval_ns, 1))
    n = in_window = 0
    while at < go["to"]:
        delay = (at - now_ns()) / 1e9
        if delay > 0:
            await asyncio.sleep(delay)
        side = pair.widget if n % 2 == 0 else pair.console
        line = LINES["visitor" if n % 2 == 0 else "agent"] if translate else PAD
        sent_at = now_ns()
        await side.send(
            {
                "type": "message.send",
                "contact_id": pair.contact_id,
                "client_msg_id": f"m{n}",
                "text": f"{sent_at}|{line}",
            }
        )
        if go["from"] <= sent_at < go["to"]:
            in_window += 1
        n += 1
        at += interval_ns
    return in_window

"""Scenario 4 — resume: a widget goes away, the agent sends E messages, the widget comes
back with ``since`` = its last position. Replay time is from the start of the reconnect to
the arrival of the last missed message (handshake, ``hello`` and the whole replay)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from bench.pool import Link, Pool
from bench.scenarios.common import Bench
from bench.scenarios.pairs import Pair, make_pairs, sign_in_all
from bench.seed import SeedSpec
from bench.stats import summarise_ns
from bench.wire import Agent, Api, Frame, now_ns, open_widget, wait_until


@dataclass(frozen=True)
class Params:
    events: int = 1000
    repeats: int = 5


def run(bench: Bench, kind: str, p: Params) -> dict[str, Any]:
    target = bench.start(kind, SeedSpec(agents=1))
    try:
        pool = Pool(
            worker,
            [{"target": target.client_view(), "agents": target.seeded.agents, **vars(p)}],
            bench.client_cpus,
        )
        try:
            (result,) = pool.gather("result", 110)
        finally:
            pool.close()
    finally:
        target.stop()
    replay = summarise_ns(result["replay"])
    hello = summarise_ns(result["hello"])
    return {
        "events": p.events,
        "repeats": p.repeats,
        "replayed": result["replayed"],
        "replay_p50_ms": replay["p50_ms"],
        "replay_max_ms": replay["max_ms"],
        "hello_p50_ms": hello["p50_ms"],
        "events_per_s": p.events / (replay["p50_ms"] / 1000) if replay["p50_ms"] else 0.0,
    }


async def worker(link: Link, params: dict[str, Any]) -> None:
    target = params["target"]
    api = Api(target)
    acks = {"n": 0}
    state: dict[str, Any] = {"position": 0, "last": "", "done": asyncio.Event(), "count": 0}

    def on_console(_agent: Agent) -> Any:
        def on_frame(frame: Frame) -> None:
            if frame.get("type") == "ack":
                acks["n"] += 1

        return on_frame

    def on_widget(_pair: Pair) -> Any:
        def on_frame(frame: Frame) -> None:
            if frame.get("type") != "event":
                return
            state["position"] = max(state["position"], int(frame["position"]))
            if frame.get("kind") == "message.created":
                state["count"] += 1
                if frame["data"]["message"]["text"] == state["last"]:
                    state["done"].set()

        return on_frame

    consoles = await sign_in_all(api, target, params["agents"], on_console)
    (pair,) = await make_pairs(api, target, consoles, 1, "r", on_widget)
    assert pair.widget is not None
    replay: list[int] = []
    hello: list[int] = []
    replayed = 0
    for r in range(params["repeats"]):
        await asyncio.sleep(0.3)
        await pair.widget.close()
        since = max(state["position"], int((await pair.widget.hello)["position"]))
        acks["n"] = 0
        for k in range(params["events"]):
            await pair.console.send(
                {
                    "type": "message.send",
                    "contact_id": pair.contact_id,
                    "client_msg_id": f"r{r}k{k}",
                    "text": f"r{r}:{k}",
                }
            )
        await wait_until(lambda: acks["n"] >= params["events"], 60.0)
        state["last"] = f"r{r}:{params['events'] - 1}"
        state["done"] = asyncio.Event()
        state["count"] = 0
        t0 = now_ns()
        pair.widget = await open_widget(target, pair.token, on_widget(pair), since=since)
        hello.append(now_ns() - t0)
        await asyncio.wait_for(state["done"].wait(), 60)
        replay.append(now_ns() - t0)
        replayed += state["count"]
    link.send("result", {"replay": replay, "hello": hello, "replayed": replayed})
    await pair.widget.close()
    for _agent, console in consoles:
        await console.close()
    await api.aclose()

"""Scenario 5 — soak: a long chat at a steady rate while widgets and consoles reconnect and
contacts come and go. The server's RSS, open file descriptors, CPU and the message latency
are reported for a window at the start and one at the end: what grows between them leaks.

The chat is the chat scenario's open-loop schedule over ``contacts`` slots. Meanwhile a
widget drops and resumes from its last position (``since``) every ``widget_every`` seconds,
a console does the same every ``console_every`` seconds, and every ``churn_every`` seconds
a slot's contact is closed by its agent and a new one is asked for, accepted and opened.
"""

from __future__ import annotations

import asyncio
import math
import os
import random
from dataclasses import dataclass
from typing import Any

from bench.pool import Link, Pool
from bench.scenarios.chat import PAD
from bench.scenarios.common import Bench, sleep_until_ns, split
from bench.scenarios.pairs import Pair, make_pairs, sign_in_all
from bench.seed import SeedSpec
from bench.stats import summarise_ns
from bench.system import CpuMeter, rss_bytes
from bench.wire import Agent, Api, Frame, Socket, now_ns, open_console, open_widget, wait_until


@dataclass(frozen=True)
class Params:
    seconds: float = 600.0
    rate: float = 300.0
    """Messages per second, both directions (half the chat rate one core sustains)."""
    contacts: int = 100
    window: float = 30.0
    """Seconds measured at the start and at the end."""
    widget_every: float = 1.0
    console_every: float = 10.0
    churn_every: float = 2.0
    warmup: float = 3.0
    per_agent: int = 10


def open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def run(bench: Bench, kind: str, p: Params) -> dict[str, Any]:
    agents = max(bench.workers, math.ceil(p.contacts / p.per_agent))
    target = bench.start(kind, SeedSpec(agents=agents))
    window = min(p.window, p.seconds / 2)
    try:
        agent_parts = split(target.seeded.agents, bench.workers)
        contact_parts = [len(part) for part in split(range(p.contacts), bench.workers)]
        pool = Pool(
            worker,
            [
                {**vars(p), "target": target.client_view(), "agents": a, "contacts": n, "index": i}
                for i, (a, n) in enumerate(zip(agent_parts, contact_parts, strict=True))
            ],
            bench.client_cpus,
        )
        try:
            pool.gather("ready", 120)
            start = now_ns() + 500_000_000
            begin = start + int(p.warmup * 1e9)
            end = begin + int(p.seconds * 1e9)
            cut = int(window * 1e9)
            pool.broadcast(
                "go",
                {
                    "start": start,
                    "from": begin,
                    "to": end,
                    "window": cut,
                    "interval": p.contacts / p.rate,
                },
            )
            first = bench.measure(target.pid, begin, begin + cut, f"soak-start-{kind}")
            rss_start, fds_start = rss_bytes(target.pid), open_fds(target.pid)
            sleep_until_ns(end - cut)
            meter = CpuMeter(target.pid)
            meter.start()
            sleep_until_ns(end)
            last = meter.stop()
            rss_end, fds_end = rss_bytes(target.pid), open_fds(target.pid)
            results = pool.gather("result", 120 + p.seconds)
        finally:
            pool.close()
    finally:
        target.stop()
    out: dict[str, Any] = {
        "seconds": p.seconds,
        "offered_msgs_per_s": p.rate,
        "contacts": p.contacts,
    }
    for key in ("sent", "received", "errors", "widget_resumes", "console_resumes", "churned"):
        out[key] = sum(r[key] for r in results)
    out["lost"] = out["sent"] - out["received"]
    out["msgs_per_s"] = out["received"] / p.seconds
    for part in ("start", "end"):
        summary = summarise_ns([x for r in results for x in r[part]])
        out[f"{part}_p50_ms"] = summary["p50_ms"]
        out[f"{part}_p99_ms"] = summary["p99_ms"]
    out |= {
        "start_server_cpu": first,
        "end_server_cpu": last,
        "start_rss_mb": rss_start / 2**20,
        "end_rss_mb": rss_end / 2**20,
        "rss_growth_mb": (rss_end - rss_start) / 2**20,
        "start_fds": fds_start,
        "end_fds": fds_end,
    }
    return out


class Soak:
    """One client worker's part: its consoles, its contact slots and its counters."""

    def __init__(self, link: Link, params: dict[str, Any]) -> None:
        self.link = link
        self.params = params
        self.target = params["target"]
        self.api = Api(self.target)
        self.go: dict[str, Any] = {}
        self.counts = {
            "sent": 0,
            "received": 0,
            "errors": 0,
            "widget_resumes": 0,
            "console_resumes": 0,
            "churned": 0,
        }
        self.samples: dict[str, list[int]] = {"start": [], "end": []}
        self.consoles: dict[str, Socket] = {}
        self.console_position: dict[str, int] = {}
        self.slots: list[Pair | None] = []
        self.made = 0
        self.outstanding: dict[int, int] = {}
        """Per contact: messages sent and not yet seen by the other side."""

    def _note(self, message: dict[str, Any]) -> None:
        contact_id = int(message["contact_id"])
        self.outstanding[contact_id] = self.outstanding.get(contact_id, 0) - 1
        sent_at = int(message["text"].split("|", 1)[0])
        go = self.go
        if not go or not go["from"] <= sent_at < go["to"]:
            return
        self.counts["received"] += 1
        if sent_at < go["from"] + go["window"]:
            self.samples["start"].append(now_ns() - sent_at)
        elif sent_at >= go["to"] - go["window"]:
            self.samples["end"].append(now_ns() - sent_at)

    def on_console(self, agent: Agent) -> Any:
        def on_frame(frame: Frame) -> None:
            if frame.get("type") == "error":
                self.counts["errors"] += 1
            if frame.get("type") != "event":
                return
            self.console_position[agent.login] = max(
                self.console_position.get(agent.login, 0), int(frame["position"])
            )
            if frame.get("kind") == "message.created":
                message = frame["data"]["message"]
                if message["sender"] == "visitor":
                    self._note(message)

        return on_frame

    def on_widget(self, pair: Pair) -> Any:
        def on_frame(frame: Frame) -> None:
            if frame.get("type") == "error":
                self.counts["errors"] += 1
            if frame.get("type") != "event":
                return
            pair.position = max(pair.position, int(frame["position"]))
            if frame.get("kind") == "message.created":
                message = frame["data"]["message"]
                if message["sender"] == "agent":
                    self._note(message)

        return on_frame

    async def setup(self) -> None:
        consoles = await sign_in_all(self.api, self.target, self.params["agents"], self.on_console)
        self.agents = [agent for agent, _ in consoles]
        self.consoles = {agent.login: socket for agent, socket in consoles}
        pairs = await make_pairs(
            self.api,
            self.target,
            consoles,
            self.params["contacts"],
            f"s{self.params['index']}",
            self.on_widget,
        )
        self.slots = list(pairs)
        self.made = len(pairs)

    async def talk(self, slot: int) -> None:
        """Send on schedule until the end; a slot being replaced or resumed skips a turn."""
        go = self.go
        interval_ns = int(go["interval"] * 1e9)
        at = go["start"] + random.randrange(max(interval_ns, 1))
        n = 0
        while at < go["to"]:
            delay = (at - now_ns()) / 1e9
            if delay > 0:
                await asyncio.sleep(delay)
            at += interval_ns
            pair = self.slots[slot]
            side = None if pair is None else pair.widget if n % 2 == 0 else pair.console
            n += 1
            if pair is None or side is None or side.closed.is_set():
                continue
            sent_at = now_ns()
            try:
                await side.send(
                    {
                        "type": "message.send",
                        "contact_id": pair.contact_id,
                        "client_msg_id": f"m{n}",
                        "text": f"{sent_at}|{PAD}",
                    }
                )
            except Exception:  # the socket closed under us (a resume): not counted as sent
                continue
            self.outstanding[pair.contact_id] = self.outstanding.get(pair.contact_id, 0) + 1
            if go["from"] <= sent_at < go["to"]:
                self.counts["sent"] += 1

    async def every(self, seconds: float, step: Any) -> None:
        while now_ns() + int(seconds * 1e9) < self.go["to"]:
            await asyncio.sleep(seconds)
            await step()

    async def resume_widget(self) -> None:
        pair = random.choice([p for p in self.slots if p is not None])
        if pair.widget is None:
            return
        old, pair.widget = pair.widget, None
        await old.close()
        # A widget that has had no event yet resumes from its hello's position, as the
        # real widget does (``since=0`` would ask for the whole stream: resync_required).
        since = pair.position or int((await old.hello)["position"])
        pair.widget = await open_widget(self.target, pair.token, self.on_widget(pair), since=since)
        self.counts["widget_resumes"] += 1

    async def resume_console(self) -> None:
        agent = random.choice(self.agents)
        old = self.consoles[agent.login]
        await old.close()
        since = self.console_position.get(agent.login) or int((await old.hello)["position"])
        fresh = await open_console(self.target, agent, self.on_console(agent), since=since)
        self.consoles[agent.login] = fresh
        for pair in self.slots:
            if pair is not None and pair.agent.login == agent.login:
                pair.console = fresh
        self.counts["console_resumes"] += 1

    async def churn(self) -> None:
        """The agent closes one slot's contact; a new visitor takes the slot."""
        slot = random.randrange(len(self.slots))
        pair = self.slots[slot]
        if pair is None:
            return
        self.slots[slot] = None
        # what was sent before reaches its side first
        await wait_until(lambda: self.outstanding.get(pair.contact_id, 0) <= 0, 10.0)
        await self.api.close(pair.agent, pair.contact_id)
        if pair.widget is not None:
            await pair.widget.close()
        agent = pair.agent
        assert agent.service_id is not None
        self.made += 1
        tag = f"s{self.params['index']}n{self.made}"
        body = await self.api.create_contact(agent.service_id, f"Soak {tag}", f"soak{tag}")
        fresh = Pair(int(body["contact"]["id"]), str(body["token"]), agent, pair.console)
        fresh.console = self.consoles[agent.login]
        status = await self.api.accept(agent, fresh.contact_id)
        if status != 200:
            raise RuntimeError(f"accept of contact {fresh.contact_id}: HTTP {status}")
        fresh.widget = await open_widget(self.target, fresh.token, self.on_widget(fresh))
        self.slots[slot] = fresh
        self.counts["churned"] += 1

    async def run(self) -> None:
        await self.setup()
        self.link.send("ready")
        self.go = await self.link.wait_for("go")
        p = self.params
        await asyncio.gather(
            *(self.talk(i) for i in range(len(self.slots))),
            self.every(p["widget_every"], self.resume_widget),
            self.every(p["console_every"], self.resume_console),
            self.every(p["churn_every"], self.churn),
        )
        await wait_until(lambda: self.counts["received"] >= self.counts["sent"], 5.0)
        self.link.send("result", {**self.counts, **self.samples})
        for pair in self.slots:
            if pair is not None and pair.widget is not None:
                await pair.widget.close()
        for socket in self.consoles.values():
            await socket.close()
        await self.api.aclose()


async def worker(link: Link, params: dict[str, Any]) -> None:
    await Soak(link, params).run()

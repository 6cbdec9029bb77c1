"""Scenario 3 — intake: visitors ask for help at a set rate; agents accept at once.

Each worker drives its own service (its agents carry that service's tag), so an offer only
reaches the consoles of the worker that made the request. The visitor's name carries the
request time; the first console that sees ``contact.offered`` it can take (``can_take``: the
agent has room) accepts over HTTP, and closes the contact as soon as its ``contact.assigned``
arrives. An accept refused ``at_limit`` (the offer was a moment stale) leaves the contact to
the next agent it is offered to, as agents in a console would.
Figures: request → offer seen on a console, request → ``contact.assigned`` on the console.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import httpx

from bench.pool import Link, Pool
from bench.scenarios.common import Bench
from bench.scenarios.pairs import sign_in_all
from bench.seed import SeedSpec
from bench.stats import summarise_ns
from bench.wire import Agent, Api, Frame, node_of, now_ns, wait_until


@dataclass(frozen=True)
class Params:
    rate: float = 100.0
    """New contacts per second, all workers together."""
    seconds: float = 20.0
    warmup: float = 3.0
    agents: int = 10
    recover_rate: float = 0.0
    """After the measured window, this rate for ``recover_seconds`` (0: no such phase): how
    soon after an overload ends requests are served promptly again."""
    recover_seconds: float = 8.0
    queued: int = 0
    """Contacts already waiting in another service's queue (``SeedSpec.queued_contacts``): what
    a long queue costs the intake of everyone else."""


PROMPT_NS = 1_000_000_000
"""A request served (``contact.assigned`` on the console) within this is served promptly."""


def run(bench: Bench, kind: str, p: Params) -> dict[str, Any]:
    agents = max(p.agents, bench.workers)
    target = bench.start(
        kind, SeedSpec(services=bench.workers, agents=agents, queued_contacts=p.queued)
    )
    try:
        by_service = [
            [a for a in target.seeded.agents if a["service_id"] == s]
            for s in target.seeded.service_ids
        ]
        pool = Pool(
            worker,
            [
                {"target": target.client_view(), "agents": a, "service_id": s, "index": i}
                for i, (a, s) in enumerate(zip(by_service, target.seeded.service_ids, strict=True))
            ],
            bench.client_cpus,
        )
        try:
            pool.gather("ready", 120)
            start = now_ns() + 500_000_000
            measure_from = start + int(p.warmup * 1e9)
            measure_to = measure_from + int(p.seconds * 1e9)
            pool.broadcast(
                "go",
                {
                    "start": start,
                    "from": measure_from,
                    "to": measure_to,
                    "interval": bench.workers / p.rate,
                    "recover_to": measure_to + int(p.recover_seconds * 1e9)
                    if p.recover_rate
                    else measure_to,
                    "recover_interval": bench.workers / p.recover_rate if p.recover_rate else 0,
                },
            )
            cpu = bench.measure_servers(target, measure_from, measure_to, f"intake-{kind}")
            results = pool.gather("result", 120)
        finally:
            pool.close()
    finally:
        target.stop()
    offered = summarise_ns([x for r in results for x in r["offered"]])
    assigned = summarise_ns([x for r in results for x in r["assigned"]])
    requested = sum(r["requested"] for r in results)
    done = int(assigned["count"])
    recovery = (
        {"recover_rate": p.recover_rate, "recovered_after_s": recovered_after(results)}
        if p.recover_rate
        else {}
    )
    return {
        "offered_contacts_per_s": p.rate,
        "seconds": p.seconds,
        "agents": agents,
        "requested": requested,
        "rejected": sum(r["rejected"] for r in results),
        "overloaded": sum(r["overloaded"] for r in results),
        "assigned": done,
        "unassigned": requested - done,
        "accept_conflicts": sum(r["conflicts"] for r in results),
        "accept_conflicts_by_code": _tally(r.get("conflicts_by_code", {}) for r in results),
        "contacts_per_s": done / p.seconds,
        "request_to_console_p50_ms": offered["p50_ms"],
        "request_to_console_p99_ms": offered["p99_ms"],
        "request_to_console_max_ms": offered["max_ms"],
        "request_to_assigned_p50_ms": assigned["p50_ms"],
        "request_to_assigned_p99_ms": assigned["p99_ms"],
        "request_to_assigned_max_ms": assigned["max_ms"],
        **cpu,
        **recovery,
    }


def _tally(counts: Any) -> dict[str, int]:
    total: dict[str, int] = {}
    for one in counts:
        for code, n in one.items():
            total[code] = total.get(code, 0) + n
    return total


def recovered_after(results: list[dict[str, Any]]) -> float | None:
    """Seconds from the end of the overload to the first request after which every request
    was served promptly (None: not within the recovery phase)."""
    sent = sorted(
        (at, late) for r in results for at, late in r["recovery"]
    )  # (sent after the drop, ns; served late or not at all)
    for i, (at, _late) in enumerate(sent):
        if not any(late for _at, late in sent[i:]):
            return round(float(at) / 1e9, 2)
    return None


async def worker(link: Link, params: dict[str, Any]) -> None:
    target = params["target"]
    api = Api(target)
    prefix = f"w{params['index']}:"
    window = [0, 0]
    offered: list[int] = []
    assigned: list[int] = []
    claimed: set[int] = set()
    seen: set[int] = set()
    """Contacts whose first offer was timed (a contact can be offered again after a refusal)."""
    recovery: dict[int, bool] = {}
    """Requests sent after the measured window, by send time: whether still unserved
    promptly (True until their ``contact.assigned`` arrives within ``PROMPT_NS``)."""
    tasks: set[asyncio.Task[Any]] = set()
    counts = {"conflicts": 0, "rejected": 0, "overloaded": 0}
    conflicts_by_code: dict[str, int] = {}

    def spawn(coro: Any) -> None:
        task = asyncio.create_task(coro)
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    async def accept(agent: Agent, contact_id: int) -> None:
        status, code = await api.accept_coded(agent, contact_id)
        if status != 200:
            counts["conflicts"] += 1
            conflicts_by_code[code] = conflicts_by_code.get(code, 0) + 1
            if code == "at_limit":
                claimed.discard(contact_id)  # still waiting: the next agent with room takes it

    def sent_at(name: str) -> int | None:
        if not name.startswith(prefix):
            return None
        return int(name[len(prefix) :])

    def on_console(agent: Agent) -> Any:
        def on_frame(frame: Frame) -> None:
            if frame.get("type") != "event":
                return
            kind = frame.get("kind")
            if kind == "contact.offered":
                entry = frame["data"]["entry"]
                t0 = sent_at(entry["visitor_name"])
                contact_id = int(entry["contact_id"])
                if t0 is None or contact_id in claimed or not entry.get("can_take", True):
                    return  # an agent at their limit sees it greyed out and leaves it
                claimed.add(contact_id)
                if window[0] <= t0 < window[1] and contact_id not in seen:
                    seen.add(contact_id)
                    offered.append(now_ns() - t0)
                spawn(accept(agent, contact_id))
            elif kind == "contact.assigned":
                contact = frame["data"]["contact"]
                t0 = sent_at(contact["visitor"]["name"])
                if t0 is None:
                    return
                if window[0] <= t0 < window[1]:
                    assigned.append(now_ns() - t0)
                elif t0 in recovery:
                    recovery[t0] = now_ns() - t0 > PROMPT_NS
                spawn(api.close(agent, int(contact["id"])))

        return on_frame

    consoles = await sign_in_all(api, target, params["agents"], on_console)

    async def request(n: int) -> None:
        t0 = now_ns()
        if t0 >= window[1]:
            recovery[t0] = True
        try:
            # Spread over the processes of a multi-process run (their load balancer's job).
            node = node_of(target, n) if target.get("nodes") else None
            body = await api.create_contact(
                params["service_id"], f"{prefix}{t0}", f"bi{prefix[:-1]}x{n:07d}", node
            )
        except httpx.HTTPStatusError as exc:
            if exc.response.status_code != 503:
                raise
            counts["overloaded"] += 1  # refused at the door (admission control)
            return
        if body["contact"]["state"] == "rejected":
            counts["rejected"] += 1

    link.send("ready")
    go = await link.wait_for("go")
    window[0], window[1] = go["from"], go["to"]
    interval_ns = int(go["interval"] * 1e9)
    at = go["start"] + params["index"] * interval_ns // 2
    n = requested = 0
    while at < go["recover_to"]:
        delay = (at - now_ns()) / 1e9
        if delay > 0:
            await asyncio.sleep(delay)
        if go["from"] <= now_ns() < go["to"]:
            requested += 1
        spawn(request(n))
        n += 1
        at += interval_ns if at < go["to"] else int(go["recover_interval"] * 1e9)
    await wait_until(lambda: len(assigned) >= requested, 10.0)
    link.send(
        "result",
        {
            "requested": requested,
            "offered": offered,
            "assigned": assigned,
            "recovery": [(t0 - go["to"], late) for t0, late in recovery.items()],
            **counts,
            "conflicts_by_code": conflicts_by_code,
        },
    )
    for task in list(tasks):
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    for _agent, console in consoles:
        await console.close()
    await api.aclose()

"""Scenario 5 — upload: concurrent file uploads while the chat runs (issue 10).

The chat is the chat scenario (its workers, its schedule) at a set rate; meanwhile a thread
of the coordinator sends rounds of N concurrent visitor uploads of M MB each (one pending
contact per upload) until the window ends, sampling the server's RSS every 50 ms. The same
chat run without uploads, just before, is the comparison. The server's upload budget per
visitor is off for this run (bench/cli.py): its uploaders send far more than one visitor
may, and the budget is not what is measured. An upload streams to disk, so the
RSS peak should grow far less than the bytes in flight.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.launch import Target
from bench.scenarios import chat
from bench.scenarios.common import SPORTELLO, Bench
from bench.system import rss_bytes
from bench.wire import now_ns


@dataclass(frozen=True)
class Params:
    uploads: int = 50
    megabytes: int = 5
    chat: chat.Params = field(default_factory=lambda: chat.Params(100, 1000.0, 10.0))


def run(bench: Bench, kind: str, p: Params) -> dict[str, Any]:
    if kind != SPORTELLO:
        return {"skipped": "the relay stores no files"}
    quiet = chat.run(bench, kind, p.chat)
    loaded = chat.run(bench, kind, p.chat, lambda t, a, b: _uploads(p, t, a, b))
    keys = ("visitor_to_agent_p50_ms", "visitor_to_agent_p99_ms", "agent_to_visitor_p99_ms")
    return {
        "chat_msgs_per_s": p.chat.rate,
        "concurrent_uploads": p.uploads,
        "upload_mb_each": p.megabytes,
        **{f"without_uploads_{k}": quiet[k] for k in keys},
        **{f"with_uploads_{k}": loaded[k] for k in keys},
        "chat_lost_with_uploads": loaded["lost"],
        **{k: loaded[k] for k in loaded if k.startswith(("upload_", "rss_", "in_flight"))},
    }


def _uploads(p: Params, target: Target, start_ns: int, end_ns: int) -> dict[str, Any]:
    service_id = target.seeded.service_ids[0]
    return asyncio.run(_rounds(p, target.http, target.pid, service_id, start_ns, end_ns))


async def _rounds(
    p: Params, base: str, pid: int, service_id: int, start_ns: int, end_ns: int
) -> dict[str, Any]:
    # Zeros first: plain random bytes look like a DOS program to libmagic about once in a
    # hundred, and uploads refuse those (tests/support/files.py, ``opaque``).
    body = bytes(16) + os.urandom(p.megabytes * 2**20 - 16)
    limits = httpx.Limits(max_connections=p.uploads, max_keepalive_connections=p.uploads)
    async with httpx.AsyncClient(base_url=base, timeout=300, limits=limits) as http:
        tokens = []
        for i in range(p.uploads):
            answer = await http.post(
                "/api/visitor/contacts",
                json={"service_id": service_id, "visitor_id": f"uploader{i:04d}", "name": "Up"},
            )
            answer.raise_for_status()
            tokens.append(answer.json()["token"])
        await asyncio.sleep(max(0.0, (start_ns - now_ns()) / 1e9))
        rss_start = rss_peak = rss_bytes(pid)
        sampling = True

        async def sample() -> None:
            nonlocal rss_peak
            while sampling:
                rss_peak = max(rss_peak, rss_bytes(pid))
                await asyncio.sleep(0.05)

        async def one(token: str) -> bool:
            answer = await http.post(
                "/api/visitor/contact/files",
                params={"name": "bench.bin"},
                content=body,
                headers={"Authorization": f"Bearer {token}"},
            )
            if answer.status_code != 201:
                code = f"{answer.status_code} {answer.json().get('code', '')}".strip()
                refused[code] = refused.get(code, 0) + 1
            return answer.status_code == 201

        refused: dict[str, int] = {}
        sampler = asyncio.create_task(sample())
        began = now_ns()
        done = failed = 0
        while now_ns() < end_ns:
            results = await asyncio.gather(*(one(t) for t in tokens))
            done += sum(results)
            failed += len(results) - sum(results)
        elapsed = (now_ns() - began) / 1e9
        sampling = False
        await sampler
    return {
        "upload_files": done,
        "upload_errors": failed,
        "upload_errors_by_code": refused,
        "upload_mb_per_s": done * p.megabytes / elapsed,
        "in_flight_mb": p.uploads * p.megabytes,
        "rss_start_mb": rss_start / 2**20,
        "rss_peak_mb": rss_peak / 2**20,
    }

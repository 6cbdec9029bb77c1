"""Scale-out: the chat and intake scenarios on 1, 2, 3… server processes sharing one
PostgreSQL database and Redis (issue 23).

Each process count gets fresh servers and a fresh database. Clients spread over the
processes as a load balancer would: agent k's console and requests go to process k, each
chat's widget to the process after its agent's (so every chat crosses processes), intake
requests round-robin. Figures per count: chat msg/s and intake contacts/s, each process's
CPU and PostgreSQL's (postmaster and backends, when it runs on this machine) during the
measured window, the stream lock's hold time (p50/p99, the upper bound of the bucket of
the servers' ``sportello_stream_lock_held_seconds`` histogram, over the window) and the
share of the window it was held (``busy``; None from servers without that metric), and
the throughput of N processes over one.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from bench.scenarios import chat, intake
from bench.scenarios.common import Bench, ratio


@dataclass(frozen=True)
class Params:
    processes: tuple[int, ...] = (1, 2, 3)
    chat: chat.Params = dataclasses.field(default_factory=chat.Params)
    intake: intake.Params = dataclasses.field(default_factory=intake.Params)


def run(bench: Bench, kind: str, p: Params) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for n in p.processes:
        on_n = dataclasses.replace(bench, processes=n)
        talked = chat.run(on_n, kind, p.chat)
        taken = intake.run(on_n, kind, p.intake)
        out |= {
            f"chat_msgs_per_s_{n}p": talked["msgs_per_s"],
            f"chat_lost_{n}p": talked["lost"],
            f"chat_visitor_to_agent_p99_ms_{n}p": talked["visitor_to_agent_p99_ms"],
            f"chat_server_cpu_{n}p": talked["server_cpu_by_process"],
            f"chat_postgres_cpu_{n}p": talked["postgres_cpu"],
            f"chat_stream_lock_p50_ms_{n}p": talked["stream_lock_p50_ms"],
            f"chat_stream_lock_p99_ms_{n}p": talked["stream_lock_p99_ms"],
            f"chat_stream_lock_busy_{n}p": talked["stream_lock_busy"],
            f"intake_contacts_per_s_{n}p": taken["contacts_per_s"],
            f"intake_unassigned_{n}p": taken["unassigned"],
            f"intake_request_to_assigned_p99_ms_{n}p": taken["request_to_assigned_p99_ms"],
            f"intake_server_cpu_{n}p": taken["server_cpu_by_process"],
            f"intake_postgres_cpu_{n}p": taken["postgres_cpu"],
            f"intake_stream_lock_p50_ms_{n}p": taken["stream_lock_p50_ms"],
            f"intake_stream_lock_p99_ms_{n}p": taken["stream_lock_p99_ms"],
            f"intake_stream_lock_busy_{n}p": taken["stream_lock_busy"],
        }
    first = p.processes[0]
    for n in p.processes[1:]:
        for figure in ("chat_msgs_per_s", "intake_contacts_per_s"):
            out[f"{figure}_{n}p_over_{first}p"] = ratio(
                out[f"{figure}_{n}p"], out[f"{figure}_{first}p"]
            )
    return out

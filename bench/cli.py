"""``python -m bench``: run the scenarios against Sportello and the relay, print, save JSON."""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.report import compared, table
from bench.scenarios import chat, connections, intake, resume, scaleout, soak, upload
from bench.scenarios.common import RELAY, SPORTELLO, Bench
from bench.system import machine, raise_nofile

RESULTS = Path(__file__).resolve().parent / "results"
SCENARIOS = ("connections", "chat", "intake", "resume")
ON_REQUEST = ("upload", "soak", "scaleout")
"""Scenarios run only when named (upload writes gigabytes of files, soak takes 10 minutes,
scaleout needs PostgreSQL and Redis and runs chat and intake once per process count)."""


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument(
        "scenarios",
        nargs="*",
        choices=[*SCENARIOS, *ON_REQUEST, []],
        default=[],
        help="default: the first four (upload only when named)",
    )
    p.add_argument(
        "--database-url",
        help="PostgreSQL server (postgresql+asyncpg://…); a fresh "
        "database is created on it per run. Default: SQLite in a temp dir",
    )
    p.add_argument(
        "--redis-url",
        help="run the server in scale-out mode with this Redis (bus and shared rate limits)",
    )
    p.add_argument(
        "--no-rate-limits",
        action="store_true",
        help="turn the server's rate limits off (to weigh what they cost)",
    )
    p.add_argument("--smoke", action="store_true", help="tiny sizes, a few seconds each")
    p.add_argument("--only", choices=[SPORTELLO, RELAY], help="run one system (no ratios)")
    p.add_argument("--workers", type=int, default=2, help="client processes (default 2)")
    p.add_argument(
        "--no-pin",
        action="store_true",
        help="do not pin the server to CPU 0 and the clients to CPU 1",
    )
    p.add_argument(
        "--profile",
        type=Path,
        metavar="DIR",
        help="py-spy the server during the measured windows (connects, chat, intake, soak); "
        "raw stacks go to DIR",
    )
    p.add_argument("--out", type=Path, help="JSON output (default bench/results/<time>.json)")
    g = p.add_argument_group("connections")
    g.add_argument("--visitors", type=int, default=10_000)
    g.add_argument("--consoles", type=int, default=100)
    g = p.add_argument_group("chat")
    g.add_argument("--contacts", type=int, default=200)
    g.add_argument("--rate", type=float, default=2000.0, help="messages/s, both directions")
    g.add_argument("--seconds", type=float, default=20.0, help="measured seconds (chat, intake)")
    g.add_argument(
        "--translate",
        type=float,
        nargs="?",
        const=1.0,
        default=0.0,
        metavar="SHARE",
        help="translation on for every chat contact, or this share of them, e.g. 0.5 "
        "(with --only sportello)",
    )
    g = p.add_argument_group("intake")
    g.add_argument("--intake-rate", type=float, default=100.0, help="new contacts/s")
    g.add_argument("--intake-agents", type=int, default=10)
    g.add_argument(
        "--intake-queued",
        type=int,
        default=0,
        help="contacts already queued in another service (when_busy: queue) during intake",
    )
    g.add_argument(
        "--intake-recover-rate",
        type=float,
        default=0.0,
        help="after the window, this rate for 8 s: when requests are served promptly again",
    )
    g = p.add_argument_group("resume")
    g.add_argument("--events", type=int, default=1000, help="missed events to replay")
    g.add_argument("--repeats", type=int, default=5)
    g = p.add_argument_group("upload (chat at 1,000 msg/s over 100 contacts meanwhile)")
    g.add_argument("--uploads", type=int, default=50, help="concurrent uploads per round")
    g.add_argument("--upload-mb", type=int, default=5)
    g = p.add_argument_group(
        "scaleout (chat and intake on N server processes; --database-url and --redis-url)"
    )
    g.add_argument(
        "--processes",
        type=_counts,
        default=(1, 2, 3),
        metavar="N,N…",
        help="server process counts to run, e.g. 1,2,3 (the default)",
    )
    g = p.add_argument_group("soak (chat with reconnects and contacts coming and going)")
    g.add_argument("--soak-minutes", type=float, default=10.0)
    g.add_argument("--soak-rate", type=float, default=300.0, help="messages/s, both directions")
    return p


def _counts(value: str) -> tuple[int, ...]:
    try:
        counts = tuple(int(part) for part in value.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of process counts: {value!r}") from None
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError(f"process counts start at 1: {value!r}")
    return counts


def plans(args: argparse.Namespace) -> dict[str, Callable[[Bench, str], dict[str, Any]]]:
    if args.smoke:
        return {
            "connections": lambda b, k: connections.run(b, k, connections.Params(40, 4)),
            "chat": lambda b, k: chat.run(b, k, SMOKE_CHAT),
            "intake": lambda b, k: intake.run(
                b, k, dataclasses.replace(SMOKE_INTAKE, queued=args.intake_queued)
            ),
            "resume": lambda b, k: resume.run(b, k, resume.Params(20, 2)),
            "upload": lambda b, k: upload.run(b, k, upload.Params(4, 1, SMOKE_CHAT)),
            "soak": lambda b, k: soak.run(b, k, SMOKE_SOAK),
            "scaleout": lambda b, k: scaleout.run(
                b, k, scaleout.Params(args.processes, SMOKE_CHAT, SMOKE_INTAKE)
            ),
        }
    return {
        "connections": lambda b, k: connections.run(
            b, k, connections.Params(args.visitors, args.consoles)
        ),
        "chat": lambda b, k: chat.run(
            b,
            k,
            chat.Params(args.contacts, args.rate, args.seconds, translate=args.translate),
        ),
        "intake": lambda b, k: intake.run(
            b,
            k,
            intake.Params(
                args.intake_rate,
                args.seconds,
                agents=args.intake_agents,
                recover_rate=args.intake_recover_rate,
                queued=args.intake_queued,
            ),
        ),
        "resume": lambda b, k: resume.run(b, k, resume.Params(args.events, args.repeats)),
        "upload": lambda b, k: upload.run(
            b,
            k,
            upload.Params(args.uploads, args.upload_mb, chat.Params(100, 1000.0, args.seconds)),
        ),
        "soak": lambda b, k: soak.run(
            b, k, soak.Params(seconds=args.soak_minutes * 60, rate=args.soak_rate)
        ),
        "scaleout": lambda b, k: scaleout.run(
            b,
            k,
            scaleout.Params(
                args.processes,
                chat.Params(args.contacts, args.rate, args.seconds),
                intake.Params(args.intake_rate, args.seconds, agents=args.intake_agents),
            ),
        ),
    }


SMOKE_CHAT = chat.Params(6, 60.0, 2.0, 0.5)
SMOKE_INTAKE = intake.Params(10.0, 2.0, 0.5, 2)
SMOKE_SOAK = soak.Params(
    seconds=6.0,
    rate=40.0,
    contacts=6,
    window=2.0,
    widget_every=0.5,
    console_every=2.0,
    churn_every=1.0,
    warmup=0.5,
)

HEADROOM = 4
"""Limits are this many times the run's planned rate, so only a runaway client would hit them."""


def rate_limits(args: argparse.Namespace) -> dict[str, str]:
    """The server's rate limits sized for this run's load, set explicitly (nothing exempt).

    Every bench client connects from 127.0.0.1, so the per-IP limits must carry the whole
    run, and each chat contact's visitor sends half of its contact's share of the rate.
    """
    if args.smoke:
        contacts, rate, intake_rate = SMOKE_CHAT.contacts, SMOKE_CHAT.rate, SMOKE_INTAKE.rate
    else:
        contacts, rate, intake_rate = args.contacts, args.rate, args.intake_rate

    def per_minute(per_second: float) -> str:
        return str(max(1, math.ceil(per_second * 60 * HEADROOM)))

    return {
        # The chat scenario also opens all its contacts at once before measuring.
        "SPORTELLO_RATE_CONTACTS_PER_MINUTE": str(
            max(int(per_minute(intake_rate)), contacts * HEADROOM)
        ),
        "SPORTELLO_RATE_MESSAGES_PER_MINUTE": per_minute(rate / 2 / contacts),
        "SPORTELLO_RATE_IP_MESSAGES_PER_MINUTE": per_minute(rate / 2),
    }


def server_settings(args: argparse.Namespace) -> dict[str, str]:
    limits = rate_limits(args)
    if args.no_rate_limits:
        limits = dict.fromkeys(limits, "0")
    redis = {"SPORTELLO_REDIS_URL": args.redis_url} if args.redis_url else {}
    # The upload scenario's uploaders each send far more than one visitor may.
    budget = {"SPORTELLO_UPLOAD_VISITOR_BYTES": "0"} if "upload" in args.scenarios else {}
    return {**limits, **redis, **budget}


def run(args: argparse.Namespace) -> dict[str, Any]:
    raise_nofile()
    bench = Bench(
        server_cpus=None if args.no_pin else [0],
        client_cpus=None if args.no_pin else [1],
        workers=args.workers,
        database_url=args.database_url,
        profile_dir=args.profile,
        settings=server_settings(args),
    )
    chosen = args.scenarios or list(SCENARIOS)
    kinds = [args.only] if args.only else [RELAY, SPORTELLO]
    todo = plans(args)
    results: dict[str, Any] = {}
    timings: dict[str, float] = {}
    for name in chosen:
        results[name] = {}
        for kind in kinds:
            if name == "scaleout" and kind == RELAY:
                continue  # the relay is one process
            started = time.monotonic()
            print(f"-- {name} on {kind} …", file=sys.stderr, flush=True)
            results[name][kind] = todo[name](bench, kind)
            timings[f"{name}/{kind}"] = round(time.monotonic() - started, 1)
    return {
        "command": "python -m bench " + " ".join(sys.argv[1:]),
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine(),
        "database": "postgresql" if args.database_url else "sqlite",
        "split": "no pinning" if args.no_pin else "server on CPU 0, client workers on CPU 1",
        "workers": args.workers,
        "results": results,
        "ratios": compared(results),
        "seconds": timings,
    }


def _clean(value: Any) -> Any:
    """NaN is not JSON: write null."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["compare"]:
        from bench.compare import main as compare

        return compare(argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.translate and args.only != SPORTELLO:
        parser.error("--translate needs --only sportello (the relay does not translate)")
    if "scaleout" in args.scenarios and not (args.database_url and args.redis_url):
        parser.error("scaleout needs --database-url (PostgreSQL) and --redis-url")
    report = run(args)
    print(table(report["results"]))
    out = args.out or RESULTS / time.strftime("%Y%m%d-%H%M%S.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(_clean(report), indent=2) + "\n")
    print(f"\nwritten: {out}")
    return 0

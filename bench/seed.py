"""Seed a Sportello database before its server starts: services, agents, idle contacts.

Services and agents go through the real actions (so passwords are hashed and rows are
what the API would have made). Idle contacts for the connections scenario are inserted in
bulk, already assigned, because creating 10,000 through the HTTP API would take longer than
the scenario itself; the visitor tokens are signed with the server's secret key.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from sqlalchemy import insert

from sportello.actions.agent_accounts import do_create_agent
from sportello.actions.context import Ctx
from sportello.actions.services import do_create_service
from sportello.config import Settings
from sportello.security.tokens import sign_visitor_token
from sportello.storage.database import Database
from sportello.storage.migrate import upgrade
from sportello.storage.tables import contacts

PASSWORD_SUFFIX = "-bench-password"
TOKEN_HOURS = 24


@dataclass(frozen=True)
class SeedSpec:
    services: int = 1
    """Services ``bench-s0`` …, tagged ``s0`` …; agent i serves service i % services."""
    agents: int = 1
    chat_limit: int = 20
    idle_contacts: int = 0
    """Contacts inserted already assigned (round robin over agents), for idle widgets."""
    media: tuple[str, ...] = ("chat",)
    queued_contacts: int = 0
    """Contacts waiting in the queue of a service in ``when_busy: queue`` mode that no agent
    serves (they stay queued: every routing pass reads them, none is ever offered)."""


@dataclass
class Seeded:
    service_ids: list[int] = field(default_factory=list)
    agents: list[dict[str, object]] = field(default_factory=list)
    """{login, password, id, service_id} per agent."""
    contact_ids: list[int] = field(default_factory=list)
    visitor_tokens: list[str] = field(default_factory=list)


def seed(database_url: str, secret: str, spec: SeedSpec) -> Seeded:
    upgrade(database_url)
    return asyncio.run(_seed(database_url, secret, spec))


async def _seed(database_url: str, secret: str, spec: SeedSpec) -> Seeded:
    db = Database(database_url)
    ctx = Ctx(settings=Settings(database_url=database_url, secret_key=secret), db=db)
    out = Seeded()
    try:
        for s in range(spec.services):
            service = await do_create_service(
                ctx,
                name=f"bench-s{s}",
                language="en",
                tags_=[f"s{s}"],
                dissuasion_seconds=3600,
                media=list(spec.media),
                priority=15,
                sites=[],
            )
            out.service_ids.append(int(service["id"]))
        for i in range(spec.agents):
            login = f"bench{i:04d}"
            s = i % spec.services
            agent = await do_create_agent(
                ctx,
                login=login,
                password=login + PASSWORD_SUFFIX,
                display_name=f"Bench Agent {i}",
                tags_=[f"s{s}"],
                chat_limit=spec.chat_limit,
            )
            out.agents.append(
                {
                    "login": login,
                    "password": login + PASSWORD_SUFFIX,
                    "id": int(agent["id"]),
                    "service_id": out.service_ids[s],
                }
            )
        if spec.idle_contacts:
            await _idle_contacts(ctx, secret, spec, out)
        if spec.queued_contacts:
            await _queued_contacts(ctx, spec.queued_contacts)
    finally:
        await db.dispose()
    return out


async def _queued_contacts(ctx: Ctx, count: int) -> None:
    queue = await do_create_service(
        ctx,
        name="bench-queue",
        tags_=["bench-queue"],
        when_busy="queue",
        queue_max_length=10_000,
        queue_max_wait_seconds=3600,
    )
    now = ctx.clock.now()
    rows = [
        {
            "service_id": queue["id"],
            "state": "pending",
            "medium": "chat",
            "priority": 15,
            "visitor_id": f"benchqueued{i:08d}",
            "visitor_name": f"Queued Visitor {i}",
            "offered_to": [],
            "created_at": now + i * 1e-6,
            "dissuade_at": now + 3600,
            "queued_at": now,
        }
        for i in range(count)
    ]
    async with ctx.db.write() as conn:
        for start in range(0, len(rows), 1000):
            await conn.execute(insert(contacts), rows[start : start + 1000])


async def _idle_contacts(ctx: Ctx, secret: str, spec: SeedSpec, out: Seeded) -> None:
    now = ctx.clock.now()
    rows = []
    for i in range(spec.idle_contacts):
        agent = out.agents[i % len(out.agents)]
        rows.append(
            {
                "service_id": agent["service_id"],
                "state": "assigned",
                "medium": "chat",
                "priority": 15,
                "visitor_id": f"benchvisitor{i:08d}",
                "visitor_name": f"Idle Visitor {i}",
                "agent_id": agent["id"],
                "offered_to": [],
                "created_at": now,
                "assigned_at": now,
                "last_message_at": now,
            }
        )
    async with ctx.db.write() as conn:
        for start in range(0, len(rows), 1000):
            result = await conn.execute(
                insert(contacts).returning(contacts.c.id, contacts.c.visitor_id),
                rows[start : start + 1000],
            )
            for contact_id, visitor_id in result.all():
                out.contact_ids.append(int(contact_id))
                out.visitor_tokens.append(
                    sign_visitor_token(
                        secret, int(contact_id), visitor_id, now + TOKEN_HOURS * 3600
                    )
                )

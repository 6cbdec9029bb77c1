"""Seed a database through the real actions (migrations first), before a server starts."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from sportello.actions.agent_accounts import do_create_agent
from sportello.actions.context import Ctx
from sportello.actions.services import do_create_service
from sportello.config import Settings
from sportello.domain.model import Role
from sportello.storage.database import Database
from sportello.storage.migrate import upgrade


@dataclass
class Seeded:
    services: dict[str, dict[str, Any]] = field(default_factory=dict)
    passwords: dict[str, str] = field(default_factory=dict)
    agents: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class AgentSpec:
    login: str
    tags: tuple[str, ...]
    role: Role = Role.AGENT
    chat_limit: int = 4


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    tags: tuple[str, ...] = ()
    dissuasion_seconds: int = 60
    media: tuple[str, ...] = ("chat",)
    priority: int = 15
    sites: tuple[str, ...] = ()
    language: str = "en"
    typing_preview: bool = False
    when_busy: str = "reject"
    queue_max_wait_seconds: int = 300


DEFAULT_AGENTS = (
    AgentSpec("ann", ("sales", "support"), Role.ADMIN),
    AgentSpec("bob", ("sales",)),
    AgentSpec("cyd", ("support",), chat_limit=1),
)
DEFAULT_SERVICES = (
    ServiceSpec("Sales", ("sales",)),
    ServiceSpec("Support", ("support",), priority=5),
    ServiceSpec("Quick", (), dissuasion_seconds=5),
)


def seed(
    database_url: str,
    agents: tuple[AgentSpec, ...] = DEFAULT_AGENTS,
    services: tuple[ServiceSpec, ...] = DEFAULT_SERVICES,
) -> Seeded:
    def blocking() -> Seeded:
        upgrade(database_url)
        return asyncio.run(_seed(database_url, agents, services))

    # A thread of its own: callers may already run an event loop (sync Playwright does).
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(blocking).result()


async def seed_async(
    database_url: str,
    agents: tuple[AgentSpec, ...] = DEFAULT_AGENTS,
    services: tuple[ServiceSpec, ...] = DEFAULT_SERVICES,
) -> Seeded:
    """The same as ``seed`` from inside a running event loop."""
    await asyncio.to_thread(upgrade, database_url)
    return await _seed(database_url, agents, services)


async def _seed(
    database_url: str, agents: tuple[AgentSpec, ...], services: tuple[ServiceSpec, ...]
) -> Seeded:
    db = Database(database_url)
    ctx = Ctx(settings=Settings(database_url=database_url, secret_key="seed"), db=db)
    out = Seeded()
    try:
        for s in services:
            out.services[s.name] = await do_create_service(
                ctx,
                name=s.name,
                language=s.language,
                tags_=list(s.tags),
                dissuasion_seconds=s.dissuasion_seconds,
                media=list(s.media),
                priority=s.priority,
                sites=list(s.sites),
                typing_preview=s.typing_preview,
                when_busy=s.when_busy,
                queue_max_wait_seconds=s.queue_max_wait_seconds,
            )
        for a in agents:
            password = f"{a.login}-password"
            out.agents[a.login] = await do_create_agent(
                ctx,
                login=a.login,
                password=password,
                display_name=a.login.title() + " Agent",
                tags_=list(a.tags),
                chat_limit=a.chat_limit,
                role=a.role,
            )
            out.passwords[a.login] = password
    finally:
        await db.dispose()
    return out

"""Demo data: services, tags and agents a new user can sign in with at once."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from sportello.actions.agent_accounts import do_create_agent
from sportello.actions.context import Ctx
from sportello.actions.services import do_create_service
from sportello.domain.model import Role
from sportello.storage.tables import agents


@dataclass(frozen=True)
class DemoAgent:
    login: str
    password: str
    display_name: str
    tags: tuple[str, ...]
    role: Role
    languages: tuple[str, ...] = ("en",)


DEMO_AGENTS = (
    DemoAgent(
        "alice", "alice-demo-1", "Alice Martin", ("sales", "support"), Role.ADMIN, ("en", "fr")
    ),
    DemoAgent("bruno", "bruno-demo-1", "Bruno Rossi", ("sales",), Role.AGENT, ("it", "en")),
    DemoAgent("chen", "chen-demo-1", "Chen Wei", ("support",), Role.SUPERVISOR, ("en", "zh")),
    DemoAgent(
        "dolores", "dolores-demo-1", "Dolores García", ("support", "es"), Role.AGENT, ("es", "en")
    ),
)


async def seed_demo(ctx: Ctx, demo_site: str) -> bool:
    """Create the demo data once; returns False when it was there already."""
    async with ctx.db.read() as conn:
        if await conn.scalar(select(agents.c.id).where(agents.c.login == "alice")) is not None:
            return False
    sites = [demo_site]
    await do_create_service(
        ctx,
        name="Sales",
        language="en",
        tags_=["sales"],
        media=["chat", "voice", "video"],
        priority=10,
        sites=sites,
        dissuasion_seconds=60,
    )
    await do_create_service(
        ctx,
        name="Technical support",
        language="en",
        tags_=["support"],
        media=["chat", "voice", "video"],
        sites=sites,
        dissuasion_seconds=90,
        # while every support agent is busy, visitors wait in a queue instead of being
        # turned away (docs/protocol.md, Waiting for a busy agent)
        when_busy="queue",
        queue_max_wait_seconds=300,
        queue_max_length=20,
    )
    await do_create_service(
        ctx,
        name="Soporte en español",
        language="es",
        tags_=["support", "es"],
        media=["chat"],
        sites=sites,
        dissuasion_seconds=60,
    )
    await do_create_service(
        ctx,
        name="Quick question",
        language="en",
        tags_=[],
        media=["chat"],
        sites=sites,
        dissuasion_seconds=15,
        priority=20,
    )
    for agent in DEMO_AGENTS:
        await do_create_agent(
            ctx,
            login=agent.login,
            password=agent.password,
            display_name=agent.display_name,
            tags_=list(agent.tags),
            languages=list(agent.languages),
            role=agent.role,
        )
    return True

"""Shared fixtures: storage backends (SQLite and a throwaway PostgreSQL), the running app,
and a small seeded world of services and agents."""

from __future__ import annotations

import itertools
import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from sportello.actions.agent_accounts import do_create_agent
from sportello.actions.services import do_create_service
from sportello.domain.model import Role
from tests.support.clients import AgentClient, Stream, VisitorClient
from tests.support.inproc import RunningApp, serve_app
from tests.support.postgres import PostgresNotInstalledError, ThrowawayPostgres

_db_counter = itertools.count()


@pytest.fixture(scope="session")
def postgres() -> Iterator[ThrowawayPostgres]:
    """In CI a missing PostgreSQL is a failure, never a skip."""
    try:
        pg = ThrowawayPostgres()
    except PostgresNotInstalledError:
        if os.environ.get("CI"):
            raise
        pytest.skip("PostgreSQL binaries are not installed (make system-deps)")
    pg.start()
    yield pg
    pg.stop()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'sportello.sqlite3'}"
    pg: ThrowawayPostgres = request.getfixturevalue("postgres")
    name = f"t{os.getpid()}_{next(_db_counter)}"
    pg.psql(f"CREATE DATABASE {name}")
    return pg.url(name)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'sportello.sqlite3'}"


@dataclass
class World:
    """The running app plus seeded services and agents, and factories for clients."""

    app: RunningApp
    services: dict[str, dict[str, Any]] = field(default_factory=dict)
    passwords: dict[str, str] = field(default_factory=dict)
    _clients: list[AgentClient | VisitorClient] = field(default_factory=list)

    async def agent(self, login: str) -> AgentClient:
        client = AgentClient(self.app.url, self.app.ws_url, login, self.passwords[login])
        self._clients.append(client)
        return await client.sign_in()

    def visitor(self, origin: str | None = "https://shop.example") -> VisitorClient:
        client = VisitorClient(self.app.url, self.app.ws_url, origin)
        self._clients.append(client)
        return client

    async def assigned_chat(
        self, login: str = "ann", service: str = "Sales"
    ) -> tuple[AgentClient, Stream, VisitorClient, Stream]:
        """An agent with a console open, holding a visitor's contact whose widget is open."""
        agent = await self.agent(login)
        console = await agent.open_console()
        visitor = self.visitor()
        await visitor.request(self.services[service]["id"])
        assert (await agent.accept(visitor.contact_id)).status_code == 200
        widget = await visitor.open_widget()
        return agent, console, visitor, widget

    async def add_agent(self, login: str, tags: list[str], **extra: Any) -> None:
        password = f"{login}-password"
        await do_create_agent(
            self.app.ctx,
            login=login,
            password=password,
            display_name=login.title(),
            tags_=tags,
            **extra,
        )
        self.passwords[login] = password

    async def add_service(self, name: str, **extra: Any) -> dict[str, Any]:
        extra.setdefault("sites", ["https://shop.example"])
        service = await do_create_service(self.app.ctx, name=name, **extra)
        self.services[name] = service
        return service

    async def close(self) -> None:
        for client in self._clients:
            await client.aclose()


async def make_world(app: RunningApp) -> World:
    world = World(app=app)
    await world.add_service("Sales", tags_=["sales"], dissuasion_seconds=30)
    await world.add_service("Support", tags_=["support"], dissuasion_seconds=30, priority=5)
    await world.add_service("Anything", tags_=[], dissuasion_seconds=30)
    await world.add_agent("ann", ["sales", "support"], role=Role.ADMIN)
    await world.add_agent("bob", ["sales"])
    await world.add_agent("cyd", ["support"], chat_limit=1)
    return world


@pytest.fixture
async def world(database_url: str, tmp_path: Path) -> AsyncIterator[World]:
    async with serve_app(database_url, tmp_path) as app:
        w = await make_world(app)
        try:
            yield w
        finally:
            await w.close()


@pytest.fixture
async def sqlite_world(sqlite_url: str, tmp_path: Path) -> AsyncIterator[World]:
    async with serve_app(sqlite_url, tmp_path) as app:
        w = await make_world(app)
        try:
            yield w
        finally:
            await w.close()

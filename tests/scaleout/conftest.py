"""Scale-out fixtures: a throwaway Redis, and N server processes on one fresh database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.clients import VisitorClient
from tests.support.postgres import ThrowawayPostgres
from tests.support.redis import ThrowawayRedis
from tests.support.server import ServerProcess

SHARED_SECRET = {"SPORTELLO_SECRET_KEY": "shared-secret-for-both-nodes"}


@pytest.fixture
def redis() -> Iterator[ThrowawayRedis]:
    server = ThrowawayRedis()
    server.start()
    yield server
    server.stop()


def fresh_database(postgres: ThrowawayPostgres, prefix: str) -> str:
    name = f"{prefix}{os.getpid()}"
    postgres.psql(f"DROP DATABASE IF EXISTS {name}")
    postgres.psql(f"CREATE DATABASE {name}")
    return postgres.url(name)


def start_nodes(
    url: str, redis: ThrowawayRedis, tmp_path: Path, count: int, env: dict[str, str]
) -> list[ServerProcess]:
    nodes = [
        ServerProcess(url, data_dir=tmp_path, redis_url=redis.url, env={**SHARED_SECRET, **env})
        for _ in range(count)
    ]
    for node in nodes:
        node.start()
    return nodes


def visitor_on(node: ServerProcess, visitor: VisitorClient) -> VisitorClient:
    """The same visitor (token and all) talking to another process."""
    other = VisitorClient(node.url, node.ws_url)
    other.token, other.contact = visitor.token, visitor.contact
    other.http.headers["Authorization"] = f"Bearer {visitor.token}"
    return other

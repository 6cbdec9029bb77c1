"""Unknown logins answer and lock exactly like real ones."""

from __future__ import annotations

import asyncio

import pytest

from sportello.actions import agents as agents_actions
from sportello.security.passwords import verify_password
from tests.conftest import World


async def attempts(world: World, login: str, count: int) -> list[tuple[int, str, str | None]]:
    client = world.visitor(origin=None)  # any HTTP client; sign-in needs no session
    answers = []
    for _ in range(count):
        response = await client.http.post(
            "/api/auth/login", json={"login": login, "password": "wrong-password"}
        )
        answers.append(
            (response.status_code, response.json()["code"], response.headers.get("Retry-After"))
        )
    return answers


async def test_unknown_and_real_logins_fail_and_lock_alike(world: World) -> None:
    ann = await world.agent("ann")
    agents_before = (await ann.http.get("/api/admin/agents")).json()
    real = await attempts(world, "bob", 6)
    unknown = await attempts(world, "nobody-by-that-name", 6)
    assert real == unknown
    assert real[:4] == [(401, "invalid_credentials", None)] * 4
    assert real[4] == (429, "account_locked", "300")
    assert real[5][:2] == (429, "account_locked")
    assert (await ann.http.get("/api/admin/agents")).json() == agents_before

    await world.app.advance(301)
    assert await attempts(world, "nobody-by-that-name", 1) == [(401, "invalid_credentials", None)]
    bob = await world.agent("bob")  # the lock has passed: the right password works
    assert bob.token


async def test_failures_are_forgotten_after_a_quiet_window(sqlite_world: World) -> None:
    world = sqlite_world
    await attempts(world, "bob", 4)
    await world.app.advance(301)
    assert await attempts(world, "bob", 4) == [(401, "invalid_credentials", None)] * 4


async def concurrent_attempts(
    world: World, login: str, passwords: list[str]
) -> list[tuple[int, str | None]]:
    client = world.visitor(origin=None)
    responses = await asyncio.gather(
        *(
            client.http.post("/api/auth/login", json={"login": login, "password": p}, timeout=120)
            for p in passwords
        )
    )
    return [(r.status_code, r.json().get("code")) for r in responses]


async def test_concurrent_wrong_passwords_evaluate_at_most_five(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The attempt is counted before the (slow) hash check, atomically: 30 passwords sent at
    once get five evaluated — four `invalid_credentials`, the fifth locks — and the rest are
    refused unread; a right password sent while locked does not sign in."""
    evaluated: list[str] = []

    def counting(password_hash: str | None, password: str) -> bool:
        evaluated.append(password)
        return verify_password(password_hash, password)

    monkeypatch.setattr(agents_actions, "verify_password", counting)
    answers = await concurrent_attempts(world, "bob", ["wrong-password"] * 30)
    assert len(evaluated) == 5
    assert answers.count((401, "invalid_credentials")) == 4
    assert answers.count((429, "account_locked")) == 26

    passwords = ["wrong-password"] * 29
    passwords.insert(19, world.passwords["bob"])
    answers = await concurrent_attempts(world, "bob", passwords)
    assert answers == [(429, "account_locked")] * 30
    assert len(evaluated) == 5

    await world.app.advance(301)  # the lock has passed: five more may be tried
    answers = await concurrent_attempts(world, "bob", ["wrong-password"] * 10)
    assert len(evaluated) == 10
    assert answers.count((401, "invalid_credentials")) == 4

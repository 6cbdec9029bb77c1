"""Unknown logins answer and lock exactly like real ones."""

from __future__ import annotations

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

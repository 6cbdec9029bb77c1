"""Admission control on contact requests (issue 21): past the bound a request is refused at
once with ``overloaded`` and ``Retry-After``; a request whose client hung up while it queued
is not turned into a contact; requests are admitted again as soon as the bound frees.

The bound is 1 here, and the test holds the one write transaction itself, so the admitted
request stays in flight for as long as the test needs."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from sportello.storage.tables import contacts
from tests.conftest import World, make_world
from tests.support.inproc import serve_app

ORIGIN = "https://shop.example"


@pytest.fixture
async def tight(sqlite_url: str, tmp_path: Path) -> AsyncIterator[World]:
    async with serve_app(sqlite_url, tmp_path, intake_max_in_flight=1) as app:
        world = await make_world(app)
        try:
            yield world
        finally:
            await world.close()


def _body(world: World, visitor_id: str) -> dict[str, object]:
    return {
        "service_id": world.services["Sales"]["id"],
        "visitor_id": f"visitor-{visitor_id}",
        "name": "V",
    }


async def _ask(world: World, visitor_id: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=world.app.url, headers={"Origin": ORIGIN}) as http:
        return await http.post("/api/visitor/contacts", json=_body(world, visitor_id))


async def _contacts_of(world: World, visitor_id: str) -> int:
    async with world.app.ctx.db.read() as conn:
        count = await conn.scalar(
            select(func.count())
            .select_from(contacts)
            .where(contacts.c.visitor_id == f"visitor-{visitor_id}")
        )
    return int(count or 0)


def _overloaded(response: httpx.Response) -> bool:
    if response.status_code != 503:
        return False
    assert response.json()["code"] == "overloaded"
    assert int(response.headers["Retry-After"]) >= 1
    assert response.headers["Access-Control-Expose-Headers"] == "Retry-After"
    return True


async def _in_flight(world: World, count: int) -> None:
    """Wait until this many contact requests are in the server's hands."""
    for _ in range(1000):
        if world.app.admission.in_flight == count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"never {count} in flight")


async def test_past_the_bound_overloaded_then_admitted_again(tight: World) -> None:
    world = tight
    async with world.app.ctx.db.write():  # the one writer is busy: admitted requests wait
        asks = [asyncio.create_task(_ask(world, f"crowd-{i}")) for i in range(3)]
        refused = []
        while len(refused) < 2:
            done, _ = await asyncio.wait(asks, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                asks.remove(task)
                refused.append(task.result())
        assert all(_overloaded(r) for r in refused)
        assert len(asks) == 1 and not asks[0].done()  # the admitted one waits its turn
    admitted = await asks[0]
    assert admitted.status_code == 201
    assert admitted.json()["contact"]["state"] == "rejected"  # nobody online; but created
    later = await _ask(world, "later")
    assert later.status_code == 201  # the bound freed: admitted again at once


async def test_a_request_abandoned_while_it_waited_is_not_turned_into_a_contact(
    tight: World,
) -> None:
    world = tight
    host, port = world.app.url.removeprefix("http://").split(":")
    async with world.app.ctx.db.write():
        _reader, writer = await asyncio.open_connection(host, int(port))
        payload = json.dumps(_body(world, "gave-up")).encode()
        writer.write(
            b"POST /api/visitor/contacts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + f"Origin: {ORIGIN}\r\nContent-Length: {len(payload)}\r\n\r\n".encode()
            + payload
        )
        await writer.drain()
        await _in_flight(world, 1)  # it holds the one place, waiting for the writer
        assert _overloaded(await _ask(world, "probe"))
        writer.close()  # the visitor gives up while the request queues
        await writer.wait_closed()
    await _in_flight(world, 0)
    assert (await _ask(world, "next")).status_code == 201
    assert await _contacts_of(world, "gave-up") == 0
    assert await _contacts_of(world, "next") == 1

"""Rate limits shared through Redis: requests spread over two processes are cut at one
limit; with Redis gone, requests still pass."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
from redis.asyncio import Redis

from sportello.errors import RateLimitedError
from sportello.security.rate_limits import Limit
from sportello.security.shared_buckets import SharedBuckets
from tests.scaleout.conftest import fresh_database, start_nodes, visitor_on
from tests.support.clients import AgentClient, VisitorClient
from tests.support.postgres import ThrowawayPostgres
from tests.support.redis import ThrowawayRedis
from tests.support.seed import seed_async

LIMITS = {"SPORTELLO_RATE_CONTACTS_PER_MINUTE": "4", "SPORTELLO_RATE_MESSAGES_PER_MINUTE": "3"}


def assert_limited(response: httpx.Response, per_token_seconds: int) -> None:
    assert (response.status_code, response.json()["code"]) == (429, "rate_limited")
    assert 1 <= int(response.headers["Retry-After"]) <= per_token_seconds


async def test_two_processes_share_one_limit_and_pass_when_redis_is_down(
    postgres: ThrowawayPostgres, redis: ThrowawayRedis, tmp_path: Path
) -> None:
    url = fresh_database(postgres, "limits")
    seeded = await seed_async(url)
    a, b = start_nodes(url, redis, tmp_path, 2, LIMITS)
    sales = seeded.services["Sales"]["id"]
    clients: list[VisitorClient | AgentClient] = []
    try:
        agent = await AgentClient(a.url, a.ws_url, "ann", seeded.passwords["ann"]).sign_in()
        await agent.open_console()  # contacts wait, so visitors can chat
        clients.append(agent)

        # New contacts per IP: 4 a minute, taken alternately on A and B.
        for n in range(4):
            node = (a, b)[n % 2]
            visitor = VisitorClient(node.url, node.ws_url)
            clients.append(visitor)
            assert (await visitor.request(sales)).status_code == 201
        for node in (a, b):
            refused = VisitorClient(node.url, node.ws_url)
            clients.append(refused)
            assert_limited(await refused.request(sales), 15)
            assert refused.token == ""
        # One bucket for the IP, in Redis, gone once it would be full again (a minute).
        shared = Redis.from_url(redis.url)
        assert await shared.keys("sportello:rl:*") == [b"sportello:rl:contacts:127.0.0.1"]
        assert 0 < await shared.pttl("sportello:rl:contacts:127.0.0.1") <= 61_000
        await shared.aclose()

        # Messages per visitor: 3 a minute, over HTTP on both and the widget's socket.
        chatty = clients[1]
        assert isinstance(chatty, VisitorClient)
        via_b = visitor_on(b, chatty)
        clients.append(via_b)
        for sender in (chatty, via_b, chatty):
            assert (await sender.say("hello")).status_code == 201
        assert_limited(await via_b.say("one too many"), 20)
        widget = await chatty.open_widget()
        cid = chatty.contact_id
        await widget.send(
            {"type": "message.send", "contact_id": cid, "client_msg_id": "w1", "text": "hi"}
        )
        error = await widget.wait_for(lambda f: f["type"] == "error")
        assert error["code"] == "rate_limited"
        assert 1 <= error["details"]["retry_after"] <= 20
        await widget.close()

        # Redis gone: the limiter fails open to each process's own buckets, and says so.
        redis.stop()
        for node in (a, b):
            late = VisitorClient(node.url, node.ws_url)
            clients.append(late)
            assert (await late.request(sales)).status_code == 201
        clients.append(again := visitor_on(a, chatty))
        assert (await again.say("still here")).status_code == 201
        for node in (a, b):
            assert "rate limits: Redis unreachable" in node.log_path.read_text()
    finally:
        for client in clients:
            await client.aclose()
        for node in (a, b):
            node.stop()


async def test_takes_in_one_batch_are_cut_in_order_and_a_caller_may_give_up(
    redis: ThrowawayRedis,
) -> None:
    buckets = SharedBuckets(redis.url)
    limit = Limit("messages per visitor", "msg", 3)
    try:
        gives_up = asyncio.create_task(buckets.take([(limit, "other")], 0.0))
        takes = [asyncio.create_task(buckets.take([(limit, "7")], 0.0)) for _ in range(5)]
        await asyncio.sleep(0)
        gives_up.cancel()
        # A batch stalled by the caller that gave up would never answer the others.
        outcomes = await asyncio.wait_for(asyncio.gather(*takes, return_exceptions=True), 10)
        assert outcomes[:3] == [None, None, None]
        for refused in outcomes[3:]:
            assert isinstance(refused, RateLimitedError)
            assert refused.to_dict()["details"]["retry_after"] == 20
        await buckets.take([(limit, "7")], 20.0)  # a token came back after 20 s
    finally:
        await buckets.close()

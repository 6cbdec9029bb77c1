"""The process's write turns: work in progress before new arrivals, new arrivals never
starved, and a cancelled waiter never keeps or loses the turn."""

from __future__ import annotations

import asyncio

from sportello.storage.write_turns import Lane, WriteTurns


async def _take(turns: WriteTurns, lane: Lane, name: str, order: list[str]) -> None:
    async with turns.turn(lane):
        order.append(name)
        await asyncio.sleep(0)


async def _queue(turns: WriteTurns, jobs: list[tuple[Lane, str]]) -> list[str]:
    """Hold the turn while every job lines up, then let them go: the order they ran in."""
    order: list[str] = []
    release = asyncio.Event()

    async def holder() -> None:
        async with turns.turn():
            await release.wait()

    held = asyncio.create_task(holder())
    await asyncio.sleep(0)
    tasks = []
    for lane, name in jobs:
        tasks.append(asyncio.create_task(_take(turns, lane, name, order)))
        await asyncio.sleep(0)
    release.set()
    await asyncio.gather(held, *tasks)
    return order


async def test_work_in_progress_goes_before_new_arrivals_that_queued_first() -> None:
    turns = WriteTurns(ongoing_per_new=4)
    jobs = [(Lane.NEW, "new1"), (Lane.NEW, "new2"), (Lane.ONGOING, "a"), (Lane.ONGOING, "b")]
    assert await _queue(turns, jobs) == ["a", "b", "new1", "new2"]


async def test_a_new_arrival_gets_a_turn_after_a_bounded_run_of_ongoing_work() -> None:
    turns = WriteTurns(ongoing_per_new=2)
    jobs = [(Lane.NEW, "new1")] + [(Lane.ONGOING, f"o{i}") for i in range(5)]
    # the holder's own turn counts as the first ongoing one
    assert await _queue(turns, jobs) == ["o0", "new1", "o1", "o2", "o3", "o4"]


async def test_a_waiter_cancelled_in_line_leaves_the_line_and_the_turn_moves_on() -> None:
    turns = WriteTurns()
    order: list[str] = []
    release = asyncio.Event()

    async def holder() -> None:
        async with turns.turn():
            await release.wait()

    held = asyncio.create_task(holder())
    await asyncio.sleep(0)
    doomed = asyncio.create_task(_take(turns, Lane.ONGOING, "doomed", order))
    later = asyncio.create_task(_take(turns, Lane.NEW, "later", order))
    await asyncio.sleep(0)
    assert turns.waiting(Lane.ONGOING) == 1
    doomed.cancel()
    release.set()
    await asyncio.gather(held, later)
    assert doomed.cancelled()
    assert order == ["later"]
    assert turns.waiting(Lane.ONGOING) == turns.waiting(Lane.NEW) == 0
    await asyncio.wait_for(_take(turns, Lane.NEW, "free", order), 1)  # not left busy


async def test_a_waiter_cancelled_just_as_its_turn_came_hands_the_turn_on() -> None:
    turns = WriteTurns()
    order: list[str] = []
    release = asyncio.Event()
    waiters: list[asyncio.Task[None]] = []

    async def holder() -> None:
        async with turns.turn():
            await release.wait()
        # the turn was handed to the first waiter, which has not run yet: cancel it now
        waiters[0].cancel()

    held = asyncio.create_task(holder())
    await asyncio.sleep(0)
    waiters.append(asyncio.create_task(_take(turns, Lane.ONGOING, "granted", order)))
    waiters.append(asyncio.create_task(_take(turns, Lane.ONGOING, "after", order)))
    await asyncio.sleep(0)
    release.set()
    await asyncio.wait_for(asyncio.gather(held, waiters[1]), 10)  # hangs if the turn is lost
    assert waiters[0].cancelled()
    assert order == ["after"]


async def test_capacity_turns_run_at_once_and_the_next_waits_for_one_to_end() -> None:
    turns = WriteTurns(capacity=2)
    inside = 0
    most = 0
    release = asyncio.Event()

    async def writer() -> None:
        nonlocal inside, most
        async with turns.turn():
            inside += 1
            most = max(most, inside)
            await release.wait()
            inside -= 1

    tasks = [asyncio.create_task(writer()) for _ in range(5)]
    for _ in range(5):
        await asyncio.sleep(0)
    assert (inside, turns.waiting(Lane.ONGOING)) == (2, 3)
    release.set()
    await asyncio.gather(*tasks)
    assert most == 2
    assert (inside, turns.waiting(Lane.ONGOING)) == (0, 0)
    async with turns.turn(), turns.turn():  # both free again
        pass

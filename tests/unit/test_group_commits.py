"""Several group committers side by side (PostgreSQL): one contact's writes always go
through the same one, in arrival order, while another contact's group runs alongside."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sportello.actions.group_commit import GroupCommits


class _Transactions:
    """Stands in for ``Ctx.transaction``: records which writes each transaction held."""

    def __init__(self) -> None:
        self.open = 0
        self.most_open = 0
        self.groups: list[list[str]] = []
        self.gate = asyncio.Event()

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[tuple[Any, Any]]:
        self.open += 1
        self.most_open = max(self.most_open, self.open)
        group: list[str] = []
        self.groups.append(group)
        try:
            await self.gate.wait()
            yield _NoDialect(), group
        finally:
            self.open -= 1


class _NoDialect:
    class dialect:  # as AsyncConnection spells it
        name = "test"


async def test_one_contacts_writes_stay_in_order_while_another_contact_runs_alongside() -> None:
    transactions = _Transactions()
    commits = GroupCommits(transactions, shards=2)

    def write(name: str) -> Any:
        async def work(_conn: Any, group: list[str]) -> str:
            group.append(name)
            return name

        return work

    runs = [
        asyncio.create_task(commits.run(write(f"{contact}-{n}"), contact))
        for n in range(3)
        for contact in (10, 11)
    ]
    for _ in range(5):
        await asyncio.sleep(0)
    assert transactions.most_open == 2, "contacts 10 and 11 have a committer each"
    transactions.gate.set()
    assert await asyncio.gather(*runs) == [f"{c}-{n}" for n in range(3) for c in (10, 11)]
    for contact in (10, 11):
        mine = [
            name
            for group in transactions.groups
            for name in group
            if name.startswith(f"{contact}-")
        ]
        assert mine == [f"{contact}-0", f"{contact}-1", f"{contact}-2"]
    assert all(len({name[:2] for name in group}) <= 1 for group in transactions.groups)

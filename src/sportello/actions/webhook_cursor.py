"""A webhook endpoint's delivery state: its lease, its cursor, its failures.

One process at a time delivers to an endpoint: the one whose lease (``lease_owner`` until
``lease_until``) is current, taken and renewed with guarded updates. Every write here is
guarded by the lease and the cursor the deliverer read, so a process that lost the lease
(it stalled past it) or raced an admin's replay changes nothing: the cursor moves only
forward from where it was read, after a 2xx, by the lease's holder."""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy import or_, select, update

from sportello.actions.context import Ctx
from sportello.domain.webhooks import retry_delay, should_park
from sportello.storage.tables import webhook_endpoints as hooks

LEASE_MARGIN = 10.0


def lease_seconds(ctx: Ctx) -> float:
    """Longer than one delivery can take, renewed before each."""
    return 2 * ctx.settings.webhooks_timeout_seconds + LEASE_MARGIN


def _live(ctx: Ctx) -> Any:
    return (hooks.c.enabled.is_(True), hooks.c.state == "active")


def _free(ctx: Ctx, now: float) -> Any:
    return or_(
        hooks.c.lease_owner.is_(None),
        hooks.c.lease_until < now,
        hooks.c.lease_owner == ctx.node_id,
    )


async def do_take_webhook_leases(ctx: Ctx, holding: set[int]) -> list[int]:
    """Lease every live endpoint nobody delivers to (or whose deliverer's lease ran out)
    that this process does not hold already; the ids taken."""
    now = ctx.clock.now()
    async with ctx.db.read() as conn:
        free = [
            int(i)
            for i in (
                await conn.execute(select(hooks.c.id).where(*_live(ctx), _free(ctx, now)))
            ).scalars()
            if int(i) not in holding
        ]
    if not free:
        return []
    taken = []
    async with ctx.db.write() as conn:
        for endpoint_id in free:
            result = await conn.execute(
                update(hooks)
                .where(hooks.c.id == endpoint_id, *_live(ctx), _free(ctx, now))
                .values(lease_owner=ctx.node_id, lease_until=now + lease_seconds(ctx))
            )
            if result.rowcount == 1:
                taken.append(endpoint_id)
    return taken


async def do_renew_webhook_lease(ctx: Ctx, endpoint_id: int) -> Any:
    """The endpoint's row with the lease renewed when half of it has passed; None when this
    process no longer holds it (taken, disabled, parked or removed): stop delivering."""
    now = ctx.clock.now()
    async with ctx.db.read() as conn:
        row = (await conn.execute(select(hooks).where(hooks.c.id == endpoint_id))).first()
    if row is None or row.lease_owner != ctx.node_id or not row.enabled or row.state != "active":
        return None
    if row.lease_until - now > lease_seconds(ctx) / 2:
        return row
    async with ctx.db.write() as conn:
        result = await conn.execute(
            update(hooks)
            .where(hooks.c.id == endpoint_id, hooks.c.lease_owner == ctx.node_id, *_live(ctx))
            .values(lease_until=now + lease_seconds(ctx))
        )
        if result.rowcount != 1:
            return None
        return (await conn.execute(select(hooks).where(hooks.c.id == endpoint_id))).first()


async def do_advance_webhook_cursor(
    ctx: Ctx, endpoint_id: int, read_at: int, to: int, *, delivered: bool
) -> bool:
    """Move the cursor from ``read_at`` to ``to``: past a delivered event (its receiver
    answered 2xx) or past events the endpoint does not ask for. False: the lease or the
    cursor changed meanwhile (read again)."""
    values: dict[str, Any] = {"cursor": to}
    if delivered:
        now = ctx.clock.now()
        values.update(
            attempts=0, first_failed_at=None, next_attempt_at=None, last_error="", delivered_at=now
        )
    async with ctx.db.write() as conn:
        result = await conn.execute(
            update(hooks)
            .where(
                hooks.c.id == endpoint_id,
                hooks.c.cursor == read_at,
                hooks.c.lease_owner == ctx.node_id,
            )
            .values(**values)
        )
        return bool(result.rowcount == 1)


async def do_record_webhook_failure(ctx: Ctx, endpoint_id: int, read_at: int, error: str) -> None:
    """The event after ``read_at`` was not accepted: try again after the backoff, or park the
    endpoint once it has failed for longer than ``SPORTELLO_WEBHOOKS_PARK_AFTER_SECONDS``."""
    now = ctx.clock.now()
    settings = ctx.settings
    async with ctx.db.write() as conn:
        row = (
            await conn.execute(
                select(hooks).where(
                    hooks.c.id == endpoint_id,
                    hooks.c.cursor == read_at,
                    hooks.c.lease_owner == ctx.node_id,
                    *_live(ctx),
                )
            )
        ).first()
        if row is None:
            return
        first = row.first_failed_at if row.first_failed_at is not None else now
        attempts = row.attempts + 1
        values: dict[str, Any] = {
            "attempts": attempts,
            "first_failed_at": first,
            "last_error": error[:500],
        }
        if should_park(first, now, settings.webhooks_park_after_seconds):
            values.update(state="parked", parked_at=now, next_attempt_at=None, lease_owner=None)
        else:
            delay = retry_delay(attempts, settings.webhooks_retry_seconds, random.random())
            values["next_attempt_at"] = now + delay
        await conn.execute(
            update(hooks)
            .where(hooks.c.id == endpoint_id, hooks.c.cursor == read_at)
            .values(**values)
        )


async def do_release_webhook_leases(ctx: Ctx, *, everyone: bool = False) -> None:
    """Give this process's leases up (it is stopping), or everyone's (``everyone``: a
    single process starting, which is the only deliverer there is)."""
    async with ctx.db.write() as conn:
        query = update(hooks).where(hooks.c.lease_owner.is_not(None))
        if not everyone:
            query = query.where(hooks.c.lease_owner == ctx.node_id)
        await conn.execute(query.values(lease_owner=None, lease_until=None))

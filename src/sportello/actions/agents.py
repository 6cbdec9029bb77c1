"""Agent actions: sign in/out, status (READY/PAUSED), console sessions and their media switches."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from typing import Any

from sqlalchemy import and_, delete, exists, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.actions.calls import tell_call_media
from sportello.actions.context import Ctx
from sportello.domain.model import AgentStatus, Role
from sportello.domain.principals import AgentPrincipal
from sportello.errors import (
    AccountDisabledError,
    AccountLockedError,
    InvalidCredentialsError,
    NotAuthenticatedError,
    NotFoundError,
    ValidationFailedError,
)
from sportello.queries.agents import session_view
from sportello.routing.snapshot import SESSION_STALE_SECONDS
from sportello.security.passwords import verify_password
from sportello.security.tokens import hash_token, new_session_token
from sportello.storage.tables import (
    agents,
    auth_sessions,
    console_sessions,
    contacts,
    login_failures,
)
from sportello.stream.bus import presence_changed, sessions_ended
from sportello.stream.events import EventWriter

HOLDING = ("assigned", "transferring")


def principal_from_row(row: Any) -> AgentPrincipal:
    return AgentPrincipal(
        id=row.id, login=row.login, display_name=row.display_name, role=Role(row.role)
    )


async def do_login(ctx: Ctx, login: str, password: str) -> tuple[str, AgentPrincipal]:
    """Check the password; lock the login for a while after too many failures.

    The attempt is counted before the (slow) hash check, in one write transaction, so at
    most ``login_max_failures`` passwords are evaluated per lockout window however many
    arrive at once. Unknown logins go the same way as real ones — a full argon2 check,
    attempts counted and locked in ``login_failures`` — so neither the answer, the lock nor
    the time tells whether a login exists. The hash is checked outside any transaction.
    """
    now = ctx.clock.now()
    locks = await _count_attempt(ctx, login, now)
    async with ctx.db.read() as conn:
        row = (await conn.execute(select(agents).where(agents.c.login == login))).first()
    password_hash = None if row is None else row.password_hash
    if not await asyncio.to_thread(verify_password, password_hash, password):
        if locks:
            raise _locked(ctx.settings.login_lockout_seconds)
        raise InvalidCredentialsError("wrong login or password")
    assert row is not None, "verify_password fails for an unknown login"
    if not row.enabled:  # told only to whoever knows the password
        raise AccountDisabledError("this account is disabled; ask an administrator")
    token = new_session_token()
    async with ctx.db.write() as conn:
        await conn.execute(delete(login_failures).where(login_failures.c.login == login))
        await conn.execute(
            auth_sessions.insert().values(
                token_hash=hash_token(token),
                agent_id=row.id,
                created_at=now,
                expires_at=now + ctx.settings.session_days * 86400,
            )
        )
    return token, principal_from_row(row)


def _locked(retry_after: int) -> AccountLockedError:
    return AccountLockedError("too many failed sign-ins; try again later", retry_after=retry_after)


async def _count_attempt(ctx: Ctx, login: str, now: float) -> bool:
    """Count a sign-in attempt before its password is checked; refuse it (``account_locked``)
    while the login is locked. True when this attempt is the last one allowed: it locks the
    login now, so a wrong password answers ``account_locked`` (a right one clears the lock).

    Failures count while each comes within the window of the last; a lock lasts the window
    and then the count starts again. A success deletes the row."""
    window = ctx.settings.login_lockout_seconds
    async with ctx.db.write() as conn:
        # Forget logins whose failures are stale, so guessing names cannot grow the table.
        await conn.execute(
            delete(login_failures).where(
                login_failures.c.last_failed_at < now - window,
                or_(login_failures.c.locked_until.is_(None), login_failures.c.locked_until < now),
            )
        )
        insert = _INSERT[conn.dialect.name]
        await conn.execute(
            insert({"login": login, "failures": 0, "last_failed_at": now}).on_conflict_do_nothing()
        )
        # FOR UPDATE: attempts on PostgreSQL queue here (SQLite's BEGIN IMMEDIATE already does).
        failures, locked_until = (
            await conn.execute(
                select(login_failures.c.failures, login_failures.c.locked_until)
                .where(login_failures.c.login == login)
                .with_for_update()
            )
        ).one()
        if locked_until is not None and locked_until > now:
            raise _locked(int(locked_until - now) + 1)
        if locked_until is not None:  # a lock that has passed: the count starts again
            failures = 0
        failures += 1
        locks = bool(failures >= ctx.settings.login_max_failures)
        await conn.execute(
            update(login_failures)
            .where(login_failures.c.login == login)
            .values(
                failures=failures,
                last_failed_at=now,
                locked_until=now + window if locks else None,
            )
        )
    return locks


def _insert(dialect_insert: Any) -> Callable[[dict[str, Any]], Any]:
    return lambda values: dialect_insert(login_failures).values(values)


_INSERT = {"sqlite": _insert(sqlite_insert), "postgresql": _insert(pg_insert)}


async def do_logout(ctx: Ctx, token: str) -> None:
    """End this sign-in; its console sockets close on every process."""
    token_hash = hash_token(token)
    async with ctx.db.write() as conn:
        await conn.execute(delete(auth_sessions).where(auth_sessions.c.token_hash == token_hash))
    ctx.bus.send_signal(sessions_ended(token_hash))


async def end_sign_ins(
    conn: AsyncConnection, writer: EventWriter, agent_id: int, reason: str
) -> None:
    """End every sign-in of an agent (password reset, account disabled), in the caller's
    transaction: the ``agent.signed_out`` event makes every process's hub close their
    consoles and supervision views, whichever process (or ``sportello`` command) wrote it."""
    await conn.execute(delete(auth_sessions).where(auth_sessions.c.agent_id == agent_id))
    await writer.append("agent.signed_out", {"reason": reason}, agent_id=agent_id)


async def authenticate(conn: AsyncConnection, token: str | None, now: float) -> AgentPrincipal:
    agent, _expires_at = await signed_in(conn, token, now)
    return agent


async def signed_in(
    conn: AsyncConnection, token: str | None, now: float
) -> tuple[AgentPrincipal, float]:
    """The agent of a sign-in token, and when that sign-in expires."""
    if not token:
        raise NotAuthenticatedError("sign in first")
    row = (
        await conn.execute(
            select(agents, auth_sessions.c.expires_at.label("session_expires_at"))
            .join(auth_sessions, auth_sessions.c.agent_id == agents.c.id)
            .where(
                auth_sessions.c.token_hash == hash_token(token),
                auth_sessions.c.expires_at > now,
                agents.c.enabled.is_(True),
            )
        )
    ).first()
    if row is None:
        raise NotAuthenticatedError("your session has expired; sign in again")
    return principal_from_row(row), float(row.session_expires_at)


async def do_set_status(ctx: Ctx, agent: AgentPrincipal, status: AgentStatus) -> dict[str, Any]:
    """READY or PAUSED, for all of the agent's consoles at once."""
    if status is AgentStatus.DISCONNECTED:
        raise ValidationFailedError(
            "DISCONNECTED is not chosen; it follows from closing the console"
        )
    async with ctx.transaction() as (conn, writer):
        await conn.execute(
            update(agents).where(agents.c.id == agent.id).values(status=status.value)
        )
        await writer.append("agent.status_changed", {"status": status.value}, agent_id=agent.id)
        ctx.reroute_soon()
    return {"status": status.value}


async def do_open_console_session(ctx: Ctx, agent: AgentPrincipal) -> dict[str, Any]:
    """A console (browser tab) registers; it goes live when its WebSocket connects."""
    session_id = secrets.token_hex(12)
    async with ctx.db.write() as conn:
        await conn.execute(
            console_sessions.insert().values(
                id=session_id, agent_id=agent.id, created_at=ctx.clock.now()
            )
        )
        row = (
            await conn.execute(select(console_sessions).where(console_sessions.c.id == session_id))
        ).one()
    return session_view(row)


async def _own_session(conn: AsyncConnection, agent: AgentPrincipal, session_id: str) -> Any:
    row = (
        await conn.execute(
            select(console_sessions).where(
                console_sessions.c.id == session_id, console_sessions.c.agent_id == agent.id
            )
        )
    ).first()
    if row is None:
        raise NotFoundError("unknown console session", session_id=session_id)
    return row


async def do_set_media(
    ctx: Ctx, agent: AgentPrincipal, session_id: str, switches: dict[str, bool]
) -> dict[str, Any]:
    """Switch chat/voice/video on or off for one console session only."""
    values = {f"{k}_on": v for k, v in switches.items() if k in ("chat", "voice", "video")}
    async with ctx.transaction() as (conn, writer):
        await _own_session(conn, agent, session_id)
        if values:
            await conn.execute(
                update(console_sessions).where(console_sessions.c.id == session_id).values(values)
            )
        row = await _own_session(conn, agent, session_id)
        view = session_view(row)
        await writer.append("agent.session_changed", {"session": view}, agent_id=agent.id)
        for contact_id in await _holding_contacts(conn, agent.id):
            await tell_call_media(conn, writer, contact_id)
        ctx.reroute_soon()
        return view


async def do_connect_session(ctx: Ctx, agent: AgentPrincipal, session_id: str) -> dict[str, Any]:
    """A console WebSocket opened: the session is live on this node."""
    now = ctx.clock.now()
    async with ctx.transaction() as (conn, writer):
        row = await _own_session(conn, agent, session_id)
        await conn.execute(
            update(console_sessions)
            .where(console_sessions.c.id == session_id)
            .values(
                connections=console_sessions.c.connections + 1,
                node_id=ctx.node_id,
                heartbeat_at=now,
            )
        )
        await _mark_back(conn, writer, agent.id)
        ctx.reroute_soon()
    ctx.bus.send_signal(presence_changed(agent.id))
    return session_view(row)


async def do_disconnect_session(ctx: Ctx, agent: AgentPrincipal, session_id: str) -> None:
    """A console WebSocket closed; if it was the agent's last, their visitors are told."""
    now = ctx.clock.now()
    async with ctx.transaction() as (conn, writer):
        await conn.execute(
            update(console_sessions)
            .where(console_sessions.c.id == session_id, console_sessions.c.connections > 0)
            .values(connections=console_sessions.c.connections - 1)
        )
        live = await conn.scalar(
            select(console_sessions.c.id)
            .where(console_sessions.c.agent_id == agent.id, console_sessions.c.connections > 0)
            .limit(1)
        )
        if live is None:
            await _mark_away(conn, writer, agent.id, now)
        ctx.reroute_soon()
    ctx.bus.send_signal(presence_changed(agent.id))


async def _holding_contacts(conn: AsyncConnection, agent_id: int) -> list[int]:
    rows = await conn.execute(
        select(contacts.c.id).where(contacts.c.agent_id == agent_id, contacts.c.state.in_(HOLDING))
    )
    return [int(r.id) for r in rows]


async def _mark_away(conn: AsyncConnection, writer: EventWriter, agent_id: int, now: float) -> None:
    result = await conn.execute(
        update(agents)
        .where(agents.c.id == agent_id, agents.c.away_since.is_(None))
        .values(away_since=now)
    )
    if result.rowcount != 1:
        return
    for contact_id in await _holding_contacts(conn, agent_id):
        await writer.append(
            "contact.agent_away", {}, contact_id=contact_id, agent_id=agent_id, for_visitor=True
        )


async def _mark_back(conn: AsyncConnection, writer: EventWriter, agent_id: int) -> None:
    result = await conn.execute(
        update(agents)
        .where(agents.c.id == agent_id, agents.c.away_since.is_not(None))
        .values(away_since=None)
    )
    if result.rowcount != 1:
        return
    for contact_id in await _holding_contacts(conn, agent_id):
        await writer.append(
            "contact.agent_back", {}, contact_id=contact_id, agent_id=agent_id, for_visitor=True
        )


async def do_refresh_node_sessions(ctx: Ctx) -> None:
    """Keep this node's live sessions fresh so other nodes count them as live; an agent whose
    consoles all sat on a node that stopped refreshing them (it crashed) is away from now,
    as if their last console had closed, so the disconnect grace runs for them too."""
    now = ctx.clock.now()
    async with ctx.transaction() as (conn, writer):
        await conn.execute(
            update(console_sessions)
            .where(console_sessions.c.node_id == ctx.node_id, console_sessions.c.connections > 0)
            .values(heartbeat_at=now)
        )
        counted = and_(
            console_sessions.c.agent_id == agents.c.id, console_sessions.c.connections > 0
        )
        stranded = await conn.execute(
            select(agents.c.id).where(
                agents.c.away_since.is_(None),
                exists().where(counted),
                ~exists().where(
                    counted, console_sessions.c.heartbeat_at >= now - SESSION_STALE_SECONDS
                ),
            )
        )
        away = [int(agent_id) for (agent_id,) in stranded.all()]
        for agent_id in away:
            await _mark_away(conn, writer, agent_id, now)
    for agent_id in away:
        ctx.bus.send_signal(presence_changed(agent_id))


async def do_reset_sessions(ctx: Ctx) -> None:
    """Single-process start: no session can be live yet, whatever the last run left. The
    time the server was down is nobody's absence: every agent holding contacts is away from
    now, so the disconnect grace starts when the server is back (a shutdown closed their
    consoles, a crash left them open; either way their consoles reconnect)."""
    now = ctx.clock.now()
    async with ctx.transaction() as (conn, writer):
        rows = await conn.execute(
            select(console_sessions.c.agent_id).where(console_sessions.c.connections > 0).distinct()
        )
        agent_ids = {int(r.agent_id) for r in rows}
        await conn.execute(update(console_sessions).values(connections=0))
        holders = await conn.execute(
            select(contacts.c.agent_id)
            .where(contacts.c.state.in_(HOLDING), contacts.c.agent_id.is_not(None))
            .distinct()
        )
        holding = {int(r.agent_id) for r in holders}
        if holding:
            await conn.execute(
                update(agents)
                .where(agents.c.id.in_(sorted(holding)), agents.c.away_since.is_not(None))
                .values(away_since=now)
            )
        for agent_id in sorted(agent_ids | holding):
            await _mark_away(conn, writer, agent_id, now)

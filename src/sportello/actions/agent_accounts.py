"""Admin actions on agent accounts: create, change, disable/enable, reset the password."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from sportello.actions.agents import end_sign_ins
from sportello.actions.audit import record_change
from sportello.actions.context import Ctx
from sportello.actions.requeue import hand_back
from sportello.actions.tags import check_tag_names, ensure_tags
from sportello.actions.transfers import return_transfers_to
from sportello.domain.model import Role
from sportello.domain.principals import AgentPrincipal
from sportello.errors import (
    ConflictError,
    DuplicateError,
    NotFoundError,
    OwnAccountError,
    field_error,
)
from sportello.security.passwords import hash_password
from sportello.storage.tables import agents
from sportello.stream.bus import account_changed

LANGUAGE = re.compile(r"^[a-z]{2}$")
# The languages the console, admin, supervision and reports pages are written in.
UI_LANGUAGES = ("en", "it")
EDITABLE = (
    "display_name",
    "nickname",
    "avatar_url",
    "languages",
    "tags",
    "chat_limit",
    "voice_allowed",
    "video_allowed",
    "role",
    "enabled",
    "ui_language",
)
MIN_PASSWORD = 8


def account_view(row: Any) -> dict[str, Any]:
    """The editable settings of an account (what the audit compares)."""
    return {
        "display_name": row.display_name,
        "nickname": row.nickname,
        "avatar_url": row.avatar_url,
        "languages": list(row.languages),
        "tags": list(row.tags),
        "chat_limit": row.chat_limit,
        "voice_allowed": bool(row.voice_allowed),
        "video_allowed": bool(row.video_allowed),
        "role": row.role,
        "enabled": bool(row.enabled),
        "ui_language": row.ui_language,
    }


def checked_account(values: dict[str, Any]) -> dict[str, Any]:
    """The settings as stored, or ``invalid_input`` naming the first wrong field."""
    values = dict(values)
    if not str(values["display_name"]).strip():
        raise field_error("display_name", "an agent needs a name")
    values["nickname"] = values["nickname"] or values["display_name"].split(" ")[0]
    languages = list(dict.fromkeys(values["languages"]))
    if not languages or not all(LANGUAGE.match(code) for code in languages):
        raise field_error("languages", "one or more two-letter language codes, e.g. 'en'")
    values["languages"] = languages
    values["tags"] = check_tag_names(list(values["tags"]))
    if not 1 <= values["chat_limit"] <= 20:
        raise field_error("chat_limit", "between 1 and 20 chats at once")
    values["role"] = Role(values["role"]).value
    if values["ui_language"] not in ("", *UI_LANGUAGES):
        raise field_error("ui_language", "'' (the browser's language) or one of: en, it")
    return values


def _check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise field_error("password", f"at least {MIN_PASSWORD} characters")
    return hash_password(password)


async def do_create_agent(
    ctx: Ctx,
    *,
    login: str,
    password: str,
    display_name: str,
    nickname: str = "",
    avatar_url: str = "",
    languages: list[str] | None = None,
    tags_: list[str] | None = None,
    chat_limit: int = 4,
    voice_allowed: bool = True,
    video_allowed: bool = True,
    role: Role = Role.AGENT,
    ui_language: str = "",
    actor: AgentPrincipal | None = None,
) -> dict[str, Any]:
    if not login.strip():
        raise field_error("login", "an agent needs a login")
    values = checked_account(
        {
            "display_name": display_name,
            "nickname": nickname,
            "avatar_url": avatar_url,
            "languages": languages or ["en"],
            "tags": tags_ or [],
            "chat_limit": chat_limit,
            "voice_allowed": voice_allowed,
            "video_allowed": video_allowed,
            "role": role,
            "enabled": True,
            "ui_language": ui_language,
        }
    )
    password_hash = _check_password(password)
    try:
        async with ctx.transaction() as (conn, _writer):
            await ensure_tags(conn, values["tags"])
            result = await conn.execute(
                agents.insert()
                .values(login=login, **values, password_hash=password_hash)
                .returning(agents.c.id)
            )
            agent_id = int(result.scalar_one())
            await record_change(
                conn,
                actor=actor,
                at=ctx.clock.now(),
                action="agent.created",
                target_kind="agent",
                target_id=agent_id,
                target_name=login,
                before=None,
                after={"login": login, **values},
            )
    except IntegrityError as exc:
        raise DuplicateError(
            f"an agent with login {login!r} exists already",
            problems=[
                {"field": "login", "code": "duplicate", "message": "another agent has this login"}
            ],
        ) from exc
    ctx.reroute_soon()
    return {"id": agent_id, "login": login, **values}


async def do_update_agent(
    ctx: Ctx, agent_id: int, changes: dict[str, Any], *, actor: AgentPrincipal | None = None
) -> dict[str, Any]:
    """Change an account. Disabling it means now: the contacts it holds go back to the queue
    (``agent_disabled``, live calls ended), transfers addressed to it go back to their
    senders, and its sign-ins end (its consoles close), in the change's transaction; tags,
    limits and media rights apply to the next routing pass."""
    if actor is not None and actor.id == agent_id:
        if changes.get("enabled") is False:
            raise OwnAccountError("you cannot disable your own account")
        if "role" in changes and Role(changes["role"]) is not actor.role:
            raise OwnAccountError("you cannot change your own role")
    now = ctx.clock.now()
    async with ctx.transaction() as (conn, writer):
        row = (await conn.execute(select(agents).where(agents.c.id == agent_id))).first()
        if row is None:
            raise NotFoundError(f"agent {agent_id} does not exist", agent_id=agent_id)
        before = account_view(row)
        after = checked_account({**before, **changes})
        await ensure_tags(conn, after["tags"])
        result = await conn.execute(
            update(agents)
            .where(agents.c.id == agent_id, agents.c.enabled.is_(before["enabled"]))
            .values(after)
        )
        if result.rowcount != 1:
            raise ConflictError("the account changed meanwhile; try again", agent_id=agent_id)
        await record_change(
            conn,
            actor=actor,
            at=now,
            action="agent.changed",
            target_kind="agent",
            target_id=agent_id,
            target_name=row.login,
            before=before,
            after=after,
        )
        handed_back = []
        if before["enabled"] and not after["enabled"]:
            handed_back = await hand_back(conn, writer, agent_id, now, "agent_disabled")
            await return_transfers_to(conn, writer, agent_id, now)
            await end_sign_ins(conn, writer, agent_id, "account_disabled")
    ctx.bus.send_signal(account_changed(agent_id))
    ctx.reroute_soon()
    return {"id": agent_id, "login": row.login, **after, "handed_back": handed_back}


async def do_set_ui_language(ctx: Ctx, agent: AgentPrincipal, ui_language: str) -> dict[str, Any]:
    """The agent's own console language ("" = the browser's): an account change like an
    admin's, audited with the agent as the actor."""
    return await do_update_agent(ctx, agent.id, {"ui_language": ui_language}, actor=agent)


async def do_reset_password(
    ctx: Ctx, agent_id: int, password: str, *, actor: AgentPrincipal | None = None
) -> None:
    """A new password; every sign-in of the account ends (the hash is never audited)."""
    password_hash = _check_password(password)
    async with ctx.transaction() as (conn, writer):
        login = await conn.scalar(select(agents.c.login).where(agents.c.id == agent_id))
        if login is None:
            raise NotFoundError(f"agent {agent_id} does not exist", agent_id=agent_id)
        await conn.execute(
            update(agents).where(agents.c.id == agent_id).values(password_hash=password_hash)
        )
        await record_change(
            conn,
            actor=actor,
            at=ctx.clock.now(),
            action="agent.password_reset",
            target_kind="agent",
            target_id=agent_id,
            target_name=login,
            before=None,
            after={"password": "reset"},
        )
        await end_sign_ins(conn, writer, agent_id, "password_reset")

"""Admin actions: tags, services and agents."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from sportello.actions.context import Ctx
from sportello.domain.model import Medium, Role
from sportello.domain.redirects import origin_of
from sportello.errors import DuplicateError, NotFoundError, ValidationFailedError
from sportello.queries.services import service_view
from sportello.security.passwords import hash_password
from sportello.storage.tables import agents, services, tags


async def ensure_tags(conn: Any, names: list[str]) -> None:
    existing = set((await conn.execute(select(tags.c.name))).scalars())
    for name in names:
        if name not in existing:
            await conn.execute(tags.insert().values(name=name))
            existing.add(name)


async def do_create_service(
    ctx: Ctx,
    *,
    name: str,
    language: str = "en",
    tags_: list[str] | None = None,
    dissuasion_seconds: int = 30,
    media: list[str] | None = None,
    priority: int = 15,
    sites: list[str] | None = None,
    dissuasion_message: str = "",
) -> dict[str, Any]:
    if not 5 <= dissuasion_seconds <= 3600:
        raise ValidationFailedError("dissuasion time must be between 5 and 3600 seconds")
    if not 1 <= priority <= 30:
        raise ValidationFailedError("priority must be between 1 (highest) and 30")
    media = media or [Medium.CHAT.value]
    for medium in media:
        Medium(medium)
    tag_names = sorted(set(tags_ or []))
    values: dict[str, Any] = {
        "name": name,
        "language": language,
        "tags": tag_names,
        "dissuasion_seconds": dissuasion_seconds,
        "media": media,
        "priority": priority,
        "sites": sites or [],
        "dissuasion_message": dissuasion_message
        or "Sorry, all our agents are busy right now. Please leave us a message.",
    }
    try:
        async with ctx.transaction() as (conn, _writer):
            await ensure_tags(conn, tag_names)
            result = await conn.execute(services.insert().values(**values).returning(services.c.id))
            values["id"] = int(result.scalar_one())
    except IntegrityError as exc:
        raise DuplicateError(f"a service named {name!r} exists already") from exc
    return values


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
) -> dict[str, Any]:
    if not 1 <= chat_limit <= 20:
        raise ValidationFailedError("chat limit must be between 1 and 20")
    if len(password) < 8:
        raise ValidationFailedError("a password needs at least 8 characters")
    tag_names = sorted(set(tags_ or []))
    values: dict[str, Any] = {
        "login": login,
        "display_name": display_name,
        "nickname": nickname or display_name.split(" ")[0],
        "avatar_url": avatar_url,
        "languages": languages or ["en"],
        "tags": tag_names,
        "chat_limit": chat_limit,
        "voice_allowed": voice_allowed,
        "video_allowed": video_allowed,
        "role": role.value,
    }
    try:
        async with ctx.db.write() as conn:
            await ensure_tags(conn, tag_names)
            result = await conn.execute(
                agents.insert()
                .values(**values, password_hash=hash_password(password))
                .returning(agents.c.id)
            )
            values["id"] = int(result.scalar_one())
    except IntegrityError as exc:
        raise DuplicateError(f"an agent with login {login!r} exists already") from exc
    ctx.reroute_soon()
    return values


async def do_update_service(ctx: Ctx, service_id: int, changes: dict[str, Any]) -> dict[str, Any]:
    """Change some of a service's settings (the data-sharing channel's, for now)."""
    async with ctx.transaction() as (conn, _writer):
        row = (await conn.execute(select(services).where(services.c.id == service_id))).first()
        if row is None:
            raise NotFoundError(f"service {service_id} does not exist", service_id=service_id)
        for link in changes.get("saved_links") or []:
            if origin_of(link["url"]) is None:
                raise ValidationFailedError(f"saved link {link['title']!r}: not an http(s) address")
        if changes:
            await conn.execute(update(services).where(services.c.id == service_id).values(changes))
        row = (await conn.execute(select(services).where(services.c.id == service_id))).one()
        return service_view(row)

"""Admin actions on services: create and change, each change audited and re-routed."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from sportello.actions.audit import record_change
from sportello.actions.context import Ctx
from sportello.actions.tags import check_tag_names, ensure_tags
from sportello.domain.identity import new_secret
from sportello.domain.invitations import check_rules
from sportello.domain.model import Medium
from sportello.domain.opening_hours import (
    HoursError,
    holiday_dates,
    normal_lines,
    parse_week,
    zone,
)
from sportello.domain.origins import origin_of, site_of
from sportello.domain.prechat import check_form
from sportello.domain.principals import AgentPrincipal
from sportello.errors import DuplicateError, NotFoundError, ValidationFailedError, field_error
from sportello.queries.services import service_view
from sportello.routing.busy_queue import (
    DEFAULT_MAX_LENGTH,
    DEFAULT_MAX_WAIT,
    MAX_LENGTH_RANGE,
    MAX_WAIT_RANGE,
    WhenBusy,
)
from sportello.storage.tables import services

LANGUAGE = re.compile(r"^[a-z]{2}$")
EDITABLE = (
    "name",
    "language",
    "tags",
    "dissuasion_seconds",
    "media",
    "priority",
    "sites",
    "dissuasion_message",
    "enabled",
    "immediate_redirect",
    "saved_links",
    "leave_message",
    "translation_glossary",
    "transcript_auto",
    "retention_days",
    "prechat_fields",
    "privacy_url",
    "invitations",
    "typing_preview",
    "when_busy",
    "queue_max_wait_seconds",
    "queue_max_length",
    "opening_hours",
    "time_zone",
    "holidays",
    "when_closed",
)
WHEN_CLOSED = ("leave_message", "hide")
RETENTION_DAYS = 3650
GLOSSARY_TERMS = 200


def checked_service(values: dict[str, Any]) -> dict[str, Any]:
    """The settings as stored, or ``invalid_input`` naming the first wrong field."""
    values = dict(values)
    if not str(values["name"]).strip():
        raise field_error("name", "a service needs a name")
    if not LANGUAGE.match(values["language"]):
        raise field_error("language", "a two-letter language code (ISO 639-1), e.g. 'en'")
    values["tags"] = check_tag_names(list(values["tags"]))
    if not 5 <= values["dissuasion_seconds"] <= 3600:
        raise field_error("dissuasion_seconds", "between 5 and 3600 seconds")
    if not 1 <= values["priority"] <= 30:
        raise field_error("priority", "between 1 (highest) and 30")
    media = list(dict.fromkeys(values["media"]))
    if not media:
        raise field_error("media", "offer at least one medium")
    for medium in media:
        if medium not in Medium.__members__.values():
            raise field_error("media", f"{medium!r} is not chat, voice or video")
    values["media"] = media
    sites = []
    for site in values["sites"]:
        origin = site_of(site)
        if origin is None:
            raise field_error("sites", f"{site!r} is not a site origin like https://shop.example")
        sites.append(origin)
    values["sites"] = list(dict.fromkeys(sites))
    for link in values["saved_links"]:
        if origin_of(link["url"]) is None:
            raise field_error("saved_links", f"{link['title']!r}: not an http(s) address")
    if values["when_busy"] not in WhenBusy.__members__.values():
        raise field_error("when_busy", "reject or queue")
    low, high = MAX_WAIT_RANGE
    if not low <= values["queue_max_wait_seconds"] <= high:
        raise field_error("queue_max_wait_seconds", f"between {low} and {high} seconds")
    low, high = MAX_LENGTH_RANGE
    if not low <= values["queue_max_length"] <= high:
        raise field_error("queue_max_length", f"between {low} and {high} requests")
    values["opening_hours"] = normal_lines(values["opening_hours"])
    values["holidays"] = sorted(set(values["holidays"]))
    try:
        parse_week(values["opening_hours"])
    except HoursError as exc:
        raise field_error("opening_hours", str(exc)) from exc
    try:
        zone(values["time_zone"])
    except HoursError as exc:
        raise field_error("time_zone", str(exc)) from exc
    try:
        holiday_dates(values["holidays"])
    except HoursError as exc:
        raise field_error("holidays", str(exc)) from exc
    if values["when_closed"] not in WHEN_CLOSED:
        raise field_error("when_closed", "leave_message or hide")
    terms = [" ".join(str(term).split()) for term in values["translation_glossary"]]
    if any(not term for term in terms):
        raise field_error("translation_glossary", "a protected term needs some text")
    values["translation_glossary"] = list(dict.fromkeys(terms))[:GLOSSARY_TERMS]
    if not 0 <= values["retention_days"] <= RETENTION_DAYS:
        raise field_error("retention_days", f"0 (keep) to {RETENTION_DAYS} days")
    privacy_url = str(values["privacy_url"]).strip()
    if privacy_url and origin_of(privacy_url) is None:
        raise field_error("privacy_url", "the privacy policy's http(s) address")
    values["privacy_url"] = privacy_url
    form, problems = check_form(list(values["prechat_fields"]), bool(privacy_url))
    if problems:
        first = problems[0]
        raise ValidationFailedError(f"{first['field']}: {first['message']}", problems=problems)
    values["prechat_fields"] = form
    rules, problems = check_rules(list(values["invitations"]))
    if problems:
        first = problems[0]
        raise ValidationFailedError(f"{first['field']}: {first['message']}", problems=problems)
    values["invitations"] = rules
    return values


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
    enabled: bool = True,
    immediate_redirect: bool = True,
    saved_links: list[dict[str, str]] | None = None,
    leave_message: bool = True,
    translation_glossary: list[str] | None = None,
    transcript_auto: bool = False,
    retention_days: int = 0,
    prechat_fields: list[dict[str, Any]] | None = None,
    privacy_url: str = "",
    invitations: list[dict[str, Any]] | None = None,
    typing_preview: bool = False,
    when_busy: str = WhenBusy.REJECT.value,
    queue_max_wait_seconds: int = DEFAULT_MAX_WAIT,
    queue_max_length: int = DEFAULT_MAX_LENGTH,
    opening_hours: list[str] | None = None,
    time_zone: str = "UTC",
    holidays: list[str] | None = None,
    when_closed: str = "leave_message",
    actor: AgentPrincipal | None = None,
) -> dict[str, Any]:
    """Offered in the widget from the next page load on (the widget asks for the list)."""
    values = checked_service(
        {
            "name": name,
            "language": language,
            "tags": tags_ or [],
            "dissuasion_seconds": dissuasion_seconds,
            "media": media or [Medium.CHAT.value],
            "priority": priority,
            "sites": sites or [],
            "dissuasion_message": dissuasion_message,
            "enabled": enabled,
            "immediate_redirect": immediate_redirect,
            "saved_links": saved_links or [],
            "leave_message": leave_message,
            "translation_glossary": translation_glossary or [],
            "transcript_auto": transcript_auto,
            "retention_days": retention_days,
            "prechat_fields": prechat_fields or [],
            "privacy_url": privacy_url,
            "invitations": invitations or [],
            "typing_preview": typing_preview,
            "when_busy": when_busy,
            "queue_max_wait_seconds": queue_max_wait_seconds,
            "queue_max_length": queue_max_length,
            "opening_hours": opening_hours or [],
            "time_zone": time_zone,
            "holidays": holidays or [],
            "when_closed": when_closed,
        }
    )
    try:
        async with ctx.transaction() as (conn, _writer):
            await ensure_tags(conn, values["tags"])
            result = await conn.execute(services.insert().values(**values).returning(services.c.id))
            service_id = int(result.scalar_one())
            await record_change(
                conn,
                actor=actor,
                at=ctx.clock.now(),
                action="service.created",
                target_kind="service",
                target_id=service_id,
                target_name=name,
                before=None,
                after=values,
            )
    except IntegrityError as exc:
        raise _duplicate(name) from exc
    ctx.reroute_soon()
    return {"id": service_id, **values}


def _duplicate(name: str) -> DuplicateError:
    return DuplicateError(
        f"a service named {name!r} exists already",
        problems=[
            {"field": "name", "code": "duplicate", "message": "another service has this name"}
        ],
    )


async def do_update_service(
    ctx: Ctx, service_id: int, changes: dict[str, Any], *, actor: AgentPrincipal | None = None
) -> dict[str, Any]:
    """Change some settings; pending requests are re-planned against the new tags and media."""
    try:
        async with ctx.transaction() as (conn, _writer):
            row = (await conn.execute(select(services).where(services.c.id == service_id))).first()
            if row is None:
                raise NotFoundError(f"service {service_id} does not exist", service_id=service_id)
            before = {k: v for k, v in service_view(row).items() if k in EDITABLE}
            after = checked_service({**before, **changes})
            await ensure_tags(conn, after["tags"])
            await conn.execute(update(services).where(services.c.id == service_id).values(after))
            await record_change(
                conn,
                actor=actor,
                at=ctx.clock.now(),
                action="service.changed",
                target_kind="service",
                target_id=service_id,
                target_name=after["name"],
                before=before,
                after=after,
            )
    except IntegrityError as exc:
        raise _duplicate(str(changes.get("name"))) from exc
    ctx.reroute_soon()
    return {"id": service_id, **after}


def _fingerprint(secret: str | None) -> str | None:
    """What the audit keeps of a secret: enough to tell two apart, nothing to sign with."""
    if secret is None:
        return None
    return "sha256:" + hashlib.sha256(secret.encode()).hexdigest()[:12]


async def do_set_identity_secret(
    ctx: Ctx, service_id: int, *, enabled: bool, actor: AgentPrincipal | None = None
) -> str | None:
    """A new identity secret (the old one stops verifying at once), or none (verified
    identity off). Returns the secret, which only the admin pages ever show."""
    secret = new_secret() if enabled else None
    async with ctx.transaction() as (conn, _writer):
        row = (await conn.execute(select(services).where(services.c.id == service_id))).first()
        if row is None:
            raise NotFoundError(f"service {service_id} does not exist", service_id=service_id)
        await conn.execute(
            update(services).where(services.c.id == service_id).values(identity_secret=secret)
        )
        await record_change(
            conn,
            actor=actor,
            at=ctx.clock.now(),
            action="service.changed",
            target_kind="service",
            target_id=service_id,
            target_name=row.name,
            before={"identity_secret": _fingerprint(row.identity_secret)},
            after={"identity_secret": _fingerprint(secret)},
        )
    return secret

"""Files in a contact: a received upload is checked, stored, and becomes a message with the
file's card attached (event ``message.created``), in one transaction."""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert

from sportello.actions.context import Ctx
from sportello.actions.messages import check_may_write, earlier_send, insert_message, sender_of
from sportello.domain.file_names import clean_file_name
from sportello.domain.principals import AgentPrincipal, Principal
from sportello.errors import FileTypeRefusedError, UploadBudgetError
from sportello.files.receive import Received, size_in_words
from sportello.files.sniffing import IMAGE_TYPES, is_refused, sniff_type
from sportello.files.storage import FileStore
from sportello.files.thumbnails import make_thumbnail
from sportello.queries.contacts import check_read, fetch_contact_row
from sportello.queries.files import visitor_bytes
from sportello.storage.tables import files


@dataclass(frozen=True)
class UploadInfo:
    name: str
    description: str
    client_id: str | None


class _AlreadyStored(Exception):
    """A concurrent retry stored this client id first: roll back and answer with its file."""


def file_card(row: dict[str, Any]) -> dict[str, Any]:
    """What clients see of a file (also kept on its message)."""
    return {
        "id": row["public_id"],
        "name": row["name"],
        "description": row["description"],
        "content_type": row["content_type"],
        "size": row["size"],
        "width": row["width"],
        "height": row["height"],
        "thumbnail": row["thumb_key"] is not None,
    }


def over_budget(budget: int, used: int) -> UploadBudgetError:
    return UploadBudgetError(
        f"you can send at most {size_in_words(budget)} of files in one conversation",
        limit=budget,
        limit_text=size_in_words(budget),
        used=used,
    )


async def visitor_room(ctx: Ctx, principal: Principal, contact_id: int) -> int | None:
    """Bytes the visitor may still upload in this contact (``upload_visitor_bytes``, so one
    visitor cannot fill the disk); None for agents, or with no budget. Refuses when full."""
    budget = ctx.settings.upload_visitor_bytes
    if not budget or isinstance(principal, AgentPrincipal):
        return None
    async with ctx.db.read() as conn:
        used = await visitor_bytes(conn, contact_id)
    if used >= budget:
        raise over_budget(budget, used)
    return budget - used


async def do_attach_file(
    ctx: Ctx,
    store: FileStore,
    principal: Principal,
    contact_id: int,
    received: Received,
    info: UploadInfo,
) -> tuple[dict[str, Any], bool]:
    """Store a received upload and post it in the transcript. A retry with the same client id
    answers with the first upload's message (created=False) and keeps nothing of its own."""
    kept: list[str] = []
    try:
        content_type = sniff_type(received.head)
        if is_refused(content_type, ctx.settings.upload_denied_types):
            raise FileTypeRefusedError(
                f"files of this type ({content_type}) cannot be sent", content_type=content_type
            )
        width = height = None
        thumb_key = None
        if content_type in IMAGE_TYPES:
            staged = store.staging_path()
            thumb = await asyncio.to_thread(make_thumbnail, received.path, staged)
            width, height = thumb.width, thumb.height
            thumb_key = store.keep(staged, ".png")
            kept.append(thumb_key)
        storage_key = store.keep(received.path)
        kept.append(storage_key)
        row = {
            "public_id": secrets.token_urlsafe(24),
            "contact_id": contact_id,
            "sender": sender_of(principal).value,
            "agent_id": principal.id if isinstance(principal, AgentPrincipal) else None,
            "name": clean_file_name(info.name),
            "description": info.description,
            "content_type": content_type,
            "size": received.size,
            "sha256": received.sha256,
            "width": width,
            "height": height,
            "storage_key": storage_key,
            "thumb_key": thumb_key,
            "created_at": ctx.clock.now(),
        }
        try:
            return await _post(ctx, principal, row, info), True
        except _AlreadyStored:
            earlier = await find_earlier_upload(ctx, principal, contact_id, info.client_id)
            assert earlier is not None, "the unique index refused the message, so it exists"
            for key in kept:
                store.delete(key)
            return earlier, False
    except BaseException:
        received.path.unlink(missing_ok=True)
        for key in kept:
            store.delete(key)
        raise


async def _post(
    ctx: Ctx, principal: Principal, row: dict[str, Any], info: UploadInfo
) -> dict[str, Any]:
    async with ctx.transaction() as (conn, writer):
        contact = await fetch_contact_row(conn, row["contact_id"], lock=True)
        check_may_write(principal, contact)
        budget = ctx.settings.upload_visitor_bytes
        if budget and not isinstance(principal, AgentPrincipal):
            # again under the contact's lock: concurrent uploads each saw room for themselves
            used = await visitor_bytes(conn, row["contact_id"])
            if used + row["size"] > budget:
                raise over_budget(budget, used)
        await conn.execute(insert(files).values(row))
        message = await insert_message(
            conn,
            writer,
            contact,
            sender_of(principal),
            row["agent_id"],
            info.description,
            info.client_id,
            row["created_at"],
            attachment=file_card(row),
        )
        if message is None:
            raise _AlreadyStored
        return message


async def find_earlier_upload(
    ctx: Ctx, principal: Principal, contact_id: int, client_id: str | None
) -> dict[str, Any] | None:
    """The message of an upload already stored under this client id (a retry), if any."""
    if client_id is None:
        return None
    async with ctx.db.read() as conn:
        await check_read(conn, principal, await fetch_contact_row(conn, contact_id))
        return await earlier_send(conn, contact_id, sender_of(principal), client_id)

"""A canned reply's saved file: uploaded with the reply (admins for a service's replies, each
agent for their own), kept in the file store, and sent as a normal file message — a copy,
owned by the contact like any upload — when an agent inserts the reply in a contact."""

from __future__ import annotations

import asyncio
import shutil
from typing import Any

from sqlalchemy import select, update

from sportello.actions.canned_replies import audit_reply, check_available, owned_reply
from sportello.actions.context import Ctx
from sportello.actions.files import UploadInfo, do_attach_file
from sportello.domain.file_names import clean_file_name
from sportello.domain.principals import AgentPrincipal
from sportello.errors import FileTypeRefusedError, field_error
from sportello.files.receive import HEAD_BYTES, Received
from sportello.files.sniffing import is_refused, sniff_type
from sportello.files.storage import FileStore
from sportello.queries.canned_replies import reply_file_card, reply_view
from sportello.queries.contacts import fetch_contact_row
from sportello.storage.tables import canned_replies


async def do_set_reply_file(
    ctx: Ctx,
    store: FileStore,
    actor: AgentPrincipal,
    reply_id: int,
    received: Received,
    name: str,
    *,
    personal: bool,
) -> dict[str, Any]:
    """Keep ``received`` as the reply's file (replacing any earlier one); the reply as read."""
    kept: str | None = None
    try:
        content_type = sniff_type(received.head)
        if is_refused(content_type, ctx.settings.upload_denied_types):
            raise FileTypeRefusedError(
                f"files of this type ({content_type}) cannot be sent", content_type=content_type
            )
        kept = store.keep(received.path)
        card = {
            "name": clean_file_name(name),
            "content_type": content_type,
            "size": received.size,
            "sha256": received.sha256,
            "storage_key": kept,
        }
        async with ctx.transaction() as (conn, _writer):
            row = await owned_reply(conn, actor, reply_id, personal)
            await conn.execute(
                update(canned_replies).where(canned_replies.c.id == reply_id).values(file=card)
            )
            if not personal:
                before = {"shortcut": row.shortcut, "file": reply_file_card(row.file)}
                after = {"shortcut": row.shortcut, "file": reply_file_card(card)}
                await audit_reply(ctx, conn, actor, "canned_reply.changed", reply_id, before, after)
    except BaseException:
        received.path.unlink(missing_ok=True)
        if kept is not None:
            store.delete(kept)
        raise
    if row.file:
        store.delete(row.file["storage_key"])
    return {**reply_view(row), "file": reply_file_card(card)}


async def do_clear_reply_file(
    ctx: Ctx, store: FileStore, actor: AgentPrincipal, reply_id: int, *, personal: bool
) -> dict[str, Any]:
    """The reply without a file (one that has none already stays as it is)."""
    async with ctx.transaction() as (conn, _writer):
        row = await owned_reply(conn, actor, reply_id, personal)
        if not row.file:
            return {**reply_view(row), "file": None}
        await conn.execute(
            update(canned_replies).where(canned_replies.c.id == reply_id).values(file=None)
        )
        if not personal:
            before = {"shortcut": row.shortcut, "file": reply_file_card(row.file)}
            after = {"shortcut": row.shortcut, "file": None}
            await audit_reply(ctx, conn, actor, "canned_reply.changed", reply_id, before, after)
    store.delete(row.file["storage_key"])
    return {**reply_view(row), "file": None}


def forget_reply_file(store: FileStore, stored: Any) -> None:
    """A deleted reply's file goes from the store too."""
    if stored:
        store.delete(stored["storage_key"])


async def do_send_reply_file(
    ctx: Ctx,
    store: FileStore,
    agent: AgentPrincipal,
    contact_id: int,
    reply_id: int,
    client_id: str | None,
) -> tuple[dict[str, Any], bool]:
    """Send the reply's file in a contact the agent holds: a copy goes through the same path
    as an upload (type check, thumbnail, the client id making a retry one message)."""
    async with ctx.db.read() as conn:
        contact = await fetch_contact_row(conn, contact_id)
        await check_available(conn, reply_id, contact, agent.id)
        stored = await conn.scalar(
            select(canned_replies.c.file).where(canned_replies.c.id == reply_id)
        )
    if not stored:
        raise field_error("reply_id", "this canned reply has no file")
    staged = store.staging_path()
    await asyncio.to_thread(shutil.copyfile, store.path(stored["storage_key"]), staged)
    head = await asyncio.to_thread(_head, staged)
    received = Received(path=staged, size=int(stored["size"]), sha256=stored["sha256"], head=head)
    info = UploadInfo(name=stored["name"], description="", client_id=client_id)
    return await do_attach_file(ctx, store, agent, contact_id, received, info)


def _head(path: Any) -> bytes:
    with open(path, "rb") as f:
        return f.read(HEAD_BYTES)

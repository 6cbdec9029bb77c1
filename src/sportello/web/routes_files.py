"""Uploading and downloading files, for agents (session) and visitors (visitor token).

The body of an upload is the file itself (any content type; the type is sniffed), streamed
to disk under the size limit; name, description and the client id come in the query."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from starlette.datastructures import Headers

from sportello.actions.context import Ctx
from sportello.actions.files import (
    UploadInfo,
    do_attach_file,
    find_earlier_upload,
    over_budget,
    visitor_room,
)
from sportello.actions.messages import check_may_write
from sportello.domain.principals import Principal
from sportello.errors import FileTooLargeError, NotFoundError
from sportello.files.receive import receive_to_file
from sportello.files.storage import FileStore
from sportello.queries.contacts import access_contact
from sportello.queries.files import files_of_contact, readable_file
from sportello.web.deps import AgentDep, CtxDep, VisitorDep, client_ip
from sportello.web.downloads import FileDownload
from sportello.web.params import ContactId, FileId, StorableQuery

router = APIRouter(tags=["files"])

Name = Annotated[
    str, Query(min_length=1, max_length=255, description="the file's name"), StorableQuery
]
UNNAMED = "file"
Description = Annotated[str, Query(max_length=1000), StorableQuery]
ClientId = Annotated[str | None, Query(pattern=r"^[A-Za-z0-9_.:-]{1,64}$")]

SERVED_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cache-Control": "private, max-age=3600",
    "Cross-Origin-Resource-Policy": "cross-origin",
}
"""Every file response: never sniffed, never scripted, never framed with our origin's rights."""


def file_store(request: Request) -> FileStore:
    store: FileStore = request.app.state.files
    return store


def declared_length(headers: Headers) -> int | None:
    value = headers.get("content-length", "")
    return int(value) if value.isascii() and value.isdigit() else None


async def _upload(
    request: Request,
    response: Response,
    ctx: Ctx,
    principal: Principal,
    contact_id: int,
    info: UploadInfo,
) -> dict[str, Any]:
    async with ctx.db.read() as conn:  # refuse before reading a byte of the body
        check_may_write(principal, await access_contact(conn, principal, contact_id))
    earlier = await find_earlier_upload(ctx, principal, contact_id, info.client_id)
    if earlier is not None:
        response.status_code = 200
        return earlier
    store = file_store(request)
    most = ctx.settings.upload_max_bytes
    room = await visitor_room(ctx, principal, contact_id)
    declared = declared_length(request.headers)
    try:
        received = await receive_to_file(
            request.stream(),
            store.staging_path(),
            most if room is None else min(most, room),
            declared,
        )
    except FileTooLargeError:
        if room is None or room >= most or (declared or 0) > most:
            raise  # over the per-file limit, whatever the budget
        budget = ctx.settings.upload_visitor_bytes
        raise over_budget(budget, budget - room) from None
    message, created = await do_attach_file(ctx, store, principal, contact_id, received, info)
    if not created:
        response.status_code = 200
    return message


@router.post("/api/contacts/{contact_id}/files", status_code=201)
async def agent_upload(
    contact_id: ContactId,
    request: Request,
    response: Response,
    agent: AgentDep,
    ctx: CtxDep,
    name: Name = UNNAMED,
    description: Description = "",
    client_id: ClientId = None,
) -> dict[str, Any]:
    """Send a file in a contact you hold; the answer is the message carrying it."""
    info = UploadInfo(name=name, description=description, client_id=client_id)
    return await _upload(request, response, ctx, agent, contact_id, info)


@router.post("/api/visitor/contact/files", status_code=201)
async def visitor_upload(
    request: Request,
    response: Response,
    visitor: VisitorDep,
    ctx: CtxDep,
    name: Name = UNNAMED,
    description: Description = "",
    client_id: ClientId = None,
) -> dict[str, Any]:
    """The visitor sends a file in their contact: a message, under the message rate limits
    and the visitor's byte budget."""
    await ctx.limits.visitor_message(visitor.contact_id, client_ip(request), ctx.clock.now())
    info = UploadInfo(name=name, description=description, client_id=client_id)
    return await _upload(request, response, ctx, visitor, visitor.contact_id, info)


@router.get("/api/contacts/{contact_id}/files")
async def contact_files(
    contact_id: ContactId, agent: AgentDep, ctx: CtxDep
) -> list[dict[str, Any]]:
    """Every attachment of a contact, oldest first (for the contact details and reports)."""
    async with ctx.db.read() as conn:
        await access_contact(conn, agent, contact_id)
        return await files_of_contact(conn, contact_id)


@router.get("/api/visitor/contact/files")
async def visitor_files(visitor: VisitorDep, ctx: CtxDep) -> list[dict[str, Any]]:
    async with ctx.db.read() as conn:
        await access_contact(conn, visitor, visitor.contact_id)
        return await files_of_contact(conn, visitor.contact_id)


async def _serve(
    request: Request, ctx: Ctx, principal: Principal, public_id: str, *, thumbnail: bool
) -> FileDownload:
    async with ctx.db.read() as conn:
        row = await readable_file(conn, principal, public_id)
    store = file_store(request)
    if thumbnail:
        if row.thumb_key is None:
            raise NotFoundError("this file has no thumbnail")
        return FileDownload(
            store.path(row.thumb_key), media_type="image/png", headers=SERVED_HEADERS
        )
    return FileDownload(
        store.path(row.storage_key),
        media_type=row.content_type,
        filename=row.name,
        content_disposition_type="attachment",
        headers=SERVED_HEADERS,
    )


@router.get("/api/files/{public_id}")
async def agent_download(
    public_id: FileId, request: Request, agent: AgentDep, ctx: CtxDep
) -> FileDownload:
    """The file, always as an attachment with its sniffed type."""
    return await _serve(request, ctx, agent, public_id, thumbnail=False)


@router.get("/api/files/{public_id}/thumbnail")
async def agent_thumbnail(
    public_id: FileId, request: Request, agent: AgentDep, ctx: CtxDep
) -> FileDownload:
    """A PNG re-encoded by the server (images only)."""
    return await _serve(request, ctx, agent, public_id, thumbnail=True)


@router.get("/api/visitor/files/{public_id}")
async def visitor_download(
    public_id: FileId, request: Request, visitor: VisitorDep, ctx: CtxDep
) -> FileDownload:
    return await _serve(request, ctx, visitor, public_id, thumbnail=False)


@router.get("/api/visitor/files/{public_id}/thumbnail")
async def visitor_thumbnail(
    public_id: FileId, request: Request, visitor: VisitorDep, ctx: CtxDep
) -> FileDownload:
    return await _serve(request, ctx, visitor, public_id, thumbnail=True)

"""Admin: services, tags, transfer groups, the messages visitors left, and erasures."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from sportello.actions.erasure import do_erase_visitor
from sportello.actions.services import (
    do_create_service,
    do_set_identity_secret,
    do_update_service,
)
from sportello.actions.tags import do_create_tag, do_delete_tag, do_update_tag
from sportello.actions.transfer_groups import (
    do_create_transfer_group,
    do_delete_transfer_group,
    do_update_transfer_group,
)
from sportello.queries.left_messages import left_messages_for
from sportello.queries.services import all_services
from sportello.queries.tags import all_tags
from sportello.queries.transfer_groups import all_transfer_groups
from sportello.web.deps import AdminDep, CtxDep, SupervisorDep
from sportello.web.params import GroupId, ServiceId, TagName
from sportello.web.schemas import (
    ErasureBody,
    ServiceBody,
    ServiceChangesBody,
    TagBody,
    TagChangesBody,
    TransferGroupBody,
)

router = APIRouter(prefix="/api/admin", tags=["admin"])


@router.get("/services")
async def list_services(_admin: AdminDep, ctx: CtxDep) -> list[dict[str, Any]]:
    async with ctx.db.read() as conn:
        return await all_services(conn)


@router.post("/services", status_code=201)
async def create_service(body: ServiceBody, admin: AdminDep, ctx: CtxDep) -> dict[str, Any]:
    data = body.model_dump(mode="json")
    data["tags_"] = data.pop("tags")
    return await do_create_service(ctx, **data, actor=admin)


@router.patch("/services/{service_id}")
async def change_service(
    service_id: ServiceId, body: ServiceChangesBody, admin: AdminDep, ctx: CtxDep
) -> dict[str, Any]:
    """Only the fields given change."""
    changes = body.model_dump(mode="json", exclude_none=True)
    return await do_update_service(ctx, service_id, changes, actor=admin)


@router.post("/services/{service_id}/identity-secret")
async def rotate_identity_secret(
    service_id: ServiceId, admin: AdminDep, ctx: CtxDep
) -> dict[str, Any]:
    """A new secret for signing visitors' identity claims; the previous one stops working."""
    secret = await do_set_identity_secret(ctx, service_id, enabled=True, actor=admin)
    return {"identity_secret": secret}


@router.delete("/services/{service_id}/identity-secret", status_code=204)
async def remove_identity_secret(service_id: ServiceId, admin: AdminDep, ctx: CtxDep) -> Response:
    """Verified identity off: every claim is ignored from now on."""
    await do_set_identity_secret(ctx, service_id, enabled=False, actor=admin)
    return Response(status_code=204)


@router.get("/tags")
async def list_tags(_admin: AdminDep, ctx: CtxDep) -> list[dict[str, Any]]:
    async with ctx.db.read() as conn:
        return await all_tags(conn)


@router.post("/tags", status_code=201)
async def create_tag(body: TagBody, admin: AdminDep, ctx: CtxDep) -> dict[str, Any]:
    return await do_create_tag(ctx, name=body.name, description=body.description, actor=admin)


@router.patch("/tags/{name}")
async def change_tag(
    name: TagName, body: TagChangesBody, admin: AdminDep, ctx: CtxDep
) -> dict[str, Any]:
    return await do_update_tag(ctx, name, description=body.description, actor=admin)


@router.delete("/tags/{name}", status_code=204)
async def delete_tag(name: TagName, admin: AdminDep, ctx: CtxDep) -> Response:
    """Only an unused tag (``tag_in_use`` lists what holds it)."""
    await do_delete_tag(ctx, name, actor=admin)
    return Response(status_code=204)


@router.get("/left-messages", tags=["reports"])
async def left_messages(supervisor: SupervisorDep, ctx: CtxDep) -> list[dict[str, Any]]:
    """Those of the services the reader supervises (all of them for an admin)."""
    async with ctx.db.read() as conn:
        return await left_messages_for(conn, supervisor)


@router.get("/transfer-groups")
async def list_transfer_groups(_admin: AdminDep, ctx: CtxDep) -> list[dict[str, Any]]:
    async with ctx.db.read() as conn:
        return await all_transfer_groups(conn)


@router.post("/transfer-groups", status_code=201)
async def create_transfer_group(
    body: TransferGroupBody, admin: AdminDep, ctx: CtxDep
) -> dict[str, Any]:
    return await do_create_transfer_group(
        ctx,
        name=body.name,
        tags_=body.tags,
        match_all=body.match_all,
        priority=body.priority,
        actor=admin,
    )


@router.put("/transfer-groups/{group_id}")
async def update_transfer_group(
    group_id: GroupId, body: TransferGroupBody, admin: AdminDep, ctx: CtxDep
) -> dict[str, Any]:
    return await do_update_transfer_group(
        ctx,
        group_id,
        name=body.name,
        tags_=body.tags,
        match_all=body.match_all,
        priority=body.priority,
        actor=admin,
    )


@router.delete("/transfer-groups/{group_id}", status_code=204)
async def delete_transfer_group(group_id: GroupId, admin: AdminDep, ctx: CtxDep) -> Response:
    await do_delete_transfer_group(ctx, group_id, actor=admin)
    return Response(status_code=204)


@router.post("/erasures")
async def erase_visitor(body: ErasureBody, admin: AdminDep, ctx: CtxDep) -> dict[str, Any]:
    """Everything of one person, named by visitor id or e-mail address (a data-protection
    request): the counts of what was removed."""
    return await do_erase_visitor(ctx, visitor_id=body.visitor_id, email=body.email, actor=admin)

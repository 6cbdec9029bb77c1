"""Admin: services, agents, transfer groups, and the messages visitors left."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from sportello.actions.admin import do_create_agent, do_create_service, do_update_service
from sportello.actions.transfer_groups import (
    do_create_transfer_group,
    do_delete_transfer_group,
    do_update_transfer_group,
)
from sportello.queries.agents import all_agents
from sportello.queries.left_messages import left_messages_for
from sportello.queries.services import all_services
from sportello.queries.transfer_groups import all_transfer_groups
from sportello.web.deps import AdminDep, CtxDep, SupervisorDep
from sportello.web.params import GroupId, ServiceId
from sportello.web.schemas import AgentBody, ServiceBody, ServiceChangesBody, TransferGroupBody

router = APIRouter(prefix="/api/admin", tags=["admin"])


@router.get("/services")
async def list_services(_admin: AdminDep, ctx: CtxDep) -> list[dict[str, Any]]:
    async with ctx.db.read() as conn:
        return await all_services(conn)


@router.post("/services", status_code=201)
async def create_service(body: ServiceBody, _admin: AdminDep, ctx: CtxDep) -> dict[str, Any]:
    return await do_create_service(
        ctx,
        name=body.name,
        language=body.language,
        tags_=body.tags,
        dissuasion_seconds=body.dissuasion_seconds,
        media=[m.value for m in body.media],
        priority=body.priority,
        sites=body.sites,
        dissuasion_message=body.dissuasion_message,
    )


@router.patch("/services/{service_id}")
async def change_service(
    service_id: ServiceId, body: ServiceChangesBody, _admin: AdminDep, ctx: CtxDep
) -> dict[str, Any]:
    """Change a service's data-sharing settings (immediate redirect, saved links)."""
    return await do_update_service(ctx, service_id, body.model_dump(exclude_none=True))


@router.get("/agents")
async def list_agents(_admin: AdminDep, ctx: CtxDep) -> list[dict[str, Any]]:
    async with ctx.db.read() as conn:
        return await all_agents(conn, ctx.clock.now(), ctx.settings.agent_grace_seconds)


@router.post("/agents", status_code=201)
async def create_agent(body: AgentBody, _admin: AdminDep, ctx: CtxDep) -> dict[str, Any]:
    data = body.model_dump()
    data["tags_"] = data.pop("tags")
    return await do_create_agent(ctx, **data)


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
    body: TransferGroupBody, _admin: AdminDep, ctx: CtxDep
) -> dict[str, Any]:
    return await do_create_transfer_group(
        ctx, name=body.name, tags_=body.tags, match_all=body.match_all, priority=body.priority
    )


@router.put("/transfer-groups/{group_id}")
async def update_transfer_group(
    group_id: GroupId, body: TransferGroupBody, _admin: AdminDep, ctx: CtxDep
) -> dict[str, Any]:
    return await do_update_transfer_group(
        ctx,
        group_id,
        name=body.name,
        tags_=body.tags,
        match_all=body.match_all,
        priority=body.priority,
    )


@router.delete("/transfer-groups/{group_id}", status_code=204)
async def delete_transfer_group(group_id: GroupId, _admin: AdminDep, ctx: CtxDep) -> Response:
    await do_delete_transfer_group(ctx, group_id)
    return Response(status_code=204)

"""Liveness and readiness for load balancers and orchestrators (no token needed)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from sportello.web.readiness import NOT_FAILING, Readiness

router = APIRouter(tags=["ops"])


@router.get("/health/live")
async def live(request: Request) -> dict[str, object]:
    """The process answers (restart it when this fails)."""
    readiness: Readiness = request.app.state.readiness
    return {"live": True, "node_id": readiness.node_id}


@router.get("/health/ready")
async def ready(request: Request) -> JSONResponse:
    """200 when this process should get new traffic, else 503 naming the failing checks."""
    readiness: Readiness = request.app.state.readiness
    checks = await readiness.check()
    failing = sorted(name for name, state in checks.items() if state not in NOT_FAILING)
    body = {
        "ready": not failing,
        "node_id": readiness.node_id,
        "checks": checks,
        "failing": failing,
    }
    return JSONResponse(body, status_code=503 if failing else 200)

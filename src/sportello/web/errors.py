"""Every HTTP error answers ``{code, message, details?}`` (docs/protocol.md lists the codes).

Besides SportelloError this covers what the framework raises itself: unknown paths, wrong
methods, bodies it cannot parse or validate, and unexpected failures (which still log).
A client that goes away mid-request (an upload cut off) is ordinary: a debug line, no ERROR.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect
from starlette.responses import Response

from sportello.errors import (
    InternalError,
    MethodNotAllowedError,
    NotFoundError,
    SportelloError,
    ValidationFailedError,
)
from sportello.inputs import safe_text
from sportello.storage.conflicts import write_conflict

log = logging.getLogger(__name__)


class ErrorResponse(JSONResponse):
    """ASCII-escaped JSON, so a message quoting odd input can always be encoded."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=True, separators=(",", ":")).encode()


def error_response(
    error: SportelloError, headers: Mapping[str, str] | None = None, status: int | None = None
) -> ErrorResponse:
    headers = dict(headers or {})
    if "retry_after" in error.details:
        headers["Retry-After"] = str(error.details["retry_after"])
    return ErrorResponse(error.to_dict(), status_code=status or error.status, headers=headers)


def _from_http(exc: HTTPException) -> ErrorResponse:
    if exc.status_code == 404:
        error: SportelloError = NotFoundError("there is nothing at this path")
    elif exc.status_code == 405:
        error = MethodNotAllowedError("this path does not accept that method")
    elif exc.status_code in (400, 422):  # e.g. a body too deeply nested to parse
        error = ValidationFailedError(f"the request is not valid: {safe_text(str(exc.detail))}")
    else:
        other = SportelloError(safe_text(str(exc.detail)))
        return error_response(other, exc.headers, exc.status_code)
    return error_response(error, exc.headers)


LIMIT_KEYS = ("min_length", "max_length", "ge", "gt", "le", "lt")


def problem_limit(ctx: Any) -> dict[str, Any]:
    """The bound a field broke (``{"limit": 8}`` for "at least 8 characters"), if any."""
    if not isinstance(ctx, dict):
        return {}
    for key in LIMIT_KEYS:
        value = ctx.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return {"limit": value}
    return {}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(SportelloError)
    async def _sportello_error(_request: Request, exc: SportelloError) -> ErrorResponse:
        return error_response(exc)

    @app.exception_handler(HTTPException)
    async def _http_error(_request: Request, exc: HTTPException) -> ErrorResponse:
        return _from_http(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, exc: RequestValidationError) -> ErrorResponse:
        problems = [
            {
                "field": safe_text(".".join(str(p) for p in e["loc"][1:])),
                "code": str(e["type"]),
                "message": safe_text(str(e["msg"])),
                **problem_limit(e.get("ctx")),
            }
            for e in exc.errors()
        ]
        message = "the request is not valid: " + "; ".join(
            f"{p['field'] or 'body'}: {p['message']}" for p in problems
        )
        return error_response(ValidationFailedError(message, problems=problems))

    @app.exception_handler(ClientDisconnect)
    async def _client_gone(request: Request, _exc: ClientDisconnect) -> Response:
        log.debug("%s %s: the client went away mid-request", request.method, request.url.path)
        return Response(status_code=400)  # nobody is left to read it

    @app.exception_handler(DBAPIError)
    async def _database_error(request: Request, exc: DBAPIError) -> ErrorResponse:
        conflict = write_conflict(exc)
        if conflict is None:
            log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
            return error_response(InternalError("the server failed; try again"))
        log.warning("%s %s: %s", request.method, request.url.path, exc.orig)
        return error_response(conflict)

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, _exc: Exception) -> ErrorResponse:
        return error_response(InternalError("the server failed; try again"))

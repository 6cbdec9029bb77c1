"""File responses whose refused ``Range`` answers have the error shape of every other error.

Starlette's FileResponse answers a bad ``Range`` header itself: a malformed one with a
plain-text 400, one outside the file with an empty 416. Those two answers are replaced by
``invalid_input`` (422) and ``range_not_satisfiable`` (416, ``Content-Range: bytes */size``).
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.responses import FileResponse
from starlette.types import Message, Receive, Scope, Send

from sportello.errors import RangeNotSatisfiableError, SportelloError, field_error
from sportello.web.errors import error_response

REFUSED_RANGE = (400, 416)


class FileDownload(FileResponse):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        refused: list[Message] = []

        async def guarded(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] in REFUSED_RANGE:
                refused.append(message)
            elif not refused:
                await send(message)

        await super().__call__(scope, receive, guarded)
        if refused:
            error, headers = _range_error(refused[0])
            await error_response(error, headers)(scope, receive, send)


def _range_error(start: Message) -> tuple[SportelloError, dict[str, str]]:
    if start["status"] == 400:
        return field_error("Range", "a byte range such as bytes=0-1023"), {}
    content_range = MutableHeaders(raw=list(start.get("headers", []))).get("content-range", "")
    size = content_range.rpartition("/")[2]
    error = RangeNotSatisfiableError(
        f"the range is outside the file ({size} bytes)", size=int(size) if size.isdigit() else None
    )
    return error, {"Content-Range": content_range}

"""uvicorn's own lines, made fit for Sportello's logs.

- Client faults that uvicorn logs as errors are ordinary traffic: they are logged as INFO,
  with no traceback, so ERROR stays for the server's own failures.
- A socket's "[accepted]" line names its path with the query string, where the widget's
  socket carries its token: the query string is dropped.
"""

from __future__ import annotations

import logging

CLIENT_FAULTS = ("Invalid UTF-8 sequence received from client.",)


class ClientFaultFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR and record.getMessage() in CLIENT_FAULTS:
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.exc_info = record.exc_text = None
        return True


class QueryStringFilter(logging.Filter):
    """``'%s - "WebSocket %s" …'`` with the path's ``?…`` cut off."""

    def filter(self, record: logging.LogRecord) -> bool:
        socket_line = isinstance(record.msg, str) and '"WebSocket %s"' in record.msg
        if socket_line and isinstance(record.args, tuple):
            record.args = tuple(
                a.split("?", 1)[0] if isinstance(a, str) and a.startswith("/") else a
                for a in record.args
            )
        return True


def tidy_uvicorn_lines() -> None:
    logger = logging.getLogger("uvicorn.error")
    for kind in (ClientFaultFilter, QueryStringFilter):
        if not any(isinstance(f, kind) for f in logger.filters):
            logger.addFilter(kind())

"""The process's log output: readable lines, or one JSON object per line for a log
collector (``SPORTELLO_LOG_FORMAT``), each with the request or connection id and the
contact and agent where known (log_context.py).

What is logged at info and above never holds a message's text, a file's name or a token:
requests are logged by route (web/request_log.py), and uvicorn's own lines lose their query
strings, where the widget's socket carries its token (logs.py).
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from sportello.log_context import KNOWN, ContextFilter
from sportello.logs import tidy_uvicorn_lines

_RECORD_ATTRIBUTES = set(logging.makeLogRecord({}).__dict__) | {"message", "context"}


def _extra(record: logging.LogRecord) -> dict[str, Any]:
    """The record's own fields (``extra=``) and the context's, context first."""
    fields: dict[str, Any] = dict(getattr(record, "context", {}))
    fields.update(
        {k: v for k, v in record.__dict__.items() if k not in _RECORD_ATTRIBUTES and k[0] != "_"}
    )
    fields.pop("color_message", None)  # uvicorn's coloured copy of the message
    return fields


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **_extra(record),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        fields = _extra(record)
        ordered = [k for k in KNOWN if k in fields] + [k for k in fields if k not in KNOWN]
        tail = " ".join(f"{k}={fields[k]}" for k in ordered)
        line = f"{record.levelname} {record.name}: {record.getMessage()}"
        if tail:
            line = f"{line} [{tail}]"
        if record.exc_info:
            line = f"{line}\n{self.formatException(record.exc_info)}"
        return line


def configure_logging(level: str = "info", fmt: str = "text") -> None:
    """One handler on the root logger for every logger, uvicorn's included (its own
    configuration is turned off: serving.py)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    tidy_uvicorn_lines()

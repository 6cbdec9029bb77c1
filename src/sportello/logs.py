"""Client faults that uvicorn logs as errors are ordinary traffic: log them as INFO, with no
traceback, so ERROR stays for the server's own failures."""

from __future__ import annotations

import logging

CLIENT_FAULTS = ("Invalid UTF-8 sequence received from client.",)


class ClientFaultFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR and record.getMessage() in CLIENT_FAULTS:
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.exc_info = record.exc_text = None
        return True


def quiet_client_faults() -> None:
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, ClientFaultFilter) for f in logger.filters):
        logger.addFilter(ClientFaultFilter())

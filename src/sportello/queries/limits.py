"""Limits the clients check before sending (the server enforces them anyway)."""

from __future__ import annotations

from typing import Any

from sportello.config import Settings
from sportello.files.receive import size_in_words


def client_limits(settings: Settings) -> dict[str, Any]:
    return {
        "message_chars": settings.max_message_chars,
        "upload_bytes": settings.upload_max_bytes,
        "upload_text": size_in_words(settings.upload_max_bytes),
    }
